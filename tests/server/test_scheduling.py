"""The language server's scheduling (``cfnfix/server/server.py``): a cfn-lint result for an older
text is dropped, and typing during a slow analysis queues at most one more."""

from __future__ import annotations

import pytest

from cfnfix.config import Settings
from cfnfix.server.analysis import analyse
from cfnfix.server.positions import PositionMap
from cfnfix.server.settings import client_settings
from devtools.paths import ROOT

SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"


@pytest.mark.asyncio
async def test_a_cfn_lint_result_is_dropped_once_the_document_changed() -> None:
    """Even when the change's own analysis has not been published yet (the race the end-to-end test cannot time)."""
    from cfnfix.server.positions import PositionMap
    from cfnfix.server.server import CfnfixServer, DocState

    server = CfnfixServer()
    server.store.client = client_settings({"cfn-lint": True})
    text = SEED.read_text(encoding="utf-8")
    published: list[object] = []
    server.text_document_publish_diagnostics = published.append  # type: ignore[method-assign]
    lint: list = []  # no cfn-lint needed: it "found" nothing

    for change_meanwhile in (True, False):
        state = DocState("file:///t.yaml", None)
        state.analysis = analyse(text, None, Settings())
        state.version, state.positions = 1, PositionMap(text)
        server.docs[state.uri] = state

        async def fake_lint(
            text: str, file: object, settings: object, state: DocState = state, bump: bool = change_meanwhile
        ) -> list:
            if bump:
                state.generation += 1  # a change arrived; its analysis is still running
            return lint

        server.linter.lint = fake_lint  # type: ignore[method-assign]
        before = state.analysis
        await server._lint(state)
        if change_meanwhile:
            assert published == [] and state.analysis is before
        else:
            assert len(published) == 1 and state.analysis is not before and state.analysis.linted
    server.engine.shutdown(wait=True)


@pytest.mark.asyncio
async def test_typing_during_a_slow_analysis_queues_at_most_one_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changes every 60 ms (past the 50 ms debounce) while each analysis takes 200 ms: the
    analyses run one after the other, each of the latest text, and the last version is published."""
    import asyncio
    import threading
    import time

    from lsprotocol import types as lsp
    from pygls.workspace import Workspace

    import cfnfix.server.server as server_module
    from cfnfix.server.analysis import Analysis
    from cfnfix.server.documents import use_lsp_lines
    from cfnfix.server.server import CfnfixServer

    calls: list[int | None] = []
    running = threading.Semaphore(1)

    def slow_job(
        text: str,
        path: object,
        settings: object,
        good: object,
        encoding: str,
        version: int | None,
        previous: object = None,
    ) -> tuple:
        assert running.acquire(blocking=False), "two analyses of one document at once"
        try:
            calls.append(version)
            time.sleep(0.2)
            return Analysis(text, template=False), PositionMap(text), []
        finally:
            running.release()

    monkeypatch.setattr(server_module, "_analysis_job", slow_job)
    server = CfnfixServer()
    server.protocol._workspace = Workspace(None)
    use_lsp_lines(server.workspace)
    published: list[lsp.PublishDiagnosticsParams] = []
    server.text_document_publish_diagnostics = published.append  # type: ignore[method-assign]
    uri = "file:///t.yaml"
    server.workspace.put_text_document(lsp.TextDocumentItem(uri=uri, language_id="yaml", version=0, text="a: 1\n"))
    for version in range(1, 11):
        server.workspace.update_text_document(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=0, character=3), end=lsp.Position(line=0, character=4)),
                text=str(version % 10),
            ),
        )
        server.schedule(uri, server.debounce)
        await asyncio.sleep(0.06)
    deadline = time.monotonic() + 10
    while not (published and published[-1].version == 10):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert len(calls) <= 5 and calls[-1] == 10  # one per change would be 10
    assert [p.version for p in published] == [10]  # older results were dropped
    server.engine.shutdown(wait=True)
