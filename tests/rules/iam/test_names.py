"""The hard-coded environment, AMI and IAM name rules (CFX930–CFX962) beyond their golden cases:
the Sub-aware string rewriting they share, opt-in selection, the evidence rules, the dated
tables and their generators, and family and near-miss recognition."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.rules import get_rule
from cfnfix.rules.ami._families import families, recognise
from cfnfix.rules.environment._evidence import account_evidence, region_evidence
from cfnfix.rules.iam._names import choose, policies, policy_candidates, principal_candidates, principal_known
from cfnfix.template.mappings import lookups, removal
from cfnfix.template.subtext import Text, literal_spans, substituted, texts

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return module


# ------------------------------------------------------------------ strings as CloudFormation reads them


def test_texts_yield_plain_strings_and_sub_templates_but_not_names() -> None:
    value = {
        "A": "arn:aws:s3:::x",
        "B": {"Ref": "arn:aws:not-text"},
        "C": {"Fn::Sub": ["arn:${AWS::Partition}:s3:::${B}", {"B": "arn:aws:s3:::inner"}]},
        "D": {"Fn::If": ["Cond", "yes", {"Fn::GetAtt": ["R", "Arn"]}]},
        "Principal": {"AWS": "arn:aws:iam::1:root"},
    }
    found = [(t.pointer, t.value, t.sub) for t in texts(value, "/P", skip=frozenset({"Principal"}))]
    assert found == [
        ("/P/A", "arn:aws:s3:::x", False),
        ("/P/C/Fn::Sub/0", "arn:${AWS::Partition}:s3:::${B}", True),
        ("/P/C/Fn::Sub/1/B", "arn:aws:s3:::inner", False),
        ("/P/D/Fn::If/1", "yes", False),
    ]
    assert [t.pointer for t in texts(value, "/P", needle="inner")] == ["/P/C/Fn::Sub/1/B"]
    assert next(texts(value, "/P")).variables == frozenset()
    assert [t.variables for t in texts(value, "/P") if t.sub] == [frozenset({"B"})]


def test_pointer_tokens_are_escaped() -> None:
    assert [t.pointer for t in texts({"a/b": "x", "c~d": ["y"]}, "")] == ["/a~1b", "/c~0d/0"]


def test_substituted_plain_string_becomes_sub_with_its_dollars_escaped() -> None:
    text = Text("/x", "arn:aws:logs:eu-west-1:1:log-group:/app/${Env}", sub=False)
    op = substituted(text, [(13, 22, "${AWS::Region}")])
    assert op == {
        "op": "replace",
        "path": "/x",
        "value": {"Fn::Sub": "arn:aws:logs:${AWS::Region}:1:log-group:/app/${!Env}"},
    }


def test_substituted_sub_template_is_edited_in_place_and_escapes_stay() -> None:
    text = Text("/x/Fn::Sub", "arn:aws:sns:us-east-1:${AWS::AccountId}:${!literal}", sub=True)
    assert literal_spans(text) == [(0, 22), (39, 40)]
    op = substituted(text, [(12, 21, "${AWS::Region}")])
    assert op == {
        "op": "replace",
        "path": "/x/Fn::Sub",
        "value": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:${!literal}",
    }


def test_substituted_refuses_a_plain_string_holding_an_escape() -> None:
    assert substituted(Text("/x", "a ${!b} us-east-1", sub=False), [(8, 17, "${AWS::Region}")]) is None
    with pytest.raises(ValueError):
        substituted(Text("/x", "abcdef", sub=False), [(0, 3, "x"), (2, 4, "y")])


# ------------------------------------------------------------------ opt-in selection


def test_opt_in_rule_runs_only_when_named_in_full() -> None:
    rule = get_rule("CFX935")
    assert rule is not None and rule.opt_in
    assert not Settings().runs(rule)
    assert not Settings(select=["CFX9"]).runs(rule)
    assert not Settings(select=["CFX93"]).runs(rule)
    assert Settings(select=["CFX935"]).runs(rule)
    assert Settings(select=["hard-coded-partition"]).runs(rule)
    assert not Settings(select=["CFX935"], ignore=["CFX935"]).runs(rule)
    ordinary = get_rule("CFX933")
    assert ordinary is not None and Settings(select=["CFX9"]).runs(ordinary)


def test_opt_in_rule_is_silent_by_default_and_reports_when_selected() -> None:
    text = "Resources:\n  B:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::b/*\n            Principal: '*'\n"
    assert not [f for f in check(text) if f.rule_id == "CFX935"]
    assert [f.rule_id for f in check(text, select=["CFX935"])] == ["CFX935"]


# ------------------------------------------------------------------ evidence


def _template(**sections: Any) -> dict[str, Any]:
    return {"Resources": {}, **sections}


def test_region_evidence_strength() -> None:
    pinned = _template(Rules={"R": {"Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}]}})
    assert region_evidence(pinned)["eu-west-1"].strong
    conditional = _template(
        Rules={
            "R": {
                "RuleCondition": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "Assertions": [{"Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}],
            }
        }
    )
    assert "eu-west-1" not in region_evidence(conditional)
    subnet = {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": "us-west-2b"}}
    assert region_evidence(_template(Resources={"S": subnet}))["us-west-2"].strong
    two = {"S": subnet, "T": {"Type": "AWS::EC2::Subnet", "Properties": {"AvailabilityZone": "us-east-1a"}}}
    assert region_evidence(_template(Resources=two)) == {}
    param = _template(Parameters={"DeployRegion": {"Type": "String", "Default": "ap-south-1"}})
    assert not region_evidence(param)["ap-south-1"].strong


def test_account_evidence() -> None:
    assert not account_evidence(_template())["123456789012"].strong
    assert "210987654321" not in account_evidence(_template())
    pinned = _template(
        Rules={"R": {"Assertions": [{"Assert": {"Fn::Contains": [["210987654321"], {"Ref": "AWS::AccountId"}]}}]}}
    )
    assert account_evidence(pinned)["210987654321"].strong


def test_region_in_principal_is_never_rewritten() -> None:
    text = (
        "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: vpc-1\n      CidrBlock: 10.0.0.0/24\n"
        "      AvailabilityZone: us-east-1a\n  Q:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [q]\n"
        "      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: sqs:SendMessage\n"
        "            Resource: '*'\n            Principal: {AWS: 'arn:aws:iam::111122223333:role/x'}\n"
        "            Condition: {ArnEquals: {aws:SourceArn: 'arn:aws:sns:us-east-1:111122223333:t'}}\n"
    )
    assert not list(check(text, select=["CFX933", "CFX934"]))


# ------------------------------------------------------------------ mappings


def test_mapping_lookups_and_removal() -> None:
    data = {
        "Mappings": {
            "M": {"us-east-1": {"A": "x", "B": "y"}, "eu-west-1": {"A": "z"}},
            "Other": {"k": {"v": "w"}},
        },
        "Resources": {
            "R": {
                "Type": "T",
                "Properties": {"P": {"Fn::Select": [0, {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "A"]}]}},
            }
        },
    }
    found, computed = lookups(data, "M")
    assert [(u.pointer, u.key, u.by_region, u.in_select) for u in found] == [
        ("/Resources/R/Properties/P/Fn::Select/1", "A", True, True)
    ]
    assert not computed
    assert removal(data, "M", {"A"}, still_read=False, computed=False) == [{"op": "remove", "path": "/Mappings/M"}]
    assert removal(data, "M", {"A"}, still_read=True, computed=False) == [
        {"op": "remove", "path": "/Mappings/M/us-east-1/A"},
        {"op": "remove", "path": "/Mappings/M/eu-west-1"},
    ]
    assert removal(data, "M", {"A"}, still_read=False, computed=True) == []
    alone = {"Mappings": {"M": data["Mappings"]["M"]}}
    assert removal(alone, "M", {"A", "B"}, still_read=True, computed=False) == [{"op": "remove", "path": "/Mappings"}]


# ------------------------------------------------------------------ tables


@pytest.mark.parametrize("script", ["gen_zones", "gen_ami_families"])
def test_tables_are_what_their_scripts_write(script: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / f"{script}.py"), "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_tables_carry_date_and_sources() -> None:
    for path in (
        "cfnfix/rules/environment/data/zones.json",
        "cfnfix/rules/ami/data/ami_families.json",
        "cfnfix/rules/iam/data/iam_names.json",
    ):
        table = json.loads((ROOT / path).read_text(encoding="utf-8"))
        assert table["date"] and table["generated_by"].startswith("scripts/gen_") and table["source"], path
    families_table = json.loads((ROOT / "cfnfix/rules/ami/data/ami_families.json").read_text(encoding="utf-8"))
    for family in families_table["families"]:
        assert family["source"].startswith("https://"), family["id"]
        assert all(p.startswith("/aws/service/") for p in family["parameters"].values()), family["id"]
    iam = json.loads((ROOT / "cfnfix/rules/iam/data/iam_names.json").read_text(encoding="utf-8"))
    assert iam["source"]["managed_policies"]["repository"] == "https://github.com/iann0036/iam-dataset"
    assert iam["managed_policies"]["AWS_ConfigRole"][0] == "service-role/"
    assert "AWSLambdaFullAccess" in iam["deprecated_policies"]


def test_iam_generator_reads_a_checkout(tmp_path: Path) -> None:
    gen = _script("gen_iam_names")
    dataset = tmp_path / "dataset"
    (dataset / "aws" / "managedpolicies").mkdir(parents=True)
    policy = {
        "name": "AWS_ConfigRole",
        "arn": "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole",
        "updatedate": "2026-07-30T23:27:21+00:00",
        "deprecated": False,
        "document": {
            "Statement": [
                {"Condition": {"StringEquals": {"iam:PassedToService": ["config.amazonaws.com", "*.amazonaws.com"]}}},
                {"Resource": "arn:aws:iam::*:role/aws-service-role/ops.apigateway.amazonaws.com/X"},
            ]
        },
    }
    old = {"name": "AWS_Config_Role", "arn": None, "deprecated": True, "document": {}}
    (dataset / "aws" / "managedpolicies" / "AWS_ConfigRole.json").write_text(json.dumps(policy))
    (dataset / "aws" / "managedpolicies" / "AWS_Config_Role.json").write_text(json.dumps(old))
    listing = tmp_path / "listing"
    (listing / "snippets").mkdir(parents=True)
    (listing / "snippets" / "service-principals.json").write_text(
        json.dumps({"lambda": {"servicePrincipal": "lambda.amazonaws.com"}, "bad": {"servicePrincipal": "not a name"}})
    )
    table = gen.build("2026-12-07", gen.Source(dataset), gen.Source(listing))
    assert table["managed_policies"] == {
        "AWS_ConfigRole": ["service-role/", "2026-07-30"],
        "AWS_Config_Role": [None, None],
    }
    assert table["deprecated_policies"] == ["AWS_Config_Role"]
    assert {"config.amazonaws.com", "ops.apigateway.amazonaws.com", "lambda.amazonaws.com"} <= set(
        table["service_principals"]
    )
    assert not [p for p in table["service_principals"] if "*" in p or " " in p]


# ------------------------------------------------------------------ recognition and near misses


def test_family_recognition_levels() -> None:
    assert recognise([("a", ["Amazon Linux 2023"])]).family == families()["al2023"]
    assert recognise([("a", ["ECS-optimized Amazon Linux 2023 AMI"])]).family == families()["ecs-al2023"]
    ubuntu = recognise([("near", ["latest Ubuntu"]), ("far", ["Ubuntu 20.04 LTS host"])])
    assert ubuntu.family == families()["ubuntu-20.04"] and ubuntu.where == "near; far"
    conflicting = recognise([("near", ["latest Ubuntu"]), ("far", ["Windows Server 2022"])])
    assert conflicting.family is None and conflicting.named == "Ubuntu"
    assert recognise([("a", ["RHEL 9 database"])]).unsupported == "Red Hat Enterprise Linux"
    assert recognise([("a", ["a build host"])]).family is None
    two = recognise([("a", ["Amazon Linux 2023 or Ubuntu 22.04"])])
    assert two.family is None and len(two.candidates) == 2


def test_managed_policy_near_misses() -> None:
    chosen, why = choose(policy_candidates("ConfigRole"), "service-role/")
    assert chosen is not None and chosen.full == "service-role/AWS_ConfigRole" and "2022" in why
    (lambda_full,) = policy_candidates("AWSLambdaFullAccess")
    assert lambda_full.name == "AWSLambda_FullAccess" and policies()["AWSLambdaFullAccess"].deprecated
    assert [p.name for p in policy_candidates("AmazonS3ReadonlyAccess")] == ["AmazonS3ReadOnlyAccess"]
    assert policy_candidates("AmazonEverythingFullAccessForOps") == []


def test_service_principals() -> None:
    assert principal_known("lambda.amazonaws.com")
    assert principal_known("logs.eu-west-1.amazonaws.com")
    assert principal_known("states.amazonaws.com.cn")
    assert principal_known("logging.s3.amazonaws.com")
    assert principal_known("reports.codebuild.amazonaws.com")  # a part of a known service, not in the table
    assert not principal_known("monitoring.amazonaws.com")
    assert not principal_known("lambda.amazon.com")
    assert principal_candidates("lambda.amazon.com") == ["lambda.amazonaws.com"]
    assert principal_candidates("lambda") == ["lambda.amazonaws.com"]
    assert principal_candidates("Lambda.amazonaws.com") == ["lambda.amazonaws.com"]
    assert principal_candidates("ecs-task.amazonaws.com") == ["ecs-tasks.amazonaws.com"]
    assert principal_candidates("monitoring.amazonaws.com") == []


def test_trust_policy_keeps_a_principal_the_statement_already_names() -> None:
    text = (
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
        "        Statement:\n          - Effect: Allow\n            Principal:\n              Service: [lambda.amazonaws.com, monitoring.amazonaws.com]\n"
        "            Action: sts:AssumeRole\n  F:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAtt R.Arn\n"
        "      Runtime: python3.12\n      Handler: index.h\n      Code: {ZipFile: 'def h(e, c): pass'}\n"
    )
    (finding,) = list(check(text, select=["CFX961"]))
    assert finding.fix is None and "already names lambda.amazonaws.com" in finding.message


def test_policy_variable_escaped_once() -> None:
    text = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: !Sub 'arn:aws:s3:::b/${aws:username}/${!aws:userid}'\n"
    result = fix(text, select=["CFX962"])
    assert "${!aws:username}/${!aws:userid}" in result.text
    assert fix(result.text, select=["CFX962"]).text == result.text


def test_an_unselected_opt_in_rule_does_not_keep_a_bare_suppression_from_being_judged() -> None:
    text = "Resources:\n  Topic:  # cfnfix: ignore\n    Type: AWS::SNS::Topic\n"
    found = check(text, config=Settings(show_unused_suppressions=True))
    assert [f.rule_id for f in found] == ["CFX900"]
