"""A pytest-lsp client talking to ``cfnfix server`` in a subprocess, with helpers the server tests share."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from cfnfix.findings import TextEdit
from cfnfix.patch.edits import splice
from cfnfix.server.positions import PositionMap

#: The command that starts the server under test.
SERVER = [sys.executable, "-m", "cfnfix", "server"]


class Session:
    """One client connected to one server process; every published diagnostics message is kept."""

    def __init__(self) -> None:
        self.client = client = LanguageClient(converter_factory=default_converter)
        self.published: list[lsp.PublishDiagnosticsParams] = []
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.pulls: list[lsp.ConfigurationParams] = []

        def configuration(ls: LanguageClient, params: lsp.ConfigurationParams) -> list[Any]:
            self.pulls.append(params)
            return DEFAULT_CLIENT_FEATURES[lsp.WORKSPACE_CONFIGURATION](ls, params)

        def diagnostics(ls: LanguageClient, params: lsp.PublishDiagnosticsParams) -> None:
            self.published.append(params)
            ls.diagnostics[params.uri] = params.diagnostics

        # pytest-lsp's handlers (logs, messages), ours for diagnostics and configuration (recorded)
        register_lsp_features(
            client,
            {
                **DEFAULT_CLIENT_FEATURES,
                lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: diagnostics,
                lsp.WORKSPACE_CONFIGURATION: configuration,
            },
        )

    async def until(self, test: Callable[[], Any], timeout: float = 30.0) -> Any:
        """Wait until ``test()`` is truthy and return it."""
        deadline = time.monotonic() + timeout
        while True:
            found = test()
            if found:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not answer in time")
            await asyncio.sleep(0.005)

    def latest(self, uri: str, version: int | None = None) -> lsp.PublishDiagnosticsParams | None:
        """The last diagnostics published for ``uri`` (for ``version``, when given)."""
        for params in reversed(self.published):
            if params.uri == uri and (version is None or params.version == version):
                return params
        return None

    async def diagnostics(self, uri: str, version: int | None = None) -> list[lsp.Diagnostic]:
        """Wait for the diagnostics of ``uri`` at ``version`` (default: the version last sent)."""
        version = self.versions.get(uri) if version is None else version
        params = await self.until(lambda: self.latest(uri, version))
        return list(params.diagnostics)

    def open(self, path: Path, text: str | None = None) -> str:
        """Open ``path`` (with ``text``, default its content) as version 1; returns its URI."""
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self.versions[uri] = 1
        self.texts[uri] = text
        language = "json" if path.suffix == ".json" else "yaml"
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
            )
        )
        return uri

    def change(self, uri: str, start: int, end: int, new: str) -> int:
        """Replace ``text[start:end]`` of the open document by ``new`` (an incremental change); returns the new version."""
        text = self.texts[uri]
        positions = PositionMap(text)
        (sl, sc), (el, ec) = positions.position(start), positions.position(end)
        rng = lsp.Range(start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec))
        self.versions[uri] += 1
        self.texts[uri] = text[:start] + new + text[end:]
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[lsp.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )
        return self.versions[uri]

    def replace_all(self, uri: str, text: str) -> int:
        """Send the whole new text as one incremental change."""
        return self.change(uri, 0, len(self.texts[uri]), text)

    async def code_actions(
        self, uri: str, rng: lsp.Range, diagnostics: list[lsp.Diagnostic], only: list[str] | None = None
    ) -> list[lsp.CodeAction]:
        """``textDocument/codeAction`` for ``rng``, each action resolved when it has no edit yet."""
        result = await self.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=rng,
                context=lsp.CodeActionContext(diagnostics=diagnostics, only=only),
            )
        )
        actions = []
        for action in result or []:
            assert isinstance(action, lsp.CodeAction)
            if action.edit is None and action.disabled is None:
                action = await self.client.code_action_resolve_async(action)
            actions.append(action)
        return actions

    def applied(self, uri: str, edit: lsp.WorkspaceEdit) -> str:
        """The document's text after ``edit`` (as the client would apply it); checks the version it names."""
        text = self.texts[uri]
        if edit.document_changes is not None:
            (change,) = edit.document_changes
            assert isinstance(change, lsp.TextDocumentEdit)
            assert change.text_document.uri == uri and change.text_document.version == self.versions[uri]
            edits = change.edits
        else:
            assert edit.changes is not None
            edits = edit.changes[uri]
        positions = PositionMap(text)
        offsets = [
            TextEdit(
                start=positions.offset(e.range.start.line, e.range.start.character),
                end=positions.offset(e.range.end.line, e.range.end.character),
                new=e.new_text,
            )
            for e in edits
        ]
        assert all(a.end <= b.start for a, b in zip(offsets, offsets[1:])), "edits overlap or are out of order"
        return splice(text, offsets)

    def configure(self, settings: dict[str, Any]) -> None:
        """``workspace/didChangeConfiguration`` with ``{"cfnfix": settings}``."""
        self.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings={"cfnfix": settings}))


@contextlib.asynccontextmanager
async def session(
    root: Path,
    *,
    options: Any = None,
    capabilities: lsp.ClientCapabilities | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Session]:
    """A server started in ``root``, initialised with ``capabilities`` (default: VS Code's) and ``options``
    (``env``: the server's environment, default this process's)."""
    s = Session()
    lsp_client = s.client
    await lsp_client.start_io(*SERVER, cwd=str(root), **({"env": env} if env is not None else {}))
    capabilities = capabilities or client_capabilities("visual-studio-code")
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )
    try:
        yield s
    finally:
        await lsp_client.shutdown_session()
