"""cfnfix.template.references: every reference site of docs/cloudformation/logical-ids.md ("Where a name is referenced"), and what is not a reference."""

from __future__ import annotations

import pytest

from cfnfix.document import load, parse_text
from cfnfix.template.references import Kind, ReferenceIndex, declared_names, sub_variables


def index(text: str) -> ReferenceIndex:
    # parse_text, not load: malformed data (``Resources: 3``, which load refuses) must not crash the index either
    return ReferenceIndex(parse_text(text)[2])


def sites(text: str, section: str, name: str) -> list[tuple[str, str, int, int]]:
    """(pointer, kind, start, end) of every reference to ``name`` in ``section``."""
    return [(r.pointer, r.kind.value, r.start, r.end) for r in index(text).references(section, name)]


BASE = """\
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Mappings:
  Map: {us-east-1: {Ami: ami-1}}
"""


def test_ref_to_parameter_and_resource() -> None:
    text = (
        BASE
        + """\
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref Env
      Tags: [{Key: k, Value: {Ref: Bucket2}}]
  Bucket2: {Type: AWS::S3::Bucket}
"""
    )
    assert sites(text, "Parameters", "Env") == [
        ("/Conditions/IsProd/Fn::Equals/0/Ref", "Ref", 0, 3),
        ("/Resources/Bucket/Properties/BucketName/Ref", "Ref", 0, 3),
    ]
    assert sites(text, "Resources", "Bucket2") == [("/Resources/Bucket/Properties/Tags/0/Value/Ref", "Ref", 0, 7)]
    assert sites(text, "Resources", "Env") == []  # a Ref binds to the parameter
    assert sites(text, "Conditions", "Env") == []


def test_pseudo_parameters_are_not_references() -> None:
    ix = index("Resources:\n  B:\n    Type: X\n    Properties: {A: !Ref 'AWS::Region', B: !Sub '${AWS::StackName}'}\n")
    assert ix.occurrences == []


@pytest.mark.parametrize(
    ("value", "pointer", "kind"),
    [
        ("!GetAtt DB.Endpoint.Address", "/Resources/Fn/Properties/P/Fn::GetAtt/0", "Fn::GetAtt"),
        ("!GetAtt [DB, Endpoint.Address]", "/Resources/Fn/Properties/P/Fn::GetAtt/0", "Fn::GetAtt"),
        ("{Fn::GetAtt: [DB, Arn]}", "/Resources/Fn/Properties/P/Fn::GetAtt/0", "Fn::GetAtt"),
        ("{Fn::GetAtt: DB.Endpoint.Address}", "/Resources/Fn/Properties/P/Fn::GetAtt", "Fn::GetAtt string"),
    ],
)
def test_getatt_forms(value: str, pointer: str, kind: str) -> None:
    text = f"Resources:\n  DB: {{Type: AWS::RDS::DBCluster}}\n  Fn:\n    Type: X\n    Properties:\n      P: {value}\n"
    assert sites(text, "Resources", "DB") == [(pointer, kind, 0, 2)]


def test_getatt_string_form_in_json_splits_at_first_dot() -> None:
    text = '{"Resources": {"DB": {"Type": "T"}, "DBX": {"Type": "T", "Properties": {"A": {"Fn::GetAtt": "DB.Endpoint.Address"}}}}}'
    assert sites(text, "Resources", "DB") == [("/Resources/DBX/Properties/A/Fn::GetAtt", "Fn::GetAtt string", 0, 2)]
    assert sites(text, "Resources", "Endpoint") == []
    assert sites(text, "Resources", "DBX") == []


def test_getatt_attribute_may_be_an_expression() -> None:
    text = "Resources:\n  A:\n    Type: T\n    Properties: {P: !GetAtt [A2, !Ref Attr]}\n"
    ix = index(text)
    assert [(o.text, o.kind) for o in ix.occurrences] == [("A2", Kind.GETATT), ("Attr", Kind.REF)]


