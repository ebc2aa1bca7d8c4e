"""CFX101 invalid-logical-id through the public API (golden cases cover the texts)."""

from __future__ import annotations

from cfnfix import Applicability, Severity, check, fix
from cfnfix.document import load
from cfnfix.rules import get_rule
from cfnfix.template.naming import plan_renames


def test_registered_with_its_metadata() -> None:
    rule = get_rule("CFX101")
    assert rule is not None and rule is get_rule("invalid-logical-id")
    assert rule.severity is Severity.CRITICAL
    assert rule.fix_applicability is Applicability.SAFE
    assert "never have been deployed" in rule.explanation and "**safe**" in rule.explanation
    assert "unsafe" in rule.explanation


def test_finding_points_at_the_key_and_links_the_section_page() -> None:
    text = "Parameters:\n  env-name: {Type: String}\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Ref env-name}\n"
    (finding,) = check(text, select=["CFX101"])
    assert (finding.path, finding.line, finding.column) == ("/Parameters/env-name", 2, 3)
    assert finding.doc_url.endswith("/parameters-section-structure.html")
    assert finding.message.startswith("Parameter logical ID 'env-name' contains '-'")
    assert "rename it to 'EnvName' (1 reference)." in finding.message
    assert finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def test_mentions_are_listed_at_most_three() -> None:
    text = "Description: a-b a-b\nResources:\n  a-b:\n    Type: T\n    Metadata: {n1: a-b, n2: x a-b, n3: a-b y}\n"
    (finding,) = check(text, select=["CFX101"])
    assert finding.message.endswith(
        "review it: /Description, /Resources/a-b/Metadata/n1, /Resources/a-b/Metadata/n2 and 1 more."
    )


def test_overlapping_fixes_converge_to_the_first_plan() -> None:
    text = """\
Parameters:
  p-1: {Type: String}
  p 1: {Type: String}
Resources:
  r-1:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "${p-1}-${p 1}-${r-2.TopicName}"
  r-2:
    Type: AWS::SNS::Topic
    DependsOn: [r-1]
"""
    planned = {p.old: p.new for p in plan_renames(load(text).data)}
    assert planned == {"p-1": "P1", "p 1": "P12", "r-1": "R1", "r-2": "R2"}
    result = fix(text, select=["CFX101"])
    assert result.passes > 1 and not result.failed and not result.remaining
    assert (
        result.text
        == """\
Parameters:
  P1: {Type: String}
  P12: {Type: String}
Resources:
  R1:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub "${P1}-${P12}-${R2.TopicName}"
  R2:
    Type: AWS::SNS::Topic
    DependsOn: [R1]
"""
    )


def test_valid_templates_have_no_finding() -> None:
    text = "Conditions:\n  A_B&C: !Equals [a, b]\nResources:\n  1Queue: {Type: AWS::SQS::Queue, Condition: A_B&C}\n"
    assert check(text, select=["CFX101"]) == []


CHAIN = """Resources:
  Queue-0:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Queue-1.Arn, maxReceiveCount: 3}
  Queue-1:
    Type: AWS::SQS::Queue
    Properties:
      RedrivePolicy: {deadLetterTargetArn: !GetAtt Queue-2.Arn, maxReceiveCount: 3}
  Queue-2:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub "${Queue-0.QueueName}-dlq"
Outputs:
  First:
    Value: !Ref Queue-0
"""


def test_a_chain_of_invalid_ids_naming_each_other_is_renamed_in_one_pass() -> None:
    """Each rename rewrites a reference inside the resource renamed before it (Queue-1's fix edits
    Queue-0, Queue-2's edits Queue-1), and the last names the first: one pass, written after the
    renames it lies in (it took one pass per link), and the same text as pass by pass."""
    result = fix(CHAIN, select=["CFX101"])
    assert result.passes == 1
    assert [f.path for f in result.fixed] == ["/Resources/Queue-0", "/Resources/Queue-1", "/Resources/Queue-2"]
    assert "!GetAtt Queue1.Arn" in result.text and "!GetAtt Queue2.Arn" in result.text
    assert '!Sub "${Queue0.QueueName}-dlq"' in result.text and "Value: !Ref Queue0" in result.text
    assert result.remaining == [] and fix(result.text, select=["CFX101"]).changed is False
    one_by_one = CHAIN
    for _ in range(3):
        findings = [f for f in check(one_by_one, select=["CFX101"]) if f.fix is not None]
        if findings:
            from cfnfix.patch import apply_patch

            one_by_one = apply_patch(one_by_one, findings[0].fix.patch)
    assert one_by_one == result.text
    # the combined patch applies as RFC 6902 says, one operation after another
    import jsonpatch

    assert jsonpatch.apply_patch(load(CHAIN).data, result.patch) == load(result.text).data


def test_with_yaml_anchors_a_fix_inside_a_renamed_key_waits_for_the_next_pass() -> None:
    """The refusal of anchored YAML is judged on the pointers of the text as parsed, so a fix is
    not moved under another fix's rename there: Queue-1's fix, inside Queue-0 which the first
    pass renames, waits for the second pass (without anchors the chain takes one pass)."""
    text = CHAIN + "Metadata:\n  Note: &note {text: kept}\n  Copy: *note\n"
    result = fix(text, select=["CFX101"])
    assert result.passes == 2
    assert [f.path for f in result.fixed] == ["/Resources/Queue-0", "/Resources/Queue-2", "/Resources/Queue-1"]
    assert result.remaining == [] and "&note" in result.text and "*note" in result.text
