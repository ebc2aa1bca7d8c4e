"""Ordering rules (CFX970–CFX972) beyond their golden cases: a bucket policy the principal fix adds is
then ordered before the trail, and DependsOn never closes a circle or names a resource that may not
exist."""

from __future__ import annotations

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.template.graph import build_graph
from devtools.lint_oracle import lint_errors
from devtools.paths import ROOT

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
