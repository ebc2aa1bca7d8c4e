"""cfnfix.template.naming: validity of logical names and the new-name generator."""

from __future__ import annotations

import pytest

from cfnfix.document import load
from cfnfix.template.naming import (
    MAX_LENGTH,
    NameAllocator,
    Rename,
    invalid_reason,
    is_valid,
    plan_renames,
    readable_name,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SchemaSync Lambda", "SchemaSyncLambda"),
        ("bucket-name", "BucketName"),
        ("Bücket", "Bucket"),
        ("my_bucket.v2", "MyBucketV2"),
        ("Straße", "Strasse"),
        ("Øresund bridge", "OresundBridge"),
        ("crème brûlée", "CremeBrulee"),
        ("1st queue", "1stQueue"),
        ("日本", ""),
        ("--", ""),
        ("ＦＵＬＬ width", "FULLWidth"),
    ],
)
def test_readable_name(name: str, expected: str) -> None:
    assert readable_name(name) == expected


def test_readable_name_truncates() -> None:
    assert readable_name("a" * 300) == "a" * MAX_LENGTH  # only too long: kept as written, cut
    long = " ".join(["word"] * 100)
    assert readable_name(long) == ("Word" * 100)[:MAX_LENGTH]


@pytest.mark.parametrize(
    ("section", "name", "reason"),
    [
        ("Resources", "Bucket1", None),
        ("Resources", "1Queue", None),
        ("Resources", "a" * 255, None),
        ("Resources", "a" * 256, "is 256 characters long"),
        ("Resources", "", "is empty"),
        ("Resources", "SchemaSync Lambda", "contains ' '"),
        ("Parameters", "env-name", "contains '-'"),
        ("Outputs", "a.b_c", "contains '.', '_'"),
        ("Mappings", "Bücket", "contains 'ü'"),
        ("Rules", "r!", "contains '!'"),
        ("Conditions", "Is_Prod&Dev", None),
        ("Conditions", "is-prod", "contains '-'"),
        ("Resources", "a-b c.d/e:f", "contains '-', ' ', '.', '/', ':'"),
        ("Resources", "a-b c.d/e:f!", "contains '-', ' ', '.', '/', ':', …"),
    ],
)
def test_invalid_reason(section: str, name: str, reason: str | None) -> None:
    assert invalid_reason(section, name) == reason
    assert is_valid(section, name) is (reason is None)


def data(text: str) -> dict:  # type: ignore[type-arg]
    return load(text).data  # type: ignore[no-any-return]


def test_plan_renames_only_invalid_names_in_document_order() -> None:
    d = data(
        """\
Outputs:
  fn-arn: {Value: x}
Parameters:
  Good: {Type: String}
  env name: {Type: String}
Conditions:
  Is_Prod: !Equals [a, a]
  is-dev: !Equals [a, b]
Resources:
  SchemaSync Lambda: {Type: AWS::Lambda::Function}
"""
    )
    assert plan_renames(d) == [
        Rename("Outputs", "fn-arn", "FnArn", "contains '-'"),
        Rename("Parameters", "env name", "EnvName", "contains ' '"),
        Rename("Conditions", "is-dev", "IsDev", "contains '-'"),
        Rename("Resources", "SchemaSync Lambda", "SchemaSyncLambda", "contains ' '"),
    ]


def test_new_names_avoid_every_section_ignoring_case() -> None:
    d = data(
        """\
Parameters:
  schemasynclambda: {Type: String}
Outputs:
  SchemaSyncLambda2: {Value: x}
Resources:
  SchemaSync Lambda: {Type: AWS::Lambda::Function}
"""
    )
    assert [r.new for r in plan_renames(d)] == ["SchemaSyncLambda3"]


def test_two_invalid_names_with_the_same_candidate() -> None:
    d = data("Resources:\n  a-b: {Type: T}\n  a b: {Type: T}\n  A.B: {Type: T}\n")
    assert [(r.old, r.new) for r in plan_renames(d)] == [("a-b", "AB"), ("a b", "AB2"), ("A.B", "AB3")]


def test_plan_is_stable_across_passes() -> None:
    """After the first rename is applied, the rest get the names they were planned with."""
    first = plan_renames(data("Resources:\n  a-b: {Type: T}\n  a b: {Type: T}\n  x y: {Type: T}\n"))
    second = plan_renames(data("Resources:\n  AB: {Type: T}\n  a b: {Type: T}\n  x y: {Type: T}\n"))
    third = plan_renames(data("Resources:\n  a-b: {Type: T}\n  a b: {Type: T}\n  XY: {Type: T}\n"))
    assert [(r.old, r.new) for r in first] == [("a-b", "AB"), ("a b", "AB2"), ("x y", "XY")]
    assert [(r.old, r.new) for r in second] == [("a b", "AB2"), ("x y", "XY")]
    assert [(r.old, r.new) for r in third] == [("a-b", "AB"), ("a b", "AB2")]


