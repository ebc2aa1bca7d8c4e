"""The language server's pure parts: positions, spans, carried-over findings, edits, settings; the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cfnfix.api import check
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.errors import ConfigError
from cfnfix.patch import apply_patch
from cfnfix.patch.edits import splice
from cfnfix.server.analysis import analyse, carry_over, finding_span
from cfnfix.server.fixes import diff_edits, fix_all, quick_fix
from cfnfix.server.positions import PositionMap
from cfnfix.server.settings import SettingsStore, client_settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"


@pytest.mark.parametrize(
    ("text", "offset", "encoding", "position"),
    [
        ("ab\ncd", 4, "utf-16", (1, 1)),
        ("ab\r\ncd", 5, "utf-16", (1, 1)),
        ("ab\rcd", 4, "utf-16", (1, 1)),  # a lone CR ends a line (LSP), as in YAML
        ("a\u2028b\nc", 4, "utf-16", (1, 0)),  # U+2028 does not (str.splitlines would split there)
        ("\U0001f680x", 1, "utf-16", (0, 2)),  # outside the BMP: two UTF-16 units
        ("\U0001f680x", 1, "utf-8", (0, 4)),
        ("\U0001f680x", 1, "utf-32", (0, 1)),
        ("é=1", 1, "utf-8", (0, 2)),
    ],
)
def test_positions_round_trip(text: str, offset: int, encoding: str, position: tuple[int, int]) -> None:
    positions = PositionMap(text, encoding)
    assert positions.position(offset) == position
    assert positions.offset(*position) == offset


def test_position_past_the_end_of_a_line_is_its_end() -> None:
    positions = PositionMap("ab\r\ncd\n")
    assert positions.offset(0, 99) == 2
    assert positions.offset(9, 0) == len("ab\r\ncd\n")
    assert positions.position(10_000) == (2, 0)


def test_finding_spans_cover_the_key_or_the_first_line() -> None:
    text = SEED.read_text(encoding="utf-8")
    document = load(text, None)
    spans = {f.rule_id: text[slice(*finding_span(document, f))] for f in check(text)}
    assert spans["CFX101"] == "SchemaSync Lambda"  # the key
    assert spans["CFX201"] == "ReplicaCluster"  # the resource's key, not its whole body
    assert spans["CFX301"] == "5.7.mysql_aurora.2.11.2"
    assert spans["CFX401"] == "|"  # a block literal: its first line only


def test_analysis_of_broken_and_foreign_texts() -> None:
    settings = Settings()
    broken = analyse("Resources:\n  A: [1, 2\n", None, settings)
    assert broken.template and broken.problem is not None and not broken.findings
    assert broken.problem.span[0] > 0
    assert not analyse("on: [push]\n", None, settings).template  # not a template: nothing to say
    assert not analyse("jobs: {a: [1\n", None, settings).template  # not even a broken one


def test_carry_over_moves_spans_around_the_edit() -> None:
    text = SEED.read_text(encoding="utf-8")
    good = analyse(text, None, Settings())
    at = text.index("Resources:")
    edited = text[:at] + "X: [\n" + text[at:]
    findings, spans = carry_over(good, edited)
    assert findings == good.findings
    for (s0, e0), (s1, e1) in zip(good.spans, spans):
        assert edited[s1:e1] == text[s0:e0]
    # an edit inside a span shrinks it to the edit's start
    s0, e0 = good.spans[0]
    findings, spans = carry_over(good, text[: s0 + 1] + text[s0 + 2 :])
    assert spans[0] == (s0, e0 - 1)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb\nc\n", "a\nb\nb2\nc\n"),
        ("a\r\nb\r\n", "a\r\nb\r\nc"),
        ("x", ""),
        ("", "y\n"),
        ("same\n", "same\n"),
    ],
)
def test_diff_edits_rebuild_the_new_text(old: str, new: str) -> None:
    edits = diff_edits(old, new)
    assert splice(old, edits) == new
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))


def test_quick_fix_edits_are_the_engines_and_minimal() -> None:
    text = SEED.read_text(encoding="utf-8")
    (rename,) = [f for f in check(text) if f.rule_id == "CFX101"]
    result = quick_fix(text, None, rename)
    assert result.from_engine
    assert result.text == apply_patch(text, rename.fix.patch)  # type: ignore[union-attr]
    assert splice(text, result.edits) == result.text
    assert len(result.edits) == 4 and sum(e.end - e.start for e in result.edits) < 120


def test_fix_all_is_apply() -> None:
    text = SEED.read_text(encoding="utf-8")
    settings = Settings.model_validate({"rules": {"lambda-runtime-deprecated": {"today": "2026-11-28"}}})
    result, edits = fix_all(text, None, settings)
    assert result.text != text and splice(text, edits) == result.text
    assert max(e.end - e.start for e in edits) < len(text) // 10  # never a whole-document replace


def test_client_settings_shapes_and_errors() -> None:
    assert client_settings(None).overrides() == {}
    assert client_settings({"cfnfix": {"unsafeFixes": True}}).overrides() == {"unsafe_fixes": True}
    assert client_settings({"settings": {"select": "CFX1, CFX2"}}).overrides() == {"select": ["CFX1", "CFX2"]}
    assert client_settings({"ignore": ["CFX9"], "show-unused-suppressions": True}).overrides() == {
        "ignore": ["CFX9"],
        "show_unused_suppressions": True,
    }
    with pytest.raises(ConfigError, match="selekt: unknown key"):
        client_settings({"selekt": ["CFX1"]})
    with pytest.raises(ConfigError, match="unsafe-fixes"):
        client_settings({"unsafe-fixes": "yes"})
    with pytest.raises(ConfigError, match="must be an object"):
        client_settings([1])


def test_settings_store_discovers_rereads_and_survives_a_bad_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    doc = str(tmp_path / "sub" / "t.yaml")
    store = SettingsStore()
    assert store.for_document(doc) == (Settings(), None)
    config = tmp_path / ".cfnfix.toml"
    config.write_text('ignore = ["CFX1"]\n', encoding="utf-8")
    assert store.for_document(doc)[0].ignore == ["CFX1"]
    config.write_text('ignore = ["CFX1", "CFX25"]\n', encoding="utf-8")  # another size: read again
    assert store.for_document(doc)[0].ignore == ["CFX1", "CFX25"]
    config.write_text("ignore = [\n", encoding="utf-8")
    settings, error = store.for_document(doc)
    assert settings == Settings() and error is not None and "invalid TOML" in str(error)
    store.client = client_settings({"select": ["CFX2"], "config": str(tmp_path / "other.toml")})
    (tmp_path / "other.toml").write_text("unsafe-fixes = true\n", encoding="utf-8")
    settings, error = store.for_document(doc)
    assert error is None and settings.unsafe_fixes and settings.select == ["CFX2"]


def test_server_command_without_the_extra_is_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.server

    monkeypatch.setattr(cfnfix.server, "missing_dependency", lambda: "pygls")
    result = cli("server")
    assert result.exit_code == 2
    assert result.stderr == "error: cfnfix server needs pygls, which is not installed: pip install 'cfnfix[server]'\n"


def test_other_commands_do_not_import_the_server_libraries(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cfnfix.cli.app import app\n"
        f"for args in (['check', {str(template)!r}], ['apply', {str(template)!r}], ['rules']):\n"
        "    CliRunner().invoke(app, args)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or m.startswith('cfnfix.server')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_quick_fix_of_a_comment_is_the_rules_text_edit() -> None:
    """A fix made of text edits (an unused suppression comment) is sent as those edits."""
    from cfnfix.patch.text_edits import apply_fix

    text = "Resources:\n  Bucket:  # cfnfix: ignore[CFX201]\n    Type: AWS::S3::Bucket\n"
    (finding,) = [
        f for f in check(text, config=Settings(show_unused_suppressions=True)) if f.fix is not None and f.fix.edits
    ]
    result = quick_fix(text, None, finding)
    assert result.text == apply_fix(text, finding.fix) == splice(text, result.edits)  # type: ignore[arg-type]
    assert "cfnfix: ignore" not in result.text and "Bucket:" in result.text


def _reference_offset(text: str, line: int, character: int, encoding: str) -> int:
    """Offset of an LSP position, counted character by character (LSP line ends only)."""
    offset, row = 0, 0
    while row < line and offset < len(text):
        if text[offset] == "\r" and text[offset + 1 : offset + 2] == "\n":
            offset += 2
            row += 1
        elif text[offset] in "\r\n":
            offset += 1
            row += 1
        else:
            offset += 1
    if row < line:
        return len(text)
    units = 0
    while offset < len(text) and text[offset] not in "\r\n" and units < character:
        ch = text[offset]
        units += {"utf-8": len(ch.encode("utf-8")), "utf-32": 1}.get(encoding, 2 if ord(ch) > 0xFFFF else 1)
        offset += 1
    return offset


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
def test_incremental_changes_land_where_the_protocol_says(encoding: str) -> None:
    """Random range replacements on texts with CRLF, lone CR, U+2028 and non-BMP characters."""
    import random

    from lsprotocol import types as lsp
    from pygls.workspace.position_codec import PositionCodec

    from cfnfix.server.documents import LspTextDocument
    from cfnfix.server.positions import encoding_name

    kind = {
        "utf-8": lsp.PositionEncodingKind.Utf8,
        "utf-16": lsp.PositionEncodingKind.Utf16,
        "utf-32": lsp.PositionEncodingKind.Utf32,
    }[encoding]
    assert encoding_name(kind) == encoding
    rng = random.Random(encoding)
    pieces = ["a", "b: c", "\n", "\r\n", "\r", "\u2028", "\U0001f680", "é", "  "]
    text = "".join(rng.choice(pieces) for _ in range(200))
    doc = LspTextDocument("file:///t.yaml", source=text, version=1, position_codec=PositionCodec(kind))
    for _ in range(300):
        lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
        a = (rng.randrange(lines + 1), rng.randrange(8))
        b = (rng.randrange(lines + 1), rng.randrange(8))
        a, b = sorted([a, b])
        start, end = _reference_offset(text, *a, encoding), _reference_offset(text, *b, encoding)
        new = "".join(rng.choice(pieces) for _ in range(rng.randrange(4)))
        change = lsp.TextDocumentContentChangePartial(
            range=lsp.Range(start=lsp.Position(line=a[0], character=a[1]), end=lsp.Position(line=b[0], character=b[1])),
            text=new,
        )
        doc.apply_change(change)
        text = text[:start] + new + text[max(start, end) :]
        assert doc.source == text


def test_garbage_cycles_left_by_an_analysis_are_collected() -> None:
    """The collector is off during an analysis and its leftovers frozen; a collection still finds their cycles."""
    import gc
    import weakref

    from cfnfix.server.collector import Collector

    class Node:
        pass

    collector = Collector()
    was = gc.isenabled()
    with collector.held():
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        gone = weakref.ref(a)
        del a, b
    assert gc.isenabled() == was and collector.held_since_collect == 1
    gc.collect()
    assert gone() is not None  # frozen: ordinary collections skip it
    collector.collect()
    assert gone() is None and collector.held_since_collect == 0
    gc.unfreeze()


def test_positions_after_an_edit_equal_fresh_ones() -> None:
    import random

    rng = random.Random(5)
    text = SEED.read_text(encoding="utf-8")
    positions = PositionMap(text)
    for _ in range(500):
        at = rng.randrange(len(text) + 1)
        end = min(len(text), at + rng.choice([0, 0, 1, 3, 40]))
        new = "".join(rng.choice(["a", "\n", " ", "\n\n", "é"]) for _ in range(rng.randrange(3)))
        text = text[:at] + new + text[end:]
        positions = PositionMap.after_edit(positions, text)
        assert positions.starts == PositionMap(text).starts
    crlf = PositionMap.after_edit(PositionMap("a\r\nb"), "a\r\nbc\r\n")
    assert crlf.starts == [0, 3, 7]


@pytest.mark.asyncio
async def test_a_cfn_lint_result_is_dropped_once_the_document_changed() -> None:
    """Even when the change's own analysis has not been published yet (the race the end-to-end test cannot time)."""
    from cfnfix.server.positions import PositionMap
    from cfnfix.server.server import CfnfixServer, DocState
    from cfnfix.server.settings import client_settings

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
