"""The evidence of the hard-coded environment rules (CFX930–CFX935,
``rules/environment/_evidence.py``): how strongly a template pins its region or account, and a
region inside a principal never rewritten."""

from __future__ import annotations

from typing import Any

from cfnfix import check
from cfnfix.rules.environment._evidence import account_evidence, region_evidence


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
