"""Generate a large, realistic template: ``python benchmarks/generate_large.py [--resources 500] [--format yaml|json] [-o FILE]``.

The YAML form has comments, short-form tags, block scalars and flow sequences; the JSON
form is the same data with 2-space indentation. With 500 resources each is about 1 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KINDS = ("bucket", "function", "role", "queue", "table", "group")


def _resource_yaml(i: int) -> list[str]:
    kind = KINDS[i % len(KINDS)]
    n = f"{i:03d}"
    if kind == "bucket":
        return [
            f"  # bucket {n}: application data",
            f"  DataBucket{n}:",
            "    Type: AWS::S3::Bucket",
            "    DeletionPolicy: Retain",
            "    UpdateReplacePolicy: Retain",
            "    Properties:",
            f"      BucketName: !Sub 'data-{n}-${{AWS::AccountId}}-${{AWS::Region}}'",  # lower case whatever the stack is called
            "      VersioningConfiguration:",
            "        Status: Enabled",
            "      BucketEncryption:",
            "        ServerSideEncryptionConfiguration:",
            "          - ServerSideEncryptionByDefault:",
            "              SSEAlgorithm: aws:kms",
            "              KMSMasterKeyID: !Ref KeyArn",
            "      PublicAccessBlockConfiguration:",
            "        BlockPublicAcls: true",
            "        BlockPublicPolicy: true",
            "        IgnorePublicAcls: true",
            "        RestrictPublicBuckets: true",
            "      LifecycleConfiguration:",
            "        Rules:",
            f"          - Id: expire-{n}",
            "            Status: Enabled",
            "            ExpirationInDays: 365",
            "            NoncurrentVersionExpirationInDays: 30",
            "      Tags:",
            "        - Key: team",
            "          Value: !Ref Team",
            "        - Key: cost-center",
            f"          Value: 'cc-{n}'  # quoted on purpose",
        ]
    if kind == "function":
        return [
            f"  Handler{n}:",
            "    Type: AWS::Lambda::Function",
            "    Properties:",
            f"      FunctionName: !Sub '${{AWS::StackName}}-handler-{n}'",
            "      Runtime: python3.12",
            "      Handler: index.handler",
            f"      Role: !GetAtt ExecRole{(i // 6) * 6 + 2:03d}.Arn",
            "      Timeout: 30",
            "      MemorySize: 256",
            "      Environment:",
            "        Variables:",
            f"          QUEUE_URL: !Ref Queue{(i // 6) * 6 + 3:03d}",
            f"          TABLE: !Ref Table{(i // 6) * 6 + 4:03d}",
            "      Code:",
            "        ZipFile: |",
            "          import json",
            "          import os",
            "          import boto3",
            "",
            "          sqs = boto3.client('sqs')",
            "",
            "          def handler(event, context):",
            "              for record in event.get('Records', []):",
            "                  body = json.loads(record['body'])",
            "                  sqs.send_message(QueueUrl=os.environ['QUEUE_URL'], MessageBody=json.dumps(body))",
            "              return {'statusCode': 200}",
            "      Tags: [{Key: team, Value: !Ref Team}, {Key: tier, Value: backend}]",
        ]
    if kind == "role":
        return [
            f"  ExecRole{n}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            "      AssumeRolePolicyDocument:",
            "        Version: '2012-10-17'",
            "        Statement:",
            "          - Effect: Allow",
            "            Principal:",
            "              Service: [lambda.amazonaws.com]",
            "            Action: ['sts:AssumeRole']",
            "      ManagedPolicyArns:",
            "        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'",
            "      Policies:",
            f"        - PolicyName: access-{n}",
            "          PolicyDocument:",
            "            Version: '2012-10-17'",
            "            Statement:",
            "              - Effect: Allow",
            "                Action:",
            "                  - sqs:SendMessage",
            "                  - sqs:ReceiveMessage",
            "                  - dynamodb:GetItem",
            "                  - dynamodb:PutItem",
            f"                Resource: ['*']  # narrowed in production ({n})",
        ]
    if kind == "queue":
        return [
            f"  Queue{n}:",
            "    Type: AWS::SQS::Queue",
            "    Properties:",
            f"      QueueName: !Sub '${{AWS::StackName}}-queue-{n}'",
            "      VisibilityTimeout: 180",
            "      MessageRetentionPeriod: 1209600",
            "      KmsMasterKeyId: alias/aws/sqs",
            "      RedrivePolicy:",
            "        deadLetterTargetArn: !GetAtt DeadLetter.Arn",
            "        maxReceiveCount: 5",
            "      Tags:",
            "        - {Key: team, Value: !Ref Team}",
        ]
    if kind == "table":
        return [
            f"  Table{n}:",
            "    Type: AWS::DynamoDB::Table",
            "    DeletionPolicy: Retain",
            "    UpdateReplacePolicy: Retain",
            "    Properties:",
            f"      TableName: !Sub '${{AWS::StackName}}-table-{n}'",
            "      BillingMode: PAY_PER_REQUEST",
            "      AttributeDefinitions:",
            "        - AttributeName: pk",
            "          AttributeType: S",
            "        - AttributeName: sk",
            "          AttributeType: S",
            "      KeySchema:",
            "        - AttributeName: pk",
            "          KeyType: HASH",
            "        - AttributeName: sk",
            "          KeyType: RANGE",
            "      PointInTimeRecoverySpecification:",
            "        PointInTimeRecoveryEnabled: true",
            "      SSESpecification:",
            "        SSEEnabled: true",
        ]
    return [
        f"  SecurityGroup{n}:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        f"      GroupDescription: !Sub 'Service {n} in ${{AWS::StackName}}'",
        "      VpcId: !Ref VpcId",
        "      SecurityGroupIngress:",
        "        - IpProtocol: tcp",
        "          FromPort: 443",
        "          ToPort: 443",
        "          CidrIp: 10.0.0.0/8",
        "        - IpProtocol: tcp",
        "          FromPort: 8080",
        "          ToPort: 8080",
        "          SourceSecurityGroupId: !Ref SecurityGroupBase",
        "      SecurityGroupEgress:",
        "        - IpProtocol: '-1'",
        "          CidrIp: 0.0.0.0/0",
    ]


def _metadata_yaml(i: int) -> list[str]:
    """Ownership metadata, as enterprise templates carry on every resource."""
    n = f"{i:03d}"
    lines = [
        "    Metadata:",
        "      Owner:",
        f"        Team: team-{i % 17:02d}",
        f"        Contact: oncall-{i % 17:02d}@example.com",
        "        Runbook: https://runbooks.example.com/services/" + n,
        "      Documentation: >",
        f"        Resource {n} belongs to the ingestion pipeline. It is created by the",
        "        platform team's deployment pipeline and must not be changed by hand;",
        "        open a change request in the service catalogue instead.",
        "      Compliance:",
        "        DataClassification: internal",
        "        Controls: [SC-13, SC-28, AU-2, AU-12, CM-2, CM-6]",
        "        ReviewedOn: '2026-10-01'",
        "      cfn-lint:",
        "        config:",
        "          ignore_checks:",
        "            - W3005",
        "      Labels:",
    ]
    lines += [f"        label{k:02d}: value-{i % (k + 3)}-{k}" for k in range(27)]
    return lines


def generate_yaml(resources: int = 500) -> str:
    """A YAML template with ``resources`` resources (plus the few they share)."""
    lines = [
        "# Generated by benchmarks/generate_large.py: a large, realistic template.",
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Description: Large benchmark template with many services",
        "Parameters:",
        "  Team:",
        "    Type: String",
        "    Default: platform",
        "  KeyArn:",
        "    Type: String",
        "  VpcId:",
        "    Type: AWS::EC2::VPC::Id",
        "Resources:",
        "  DeadLetter:",
        "    Type: AWS::SQS::Queue",
        "  SecurityGroupBase:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: base",
        "      VpcId: !Ref VpcId",
    ]
    for i in range(resources - 2):
        lines.extend(_resource_yaml(i))
        lines.extend(_metadata_yaml(i))
    lines += [
        "Outputs:",
        "  DeadLetterArn:",
        "    Value: !GetAtt DeadLetter.Arn",
        "    Export:",
        "      Name: !Sub '${AWS::StackName}-dlq'",
    ]
    return "\n".join(lines) + "\n"


def generate_json(resources: int = 500) -> str:
    """The same template as JSON (long form), 2-space indented."""
    from cfnfix.document import load

    return json.dumps(load(generate_yaml(resources)).data, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    text = generate_yaml(args.resources) if args.format == "yaml" else generate_json(args.resources)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
