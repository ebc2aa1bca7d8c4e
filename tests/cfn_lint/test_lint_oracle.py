"""The test oracle's notion of a new cfn-lint error (``devtools/lint_oracle.py``)."""

from __future__ import annotations

from devtools.lint_oracle import new_lint_errors

DUPLICATES = """Resources:
  Group:
    Type: AWS::IAM::Group
    Properties:
      ManagedPolicyArns:
        - {value}
        - {value}
"""


def test_an_error_reworded_at_the_same_node_is_not_new() -> None:
    """E3037 lists the duplicated values: wrapping them in Fn::Sub rewords the input's error."""
    before = DUPLICATES.format(value="arn:aws:iam::aws:policy/ReadOnlyAccess")
    after = DUPLICATES.format(value="!Sub arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess")
    assert new_lint_errors(before, after) == set()


def test_an_error_at_a_new_node_is_new() -> None:
    before = DUPLICATES.format(value="arn:aws:iam::aws:policy/ReadOnlyAccess").replace(
        "        - arn", "        - x", 1
    )
    after = DUPLICATES.format(value="arn:aws:iam::aws:policy/ReadOnlyAccess")
    assert [rule for rule, _ in new_lint_errors(before, after)] == ["E3037"]
