"""Service-principal rules (CFX950–CFX955) and ordering rules (CFX970–CFX972) beyond their golden
cases: the dated ELB table, mapping reuse, the principal fix and the ordering fix working together,
and DependsOn never closing a circle or naming a resource that may not exist."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cfnfix import CfnfixError, check, fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.rules.principals._elb import names_elb_account, table
from cfnfix.template.graph import build_graph
from devtools.lint_oracle import lint_errors

ROOT = Path(__file__).resolve().parent.parent


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


TRAIL = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  TrailBucket:
    Type: AWS::S3::Bucket
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
      TrailName: audit
      S3BucketName: !Ref TrailBucket
"""


def test_new_bucket_policy_is_then_ordered_before_the_trail() -> None:
    settings = Settings(select=["CFX952", "CFX970"], unsafe_fixes=True)
    result = fix(TRAIL, unsafe=True, config=settings)
    data = load(result.text).data
    assert data["Resources"]["Trail"]["DependsOn"] == "TrailBucketPolicy"
    statements = data["Resources"]["TrailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in statements] == ["s3:GetBucketAcl", "s3:PutObject"]
    arn = {"Fn::Sub": "arn:${AWS::Partition}:cloudtrail:${AWS::Region}:${AWS::AccountId}:trail/audit"}
    assert all(s["Condition"]["StringEquals"]["aws:SourceArn"] == arn for s in statements)
    assert all(s["Principal"] == {"Service": "cloudtrail.amazonaws.com"} for s in statements)
    assert not check(result.text, config=settings)
    assert not lint_errors(result.text)


CONDITIONAL = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Attach:
    Type: String
    AllowedValues: ["yes", "no"]
Conditions:
  WithGateway: !Equals [!Ref Attach, "yes"]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Gateway:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Condition: WithGateway
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Gateway
  Table:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Route:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Table
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Gateway
"""


def test_no_depends_on_a_resource_that_may_not_exist() -> None:
    (finding,) = check(CONDITIONAL, select=["CFX972"])
    assert finding.fix is None
    assert "exists only under condition WithGateway" in finding.message


def test_ordering_fixes_never_close_a_circle() -> None:
    for case in sorted((ROOT / "golden").glob("*/*/input.*")):
        if case.parent.parent.name not in (
            "log-delivery-before-bucket-policy",
            "rotation-before-lambda-permission",
            "gateway-attachment-dependency",
        ):
            continue
        result = fix(case.read_text(encoding="utf-8"), config=Settings(select=["CFX97"]))
        graph = build_graph(load(result.text).data)
        assert not any(graph.reaches(t, s) for (s, t) in graph.edges if s != t), case


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
