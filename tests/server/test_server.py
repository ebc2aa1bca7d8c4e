"""``cfnfix server`` end to end (pytest-lsp): a real client talks LSP to the server in a subprocess.

The seed scenario's template is opened in a folder with its configuration as ``.cfnfix.toml``
(discovered as ``cfnfix check`` discovers it); what the server says is compared with what
the command line says about the same file.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from lsprotocol import types as lsp
from pytest_lsp import client_capabilities
from typer.testing import Result

from cfnfix.server.positions import PositionMap
from devtools.lsp_session import session
from devtools.paths import GOLDEN

pytestmark = pytest.mark.asyncio

SEED = GOLDEN / "seed-scenario"
_SEVERITY = {"critical": 1, "high": 1, "medium": 2, "low": 3}


def _seed(folder: Path, case: str = "aurora-replication-yaml", *, config: str | None = None) -> Path:
    """The seed case's input as ``template.<ext>`` in ``folder``, its config.toml as ``.cfnfix.toml``."""
    source = SEED / case
    (found,) = source.glob("input.*")
    target = folder / f"template{found.suffix}"
    shutil.copy(found, target)
    text = (source / "config.toml").read_text(encoding="utf-8") if config is None else config
    (folder / ".cfnfix.toml").write_text(text, encoding="utf-8")
    return target


def _check(cli: Callable[..., Result], path: Path) -> list[dict]:
    result = cli("check", "--format", "json", str(path))
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _applied_by_cli(cli: Callable[..., Result], path: Path, *args: str) -> str:
    """What ``cfnfix apply --write ARGS`` writes to a copy of ``path``."""
    copy = path.with_name("copy" + path.suffix)
    shutil.copy(path, copy)
    result = cli("apply", "--write", "-q", *args, str(copy))
    assert result.exit_code in (0, 1), result.stderr
    text = copy.read_bytes().decode("utf-8")
    copy.unlink()
    return text


def _without_data(diagnostics: list[lsp.Diagnostic]) -> list[lsp.Diagnostic]:
    return [attrs.evolve(d, data=None) for d in diagnostics]


def _by_index(actions: list[lsp.CodeAction], index: int) -> list[lsp.CodeAction]:
    return [a for a in actions if isinstance(a.data, dict) and a.data.get("index") == index]


@pytest.mark.parametrize("case", ["aurora-replication-yaml", "aurora-replication-json"])
async def test_diagnostics_equal_check(tmp_path: Path, cli: Callable[..., Result], case: str) -> None:
    path = _seed(tmp_path, case)
    expected = _check(cli, path)
    assert len(expected) >= 6
    async with session(tmp_path) as s:
        uri = s.open(path)
        diagnostics = await s.diagnostics(uri)
    assert len(diagnostics) == len(expected)
    text = path.read_text(encoding="utf-8")
    for d, f in zip(diagnostics, expected):
        assert (d.range.start.line + 1, d.range.start.character + 1) == (f["line"], f["column"])
        assert d.range.end.line >= d.range.start.line and (d.range.end.line, d.range.end.character) > (
            d.range.start.line,
            d.range.start.character,
        )
        assert (d.code, d.message, d.source) == (f["rule_id"], f["message"], "cfnfix")
        assert d.severity == _SEVERITY[f["severity"]]
        assert d.code_description is not None and d.code_description.href == f["doc_url"]
    # the ranges underline what the finding is about: the invalid key, the version string
    positions = PositionMap(text)
    shown = {
        d.code: text[
            positions.offset(d.range.start.line, d.range.start.character) : positions.offset(
                d.range.end.line, d.range.end.character
            )
        ]
        for d in diagnostics
    }
    assert shown["CFX101"] in ("SchemaSync Lambda", '"SchemaSync Lambda"')
    assert shown["CFX301"] in ("5.7.mysql_aurora.2.11.2", '"5.7.mysql_aurora.2.11.2"')


