"""Service-principal rules (CFX950–CFX955) beyond their golden cases: the dated ELB table, mapping
reuse, and added statements that never name everyone (the ordering fix after theirs:
``tests/rules/ordering/``)."""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest

from cfnfix import CfnfixError, fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.rules.principals._elb import names_elb_account, table
from devtools.lint_oracle import lint_errors
from devtools.paths import ROOT


def _gen() -> Any:
    spec = importlib.util.spec_from_file_location("gen_elb_log_delivery", ROOT / "scripts" / "gen_elb_log_delivery.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_elb_table_is_current_dated_and_sourced(capsys: pytest.CaptureFixture[str]) -> None:
    assert _gen().main(["--check"]) == 0, capsys.readouterr().err
    data = table()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["date"]) and data["sources"]
    regions = data["regions"]
    assert regions["us-east-1"] == {"Kind": "account", "Principal": "127311923021"}
    assert regions["me-central-1"] == {"Kind": "service", "Principal": "logdelivery.elasticloadbalancing.amazonaws.com"}
    assert all(set(v) == {"Kind", "Principal"} for v in regions.values())


def test_elb_accounts_are_recognised_in_both_forms() -> None:
    assert names_elb_account("797873946194")
    assert names_elb_account("arn:aws:iam::797873946194:root")
    assert not names_elb_account("123456789012")


TWO_BUCKETS = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Subnets:
    Type: List<AWS::EC2::Subnet::Id>
Resources:
{body}
"""


def _bucket(n: int) -> str:
    return f"""\
  Logs{n}:
    Type: AWS::S3::Bucket
  Logs{n}Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs{n}
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: elasticloadbalancing.amazonaws.com
            Action: s3:PutObject
            Resource: !Sub "arn:${{AWS::Partition}}:s3:::${{Logs{n}}}/AWSLogs/${{AWS::AccountId}}/*"
  Balancer{n}:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    DependsOn: Logs{n}Policy
    Properties:
      Subnets: !Ref Subnets
      LoadBalancerAttributes:
        - Key: access_logs.s3.enabled
          Value: "true"
        - Key: access_logs.s3.bucket
          Value: !Ref Logs{n}
"""


def test_two_fixes_share_one_mapping_and_condition() -> None:
    text = TWO_BUCKETS.format(body=_bucket(1) + _bucket(2))
    result = fix(text, config=Settings(select=["CFX950"]))
    data = load(result.text).data
    assert list(data["Mappings"]) == ["ElbLogDelivery"]
    assert list(data["Conditions"]) == ["ElbLogDeliveryByService"]
    assert "Service: elasticloadbalancing.amazonaws.com" not in result.text
    assert result.text.count("!If") == 2
    assert fix(result.text, config=Settings(select=["CFX950"])).text == result.text
    assert not lint_errors(result.text)


def test_added_statements_never_name_everyone() -> None:
    settings = Settings(select=["CFX95"], unsafe_fixes=True)
    for case in sorted((ROOT / "golden").glob("*/*/input.*")):
        text = case.read_text(encoding="utf-8")
        try:
            result = fix(text, unsafe=True, config=settings)
        except CfnfixError:
            continue  # golden inputs that cfnfix refuses on purpose
        for op in result.patch:
            value = json.dumps(op.get("value"))
            assert '"Principal": "*"' not in value and '"AWS": "*"' not in value, (case, op)
