"""The schema rules (CFX701–CFX739): cfn-lint's schemas read as data, matching, availability,
and one template carrying several planted mistakes fixed by one ``cfnfix apply --write``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cfnfix.rules import all_rules
from cfnfix.rules.schema import _schemas
from cfnfix.rules.schema._base import SchemaRule
from cfnfix.rules.schema._match import closest, distance
from cfnfix.rules.schema.schema_unknown_property import UnknownProperty
from cfnfix.rules.schema.txt_record_too_long import split
from devtools.golden_cases import GOLDEN
from devtools.lint_oracle import lint_errors
from devtools.paths import ROOT

SCHEMA_RULES = [r for r in all_rules() if isinstance(r, SchemaRule)]


def test_schema_rules_are_in_their_range_and_name_their_cfn_lint_checks() -> None:
    assert len(SCHEMA_RULES) == 7
    for rule in SCHEMA_RULES:
        assert 701 <= int(rule.id[3:]) <= 739, rule.id
        assert rule.cfn_lint_ids and all(i[0] in "EW" and i[1:].isdigit() for i in rule.cfn_lint_ids)
        assert "## Fix" in rule.explanation and "cfn-lint" in rule.explanation
        assert rule.summary and rule.root_cause and rule.deployment_impact and rule.__doc__


def test_schemas_are_found_and_read_without_importing_cfn_lint() -> None:
    code = (
        "import sys\n"
        "from cfnfix.rules.schema import _schemas as s\n"
        "assert 'AWS::S3::Bucket' in s.resource_types() and 'AWS::Serverless::Function' in s.resource_types()\n"
        "assert 'Arn' in s.attributes('AWS::SQS::Queue')\n"
        "assert s.resource_schema('AWS::SQS::Queue')['additionalProperties'] is False\n"
        "from cfnfix.api import check\n"
        "assert check('Resources:\\n  Q:\\n    Type: AWS::SQS::queue\\n')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'cfnlint'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_schema_is_one_object_whether_its_region_is_named_or_not() -> None:
    """The per-schema tables are keyed by the schema's identity: a second copy was read and built again."""
    assert _schemas.resource_schema("AWS::SQS::Queue") is _schemas.resource_schema("AWS::SQS::Queue", "us-east-1")


