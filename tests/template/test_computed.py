"""Computed names: Fn::Join / Fn::Sub / Fn::Select of literals that build a renamed ID's old name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cfnfix import Finding, check, fix
from cfnfix.template.computed import MAX_VALUE, ComputedStrings, evaluate
from devtools.paths import ROOT, TEST_DATA

SCHEMA_JSON = ROOT / "docs" / "json-output.schema.json"
SCHEMA_SARIF = TEST_DATA / "sarif-schema-2.1.0.json"


@pytest.mark.parametrize(
    ("node", "value"),
    [
        ({"Fn::Join": ["-", ["Html", "Api"]]}, "Html-Api"),
        ({"Fn::Join": ["", ["Html", {"Fn::Join": ["-", ["", "Api"]]}]]}, "Html-Api"),
        ({"Fn::Sub": "Html-Api"}, "Html-Api"),
        ({"Fn::Sub": "${!Html}-Api"}, "${Html}-Api"),
        ({"Fn::Sub": ["${A}-${ B }", {"A": "Html", "B": {"Fn::Join": ["", ["A", "pi"]]}}]}, "Html-Api"),
        ({"Fn::Select": [1, ["x", "Html-Api"]]}, "Html-Api"),
        ({"Fn::Select": ["0", [{"Fn::Sub": "Html-Api"}]]}, "Html-Api"),
        # unknown before deployment, or not a string function
        ({"Fn::Join": ["-", ["Html", {"Ref": "AWS::Region"}]]}, None),
        ({"Fn::Sub": "${Env}-Api"}, None),
        ({"Fn::Sub": "${AWS::StackName}-Api"}, None),
        ({"Fn::Sub": ["${A}-Api", {"A": {"Ref": "Env"}}]}, None),
        ({"Fn::Select": [2, ["a"]]}, None),
        ({"Fn::Select": [True, ["a", "b"]]}, None),
        ({"Fn::Join": ["-", ["Html", 1]]}, None),
        ({"Fn::Join": ["-", "Html"]}, None),
        ({"Ref": "Html"}, None),
        ({"Fn::Join": ["-", ["a"]], "Other": 1}, None),
        (7, None),
    ],
)
def test_evaluate(node: object, value: str | None) -> None:
    assert evaluate(node) == value


def test_index_keeps_the_outermost_function_and_skips_plain_strings_and_long_values() -> None:
    data = {
        "Resources": {
            "A": {"Properties": {"Name": {"Fn::Join": ["", [{"Fn::Sub": "Html"}, "-Api"]]}, "Plain": "Html-Api"}},
            "B": {"Properties": {"Code": {"Fn::Join": ["\n", ["x" * MAX_VALUE, "y"]]}}},
            "C/D": {"Properties": {"List": [{"Fn::Sub": "Html-Api"}]}},
        }
    }
    index = ComputedStrings(data)
    assert [(c.pointer, c.function) for c in index.equal_to("Html-Api")] == [
        ("/Resources/A/Properties/Name", "Fn::Join"),
        ("/Resources/C~1D/Properties/List/0", "Fn::Sub"),
    ]
    assert index.equal_to("Html") == [], "the inner Sub is part of the Join"
    assert all(len(c.value) <= MAX_VALUE for c in index.found)


ISSUE = """\
Resources:
  Html-Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: html-api
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Join ['-', [Html, Api]]
"""


def _rename(text: str) -> Finding:
    (finding,) = check(text, select=["CFX101"])
    return finding


def test_the_issue_example_no_longer_says_zero_references() -> None:
    finding = _rename(ISSUE)
    assert "0 references" not in finding.message
    assert "(1 computed reference the rename cannot follow)" in finding.message
    assert "/Resources/Deployment/Properties/RestApiId (Fn::Join)" in finding.message
    assert finding.fix is not None and "0 references" not in finding.fix.message
    (related,) = finding.related
    assert (related.path, related.line, related.column) == ("/Resources/Deployment/Properties/RestApiId", 9, 18)
    assert related.message.startswith("Fn::Join builds 'Html-Api', the old name of 'HtmlApi'")


def test_the_rename_still_happens_and_leaves_the_computed_name_alone() -> None:
    result = fix(ISSUE, select=["CFX101"])
    assert result.text == ISSUE.replace("  Html-Api:", "  HtmlApi:")
    (fixed,) = result.fixed
    assert fixed.related


def test_without_computed_names_nothing_changes() -> None:
    finding = _rename(ISSUE.replace("!Join ['-', [Html, Api]]", "!Ref Html-Api"))
    assert "(1 reference)." in finding.message
    assert finding.related == ()
    assert "related" not in finding.model_dump(mode="json"), "older output is unchanged"


def test_related_round_trips_and_follows_the_json_schema(cli, tmp_path: Path) -> None:
    import jsonschema

    finding = _rename(ISSUE)
    assert Finding.model_validate_json(finding.model_dump_json()) == finding
    path = tmp_path / "api.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    doc = json.loads(cli("check", "-f", "json", "--select", "CFX101", str(path)).stdout)
    jsonschema.validate(doc, json.loads(SCHEMA_JSON.read_text(encoding="utf-8")))
    assert doc["findings"][0]["related"][0]["line"] == 9


def test_sarif_has_related_locations(cli, tmp_path: Path) -> None:
    import jsonschema

    path = tmp_path / "api.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    log = json.loads(cli("check", "-f", "sarif", "--select", "CFX101", str(path)).stdout)
    jsonschema.Draft4Validator(json.loads(SCHEMA_SARIF.read_text(encoding="utf-8"))).validate(log)
    (result,) = log["runs"][0]["results"]
    (loc,) = result["relatedLocations"]
    assert loc["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 18}
    assert loc["message"]["text"].startswith("Fn::Join builds 'Html-Api'")


def test_apply_prints_a_note_per_place_to_review(cli, tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    dry = cli("apply", "--select", "CFX101", str(path))
    assert dry.exit_code == 1
    assert f"note: {path}:9:18: CFX101 Fn::Join builds 'Html-Api', the old name of 'HtmlApi'" in dry.stderr
    assert "note:" not in dry.stdout, "stdout is the diff alone"
    written = cli("apply", "--write", "--select", "CFX101", str(path))
    assert written.exit_code == 0
    assert f"note: {path}:9:18: CFX101" in written.stderr
    path.write_text(ISSUE, encoding="utf-8")
    quiet = cli("apply", "-q", "--select", "CFX101", str(path))
    assert quiet.exit_code == 1 and "note:" not in quiet.stderr


def test_github_annotations_add_a_notice_per_place_to_review(cli, tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(ISSUE, encoding="utf-8")
    lines = cli("check", "-f", "github", "--select", "CFX101", str(path)).stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("::error ")
    assert lines[1] == (
        f"::notice file={path},line=9,col=18,title=CFX101 invalid-logical-id%3A review::"
        "Fn::Join builds 'Html-Api', the old name of 'HtmlApi': the rename leaves it unchanged, review it"
    )
