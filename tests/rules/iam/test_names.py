"""The IAM name rules (CFX960–CFX962) beyond their golden cases: the table's generator,
managed-policy and service-principal near misses, a trust policy's principals, policy variables."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from cfnfix import check, fix
from cfnfix.rules.iam._names import choose, policies, policy_candidates, principal_candidates, principal_known
from devtools.paths import ROOT


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