async def test_each_quick_fix_gives_what_apply_writes(tmp_path: Path, cli: Callable[..., Result]) -> None:
    path = _seed(tmp_path)
    findings = _check(cli, path)
    async with session(tmp_path) as s:
        uri = s.open(path)
        diagnostics = await s.diagnostics(uri)
        seen_unsafe = False
        for index, (d, f) in enumerate(zip(diagnostics, findings)):
            actions = _by_index(await s.code_actions(uri, d.range, [d]), index)
            if f["fix"] is None or f["fix"]["applicability"] == "none":
                assert actions == []
                continue
            (action,) = actions
            assert action.edit is not None and action.disabled is None
            assert list(action.diagnostics or []) == [d]
            if f["fix"]["applicability"] == "safe":
                assert action.kind == "quickfix" and action.is_preferred
                assert not action.title.startswith("Unsafe")
            else:
                seen_unsafe = True
                assert action.kind == "quickfix.unsafe" and not action.is_preferred
                assert action.title.startswith("Unsafe fix: ")
            # the config has unsafe-fixes = true, so `apply --select RULE` applies this one fix
            assert s.applied(uri, action.edit) == _applied_by_cli(cli, path, "--select", f["rule_id"]), f["rule_id"]
        assert seen_unsafe
        # a rename of an invalid logical ID: the key and every reference, in one edit
        (rename_index,) = [i for i, f in enumerate(findings) if f["rule_id"] == "CFX101"]
        (action,) = _by_index(await s.code_actions(uri, diagnostics[rename_index].range, []), rename_index)
        (change,) = action.edit.document_changes
        assert len(change.edits) == 4  # the key, !GetAtt "….Arn", two !Ref
        assert all("SchemaSyncLambda" in e.new_text and "SchemaSync Lambda" not in e.new_text for e in change.edits)


async def test_fix_all_equals_apply(tmp_path: Path, cli: Callable[..., Result]) -> None:
    config = '[rules.lambda-runtime-deprecated]\ntoday = "2026-11-28"\n'
    path = _seed(tmp_path, config=config)
    async with session(tmp_path) as s:
        uri = s.open(path)
        diagnostics = await s.diagnostics(uri)
        everything = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=10_000, character=0))
        (action,) = await s.code_actions(uri, everything, diagnostics, only=["source.fixAll"])
        assert action.kind == "source.fixAll.cfnfix"
        assert s.applied(uri, action.edit) == _applied_by_cli(cli, path)
        # the editor turns unsafe fixes on: fix-all is `apply --unsafe-fixes`
        s.configure({"unsafe-fixes": True})
        s.versions[uri] = 1
        await s.until(lambda: sum(p.uri == uri for p in s.published) >= 2)
        (action,) = await s.code_actions(uri, everything, [], only=["source.fixAll.cfnfix"])
        unsafe = _applied_by_cli(cli, path, "--unsafe-fixes")
        assert s.applied(uri, action.edit) == unsafe != _applied_by_cli(cli, path)
        # only quick fixes asked for: no fix-all
        assert all(
            a.kind != "source.fixAll.cfnfix" for a in await s.code_actions(uri, everything, [], only=["quickfix"])
        )


async def test_invalid_yaml_and_back(tmp_path: Path) -> None:
    path = _seed(tmp_path)
    async with session(tmp_path) as s:
        uri = s.open(path)
        good = await s.diagnostics(uri)
        text = s.texts[uri]
        # half-typed: an unclosed flow sequence ten lines above the first finding's line
        at = text.index("Resources:")
        s.change(uri, at, at, "Broken: [a, b\n")
        broken = await s.diagnostics(uri)
        (parse_error,) = [d for d in broken if d.code == "parse-error"]
        assert parse_error.severity == lsp.DiagnosticSeverity.Error
        assert parse_error.range.start.line >= text[:at].count("\n")
        kept = [d for d in broken if d.code != "parse-error"]
        assert [d.code for d in kept] == [d.code for d in good]  # the last good findings stay …
        for before, after in zip(good, kept):  # … on their lines (one line was inserted above most of them)
            shift = 1 if before.range.start.line >= text[:at].count("\n") else 0
            assert after.range.start.line == before.range.start.line + shift
        assert await s.code_actions(uri, kept[0].range, kept) == []  # no fix for a text that does not parse
        # typing on: still broken, still one parse error
        s.change(uri, at + len("Broken: [a, b"), at + len("Broken: [a, b"), ", c")
        assert len([d for d in await s.diagnostics(uri) if d.code == "parse-error"]) == 1
        # and back to valid YAML: fresh findings, equal to the first ones
        s.change(uri, at, at + len("Broken: [a, b, c\n"), "")
        assert s.texts[uri] == text
        assert _without_data(await s.diagnostics(uri)) == _without_data(good)
        # a template error (Resources not a mapping) is one diagnostic too
        s.replace_all(uri, 'AWSTemplateFormatVersion: "2010-09-09"\nResources: [1]\n')
        (error,) = [d for d in await s.diagnostics(uri) if d.code == "parse-error"]
        assert error.code == "parse-error" and "Resources must be a mapping" in error.message
        assert (error.range.start.line, error.range.start.character) == (1, 11)


