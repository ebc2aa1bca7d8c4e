"""``cfnfix server`` with ``cfn-lint = true`` end to end (pytest-lsp): cfn-lint's findings in the editor.

cfn-lint runs in a process of its own: cfnfix's diagnostics are published first, then again
with cfn-lint's merged in, and only for the version that was linted. Each test starts one
server (and so one cfn-lint process, a few seconds): they are few on purpose.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from typer.testing import Result

from devtools.lsp_session import Session, session
from devtools.paths import GOLDEN

pytestmark = pytest.mark.asyncio

SEED = GOLDEN / "seed-scenario" / "aurora-replication-yaml"
_SEVERITY = {"critical": 1, "high": 1, "medium": 2, "low": 3}
#: Long enough for a cold cfn-lint process (start, import, rules) on a busy machine.
LINT_TIMEOUT = 120.0


def _seed(folder: Path, config_extra: str = "") -> Path:
    target = folder / "template.yaml"
    shutil.copy(SEED / "input.yaml", target)
    (folder / ".cfnfix.toml").write_text(
        config_extra + (SEED / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return target


def _check(cli: Callable[..., Result], path: Path, *args: str) -> list[dict]:
    result = cli("check", "--format", "json", *args, str(path))
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _linted(params: lsp.PublishDiagnosticsParams) -> list[lsp.Diagnostic]:
    return [d for d in params.diagnostics if d.source == "cfn-lint"]


def _assert_equal(diagnostics: list[lsp.Diagnostic], expected: list[dict]) -> None:
    """The diagnostics say what ``cfnfix check`` said, in its order."""
    assert [(d.range.start.line + 1, d.range.start.character + 1, d.code, d.message) for d in diagnostics] == [
        (f["line"], f["column"], f["rule_id"], f["message"]) for f in expected
    ]
    for d, f in zip(diagnostics, expected):
        assert d.severity == _SEVERITY[f["severity"]]
        assert d.code_description is not None and d.code_description.href == f["doc_url"]
        assert d.source == ("cfn-lint" if f["rule_id"][0] in "EWI" and f["rule_id"][1:].isdigit() else "cfnfix")


async def _lint_published(s: Session, uri: str, version: int) -> lsp.PublishDiagnosticsParams:
    """The publication of ``version`` that has cfn-lint's findings merged in."""
    return await s.until(
        lambda: next((p for p in s.published if p.uri == uri and p.version == version and _linted(p)), None),
        timeout=LINT_TIMEOUT,
    )


async def test_cfn_lint_from_the_config_file_equals_check(tmp_path: Path, cli: Callable[..., Result]) -> None:
    path = _seed(tmp_path, "cfn-lint = true\n")
    expected = _check(cli, path)
    assert any(f["rule_id"] == "W2001" for f in expected)  # "Parameter PeerVpcId not used": cfn-lint's own
    async with session(tmp_path) as s:
        uri = s.open(path)
        first = await s.until(lambda: s.latest(uri, 1))
        assert _linted(first) == []  # cfnfix's own first, without waiting for cfn-lint …
        assert [d.code for d in first.diagnostics] == [f["rule_id"] for f in expected if f["rule_id"] != "W2001"]
        merged = await _lint_published(s, uri, 1)  # … then again with cfn-lint's merged in
        _assert_equal(list(merged.diagnostics), expected)
        # cfn-lint's finding sits before the others (7:3): the quick fixes still find theirs
        (rename,) = [d for d in merged.diagnostics if d.code == "CFX101"]
        (action,) = [a for a in await s.code_actions(uri, rename.range, [rename]) if a.kind == "quickfix"]
        assert "SchemaSyncLambda" in action.title
        fixed = s.applied(uri, action.edit)
    copy = tmp_path / "copy.yaml"
    shutil.copy(path, copy)
    assert cli("apply", "--write", "-q", "--select", "CFX101", str(copy)).exit_code in (0, 1)
    assert fixed == copy.read_text(encoding="utf-8")


async def test_a_change_while_cfn_lint_runs_and_the_setting_toggled(tmp_path: Path, cli: Callable[..., Result]) -> None:
    path = _seed(tmp_path)
    async with session(tmp_path) as s:
        uri = s.open(path)
        await s.diagnostics(uri)
        # the editor turns cfn-lint on: the document is analysed again, then linted
        s.configure({"cfn-lint": True})
        await s.until(lambda: sum(p.uri == uri for p in s.published) >= 2)
        # a change while cfn-lint runs (the first run starts its process: seconds): a line above everything
        version = s.change(uri, 0, 0, "# edited\n")
        merged = await _lint_published(s, uri, version)
        # what was linted for version 1 was never published: every cfn-lint diagnostic is for the new text
        assert all(p.version == version for p in s.published if _linted(p))
        edited = tmp_path / "edited.yaml"
        edited.write_text(s.texts[uri], encoding="utf-8")
        _assert_equal(list(merged.diagnostics), _check(cli, edited, "--cfn-lint"))
        (w2001,) = _linted(merged)
        assert w2001.range.start.line == 7  # the comment moved it down a line
        # typing on: every version is linted once the one before is done; the last one wins
        for _ in range(3):
            at = s.texts[uri].index("\n")
            last = s.change(uri, at, at, "!")
        merged = await _lint_published(s, uri, last)
        assert [d.code for d in _linted(merged)] == ["W2001"]
        # and off again: cfnfix's own only
        s.configure({"cfn-lint": False})
        await s.until(
            lambda: (
                s.published[-1].uri == uri and not _linted(s.published[-1]) and len(s.published[-1].diagnostics) == 6
            )
        )


async def test_cfn_lint_not_installed(tmp_path: Path) -> None:
    """Without cfn-lint the user is told once which extra to install; cfnfix's own diagnostics still come."""
    hidden = tmp_path / "hide"
    (hidden / "cfnlint").mkdir(parents=True)
    (hidden / "cfnlint" / "__init__.py").write_text(
        'raise ImportError("cfn-lint hidden for this test")\n', encoding="utf-8"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hidden), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    folder = tmp_path / "project"
    folder.mkdir()
    path = _seed(folder)
    async with session(folder, options={"cfnLint": True}, env=env) as s:
        uri = s.open(path)
        assert len(await s.diagnostics(uri)) == 6
        warning = await s.until(lambda: [m for m in s.client.messages if "cfn-lint" in m.message], timeout=LINT_TIMEOUT)
        at = s.texts[uri].index("\n")
        s.change(uri, at, at, " ")
        assert len(await s.diagnostics(uri)) == 6
        await s.until(lambda: s.latest(uri, 2))
    (message,) = warning
    assert message.type == lsp.MessageType.Warning
    assert "pip install 'cfnfix[lint]'" in message.message
    assert [m.message for m in s.client.messages if "cfn-lint" in m.message] == [message.message]  # once
    assert not any(_linted(p) for p in s.published)


async def test_the_lint_process_is_started_again_when_it_dies() -> None:
    import asyncio

    from cfnfix.config import Settings
    from cfnfix.server.linting import LintWorker, LintWorkerDied

    text = (SEED / "input.yaml").read_text(encoding="utf-8")
    worker = LintWorker()
    try:
        first = [f.rule_id for f in await worker.lint(text, None, Settings())]
        assert "W2001" in first
        running = asyncio.ensure_future(worker.lint(text, None, Settings()))
        await asyncio.sleep(0.01)
        worker._process.kill()  # dies while it lints
        with pytest.raises(LintWorkerDied):
            await running
        assert [f.rule_id for f in await worker.lint(text, None, Settings())] == first  # a new process
    finally:
        worker.close()
