"""The meaning checker (cfnfix.template.meaning): what means the same, what does not, and what
a declaration covers. What it proves of the fixes over the golden inputs and the corpus is in
``tests/project/test_meaning_of_fixes.py``."""

from __future__ import annotations

import pytest

from cfnfix.document import load
from cfnfix.template.meaning import Declaration, differences, meaning, unexplained
from devtools.meaning_oracle import KEEPS_MEANING


def _means(a: str, b: str) -> list[str]:
    return differences(meaning(load(a).data), meaning(load(b).data))


def _template(value: str, extra: str = "") -> str:
    return f"""Mappings:
  Sizes: {{prod: {{size: large}}, dev: {{size: small}}}}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: {value}
{extra}"""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('!Sub "Hello ${!Queue}"', '"Hello ${Queue}"'),  # an escape is literal text
        ('!Sub ["orders-${!Stage}", {}]', '"orders-${Stage}"'),
        ('!Join ["", ["arn:", !Ref AWS::Partition, ":sns"]]', '!Sub "arn:${AWS::Partition}:sns"'),
        ("!Join [-, [a, b]]", "a-b"),
        ("!Sub ${Queue.QueueName}", "!GetAtt Queue.QueueName"),
        ("!Sub ${Queue}", "!Ref Queue"),  # one part alone is itself
        ("!GetAtt [Queue, QueueName]", "!GetAtt Queue.QueueName"),
        ('!Sub ["${Name}-x", {Name: !Ref Queue}]', "!Sub ${Queue}-x"),
        ("!If [IsProd, same, same]", "same"),
        ("!Select [1, [a, b, c]]", "b"),
        ('!Select ["0", !Split [",", "x,y"]]', "x"),
        ("!FindInMap [Sizes, prod, size]", "large"),
        ("80", '"80"'),  # CloudFormation passes both as text
        ("true", '"true"'),
    ],
)
def test_spellings_that_mean_the_same(a: str, b: str) -> None:
    assert _means(_template(a), _template(b)) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ('!Sub "Hello ${!Queue}"', '!Sub "Hello ${Queue}"'),  # the text vs the queue's URL
        ('"Hello ${Queue}"', '!Sub "Hello ${Queue}"'),
        ("!Ref Queue", "!Ref Topic"),
        ("!GetAtt Queue.Arn", "!GetAtt Queue.QueueName"),
        ("!If [IsProd, a, b]", "!If [IsDev, a, b]"),
        ("!Select [0, [a, b]]", "!Select [1, [a, b]]"),
        ("!FindInMap [Sizes, prod, size]", "!FindInMap [Sizes, dev, size]"),
        ("!Join [-, [a, b]]", "!Join [_, [a, b]]"),
        ("!Base64 a", "!Base64 b"),
        ("!ImportValue a", "a"),
    ],
)
def test_spellings_that_mean_something_else(a: str, b: str) -> None:
    assert _means(_template(a), _template(b)) == ["/Resources/Topic/Properties/DisplayName"]


def test_no_value_removes_its_key_and_a_missing_key_differs_at_its_pointer() -> None:
    assert _means(_template("x", "      TopicName: !Ref AWS::NoValue\n"), _template("x")) == []
    assert _means(_template("x", "      TopicName: name\n"), _template("x")) == [
        "/Resources/Topic/Properties/TopicName"
    ]


def test_a_changed_mapping_differs_at_the_mapping_not_at_its_uses() -> None:
    a = _template("!FindInMap [Sizes, prod, size]")
    assert _means(a, a.replace("large", "huge")) == ["/Mappings/Sizes/prod/size"]


def test_depends_on_counts_only_what_the_properties_do_not_already_order() -> None:
    base = "Resources:\n  Queue: {Type: AWS::SQS::Queue}\n  Other: {Type: AWS::SQS::Queue}\n  Topic:\n    Type: AWS::SNS::Topic\n"
    refs = "    Properties: {DisplayName: !GetAtt Queue.QueueName}\n"
    assert _means(base + "    DependsOn: [Queue]\n" + refs, base + refs) == []
    assert _means(base + "    DependsOn: Other\n" + refs, base + refs) == ["/Resources/Topic/DependsOn"]
    inside_if = "    Properties: {DisplayName: !If [C, !GetAtt Queue.QueueName, x]}\n"
    assert _means(base + "    DependsOn: Queue\n" + inside_if, base + inside_if) == ["/Resources/Topic/DependsOn"]


