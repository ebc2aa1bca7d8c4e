"""The Lambda rules end to end: CFX401-CFX403 (inline Python code) and CFX601 (runtime lifecycle)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.config_files import settings_from_mapping
from cfnfix.errors import ConfigError
from cfnfix.rules import get_rule
from devtools.lint_oracle import lint_errors

LAMBDA_IDS = ("CFX401", "CFX402", "CFX403", "CFX601")


def function(name: str, code: str, runtime: str = "python3.12", extra: str = "") -> str:
    body = "".join(f"          {line}\n" for line in code.splitlines())
    return (
        f"  {name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: {runtime}\n"
        f"      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/app\n{extra}"
        f"      Code:\n        ZipFile: |\n{body}"
    )


def template(*functions: str, head: str = "") -> str:
    return 'AWSTemplateFormatVersion: "2010-09-09"\n' + head + "Resources:\n" + "".join(functions)


def settings(*select: str, unsafe: bool = True, rules: dict[str, dict[str, object]] | None = None) -> Settings:
    return Settings(select=list(select), unsafe_fixes=unsafe, rules=rules or {})


@pytest.mark.parametrize("rule_id", LAMBDA_IDS)
def test_rule_metadata(rule_id: str) -> None:
    rule = get_rule(rule_id)
    assert rule is not None
    assert re.fullmatch(r"CFX\d{3}", rule.id) and re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", rule.name)
    assert rule.doc_url.startswith("https://docs.aws.amazon.com/")
    assert "## Fix" in rule.explanation and rule.summary and rule.root_cause and rule.deployment_impact
    assert get_rule(rule.name) is rule


def test_two_functions_share_one_parameter() -> None:
    text = template(
        function("A", "import pymysql\n"), function("B", "import pymysql\nimport yaml\nUSE = (pymysql, yaml)\n")
    )
    result = fix(text, config=settings("CFX401"))
    assert result.converged and not result.remaining and not result.failed
    assert result.text.count("PyMySQLLayerArn:\n") == 1
    assert result.text.count("- !Ref PyMySQLLayerArn\n") == 2
    assert [op["path"] for op in result.patch if op["path"].startswith("/Parameters")] == [
        "/Parameters",
        "/Parameters/PyYAMLLayerArn",
    ]
    assert lint_errors(result.text) == set()


def test_without_unsafe_fixes_nothing_changes_but_the_fix_is_offered() -> None:
    text = template(function("A", "import pymysql\n"))
    (finding,) = check(text, select=["CFX401"])
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    assert fix(text, config=settings("CFX401", unsafe=False)).text == text


def test_the_fix_is_idempotent_and_the_layer_counts_as_provided() -> None:
    text = template(function("A", "import pymysql\n"))
    once = fix(text, config=settings("CFX401")).text
    assert check(once, select=["CFX401"]) == []
    assert fix(once, config=settings("CFX401")).text == once


def test_runtime_provided_and_stdlib_imports_depend_on_the_version() -> None:
    code = "import boto3, botocore, jmespath, s3transfer, urllib3, six\nfrom dateutil import tz\nimport distutils\n"
    assert check(template(function("A", code, "python3.11")), select=["CFX401"]) == []
    (finding,) = check(template(function("A", code, "python3.12")), select=["CFX401"])
    assert "distutils (line 3" in finding.message


def test_the_provided_option(tmp_path: Path) -> None:
    text = template(function("A", "import company_utils\n"))
    assert check(text, select=["CFX401"])
    assert (
        check(
            text, config=settings("CFX401", rules={"lambda-inline-missing-dependency": {"provided": ["company_utils"]}})
        )
        == []
    )
    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text('[rules.CFX401]\nprovied = ["x"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="provied"):
        from cfnfix.config_files import load_config_file

        load_config_file(cfg)


def test_parameter_names_are_valid_logical_ids_even_for_long_names() -> None:
    long = "a" * 300
    text = template(function("A", f"import {long}\n"))
    (finding,) = check(text, select=["CFX401"])
    assert finding.fix is not None
    (name,) = finding.fix.patch[0]["value"]
    assert re.fullmatch(r"[A-Za-z0-9]{1,255}", name)


def test_no_fix_past_200_parameters() -> None:
    head = "Parameters:\n" + "".join(f"  P{i}:\n    Type: String\n" for i in range(200))
    (finding,) = check(template(function("A", "import pymysql\n"), head=head), select=["CFX401"])
    assert finding.fix is None and "200 parameters" in finding.message


def test_no_fix_when_parameters_is_not_a_mapping() -> None:
    (finding,) = check(template(function("A", "import pymysql\n"), head="Parameters: []\n"), select=["CFX401"])
    assert finding.fix is None and "not a mapping" in finding.message


def test_layers_given_by_reference_to_a_layer_version_resource_count_as_provided() -> None:
    layer = (
        "  PymysqlLayer:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n"
        "      Content: {S3Bucket: b, S3Key: k.zip}\n"
    )
    extra = "      Layers:\n        - !Ref PymysqlLayer\n"
    assert check(template(layer, function("A", "import pymysql\n", extra=extra)), select=["CFX401"]) == []


def test_json_fix_keeps_json(tmp_path: Path) -> None:
    data = {
        "Resources": {
            "A": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": "arn:aws:iam::123456789012:role/app",
                    "Code": {"ZipFile": "import yaml\n"},
                },
            }
        }
    }
    result = fix(json.dumps(data, indent=2) + "\n", config=settings("CFX401"))
    out = json.loads(result.text)
    assert out["Resources"]["A"]["Properties"]["Layers"] == [{"Ref": "PyYAMLLayerArn"}]
    assert out["Parameters"]["PyYAMLLayerArn"]["Type"] == "String"


@pytest.mark.parametrize(
    "broken",
    [
        "Resources: {}\n",  # (Resources that is not a mapping is a load error, see test_hostile_input.py)
        "Resources:\n  A: 3\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties: []\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: [python3.12]\n      Code: {ZipFile: 'import x'}\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Code: 'import x'\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Code: {ZipFile: 12}\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Layers: {a: b}\n      Code: {ZipFile: 'import x'}\n",
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python2.7\n      Code: {ZipFile: 'print \"x\"'}\n",
        "Globals: 3\nResources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: 'import x'\n",
        "Globals:\n  Function:\n    Runtime: {Ref: R}\n    Layers: 3\nResources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: 'import x'\n",
    ],
)
def test_odd_templates_do_not_crash(broken: str) -> None:
    findings = check(broken, select=list(LAMBDA_IDS))
    fix(broken, config=settings(*LAMBDA_IDS))
    assert all(f.rule_id in LAMBDA_IDS for f in findings)


def test_computed_layers_give_no_fix() -> None:
    text = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Layers: {a: b}\n      Code: {ZipFile: 'import x'}\n"
    (finding,) = check(text, select=["CFX401"])
    assert finding.fix is None and "Layers is computed" in finding.message


def test_syntax_error_and_unanalysable_exclude_each_other_and_cfx401() -> None:
    text = template(
        function("Broken", "import pymysql\ndef f(:\n"),
        "  Joined:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
        "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/app\n"
        "      Code:\n        ZipFile: !Join ['', ['import ', !Ref AWS::Region]]\n",
    )
    ids = [(f.rule_id, f.path.split("/")[2]) for f in check(text, select=list(LAMBDA_IDS))]
    assert sorted(ids) == [("CFX402", "Broken"), ("CFX403", "Joined")]


# --- CFX601 -------------------------------------------------------------------------------


def runtime_template(runtime: str) -> str:
    return (
        "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Runtime: {runtime}\n      Handler: app.handler\n      Role: arn:aws:iam::123456789012:role/app\n"
        "      Code: {S3Bucket: artifacts, S3Key: k.zip}\n"
    )


@pytest.mark.parametrize(
    ("today", "severity"),
    [("2026-10-30", None), ("2026-10-31", "medium"), ("2027-02-01", "high"), ("2027-03-03", "critical")],
)
def test_severity_follows_the_phase_on_the_given_day(today: str, severity: str | None) -> None:
    found = check(runtime_template("python3.10"), config=settings("CFX601", rules={"CFX601": {"today": today}}))
    assert [f.severity.value for f in found] == ([severity] if severity else [])


def test_today_defaults_to_the_machine_date() -> None:
    today = dt.date.today().isoformat()
    for runtime in ("python3.10", "python3.13", "nodejs22.x"):
        text = runtime_template(runtime)
        pinned = check(text, config=settings("CFX601", rules={"CFX601": {"today": today}}))
        assert check(text, select=["CFX601"]) == pinned


def test_options_are_validated_in_configuration_files() -> None:
    ok = settings_from_mapping(
        {"rules": {"lambda-runtime-deprecated": {"today": "2026-11-28", "python-target": "python3.12"}}}
    )
    assert ok.rules["lambda-runtime-deprecated"]["python-target"] == "python3.12"
    settings_from_mapping({"rules": {"CFX601": {"today": dt.date(2026, 11, 28)}}})  # a TOML date
    for bad in (
        {"today": "28.11.2026"},
        {"python-target": "nodejs22.x"},
        {"nodejs-target": "nodejs99.x"},
        {"tomorrow": "x"},
    ):
        with pytest.raises(ConfigError):
            settings_from_mapping({"rules": {"CFX601": bad}})


def test_fix_goes_to_the_successor_and_a_second_run_is_clean() -> None:
    cfg = settings("CFX601", rules={"CFX601": {"today": "2026-11-28"}})
    result = fix(runtime_template("nodejs16.x"), config=cfg)
    # the code is a package on S3, which may be callback-style: not past nodejs22.x (issue 22)
    assert "Runtime: nodejs22.x\n" in result.text and not result.remaining
    assert lint_errors(result.text) == set()


def test_no_supported_successor_means_no_fix() -> None:
    cfg = settings("CFX601", rules={"CFX601": {"today": "2031-01-01"}})
    (finding,) = check(runtime_template("python3.9"), config=cfg)
    assert finding.fix is None and "no supported Python runtime" in finding.message
