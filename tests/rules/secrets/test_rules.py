"""The secrets rules (CFX910–CFX912): their table against cfn-lint's schemas, when RDS may manage
the password, and that no fix ever leaves a secret in plain text."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import pytest
import yaml

from cfnfix import fix
from cfnfix.config import Settings
from cfnfix.rules.secrets._passwords import manage_blocker, sites, table

SETTINGS = Settings(select=["CFX91"], unsafe_fixes=True)


@cache
def _schema(type_name: str) -> dict[str, Any]:
    base = resources.files("cfnlint") / "data" / "schemas"
    digest = json.loads((base / "providers" / "us-east-1.json").read_text(encoding="utf-8"))[type_name]
    return json.loads((base / "resources" / f"{digest}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("type_name", sorted(table()))
def test_master_password_rows_exist_in_cfn_lint_schemas(type_name: str) -> None:
    row = table()[type_name]
    props = _schema(type_name)["properties"]
    for key in ("password", "username", "manage"):
        if row[key] is not None:
            assert row[key] in props, f"{type_name}: no property {row[key]}"
    if row["manage"] is not None:
        assert props[row["manage"]].get("type") == "boolean"
    # TargetType values documented for AWS::SecretsManager::SecretTargetAttachment
    assert row["target_type"] in (
        None,
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::Redshift::Cluster",
        "AWS::DocDB::DBCluster",
    )
    assert row["source"].startswith("https://docs.aws.amazon.com/")


def _site(resource: dict[str, Any]) -> Any:
    data = {"Resources": {"Db": resource}}
    (site,) = sites(data)
    return site


@pytest.mark.parametrize(
    ("resource", "blocked"),
    [
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-mysql"}}, None),
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"EngineMode": "serverless"}}, "Serverless v1"),
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"GlobalClusterIdentifier": "g"}}, "global database"),
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"ReplicationSourceIdentifier": "arn"}}, "cross-Region"),
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"SnapshotIdentifier": "s"}}, "restored"),
        ({"Type": "AWS::RDS::DBCluster", "Properties": {"EngineMode": {"Ref": "Mode"}}}, "computed"),
        ({"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}}, None),
        ({"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "custom-oracle-ee"}}, "RDS Custom"),
        (
            {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "oracle-ee-cdb", "MultiTenant": True}},
            "multi-tenant",
        ),
        ({"Type": "AWS::RDS::DBInstance", "Properties": {"DBSnapshotIdentifier": "s"}}, "restored"),
        ({"Type": "AWS::Redshift::Cluster", "Properties": {}}, "Redshift"),
    ],
)
def test_when_rds_may_manage_the_password(resource: dict[str, Any], blocked: str | None) -> None:
    resource["Properties"]["MasterUserPassword"] = "Literal-Password-1"
    reason = manage_blocker(_site(resource))
    if blocked is None:
        assert reason is None
    else:
        assert reason is not None and blocked in reason


@pytest.mark.parametrize(
    "props",
    [
        {"DBClusterIdentifier": "c"},  # an Aurora member: the cluster owns the password
        {"SourceDBInstanceIdentifier": "src"},  # a read replica
    ],
)
def test_instances_whose_password_does_not_apply_are_not_reported(props: dict[str, Any]) -> None:
    data = {
        "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {"MasterUserPassword": "x" * 12, **props}}}
    }
    assert list(sites(data)) == []


TEMPLATE = """\
Parameters:
  Pw:
    Type: String
    NoEcho: true
    Default: DefaultPassw0rd
Resources:
  Literal:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, MasterUsername: admin, MasterUserPassword: "Literal-Passw0rd"}
  Defaulted:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, EngineMode: serverless, MasterUsername: admin, MasterUserPassword: !Ref Pw}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment: {Variables: {A: "Literal-Passw0rd", B: !Sub "x${Pw}", C: !GetAtt Param.Value}}
  Param:
    Type: AWS::SSM::Parameter
    Properties: {Type: SecureString, Value: "Ssm-Passw0rd-Value"}
"""


def test_no_fix_leaves_a_secret_in_plain_text_or_a_securestring_behind() -> None:
    result = fix(TEMPLATE, config=SETTINGS, unsafe=True)
    assert result.changed and not result.failed
    for secret in ("Literal-Passw0rd", "DefaultPassw0rd", "Ssm-Passw0rd-Value"):
        assert secret not in result.text
    data = yaml.load(result.text, Loader=_Loader)
    assert "SecureString" not in json.dumps(data)
    types = {r["Type"] for r in data["Resources"].values()}
    assert "AWS::SSM::Parameter" not in types and "AWS::SecretsManager::Secret" in types
    assert "Parameters" not in data  # the password parameter nothing uses any more is gone
    assert not [f for f in result.remaining if f.rule_id.startswith("CFX91")]


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation short forms as plain mappings (``!Sub x`` → ``{"Fn::Sub": "x"}``)."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node)
    else:
        value = loader.construct_mapping(node)  # type: ignore[arg-type]
    return {name: value}


_Loader.add_multi_constructor("!", _tag)


@pytest.mark.parametrize(
    "password",
    ['"Shared-Passw0rd"', "!Ref Pw"],
)
def test_no_fix_when_a_custom_resource_gets_the_password(password: str) -> None:
    # dynamic references to secrets are not supported in custom resources
    text = f"""\
Parameters:
  Pw: {{Type: String, NoEcho: true}}
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties: {{Engine: mysql, MasterUsername: admin, MasterUserPassword: {password}}}
  Seed:
    Type: Custom::SeedDatabase
    Properties: {{ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:seed, Password: {password}}}
"""
    result = fix(text, config=SETTINGS, unsafe=True)
    (finding,) = [f for f in result.remaining if f.rule_id in ("CFX910", "CFX911")]
    assert finding.fix is None and "Seed" in finding.message
    assert not result.changed