def test_a_depends_on_a_declared_reference_now_orders_is_the_same_order() -> None:
    """An unsafe fix writes `!GetAtt Role.Arn` for a principal ARN built from the role's name
    (declared), and CFX806 then drops `DependsOn: Role`, which that reference now orders (it
    keeps meaning): the key is still created after the role (corpus CloudFront.yaml). Without
    the reference, the dropped DependsOn is a difference."""
    base = "Parameters:\n  Name: {Type: String}\nResources:\n  Role: {Type: AWS::IAM::Role}\n  Key:\n    Type: AWS::KMS::Key\n"
    before = load(
        base + "    DependsOn: Role\n    Properties: {KeyPolicy: {Principal: !Sub 'arn:aws:iam::1:role/${Name}'}}\n"
    ).data
    after = load(base + "    Properties: {KeyPolicy: {Principal: !GetAtt Role.Arn}}\n").data
    declaration = Declaration()
    declaration.add([{"op": "replace", "path": "/Resources/Key/Properties/KeyPolicy/Principal", "value": {}}])
    assert unexplained(before, after, declaration) == []
    unordered = load(base + "    Properties: {KeyPolicy: {Principal: other}}\n").data
    assert unexplained(before, unordered, declaration) == ["/Resources/Key/DependsOn"]


def test_a_rename_is_read_through_and_a_missed_reference_shows() -> None:
    before = load(
        "Resources:\n  My Queue: {Type: AWS::SQS::Queue}\n  Topic:\n    Type: AWS::SNS::Topic\n"
        "    DependsOn: My Queue\n    Properties:\n      DisplayName: !Sub '${My Queue.QueueName}'\n"
        "      TopicName: !Ref My Queue\n"
    ).data
    renamed = [{"op": "move", "from": "/Resources/My Queue", "path": "/Resources/MyQueue"}]
    declaration = Declaration()
    declaration.add(renamed, keeps_meaning=True)
    assert declaration.renames == {"Resources": {"My Queue": "MyQueue"}} and not declaration.nodes
    after = load(
        "Resources:\n  MyQueue: {Type: AWS::SQS::Queue}\n  Topic:\n    Type: AWS::SNS::Topic\n"
        "    DependsOn: MyQueue\n    Properties:\n      DisplayName: !Sub '${MyQueue.QueueName}'\n"
        "      TopicName: !Ref My Queue\n"  # missed
    ).data
    assert unexplained(before, after, declaration) == ["/Resources/Topic/Properties/TopicName"]


def test_a_declared_node_covers_what_is_under_it_and_a_list_item_its_list() -> None:
    declaration = Declaration()
    declaration.add(
        [
            {"op": "replace", "path": "/Resources/A/Properties/X/Fn::Sub", "value": "x"},
            {"op": "remove", "path": "/Resources/A/DependsOn/1"},
            {"op": "test", "path": "/Resources/B", "value": {}},
        ]
    )
    assert declaration.nodes == {"/Resources/A/Properties/X", "/Resources/A/DependsOn"}
    assert declaration.covers("/Resources/A/Properties/X") and declaration.covers("/Resources/A/DependsOn")
    assert not declaration.covers("/Resources/B") and not declaration.covers("/Resources/A/Properties/Y")


def test_the_checker_sees_two_safe_fixes_change_a_value_together() -> None:
    """Issue 22: CFX807 dropped the Sub of `Hello ${!Queue}` (meaning kept), then the lost-Sub
    rule wrapped the text it wrote: the queue's URL. CFX807 declares nothing, so the result's
    change at GREETING is unexplained."""
    before = load(_template('!Sub "Hello ${!Queue}"')).data
    after = load(_template('!Sub "Hello ${Queue}"')).data
    declaration = Declaration()
    declaration.add(
        [{"op": "replace", "path": "/Resources/Topic/Properties/DisplayName", "value": "Hello ${Queue}"}],
        keeps_meaning=True,
    )
    assert unexplained(before, after, declaration) == ["/Resources/Topic/Properties/DisplayName"]
    assert "CFX807" in KEEPS_MEANING and "CFX806" in KEEPS_MEANING
