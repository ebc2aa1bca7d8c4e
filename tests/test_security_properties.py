"""No fix weakens security (issue 22): every rule's fixes, safe and unsafe, over every golden
input and the shared corpus, leave no fewer SecureStrings, encryption settings or NoEcho
parameters, grant no new principal, open no wider CIDR and add no literal secret
(devtools/security_oracle.py). New rules are held to it by their golden cases."""

from __future__ import annotations

import pytest

from cfnfix import fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.errors import CfnfixError
from cfnfix.template.meaning import Declaration
from devtools.corpus import corpus_files
from devtools.golden_cases import discover
from devtools.meaning_oracle import input_data
from devtools.security_oracle import weakenings

BASE = """Parameters:
  DbPassword: {Type: String, NoEcho: true}
Resources:
  Secret:
    Type: AWS::SSM::Parameter
    Properties: {Type: SecureString, Value: x}
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      StorageEncrypted: true
      KmsKeyId: alias/db
      MasterUserPassword: !Ref DbPassword
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}}]
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: s3:GetObject, Resource: "*"}
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 10.0.0.0/16}]
"""


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("Type: SecureString", "Type: String", "SecureString became String"),
        ("StorageEncrypted: true", "StorageEncrypted: false", "StorageEncrypted: flag removed"),
        ("      KmsKeyId: alias/db\n", "", "KmsKeyId: kms key removed"),
        (
            "      BucketEncryption:\n        ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}}]\n",
            "",
            "BucketEncryption: block removed",
        ),
        ("NoEcho: true", "NoEcho: false", "lost NoEcho"),
        ('!Sub "arn:aws:iam::${AWS::AccountId}:root"', '"*"', "principal added: AWS:*"),
        ("CidrIp: 10.0.0.0/16", "CidrIp: 0.0.0.0/0", "CIDR wider than any of the input's: 0.0.0.0/0"),
        (
            '{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}',
            "{Service: [a.amazonaws.com, b.amazonaws.com]}",
            "more Service principals",
        ),
        ("MasterUserPassword: !Ref DbPassword", "MasterUserPassword: hunter2hunter2", "literal secret added"),
        ("{Type: String, NoEcho: true}", "{Type: String, NoEcho: true, Default: hunter2}", "literal secret added"),
    ],
)
def test_each_weakening_is_seen(old: str, new: str, said: str) -> None:
    assert old in BASE
    found = weakenings(load(BASE).data, load(BASE.replace(old, new)).data)
    assert any(said in f for f in found), found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("CidrIp: 10.0.0.0/16", "CidrIp: 10.0.1.0/24"),  # narrower
        ("StorageEncrypted: true", "StorageEncrypted: 'true'"),
        ("Type: SecureString, Value: x", "Type: SecureString, Value: y"),
        ('{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}', '{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}'),
    ],
)
def test_what_is_not_weaker(old: str, new: str) -> None:
    assert weakenings(load(BASE).data, load(BASE.replace(old, new)).data) == []


def test_a_renamed_reference_is_the_same_principal() -> None:
    trusted = '{AWS: !Sub "arn:aws:iam::${%s}:root"}'
    principal = '{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}'
    before = load(BASE.replace(principal, trusted % "Trusted-Account") + "  Trusted-Account: {Type: String}\n").data
    after = load(BASE.replace(principal, trusted % "TrustedAccount") + "  TrustedAccount: {Type: String}\n").data
    before["Parameters"]["Trusted-Account"] = before["Resources"].pop("Trusted-Account")
    after["Parameters"]["TrustedAccount"] = after["Resources"].pop("TrustedAccount")
    declaration = Declaration()
    declaration.add([{"op": "move", "from": "/Parameters/Trusted-Account", "path": "/Parameters/TrustedAccount"}])
    assert weakenings(before, after, declaration) == []
    assert weakenings(before, after) != []


def test_a_principal_of_the_same_breadth_is_not_wider() -> None:
    """A service principal spelt right, or ``!GetAtt Role.Arn`` for an ARN built from the role's
    name, in place of another: one service, one resource of the stack."""
    principal = '{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}'
    before = load(BASE.replace(principal, "{Service: lamda.amazonaws.com}")).data
    after = load(BASE.replace(principal, "{Service: lambda.amazonaws.com}")).data
    assert weakenings(before, after) == []
    before = load(BASE.replace(principal, '{AWS: !Sub "arn:aws:iam::${AWS::AccountId}:role/admin"}')).data
    after = load(BASE.replace(principal, "{AWS: !GetAtt Admin.Arn}")).data
    assert weakenings(before, after) == []


def _weakened(text: str, settings: Settings) -> list[str]:
    try:
        result = fix(text, config=settings)
    except CfnfixError:
        return []
    if not result.changed:
        return []
    declaration = Declaration()
    for finding in result.fixed:
        if finding.fix is not None:
            declaration.add(finding.fix.patch)
    return weakenings(input_data(result, settings), load(result.text).data, declaration)


GOLDEN = discover()


def test_no_fix_of_any_rule_weakens_security_on_the_golden_inputs() -> None:
    found = {}
    for case in GOLDEN:
        settings = case.settings().model_copy(update={"unsafe_fixes": True})
        weaker = _weakened(case.input_text(), settings)
        if weaker:
            found[case.id] = weaker
    assert found == {}


@pytest.mark.corpus
def test_no_fix_weakens_security_over_the_corpus() -> None:
    found = {}
    for path in corpus_files():
        weaker = _weakened(path.read_bytes().decode("utf-8", errors="replace"), Settings(unsafe_fixes=True))
        if weaker:
            found[path.name] = weaker
    assert found == {}


def test_grants_to_aws_acting_for_the_stack_are_not_wider() -> None:
    """What the principals rules (CFX950–CFX955) add: a service principal tied to the stack by
    ``aws:SourceAccount``, and the account root of a key that had no KeyPolicy (KMS's default
    policy already grants it). The same without the tie, or on a key with a policy, is wider."""
    scoped = "{Effect: Allow, Principal: {Service: logs.amazonaws.com}, Action: s3:PutObject, Resource: '*', Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}}"
    statement = '{Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: s3:GetObject, Resource: "*"}'
    assert weakenings(load(BASE).data, load(BASE.replace(statement, f"{statement}\n          - {scoped}")).data) == []
    unscoped = scoped.replace(", Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}", "")
    assert weakenings(load(BASE).data, load(BASE.replace(statement, f"{statement}\n          - {unscoped}")).data)
    root = '{AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}'
    key = "  Key:\n    Type: AWS::KMS::Key\n"
    policy = f"    Properties:\n      KeyPolicy:\n        Statement: [{{Effect: Allow, Principal: {root}, Action: 'kms:*', Resource: '*'}}]\n"
    base = BASE.replace(
        statement, '{Effect: Allow, Principal: {Service: s3.amazonaws.com}, Action: s3:GetObject, Resource: "*"}'
    )
    assert weakenings(load(base + key).data, load(base + key + policy).data) == []
    narrow = policy.replace(root, "{Service: logs.amazonaws.com}")
    assert weakenings(load(base + key + narrow).data, load(base + key + policy).data)
