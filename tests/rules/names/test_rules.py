"""The physical-name rules (CFX920–CFX923): their tables against cfn-lint's schemas, which places
count as writing a name, and one finding per name with CFX258 (destroyable profile)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from importlib import resources
from typing import Any

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.rules.names._names import NameSite, find_mentions, fits, policy, properties
from cfnfix.template.model import Resource
from devtools.paths import ROOT


@cache
def _provider() -> dict[str, str]:
    base = resources.files("cfnlint") / "data" / "schemas"
    return json.loads((base / "providers" / "us-east-1.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_name_properties_table_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_name_properties.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_policy_names_types_that_exist_with_sources() -> None:
    data = policy()
    types = set(_provider())
    for section in ("iam", "keep", "keep_prefixes", "max_length"):
        assert set(data[section]) <= types, section
    for section in ("keep", "keep_prefixes", "max_length"):
        assert all(row["source"].startswith("https://docs.aws.amazon.com/") for row in data[section].values())
    assert set(data["iam"]) <= set(properties())
    assert set(data["key_types"].values()) <= types
    for marker in data["arn_markers"]["types"].values():
        re.compile(marker)


def _site(data: dict[str, Any], res_id: str, prop: str) -> NameSite:
    body = data["Resources"][res_id]
    return NameSite(Resource(res_id, body), prop, body["Properties"][prop], False)


def test_an_arn_or_property_that_names_another_kind_of_resource_is_not_a_mention() -> None:
    data = {
        "Resources": {
            "Worker": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "FunctionName": "orders",
                    "Role": "arn:aws:iam::123456789012:role/orders",  # a role called orders
                    "Environment": {"Variables": {"SELF": "orders"}},
                },
            },
            "Policy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "Roles": ["orders"],  # a role again
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Resource": {
                                    "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders"
                                }
                            },
                            {"Resource": "arn:aws:unknown:us-east-1:123456789012:thing/orders"},
                        ]
                    },
                },
            },
        }
    }
    found, stuck = find_mentions(data, _site(data, "Worker", "FunctionName"))
    assert [m.pointer for m in found] == [
        "/Resources/Worker/Properties/Environment/Variables/SELF",
        "/Resources/Policy/Properties/PolicyDocument/Statement/0/Resource/Fn::Sub",
    ]
    assert stuck == ["/Resources/Policy/Properties/PolicyDocument/Statement/1/Resource"]  # an ARN cfnfix cannot place


def test_a_name_kept_unique_per_stack_must_fit_the_type() -> None:
    bucket = NameSite(Resource("B", {"Type": "AWS::S3::Bucket", "Properties": {}}), "BucketName", "x", False)
    assert fits(bucket, "orders-${StackIdPart}")
    assert not fits(bucket, "o" * 60 + "-${StackIdPart}")  # over 63
    assert not fits(bucket, "${AWS::StackName}-orders")  # a stack name may have capitals
    group = NameSite(Resource("G", {"Type": "AWS::EC2::SecurityGroup", "Properties": {}}), "GroupName", "x", False)
    assert fits(group, "${Env}-web")  # no limit or pattern known: any variable will do


TEMPLATE = """\
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: orders}
  Setting:
    Type: AWS::SSM::Parameter
    Properties: {Name: /orders/host, Type: String, Value: db}
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: Orders_Bucket}
"""


def test_one_finding_per_name_with_the_destroyable_profile() -> None:
    both = check(TEMPLATE, config=Settings(profile="destroyable", select=["CFX258", "CFX92"]))
    by_path: dict[str, list[str]] = {}
    for f in both:
        by_path.setdefault(f.path.rsplit("/", 1)[0], []).append(f.rule_id)
    assert by_path == {
        "/Resources/Queue/Properties": ["CFX921"],
        "/Resources/Setting/Properties": ["CFX258"],  # a name that must stay: CFX921 leaves it alone
        "/Resources/Role/Properties": ["CFX922"],
        "/Resources/Bucket/Properties": ["CFX920"],
    }
    alone = check(TEMPLATE, config=Settings(profile="destroyable", select=["CFX258"]))
    assert sorted(f.rule_id for f in alone) == ["CFX258"] * 4


def test_fixed_names_leave_nothing_for_a_second_run() -> None:
    settings = Settings(select=["CFX92"], unsafe_fixes=True)
    result = fix(TEMPLATE, config=settings, unsafe=True)
    assert result.changed and not result.failed
    assert not [f for f in result.remaining if f.rule_id.startswith("CFX92")]
    assert fix(result.text, config=settings, unsafe=True).text == result.text


def test_another_resource_with_the_same_name_and_inline_code_are_not_rewritten() -> None:
    # two roles that share a literal name (one per Region, by condition), an inline policy
    # called like the role, and a function whose inline code names it: none of them is a
    # place that refers to the resource
    text = """\
Conditions:
  East: !Equals [!Ref "AWS::Region", us-east-1]
  NotEast: !Not [!Condition East]
Resources:
  EastRole:
    Type: AWS::IAM::Role
    Condition: East
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      Policies:
        - PolicyName: app
          PolicyDocument: {Version: "2012-10-17", Statement: []}
  OtherRole:
    Type: AWS::IAM::Role
    Condition: NotEast
    Properties:
      RoleName: app
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: worker
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/app
      Code:
        ZipFile: |
          # worker: does the work
          def handler(event, context):
              return None
"""
    settings = Settings(select=["CFX92"], unsafe_fixes=True)
    result = fix(text, config=settings, unsafe=True)
    # role/app could mean either role, and the function's code is not rewritten: nothing to fix
    assert not result.changed
    assert sorted(f.message.rsplit("; ", 1)[-1] for f in result.remaining) == [
        "no fix: the name is also written in /Resources/Fn/Properties/Code/ZipFile",
        "no fix: the name is also written in /Resources/Fn/Properties/Role",
        "no fix: the name is also written in /Resources/Fn/Properties/Role",
    ]
    # without the function, both roles lose their name; the inline policy keeps its own
    alone = fix(text.split("  Fn:")[0], config=settings, unsafe=True)
    assert (
        "RoleName" not in alone.text
        and "PolicyName: app" in alone.text
        and "EastRole" not in alone.text.split("EastRole:")[1]
    )
