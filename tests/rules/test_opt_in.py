"""Opt-in rules (CFX935 hard-coded-partition): run only when named in full, silent by default, and an
unselected one does not keep a bare suppression from being judged."""

from __future__ import annotations

from cfnfix import check
from cfnfix.config import Settings
from cfnfix.rules import get_rule


def test_opt_in_rule_runs_only_when_named_in_full() -> None:
    rule = get_rule("CFX935")
    assert rule is not None and rule.opt_in
    assert not Settings().runs(rule)
    assert not Settings(select=["CFX9"]).runs(rule)
    assert not Settings(select=["CFX93"]).runs(rule)
    assert Settings(select=["CFX935"]).runs(rule)
    assert Settings(select=["hard-coded-partition"]).runs(rule)
    assert not Settings(select=["CFX935"], ignore=["CFX935"]).runs(rule)
    ordinary = get_rule("CFX933")
    assert ordinary is not None and Settings(select=["CFX9"]).runs(ordinary)


def test_opt_in_rule_is_silent_by_default_and_reports_when_selected() -> None:
    text = "Resources:\n  B:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::b/*\n            Principal: '*'\n"
    assert not [f for f in check(text) if f.rule_id == "CFX935"]
    assert [f.rule_id for f in check(text, select=["CFX935"])] == ["CFX935"]


def test_an_unselected_opt_in_rule_does_not_keep_a_bare_suppression_from_being_judged() -> None:
    text = "Resources:\n  Topic:  # cfnfix: ignore\n    Type: AWS::SNS::Topic\n"
    found = check(text, config=Settings(show_unused_suppressions=True))
    assert [f.rule_id for f in found] == ["CFX900"]