async def test_configuration_changes_take_effect(tmp_path: Path) -> None:
    path = _seed(tmp_path)
    async with session(tmp_path, options={"ignore": ["CFX5"]}) as s:
        uri = s.open(path)
        codes = [d.code for d in await s.diagnostics(uri)]
        assert "CFX501" not in codes and "CFX101" in codes
        s.configure({"select": ["CFX101", "lambda-runtime-deprecated"]})
        await s.until(lambda: sorted(d.code for d in s.client.diagnostics.get(uri, [])) == ["CFX101", "CFX601"])
        # a bad setting is reported and the settings stay as they were
        s.configure({"selekt": ["CFX1"]})
        await s.until(lambda: any("selekt" in m.message for m in s.client.messages))
        # the configuration file changes on disk: saved in the editor, it is read again
        s.configure({"select": []})
        (tmp_path / ".cfnfix.toml").write_text(
            'ignore = ["CFX4", "CFX6"]\n[rules.lambda-runtime-deprecated]\ntoday = "2026-11-28"\n', encoding="utf-8"
        )
        s.client.text_document_did_save(
            lsp.DidSaveTextDocumentParams(
                text_document=lsp.TextDocumentIdentifier(uri=(tmp_path / ".cfnfix.toml").as_uri())
            )
        )
        await s.until(
            lambda: (
                sorted(d.code for d in s.client.diagnostics.get(uri, [])) == ["CFX101", "CFX201", "CFX301", "CFX501"]
            )
        )


async def test_settings_pulled_from_the_client(tmp_path: Path) -> None:
    """An editor that sends no settings with didChangeConfiguration is asked (workspace/configuration)."""
    path = _seed(tmp_path)
    async with session(tmp_path, options={"cfnfix": {"select": ["CFX1"]}}) as s:
        uri = s.open(path)
        assert [d.code for d in await s.diagnostics(uri)] == ["CFX101"]
        # the client has no cfnfix section: the initialisation options stay
        s.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        await s.until(lambda: len(s.pulls) == 1)
        at = s.texts[uri].index("python3.9")
        s.change(uri, at, at, " ")
        assert [d.code for d in await s.diagnostics(uri)] == ["CFX101"]
        # now it has one
        s.client._configuration[""] = {"cfnfix": {"select": ["CFX2"]}}
        s.client.workspace_did_change_configuration(lsp.DidChangeConfigurationParams(settings=None))
        await s.until(lambda: [d.code for d in s.client.diagnostics.get(uri, [])] == ["CFX201"])
        assert [item.section for p in s.pulls for item in p.items] == ["cfnfix", "cfnfix"]


async def test_client_without_resolve_or_versioned_edits(tmp_path: Path, cli: Callable[..., Result]) -> None:
    """A client that cannot resolve actions gets the edit at once, as plain ``changes``."""
    path = _seed(tmp_path)
    capabilities = client_capabilities("visual-studio-code")
    text_document = attrs.evolve(
        capabilities.text_document,
        code_action=attrs.evolve(capabilities.text_document.code_action, resolve_support=None),
    )
    workspace = attrs.evolve(
        capabilities.workspace,
        workspace_edit=attrs.evolve(capabilities.workspace.workspace_edit, document_changes=False),
    )
    capabilities = attrs.evolve(capabilities, text_document=text_document, workspace=workspace)
    async with session(tmp_path, capabilities=capabilities) as s:
        uri = s.open(path)
        diagnostics = await s.diagnostics(uri)
        (d,) = [d for d in diagnostics if d.code == "CFX101"]
        result = await s.client.text_document_code_action_async(
            lsp.CodeActionParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri),
                range=d.range,
                context=lsp.CodeActionContext(diagnostics=[d]),
            )
        )
        (action,) = [a for a in result if a.kind == "quickfix"]
        assert action.edit is not None and action.edit.changes is not None
        assert s.applied(uri, action.edit) == _applied_by_cli(cli, path, "--select", "CFX101")