def test_sub_string_variables_literals_and_pseudo() -> None:
    text = (
        BASE
        + """\
Resources:
  Q:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${Env}-${Q.Arn}-${!Q}-${AWS::Region}-${ Q }-${Q.A.B}"
"""
    )
    s = "${Env}-${Q.Arn}-${!Q}-${AWS::Region}-${ Q }-${Q.A.B}"
    got = sites(text, "Resources", "Q")
    assert [(p, k) for p, k, _, _ in got] == [("/Resources/Q/Properties/QueueName/Fn::Sub", "Fn::Sub")] * 3
    assert [s[a:b] for _, _, a, b in got] == ["Q", "Q", "Q"]
    assert [a for _, _, a, _ in got] == [s.index("Q.Arn"), s.index(" Q ") + 1, s.index("Q.A.B")]
    assert [(k, a, b) for _, k, a, b in sites(text, "Parameters", "Env")] == [("Ref", 0, 3), ("Fn::Sub", 2, 5)]


def test_sub_variable_map_shadows_template_names_but_not_its_values() -> None:
    text = """\
Resources:
  Q: {Type: AWS::SQS::Queue}
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub ["${Q}-${Q.Arn}-${Other}", {Q: !GetAtt Q.QueueName, Other: !Ref Q}]
"""
    assert sites(text, "Resources", "Q") == [
        ("/Resources/Topic/Properties/TopicName/Fn::Sub/1/Q/Fn::GetAtt/0", "Fn::GetAtt", 0, 1),
        ("/Resources/Topic/Properties/TopicName/Fn::Sub/1/Other/Ref", "Ref", 0, 1),
    ]


def test_sub_variables_helper() -> None:
    assert list(sub_variables("a${X}b${!Y}${ Z.W }${}${  }")) == [("X", 3), ("Z.W", 14)]


def test_depends_on_string_and_list() -> None:
    text = """\
Resources:
  A: {Type: T}
  B: {Type: T, DependsOn: A}
  C: {Type: T, DependsOn: [B, A]}
"""
    assert sites(text, "Resources", "A") == [
        ("/Resources/B/DependsOn", "DependsOn", 0, 1),
        ("/Resources/C/DependsOn/1", "DependsOn", 0, 1),
    ]


def test_condition_sites() -> None:
    text = """\
Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Other: !And [!Condition IsProd, {Fn::Not: [{Condition: IsProd}]}]
  Third: {Condition: IsProd}
Resources:
  A:
    Type: T
    Condition: IsProd
    Properties:
      P: !If [IsProd, a, b]
      Policy: {Statement: [{Effect: Allow, Condition: {StringEquals: {k: v}}}]}
      Q: {Condition: IsProd}
Outputs:
  O: {Condition: IsProd, Value: x}
"""
    got = [(p, k) for p, k, _, _ in sites(text, "Conditions", "IsProd")]
    assert got == [
        ("/Conditions/Other/Fn::And/0/Condition", "Condition function"),
        ("/Conditions/Other/Fn::And/1/Fn::Not/0/Condition", "Condition function"),
        ("/Conditions/Third/Condition", "Condition function"),
        ("/Resources/A/Condition", "Condition"),
        ("/Resources/A/Properties/P/Fn::If/0", "Fn::If"),
        ("/Outputs/O/Condition", "Condition"),
    ]  # Properties/Q is a plain property named Condition, not the function


def test_find_in_map_first_argument_only() -> None:
    text = (
        BASE
        + """\
Resources:
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [Map, !Ref "AWS::Region", Ami]
      Other: !FindInMap [!Ref Env, Map, Map]
"""
    )
    assert sites(text, "Mappings", "Map") == [
        ("/Resources/I/Properties/ImageId/Fn::FindInMap/0", "Fn::FindInMap", 0, 3)
    ]
    assert ("/Resources/I/Properties/Other/Fn::FindInMap/0/Ref", "Ref", 0, 3) in sites(text, "Parameters", "Env")


def test_interface_metadata_groups_and_label_keys() -> None:
    text = """\
Metadata:
  AWS::CloudFormation::Interface:
    ParameterGroups:
      - Label: {default: Env group}
        Parameters: [Env, Other]
    ParameterLabels:
      Env: {default: Env}
Parameters:
  Env: {Type: String}
  Other: {Type: String}
"""
    ix = index(text)
    refs = ix.references("Parameters", "Env")
    assert [(r.pointer, r.kind, r.is_key) for r in refs] == [
        ("/Metadata/AWS::CloudFormation::Interface/ParameterGroups/0/Parameters/0", Kind.INTERFACE_GROUP, False),
        ("/Metadata/AWS::CloudFormation::Interface/ParameterLabels/Env", Kind.INTERFACE_LABEL, True),
    ]
    assert ix.references("Resources", "Env") == []


