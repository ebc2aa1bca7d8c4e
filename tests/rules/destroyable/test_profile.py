"""The destroyable profile: validation, opt-in only, coordination with CFX201, explain, and
its data tables checked against cfn-lint's bundled resource schemas."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.config_files import load_config_file
from cfnfix.errors import ConfigError
from cfnfix.profiles import PROFILES, unknown_profile_reason
from cfnfix.rules import all_rules
from cfnfix.rules.destroyable._common import outcomes, table
from devtools.golden_cases import discover
from devtools.paths import ROOT

FAMILY = [r for r in all_rules() if r.profile == "destroyable"]

RDS = """\
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Metadata:
      cfnfix:
        ignore: [CFX201]
    Properties:
      Engine: aurora-postgresql
      MasterUsername: app
      ManageMasterUserPassword: true
      DeletionProtection: false
"""


# ------------------------------------------------------------------ the profile setting
def test_family_is_the_profiles_id_range() -> None:
    assert [r.id for r in FAMILY] == [f"CFX{n}" for n in range(250, 260)]
    assert all(250 <= int(r.id[3:]) <= 269 for r in FAMILY)
    assert all(r.summary.startswith("Profile `destroyable`: ") for r in FAMILY)


def test_unknown_profile_in_a_configuration_file_is_an_error_naming_file_line_and_profiles(tmp_path: Path) -> None:
    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text('select = ["CFX2"]\nprofile = "destroy"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config_file(cfg)
    assert info.value.line == 2
    assert "profile: unknown profile 'destroy' (known profiles: destroyable)" in info.value.reason


def test_profile_in_pyproject(tmp_path: Path) -> None:
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[tool.cfnfix]\nprofile = "destroyable"\n', encoding="utf-8")
    assert load_config_file(cfg).profile == "destroyable"


def test_unknown_profile_reason() -> None:
    assert unknown_profile_reason("destroyable") is None
    assert set(PROFILES) == {"destroyable"}
    assert unknown_profile_reason("Destroyable") == "unknown profile 'Destroyable' (known profiles: destroyable)"


def test_cli_profile_flag_turns_the_rules_on(cli, tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(RDS, encoding="utf-8")
    without = cli("check", "--select", "CFX25", str(path))
    assert without.exit_code == 0, without.stdout
    with_profile = cli("check", "--profile", "destroyable", "--select", "CFX25", str(path))
    assert with_profile.exit_code == 1
    assert f"{path}:2:3: CFX252 Cluster (AWS::RDS::DBCluster) has no DeletionPolicy" in with_profile.stdout


def test_cli_unknown_profile_is_exit_2_and_touches_nothing(cli, tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(RDS, encoding="utf-8")
    result = cli("apply", "--write", "--profile", "nope", "--unsafe-fixes", str(path))
    assert result.exit_code == 2
    assert result.stderr == "error: --profile: unknown profile 'nope' (known profiles: destroyable)\n"
    assert path.read_text(encoding="utf-8") == RDS


def test_cli_profile_flag_overrides_configuration(cli, tmp_path: Path) -> None:
    (tmp_path / ".cfnfix.toml").write_text('select = ["CFX25"]\n', encoding="utf-8")
    path = tmp_path / "stack.yaml"
    path.write_text(RDS, encoding="utf-8")
    result = cli("apply", "--profile", "destroyable", "--unsafe-fixes", str(path))
    assert result.exit_code == 1
    assert "+    DeletionPolicy: Delete" in result.stdout


# ------------------------------------------------------------------ opt-in only
@pytest.mark.parametrize("case", discover(), ids=[c.id for c in discover()])
def test_no_family_rule_fires_without_the_profile(case) -> None:
    """Every golden input, all family rules selected, no profile: nothing."""
    # CFX801 reads the JSON inputs that need its repair (trailing commas, comments)
    settings = case.settings().model_copy(
        update={"profile": None, "select": ["CFX25", "CFX26", "CFX801"], "ignore": []}
    )
    assert [f for f in check(case.input_text(), config=settings) if f.rule_id != "CFX801"] == []


def test_fix_without_profile_changes_nothing() -> None:
    text = (ROOT / "golden" / "deletion-policy-retains" / "whole-profile" / "input.yaml").read_text(encoding="utf-8")
    result = fix(text, config=Settings(select=["CFX25"]), unsafe=True)
    assert not result.changed and result.remaining == []


# ------------------------------------------------------------------ CFX201 coordination
def test_cfx201_stands_down_under_the_profile_and_cfx252_reports_once() -> None:
    text = RDS.replace("    Metadata:\n      cfnfix:\n        ignore: [CFX201]\n", "")
    plain = [f.rule_id for f in check(text)]
    assert plain == ["CFX201"]
    profiled = [f.rule_id for f in check(text, config=Settings(profile="destroyable"))]
    assert profiled == ["CFX252"]


def test_a_cfx201_suppression_is_not_reported_unused_under_the_profile() -> None:
    settings = Settings(profile="destroyable", select=["CFX201", "CFX252", "CFX900"], show_unused_suppressions=True)
    assert [f.rule_id for f in check(RDS, config=settings)] == ["CFX252"]


# ------------------------------------------------------------------ explain
@pytest.mark.parametrize("rule", FAMILY, ids=[r.id for r in FAMILY])
def test_explain_names_the_profile_and_the_danger(cli, rule) -> None:
    result = cli("explain", rule.id)
    assert result.exit_code == 0
    assert "Profile: destroyable (runs only with `--profile destroyable`" in result.stdout
    if rule.fix_applicability.value == "unsafe":
        assert "## Fix safety\n**Unsafe**" in result.stdout
        assert re.search(r"delet|destroy", result.stdout.split("## Fix safety", 1)[1])
    else:
        assert "Fix: none" in result.stdout


def test_explain_of_an_ordinary_rule_has_no_profile_line(cli) -> None:
    assert "Profile:" not in cli("explain", "CFX101").stdout


# ------------------------------------------------------------------ reading computed values
def test_outcomes_reads_if_branches_and_parameters() -> None:
    data = {
        "Parameters": {
            "P": {"Type": "String", "AllowedValues": ["Retain", "Delete"]},
            "Q": {"Type": "String", "Default": "Snapshot"},
        }
    }
    assert outcomes(data, {"Fn::If": ["C", "Retain", {"Ref": "P"}]}).values == ("Retain", "Delete")
    q = outcomes(data, {"Ref": "Q"})
    assert q.values == ("Snapshot",) and q.unknown
    assert outcomes(data, {"Fn::FindInMap": ["M", "a", "b"]}).unknown


# ------------------------------------------------------------------ data tables vs cfn-lint
def _schemas() -> Any:
    return resources.files("cfnlint") / "data" / "schemas"


def _schema(type_name: str) -> dict[str, Any]:
    provider = json.loads((_schemas() / "providers" / "us-east-1.json").read_text(encoding="utf-8"))
    assert type_name in provider, f"{type_name} is not a resource type cfn-lint knows"
    return json.loads((_schemas() / "resources" / f"{provider[type_name]}.json").read_text(encoding="utf-8"))


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = {**schema["definitions"][node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _property(schema: dict[str, Any], path: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = schema
    for token in path:
        node = _resolve(schema, node)
        if token == "*":
            assert node.get("type") == "array", path
            node = node["items"]
        else:
            assert token in node.get("properties", {}), f"{token} of {path} is not in the schema"
            node = node["properties"][token]
    return _resolve(schema, node)


@pytest.mark.parametrize("row", table("destroyable.json")["deletion_protection"], ids=lambda r: r["type"])
def test_deletion_protection_rows_exist_in_cfn_lint_schemas(row: dict[str, Any]) -> None:
    spec = _property(_schema(row["type"]), row["path"])
    if isinstance(row["off"], bool):
        assert spec.get("type") == "boolean" and row["on"] == [True]
    else:
        assert spec.get("type") == "string" and set(row["on"]) | {row["off"]} <= set(spec["enum"])
    assert row["source"].startswith("https://docs.aws.amazon.com/")
    if row["default_on"]:
        assert len(row["path"]) == 1, "a default-on setting is added at the top of Properties"


def test_load_balancer_attribute_row_exists_in_cfn_lint_schema() -> None:
    (row,) = table("destroyable.json")["load_balancer_attributes"]
    item = _property(_schema(row["type"]), ["LoadBalancerAttributes", "*"])
    assert set(item["properties"]) == {"Key", "Value"}
    assert row["key"] in item["properties"]["Key"]["description"]


@pytest.mark.parametrize("row", table("destroyable.json")["empty_on_delete"], ids=lambda r: r["type"])
def test_empty_on_delete_rows_exist_in_cfn_lint_schemas(row: dict[str, Any]) -> None:
    assert _property(_schema(row["type"]), [row["property"]]).get("type") == "boolean"


def test_physical_names_match_regeneration_from_installed_cfn_lint() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_physical_names.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_physical_names_are_create_only_string_properties() -> None:
    names = table("physical_names.json")["name_property"]
    for type_name in ("AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::RDS::DBCluster", "AWS::SecretsManager::Secret"):
        schema = _schema(type_name)
        prop = names[type_name]
        assert f"/properties/{prop}" in schema["createOnlyProperties"]
        assert schema["properties"][prop]["type"] == "string"


def test_selecting_a_profile_rule_without_the_profile_warns(cli, tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(RDS, encoding="utf-8")
    result = cli("check", "--select", "CFX252,deletion-policy-retains,CFX2", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "warning: CFX252 (rds-snapshot-default) runs only with the destroyable profile (--profile destroyable, "
        'or profile = "destroyable" in the configuration): not run',
        "warning: CFX250 (deletion-policy-retains) runs only with the destroyable profile (--profile destroyable, "
        'or profile = "destroyable" in the configuration): not run',
    ]
    assert cli("check", "--profile", "destroyable", "--select", "CFX252", str(path)).stderr == ""


@pytest.mark.parametrize("rule", FAMILY, ids=[r.id for r in FAMILY])
def test_every_family_rule_has_golden_cases_with_a_finding(rule) -> None:
    folder = ROOT / "golden" / rule.name
    cases = sorted(p for p in folder.iterdir() if p.is_dir())
    assert cases, f"no golden case for {rule.id}"
    assert any(rule.id in (c / "findings.json").read_text(encoding="utf-8") for c in cases)


def test_rds_snapshot_default_option_is_validated(tmp_path: Path) -> None:
    cfg = tmp_path / ".cfnfix.toml"
    cfg.write_text(
        'profile = "destroyable"\n[rules.rds-snapshot-default]\ntypes = "AWS::S3::Bucket"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"rules\.rds-snapshot-default\.types: input should be a valid list"):
        load_config_file(cfg)


@pytest.mark.parametrize(
    ("rule", "rtype", "prop"),
    [
        ("CFX253", "AWS::NeptuneGraph::Graph", "DeletionProtection: false"),
        ("CFX256", "AWS::ECR::Repository", "EmptyOnDelete: true"),
    ],
)
def test_a_fix_that_adds_a_property_fills_an_empty_properties(rule: str, rtype: str, prop: str) -> None:
    """Both rules set the property through one builder (``rules/fixes.set_property``): an empty
    ``Properties:`` (null) becomes a mapping holding it (CFX253's own patch used to fail there)."""
    text = f"Resources:\n  Res:\n    Type: {rtype}\n    Properties:\n"
    settings = Settings(profile="destroyable", select=[rule], unsafe_fixes=True)
    result = fix(text, config=settings, unsafe=True)
    assert not result.failed and result.text == text + f"      {prop}\n"