async def test_documents_of_every_kind(tmp_path: Path) -> None:
    """Foreign YAML, UTF-16 columns, a U+2028 inside a string, closing: one server for all."""
    workflow = tmp_path / "ci.yaml"
    workflow.write_text("on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n", encoding="utf-8")
    broken = tmp_path / "notes.yaml"
    broken.write_text("a: [1, 2\n", encoding="utf-8")
    rocket = tmp_path / "rocket.yaml"
    rocket.write_text(
        'Description: "\U0001f680 rocket"\nResources:\n  My Bucket: {Type: AWS::S3::Bucket}\n'
        '  Other: {Type: AWS::S3::Bucket, Properties: {Tags: [{Key: "\U0001f680", Value: !Ref "My Bucket"}]}}\n',
        encoding="utf-8",
    )
    separator = tmp_path / "separator.json"
    separator.write_text(
        '{\n  "Description": "a\u2028b",\n  "Resources": {\n    "My Bucket": {"Type": "AWS::S3::Bucket"}\n  }\n}\n',
        encoding="utf-8",
    )
    async with session(tmp_path) as s:
        # YAML that is not a template, broken or not: nothing to say
        for path in (workflow, broken):
            assert await s.diagnostics(s.open(path)) == []
        # columns are UTF-16 code units: a character outside the BMP before a finding counts twice
        uri = s.open(rocket)
        (d,) = await s.diagnostics(uri)
        assert (d.range.start.line, d.range.start.character, d.range.end.character) == (2, 2, 11)
        actions = await s.code_actions(uri, d.range, [d])
        assert [a.kind for a in actions] == ["quickfix", "source.fixAll.cfnfix"]
        edits = actions[0].edit.document_changes[0].edits
        (ref,) = [e for e in edits if e.range.start.line == 3]
        assert ref.range.start.character == len(
            '  Other: {Type: AWS::S3::Bucket, Properties: {Tags: [{Key: "'
        ) + 2 + len('", Value: ')
        assert '!Ref "MyBucket"' in s.applied(uri, actions[0].edit) or "!Ref MyBucket" in s.applied(
            uri, actions[0].edit
        )
        # U+2028 in a string is not a line end in LSP: a later change lands where the client put it
        uri = s.open(separator)
        (d,) = await s.diagnostics(uri)
        assert (d.range.start.line, d.range.start.character) == (3, 4)
        at = s.texts[uri].index("My Bucket") + 2
        s.change(uri, at, at, " ")
        (d,) = await s.diagnostics(uri)
        assert "'My  Bucket'" in d.message and (d.range.start.line, d.range.start.character) == (3, 4)
        # closing a document clears its diagnostics
        s.client.text_document_did_close(
            lsp.DidCloseTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri))
        )
        await s.until(lambda: s.published[-1].uri == uri and not s.published[-1].diagnostics)


async def test_debounced_changes_publish_the_last_version_only(tmp_path: Path) -> None:
    path = _seed(tmp_path)
    async with session(tmp_path) as s:
        uri = s.open(path)
        await s.diagnostics(uri)
        at = s.texts[uri].index("python3.9") + len("python3.")
        for _ in range(5):  # typing fast: five changes in a row
            s.change(uri, at, at, "9")
        last = s.versions[uri]
        await s.diagnostics(uri, last)
        versions = [p.version for p in s.published if p.uri == uri]
        # the last text is answered; at most the first change of the burst started an analysis of its own
        assert versions[0] == 1 and versions[-1] == last and len(versions) <= 3