def test_rules_section_refers_to_parameters() -> None:
    text = """\
Parameters:
  Env: {Type: String}
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
Rules:
  ProdRule:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: {Fn::EachMemberEquals: [{Fn::ValueOf: [Subnets, VpcId]}, vpc-1]}
"""
    assert sites(text, "Parameters", "Env") == [("/Rules/ProdRule/RuleCondition/Fn::Equals/0/Ref", "Ref", 0, 3)]
    assert sites(text, "Parameters", "Subnets") == [
        ("/Rules/ProdRule/Assertions/0/Assert/Fn::EachMemberEquals/0/Fn::ValueOf/0", "Fn::ValueOf", 0, 7)
    ]


def test_sam_referenceable_property_refers_to_the_function() -> None:
    text = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {AutoPublishAlias: live, Runtime: python3.12, Handler: a.b, InlineCode: x}
  Perm:
    Type: AWS::Lambda::Permission
    Properties: {FunctionName: !Ref Fn.Alias, Principal: !Sub "${Fn.Version}", Action: !GetAtt FnRole.Arn}
"""
    got = sites(text, "Resources", "Fn")
    assert [(p.rsplit("/", 2)[-2:], k, a, b) for p, k, a, b in got] == [
        (["FunctionName", "Ref"], "Ref", 0, 2),
        (["Principal", "Fn::Sub"], "Fn::Sub", 2, 4),
    ]
    assert [k for _, k, _, _ in sites(text, "Resources", "FnRole")] == ["Fn::GetAtt"]


def test_sam_connectors() -> None:
    text = """\
Resources:
  Table: {Type: AWS::DynamoDB::Table}
  Fn:
    Type: AWS::Serverless::Function
    Connectors:
      ToTable:
        Properties: {Destination: {Id: Table}, Permissions: [Read]}
  Conn:
    Type: AWS::Serverless::Connector
    Properties:
      Source: {Id: Fn}
      Destination: [{Id: Table}, {Type: AWS::SQS::Queue, Arn: x}]
      Permissions: [Write]
"""
    assert sites(text, "Resources", "Table") == [
        ("/Resources/Fn/Connectors/ToTable/Properties/Destination/Id", "Connector Id", 0, 5),
        ("/Resources/Conn/Properties/Destination/0/Id", "Connector Id", 0, 5),
    ]
    assert sites(text, "Resources", "Fn") == [("/Resources/Conn/Properties/Source/Id", "Connector Id", 0, 2)]


def test_blue_green_hook_logical_ids() -> None:
    text = """\
Hooks:
  Hook:
    Type: AWS::CodeDeploy::BlueGreen
    Properties:
      ServiceRole: Svc
      Applications:
        - Target: {Type: AWS::ECS::Service, LogicalID: Svc}
          ECSAttributes:
            TaskDefinitions: [Blue, Green]
            TaskSets: [BlueSet, GreenSet]
            TrafficRouting:
              ProdTrafficRoute: {Type: AWS::ElasticLoadBalancingV2::Listener, LogicalID: Listener}
              TargetGroups: [TG1, TG2]
Resources:
  Svc: {Type: AWS::ECS::Service}
"""
    assert [p for p, *_ in sites(text, "Resources", "Svc")] == [
        "/Hooks/Hook/Properties/Applications/0/Target/LogicalID"
    ]
    assert [p for p, *_ in sites(text, "Resources", "Green")] == [
        "/Hooks/Hook/Properties/Applications/0/ECSAttributes/TaskDefinitions/1"
    ]
    assert len(sites(text, "Resources", "TG2")) == 1
    assert len(sites(text, "Resources", "Listener")) == 1


def test_foreach_identifier_is_not_a_logical_id() -> None:
    text = """\
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList}
  Name: {Type: String}
Resources:
  Base: {Type: AWS::SNS::Topic}
  Fn::ForEach::Topics:
    - Name
    - !Ref Names
    - Topic${Name}:
        Type: AWS::SNS::Topic
        DependsOn: Base
        Properties:
          TopicName: !Ref Name
          DisplayName: !Sub "${Name}-${Base.TopicName}"