def test_sam_generated_names_are_taken() -> None:
    d = data(
        """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Events: {Get: {Type: Api}}
  api role: {Type: AWS::IAM::Role}
  api-get: {Type: AWS::SNS::Topic}
  serverless rest api: {Type: AWS::SNS::Topic}
"""
    )
    assert [r.new for r in plan_renames(d)] == ["ApiRole2", "ApiGet2", "ServerlessRestApi2"]


def test_a_sam_resource_gets_a_name_whose_generated_names_are_free() -> None:
    d = data(
        """\
Resources:
  my fn:
    Type: AWS::Serverless::Function
    Properties: {AutoPublishAlias: live}
  MyFnAliaslive: {Type: AWS::SNS::Topic}
"""
    )
    assert [r.new for r in plan_renames(d)] == ["MyFn2"]


def test_foreach_loop_names_and_generated_keys_are_taken() -> None:
    d = data(
        """\
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Topics:
    - Name
    - [A, b-c]
    - "Topic${Name}": {Type: AWS::SNS::Topic}
      "Sub&{Name}": {Type: AWS::SNS::Topic}
      Fn::ForEach::Inner:
        - Kind
        - [X]
        - "Q${Name}${Kind}": {Type: AWS::SQS::Queue}
  Fn::ForEach::Queues:
    - Name
    - !Ref Names
    - "Queue${Name}": {Type: AWS::SQS::Queue}
  topic-a: {Type: AWS::SNS::Topic}
  sub-bc: {Type: AWS::SNS::Topic}
  q-b-c-x: {Type: AWS::SNS::Topic}
  queue-a: {Type: AWS::SQS::Queue}
  topic s: {Type: AWS::SQS::Queue}
  inner!: {Type: AWS::SQS::Queue}
"""
    )
    assert [r.new for r in plan_renames(d)] == [
        "TopicA2",
        "SubBc2",
        "QBCX",
        "QueueA",
        "TopicS2",
        "Inner2",
    ]  # "topics" ~ loop name Topics


def test_fallback_when_nothing_readable_is_left() -> None:
    d = data(
        "Resources:\n  日本: {Type: AWS::Lambda::Function}\n  --: {Type: 3}\nParameters:\n  ß?: {Type: String}\n  '!!': {Type: String}\n"
    )
    assert [(r.section, r.new) for r in plan_renames(d)] == [
        ("Resources", "Function"),
        ("Resources", "Resource"),
        ("Parameters", "Ss"),
        ("Parameters", "Parameter"),
    ]


def test_long_names_are_truncated_with_room_for_the_number() -> None:
    name = "x" * 300
    d = data(f"Resources:\n  {name}: {{Type: T}}\n  {'x' * 255}: {{Type: T}}\n")
    (plan,) = plan_renames(d)
    assert plan.new == "x" * 254 + "2"
    assert len(plan.new) == MAX_LENGTH


def test_allocator_is_deterministic_and_reserves() -> None:
    d = data("Resources:\n  Queue: {Type: T}\n")
    a, b = NameAllocator(d), NameAllocator(d)
    assert [a.allocate("Queue"), a.allocate("Queue"), a.allocate("queue")] == ["Queue2", "Queue3", "queue4"]
    assert b.allocate("Queue") == "Queue2"
    assert not a.is_free("QUEUE3")
    assert a.is_free("Que") and not a.is_free("Que", ["ue"])  # "Queue" is taken


def test_allocator_exclude_lets_a_name_be_reused_by_itself() -> None:
    d = data("Resources:\n  queue: {Type: T}\nOutputs:\n  Out: {Value: x}\n")
    assert not NameAllocator(d).is_free("Queue")
    assert NameAllocator(d, exclude=("Resources", "queue")).is_free("Queue")
    assert not NameAllocator(d, exclude=("Outputs", "queue")).is_free("Queue")


def test_no_finding_for_a_valid_template() -> None:
    assert plan_renames(data("Resources:\n  A1: {Type: T}\nConditions:\n  A_B&C: !Equals [a, a]\n")) == []
    assert plan_renames(data("Description: only text\n")) == []
    assert plan_renames([]) == []
