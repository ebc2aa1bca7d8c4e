"""cfnfix.template.rename: one patch per rename — a key move plus one operation per reference."""

from __future__ import annotations

import copy

import jsonpatch
import pytest

from cfnfix import apply_patch
from cfnfix.document import load
from cfnfix.findings import Applicability
from cfnfix.template.references import ReferenceIndex
from cfnfix.template.rename import RenameError, rename_applicability, rename_fix, rename_patch, rename_targets

TEMPLATE = """\
Metadata:
  AWS::CloudFormation::Interface:
    ParameterGroups:
      - Parameters: [Env]
    ParameterLabels:
      Env: {default: Environment}
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  DB:
    Type: AWS::RDS::DBCluster
    Condition: IsProd
    Properties:
      Engine: aurora-mysql
  App:
    Type: AWS::SNS::Topic
    DependsOn: [DB]
    Properties:
      TopicName: !Sub "${Env}-${DB}-${DB.Endpoint.Address}-${!DB}"
      DisplayName: !GetAtt DB.Endpoint.Address
Outputs:
  Endpoint:
    Condition: IsProd
    Value: !If [IsProd, !GetAtt [DB, Endpoint.Port], !Ref Env]
"""


def test_resource_rename_patch() -> None:
    data = load(TEMPLATE).data
    assert rename_patch(data, "Resources", "DB", "Database") == [
        {"op": "move", "from": "/Resources/DB", "path": "/Resources/Database"},
        {"op": "replace", "path": "/Resources/App/DependsOn/0", "value": "Database"},
        {
            "op": "replace",
            "path": "/Resources/App/Properties/TopicName/Fn::Sub",
            "value": "${Env}-${Database}-${Database.Endpoint.Address}-${!DB}",
        },
        {"op": "replace", "path": "/Resources/App/Properties/DisplayName/Fn::GetAtt/0", "value": "Database"},
        {"op": "replace", "path": "/Outputs/Endpoint/Value/Fn::If/1/Fn::GetAtt/0", "value": "Database"},
    ]


def test_parameter_rename_moves_the_label_key() -> None:
    data = load(TEMPLATE).data
    patch = rename_patch(data, "Parameters", "Env", "Stage")
    assert patch == [
        {"op": "move", "from": "/Parameters/Env", "path": "/Parameters/Stage"},
        {
            "op": "replace",
            "path": "/Metadata/AWS::CloudFormation::Interface/ParameterGroups/0/Parameters/0",
            "value": "Stage",
        },
        {
            "op": "move",
            "from": "/Metadata/AWS::CloudFormation::Interface/ParameterLabels/Env",
            "path": "/Metadata/AWS::CloudFormation::Interface/ParameterLabels/Stage",
        },
        {"op": "replace", "path": "/Conditions/IsProd/Fn::Equals/0/Ref", "value": "Stage"},
        {
            "op": "replace",
            "path": "/Resources/App/Properties/TopicName/Fn::Sub",
            "value": "${Stage}-${DB}-${DB.Endpoint.Address}-${!DB}",
        },
        {"op": "replace", "path": "/Outputs/Endpoint/Value/Fn::If/2/Ref", "value": "Stage"},
    ]


def test_condition_and_output_renames() -> None:
    data = load(TEMPLATE).data
    assert [op["path"] for op in rename_patch(data, "Conditions", "IsProd", "Prod")] == [
        "/Conditions/Prod",
        "/Resources/DB/Condition",
        "/Outputs/Endpoint/Condition",
        "/Outputs/Endpoint/Value/Fn::If/0",
    ]
    assert rename_patch(data, "Outputs", "Endpoint", "DbEndpoint") == [
        {"op": "move", "from": "/Outputs/Endpoint", "path": "/Outputs/DbEndpoint"}
    ]


@pytest.mark.parametrize(
    ("section", "old", "new"),
    [("Resources", "DB", "Database"), ("Parameters", "Env", "Stage"), ("Conditions", "IsProd", "Prod")],
)
def test_applied_patch_renames_everything_and_nothing_else(section: str, old: str, new: str) -> None:
    doc = load(TEMPLATE)
    patch = rename_patch(doc.data, section, old, new)
    expected = jsonpatch.apply_patch(copy.deepcopy(doc.data), patch)
    out = apply_patch(TEMPLATE, patch)
    after = load(out)
    assert after.data == expected
    index = ReferenceIndex(after.data)
    assert index.references(section, old) == []
    assert len({r.pointer for r in index.references(section, new)}) == len(patch) - 1
    assert list(after.data[section]) == [new if k == old else k for k in doc.data[section]]  # key order kept