def test_one_entry_of_an_extension_file_is_the_entry_of_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules read one region of cfn-lint's per-region files (RDS instance classes: 3.7 MB) as
    the whole file would give it; another layout, a missing key or a last duplicate read alike."""
    import json

    from cfnfix.rules.schema._values import _table

    for entry in _table()["extension_enums"]:
        parts = tuple(entry["file"])
        expected = _schemas.data_file(*parts).get("us-east-1")
        assert expected is not None and _schemas.data_file_entry(parts, "us-east-1") == expected
    data = {"eu-west-1": {"enum": ["a"]}, "us-east-1": {"x": {"us-east-1": 1}, "enum": ["b", "c"]}}
    monkeypatch.setattr(_schemas, "schema_root", lambda: tmp_path)
    for name, text in {
        "indent1.json": json.dumps(data, indent=1),
        "compact.json": json.dumps(data),
        "indent2.json": json.dumps(data, indent=2),
        "twice.json": json.dumps(data, indent=1)[:-2] + ',\n "us-east-1": {"enum": ["d"]}\n}',
        "list.json": json.dumps([data], indent=1),
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        whole = json.loads(text)
        expected = whole.get("us-east-1") if isinstance(whole, dict) else None
        assert _schemas.data_file_entry((name,), "us-east-1") == expected, name
        assert _schemas.data_file_entry((name,), "sa-east-1") is None
    assert _schemas.data_file_entry(("missing.json",), "us-east-1") is None


def test_without_cfn_lint_the_rules_stop_the_run_and_explain_says_why(
    monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Result], tmp_path: Path
) -> None:
    """cfn-lint is a dependency: an installation without it (--no-deps) must not find nothing silently."""
    from cfnfix.api import check
    from cfnfix.errors import ConfigError

    monkeypatch.setattr(_schemas, "schema_root", lambda: None)
    text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      queuename: x\n"
    with pytest.raises(ConfigError, match=r"CFX701, CFX702, .* cannot run: .*reinstall cfnfix"):
        check(text, select=["CFX7"])
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("check", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: CFX701, CFX702, CFX703, CFX704, CFX705, CFX706, CFX707 cannot run: ")
    assert result.stderr.rstrip().endswith("or leave them out with --ignore CFX7")
    assert cli("check", "--ignore", "CFX7", str(path)).exit_code == 0
    assert [f.rule_id for f in check(text, select=["CFX101"])] == []
    rule = UnknownProperty()
    assert "## Not active here" in rule.explanation and "reinstall cfnfix" in rule.explanation
    monkeypatch.undo()
    assert [f.rule_id for f in check(text, select=["CFX7"])] == ["CFX701"]


def test_cfn_lint_is_a_dependency_and_the_lint_extra_still_works() -> None:
    tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in project["project"]["dependencies"] if d.startswith("cfn-lint")]
    assert pins and project["project"]["optional-dependencies"]["lint"] == pins  # the old extra: an alias
    assert "Not active here" not in UnknownProperty().explanation


@pytest.mark.parametrize(
    ("name", "pool", "names", "kind"),
    [
        ("roleArn", ["RoleARN", "RoleName"], ("RoleARN",), "case"),
        ("VisibilityTimout", ["VisibilityTimeout", "QueueName"], ("VisibilityTimeout",), "near"),
        ("SecurityGroupds", ["SecurityGroupIds", "SecurityGroups"], ("SecurityGroupIds", "SecurityGroups"), "near"),
        ("Subnet", ["Subnet1", "Subnet2", "Vpc"], ("Subnet1", "Subnet2"), "near"),
    ],
)
def test_closest(name: str, pool: list[str], names: tuple[str, ...], kind: str) -> None:
    match = closest(name, pool)
    assert match is not None and match.names == names and match.kind == kind
    assert (match.unique is None) == (len(names) > 1)


def test_closest_refuses_far_and_short_guesses() -> None:
    assert closest("Bogus", ["QueueName", "Tags"]) is None
    assert closest("Ab", ["Cd"]) is None  # two edits on a two-letter name is not a near miss
    assert closest("MaxSize", ["MinSize"]) is None  # two edits on seven letters: another property, not a typo
    assert distance("ab", "ba") == 1


def test_txt_split_keeps_every_character_in_order() -> None:
    value = "x" * 300 + "y" * 300
    out = split(f'"{value}"')
    assert out is not None
    chunks = out.split(" ")
    assert [len(c) - 2 for c in chunks] == [255, 255, 90]
    assert "".join(c.strip('"') for c in chunks) == value
    assert split('"short"') is None and split('"has \\" quote' + "x" * 300 + '"') is None


def test_a_required_property_in_the_wrong_case_also_clears_e3003() -> None:
    case = GOLDEN / "schema-unknown-property" / "case-only"
    before = lint_errors((case / "input.yaml").read_text(encoding="utf-8"))
    after = lint_errors((case / "output.yaml").read_text(encoding="utf-8"))
    assert ("E3003", "'Protocol' is a required property") in before
    assert not [e for e in after if e[0] == "E3003"]
    # left for --unsafe-fixes: the near miss, and queueName (a create-only property: the impact policy)
    left = sorted(msg for rule, msg in after if rule == "E3002")
    assert all("'protocol'" not in m and "'TopicARN'" not in m for m in left) and len(left) == 2, left


MANY_MISTAKES = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env:
    Type: String
    Default: dev
  SubnetId:
    Type: AWS::EC2::Subnet::Id
Resources:
  Queue:
    Type: AWS::SQS::queue
    Properties:
      queueName: !Sub "${Env}-orders"
      VisibilityTimout: 60
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: "${Env}-table"
      BillingMode: pay_per_request
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      KeySchema:
        - AttributeName: id
          KeyType: HASH
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns: arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: function
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Rle.Arn
      Code:
        ZipFile: "def handler(event, context): return event"
      Environment:
        Variables:
          QUEUE: !Ref Queu
          TABLE: !GetAtt Table.arn
      VpcConfig:
        SubnetIds: !Ref SubnetId
        SecurityGroupIds:
          - !GetAtt Group.GroupId
"""


def test_one_apply_fixes_several_planted_mistakes_at_once(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(MANY_MISTAKES, encoding="utf-8")
    errors = {rule for rule, _ in lint_errors(MANY_MISTAKES)}
    assert {"E3006", "E3030", "E1029", "E1010", "E1020"} <= errors, errors
    result = cli("apply", "--write", "--unsafe-fixes", "--select", "CFX7", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    fixed = path.read_text(encoding="utf-8")
    assert lint_errors(fixed) == set()
    data = yaml.safe_load(fixed.replace("!Sub", "").replace("!GetAtt", "").replace("!Ref", ""))
    queue, fn = data["Resources"]["Queue"], data["Resources"]["Function"]["Properties"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert set(queue["Properties"]) == {"QueueName", "VisibilityTimeout"}
    assert data["Resources"]["Table"]["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert fn["Environment"]["Variables"] == {"QUEUE": "Queue", "TABLE": "Table.Arn"}
    assert fn["Role"] == "Role.Arn" and fn["VpcConfig"]["SubnetIds"] == ["SubnetId"]
    assert "TableName: !Sub ${Env}-table" in fixed
    again = cli("apply", "--write", "--unsafe-fixes", "--select", "CFX7", str(path))
    assert again.exit_code == 0 and path.read_text(encoding="utf-8") == fixed