Outputs:
  Fn::ForEach::Out:
    - Name
    - !Ref Names
    - Out${Name}: {Value: !Ref Name}
  Plain: {Value: !Ref Name}
"""
    assert [p for p, *_ in sites(text, "Parameters", "Names")] == [
        "/Resources/Fn::ForEach::Topics/1/Ref",
        "/Outputs/Fn::ForEach::Out/1/Ref",
    ]
    assert [p for p, *_ in sites(text, "Parameters", "Name")] == ["/Outputs/Plain/Value/Ref"]
    assert [k for _, k, _, _ in sites(text, "Resources", "Base")] == ["DependsOn", "Fn::Sub"]


def test_outputs_and_rules_names_have_no_references() -> None:
    text = "Resources:\n  X: {Type: T}\nOutputs:\n  X: {Value: !Ref X}\n"
    assert sites(text, "Outputs", "X") == []
    assert len(sites(text, "Resources", "X")) == 1


def test_mentions_are_plain_text_only() -> None:
    text = """\
Description: Creates MyInstance and a Bucket
Resources:
  Bucket: {Type: AWS::S3::Bucket, Properties: {BucketName: !Ref Bucket}}
  MyInstance:
    Type: AWS::EC2::Instance
    Properties:
      UserData:
        Fn::Base64: !Sub |
          /opt/aws/bin/cfn-init --stack ${AWS::StackName} --resource MyInstance
          /opt/aws/bin/cfn-signal --resource ${MyInstance}
      Tags: [{Key: Name, Value: MyInstances}]
"""
    ix = index(text)
    assert ix.mentions("MyInstance") == ["/Description", "/Resources/MyInstance/Properties/UserData/Fn::Base64/Fn::Sub"]
    assert ix.mentions("Bucket") == ["/Description"]  # not the Ref, not Type AWS::S3::Bucket
    assert ix.mentions("") == []


def test_literal_sub_text_is_a_mention() -> None:
    ix = index("Resources:\n  Q:\n    Type: T\n    Properties: {A: !Sub '${!Q}'}\n")
    assert ix.references("Resources", "Q") == []
    assert ix.mentions("Q") == ["/Resources/Q/Properties/A/Fn::Sub"]


def test_invalid_names_are_matched_whole() -> None:
    text = """\
Resources:
  SchemaSync Lambda: {Type: AWS::Lambda::Function}
  my.bucket: {Type: AWS::S3::Bucket}
  User:
    Type: T
    Properties:
      A: !GetAtt SchemaSync Lambda.Arn
      B: !Ref my.bucket
      C: !Sub "${SchemaSync Lambda}"
"""
    assert [k for _, k, _, _ in sites(text, "Resources", "SchemaSync Lambda")] == ["Fn::GetAtt", "Fn::Sub"]
    assert sites(text, "Resources", "my.bucket") == [("/Resources/User/Properties/B/Ref", "Ref", 0, 9)]


def test_declared_names_skip_foreach_loops() -> None:
    data = load(
        "Resources:\n  A: {Type: T}\n  Fn::ForEach::L: [x, [a], {'B${x}': {Type: T}}]\nOutputs: {O: {Value: 1}}\n"
    ).data
    assert declared_names(data) == {"Resources": ["A"], "Outputs": ["O"]}


def test_value_reads_the_string_at_a_pointer() -> None:
    ix = index("Resources:\n  A: {Type: T, DependsOn: [B]}\n  B: {Type: T}\n")
    (ref,) = ix.references("Resources", "B")
    assert ix.value(ref.pointer) == "B"


def test_malformed_templates_do_not_crash() -> None:
    for text in [
        "Resources: 3\n",
        "Resources:\n  A: [1, 2]\n",
        "Resources:\n  A: {Type: {Ref: X}, DependsOn: {x: 1}, Condition: [1]}\n",
        "Conditions: [1]\nOutputs: x\nMetadata: {AWS::CloudFormation::Interface: {ParameterGroups: [1, {Parameters: 3}], ParameterLabels: []}}\n",
        "Resources:\n  A: {Type: T, Properties: {a: !Sub [], b: !GetAtt [], c: !If [], d: {Fn::Sub: [1]}}}\n",
    ]:
        index(text)
