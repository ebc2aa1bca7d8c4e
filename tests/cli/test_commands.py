"""``cfnfix rules``, ``cfnfix explain``, ``cfnfix patch`` and SARIF output."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cfnfix.report.sarif import replacement
from cfnfix.rules import all_rules
from devtools.paths import TEST_DATA
from tests.support.cli_fixtures import TEMPLATE

SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"


# ----------------------------------------------------------------------------- rules / explain
def test_rules_table_lists_every_rule(cli) -> None:
    result = cli("rules")
    assert result.exit_code == 0
    header = result.stdout.splitlines()[0].split()
    assert header == ["ID", "Name", "Severity", "Fix", "Summary"]
    for rule in all_rules():
        line = next(line for line in result.stdout.splitlines() if line.startswith(rule.id))
        assert line.split()[:4] == [rule.id, rule.name, rule.severity.value, rule.fix_applicability.value]


@pytest.mark.usefixtures("demo_rules")
def test_rules_json_and_markdown(cli) -> None:
    rows = json.loads(cli("rules", "--format", "json").stdout)
    assert [r["id"] for r in rows] == [r.id for r in all_rules()]
    assert {
        "id": "CFX992",
        "name": "demo-protection",
        "severity": "medium",
        "fix": "unsafe",
        "summary": "Demo: DeletionProtection is false.",
    } in rows
    md = cli("rules", "-f", "markdown").stdout
    assert "| CFX993 | `demo-pymysql` | low | none | Demo: inline code imports pymysql. |" in md


def test_explain_prints_the_rule(cli) -> None:
    result = cli("explain", "CFX900")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "# CFX900 unused-suppression\n\nSeverity: low  \nFix: safe  \nDocumentation: <https://"
    )
    assert "--show-unused-suppressions" in result.stdout
    assert cli("explain", "unused-suppression").stdout == result.stdout
    assert cli("explain", "cfx900").stdout == result.stdout


def test_explain_unknown_rule_exits_2(cli) -> None:
    result = cli("explain", "CFX000")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown rule 'CFX000' (see `cfnfix rules`)\n"


def test_no_command_prints_help(cli) -> None:
    result = cli()
    assert result.exit_code == 2
    assert "check" in result.output and "apply" in result.output


# ----------------------------------------------------------------------------- patch
PATCH = [{"op": "add", "path": "/Resources/Cluster/DeletionPolicy", "value": "Snapshot"}]


def test_patch_prints_the_patched_text(cli, template: Path, tmp_path: Path) -> None:
    patch = tmp_path / "p.json"
    patch.write_text(json.dumps(PATCH), encoding="utf-8")
    result = cli("patch", str(template), str(patch))
    assert result.exit_code == 0
    assert result.stdout == TEMPLATE.replace("false\n  Fn:", "false\n    DeletionPolicy: Snapshot\n  Fn:")
    assert template.read_text(encoding="utf-8") == TEMPLATE


def test_patch_from_stdin_and_write(cli, template: Path) -> None:
    os.chmod(template, 0o600)
    result = cli("patch", "--write", str(template), "-", input=json.dumps(PATCH))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "    DeletionPolicy: Snapshot\n" in template.read_text(encoding="utf-8")
    assert stat.S_IMODE(template.stat().st_mode) == 0o600


def test_patch_template_from_stdin(cli, tmp_path: Path) -> None:
    patch = tmp_path / "p.json"
    patch.write_text(json.dumps(PATCH), encoding="utf-8")
    result = cli("patch", "-", str(patch), input=TEMPLATE)
    assert result.exit_code == 0
    assert "DeletionPolicy: Snapshot" in result.stdout
    assert cli("patch", "-", "-", input="").exit_code == 2
    assert (
        cli("patch", "--write", "-", str(patch), input=TEMPLATE).stderr
        == "error: --write needs a file, not standard input\n"
    )


@pytest.mark.parametrize(
    ("patch_text", "message"),
    [
        ('[{"op": "add", "path": ', "p.json:1:24: invalid JSON patch: Expecting value"),
        ('{"op": "add"}', "p.json: a JSON patch must be an array of operations: put the operation in [ ]"),
        ('{"a.yaml": [], "b.yaml": []}', "p.json: the patch object has no entry for"),
        ('"x"', "p.json: a JSON patch must be an array of operations"),
        ("[1]", "p.json: operation 0 is not an object"),
        ('[{"op": "add"}]', "p.json: operation 0 needs string members 'op' and 'path'"),
    ],
)
def test_bad_patch_documents_exit_2(cli, template: Path, tmp_path: Path, patch_text: str, message: str) -> None:
    patch = tmp_path / "p.json"
    patch.write_text(patch_text, encoding="utf-8")
    result = cli("patch", "--write", str(template), str(patch))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and message in line, line
    assert template.read_text(encoding="utf-8") == TEMPLATE


def test_patch_that_does_not_apply_exits_2_with_position(cli, template: Path) -> None:
    bad = [{"op": "test", "path": "/Resources/Cluster/Type", "value": "AWS::S3::Bucket"}]
    result = cli("patch", "--write", str(template), "-", input=json.dumps(bad))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {template}:5:11: "), line
    assert template.read_text(encoding="utf-8") == TEMPLATE
    missing = cli("patch", str(template), "-", input='[{"op": "remove", "path": "/Nope"}]')
    assert missing.exit_code == 2
    assert missing.stderr.startswith(f"error: {template}")


def test_patch_missing_files(cli, template: Path, tmp_path: Path) -> None:
    assert (
        cli("patch", str(tmp_path / "no.yaml"), "-", input="[]").stderr
        == f"error: {tmp_path / 'no.yaml'}: no such file\n"
    )
    assert (
        cli("patch", str(template), str(tmp_path / "no.json")).stderr
        == f"error: {tmp_path / 'no.json'}: no such file\n"
    )


def test_patch_object_with_several_files_picks_the_entry(cli, template: Path) -> None:
    doc = {"other.yaml": [], str(template): PATCH}
    result = cli("patch", str(template), "-", input=json.dumps(doc))
    assert result.exit_code == 0
    assert "DeletionPolicy: Snapshot" in result.stdout


# ----------------------------------------------------------------------------- SARIF
@pytest.mark.usefixtures("demo_rules")
def test_sarif_validates_against_the_official_schema_and_carries_fixes(cli, template: Path, tmp_path: Path) -> None:
    import jsonschema

    bad = tmp_path / "bad file.yaml"
    bad.write_text("Resources:\n  A: 1\n  A: 2\n", encoding="utf-8")
    result = cli("check", "--format", "sarif", str(template), str(bad))
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)

    (run,) = log["runs"]
    assert log["version"] == "2.1.0"
    assert run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == [r.id for r in all_rules()]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["CFX991", "CFX992", "CFX993"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    for r in results:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]
    loc = results[0]["locations"][0]["physicalLocation"]
    assert loc["region"] == {"startLine": 4, "startColumn": 3}
    (fix,) = results[0]["fixes"]
    (change,) = fix["artifactChanges"]
    (rep,) = change["replacements"]
    assert rep["deletedRegion"] == {"startLine": 9, "startColumn": 1, "endLine": 9, "endColumn": 1}  # an insertion
    assert rep["insertedContent"]["text"] == "    DeletionPolicy: Snapshot\n"
    assert fix["properties"]["applicability"] == "safe"
    assert "fixes" in results[1] and "fixes" not in results[2]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    note = invocation["toolExecutionNotifications"][0]
    assert note["message"]["text"] == "duplicate key 'A'"
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("bad%20file.yaml")
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 3}


def test_sarif_for_a_clean_run_validates(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonschema

    (tmp_path / "ok.yaml").write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "-f", "sarif", "ok.yaml")
    assert result.exit_code == 0
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text(encoding="utf-8"))).validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_replacements_are_whole_changed_lines() -> None:
    from cfnfix import apply_patch
    from cfnfix.findings import Applicability, Fix

    text = "A: no\nB: 1\nC: 2\nD: x\n"
    fix = Fix(
        applicability=Applicability.SAFE,
        message="m",
        patch=[{"op": "replace", "path": "/A", "value": "yes please"}, {"op": "replace", "path": "/D", "value": "y"}],
    )
    reps = replacement(text, fix)
    assert reps == [(0, 6, "A: yes please\n"), (16, 21, "D: y\n")]
    out = text
    for start, end, new in reversed(reps):
        out = out[:start] + new + out[end:]
    assert out == apply_patch(text, fix.patch)
    broken = Fix(applicability=Applicability.SAFE, message="m", patch=[{"op": "remove", "path": "/Nope"}])
    assert replacement("A: 1\n", broken) is None
    noop = Fix(applicability=Applicability.SAFE, message="m", patch=[{"op": "replace", "path": "/A", "value": 1}])
    assert replacement("A: 1\n", noop) is None