def test_references_inside_the_renamed_item_follow_the_move() -> None:
    text = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      Environment: {Variables: {ROLE: !Ref FnRole, ALIAS: !Ref Fn.Alias, ARN: !Sub "${FnRole.Arn}:${Fn.Version}"}}
  Other:
    Type: AWS::Lambda::Permission
    DependsOn: FnAliaslive
    Properties: {FunctionName: !GetAtt FnRole.Arn}
"""
    data = load(text).data
    assert rename_targets(data, "Resources", "Fn", "Worker")["FnRole"] == "WorkerRole"
    patch = rename_patch(data, "Resources", "Fn", "Worker")
    assert patch == [
        {"op": "move", "from": "/Resources/Fn", "path": "/Resources/Worker"},
        {"op": "replace", "path": "/Resources/Worker/Properties/Environment/Variables/ROLE/Ref", "value": "WorkerRole"},
        {
            "op": "replace",
            "path": "/Resources/Worker/Properties/Environment/Variables/ALIAS/Ref",
            "value": "Worker.Alias",
        },
        {
            "op": "replace",
            "path": "/Resources/Worker/Properties/Environment/Variables/ARN/Fn::Sub",
            "value": "${WorkerRole.Arn}:${Worker.Version}",
        },
        {"op": "replace", "path": "/Resources/Other/DependsOn", "value": "WorkerAliaslive"},
        {"op": "replace", "path": "/Resources/Other/Properties/FunctionName/Fn::GetAtt/0", "value": "WorkerRole"},
    ]
    out = apply_patch(text, patch)
    assert "!Ref WorkerRole, ALIAS: !Ref Worker.Alias" in out


def test_a_declared_resource_named_like_a_generated_one_is_not_renamed() -> None:
    text = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Role: !GetAtt FnRole.Arn}
  FnRole: {Type: AWS::IAM::Role}
"""
    data = load(text).data
    assert "FnRole" not in rename_targets(data, "Resources", "Fn", "Worker")
    assert rename_patch(data, "Resources", "Fn", "Worker") == [
        {"op": "move", "from": "/Resources/Fn", "path": "/Resources/Worker"}
    ]


def test_errors() -> None:
    data = load(TEMPLATE).data
    with pytest.raises(RenameError, match="has no 'Nope'"):
        rename_patch(data, "Resources", "Nope", "X")
    with pytest.raises(RenameError, match="not a section"):
        rename_patch(data, "Globals", "DB", "X")
    with pytest.raises(RenameError, match="not a valid logical name"):
        rename_patch(data, "Resources", "DB", "Data-base")
    with pytest.raises(RenameError, match="collides"):
        rename_patch(data, "Resources", "DB", "app")  # case-insensitive
    with pytest.raises(RenameError, match="collides"):
        rename_patch(data, "Resources", "DB", "IsProd")  # another section
    with pytest.raises(RenameError, match="already has that name"):
        rename_patch(data, "Resources", "DB", "DB")
    assert rename_patch(data, "Resources", "DB", "Db")[0]["path"] == "/Resources/Db"  # case-only, itself excluded


def test_applicability_safe_only_for_invalid_names() -> None:
    assert rename_applicability("Resources", "SchemaSync Lambda") is Applicability.SAFE
    assert rename_applicability("Resources", "Valid") is Applicability.UNSAFE
    assert rename_applicability("Conditions", "A_B") is Applicability.UNSAFE
    data = load(TEMPLATE).data
    fix = rename_fix(data, "Resources", "DB", "Database")
    assert fix.applicability is Applicability.UNSAFE
    assert fix.message == "Rename 'DB' to 'Database' and update 5 references"


def test_two_renames_in_one_sub_string_compose() -> None:
    text = "Resources:\n  a-b: {Type: T}\n  c d: {Type: T}\n  U: {Type: T, Properties: {P: !Sub '${a-b}/${c d}/${a-b.Arn}'}}\n"
    data = load(text).data
    first = rename_patch(data, "Resources", "a-b", "AB")
    text = apply_patch(text, first)
    second = rename_patch(load(text).data, "Resources", "c d", "CD")
    text = apply_patch(text, second)
    assert text.endswith("P: !Sub '${AB}/${CD}/${AB.Arn}'}}\n")
