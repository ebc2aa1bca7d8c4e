"""The fix loop of cfnfix.fix: passes, overlapping fixes, failing fixes, cycles, unsafe fixes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from cfnfix import Applicability, Fix, Settings, Severity, checking, fix
from cfnfix.rules import Rule, RuleContext, all_rules

TEMPLATE = """Resources:
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
"""


class _TestRule(Rule):
    severity = Severity.LOW
    summary = "test rule"
    explanation = "test rule"
    doc_url = "https://example.com"
    fix_applicability = Applicability.SAFE


class AddRetain(_TestRule):
    """Adds DeletionPolicy: Retain to every resource without one (one fix per resource)."""

    id = "ZZX901"
    name = "test-add-retain"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        for name, res in ctx.data.get("Resources", {}).items():
            if "DeletionPolicy" not in res:
                yield self.finding(
                    ctx,
                    f"/Resources/{name}",
                    f"{name} has no DeletionPolicy",
                    fix=Fix(
                        applicability=Applicability.SAFE,
                        message="retain",
                        patch=[{"op": "add", "path": f"/Resources/{name}/DeletionPolicy", "value": "Retain"}],
                    ),
                    at_key=True,
                )


class TagEverything(_TestRule):
    """Overlaps AddRetain's paths (same resource): must wait for the next pass."""

    id = "ZZX902"
    name = "test-tag-everything"
    severity: ClassVar[Severity] = Severity.HIGH

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        for name, res in ctx.data.get("Resources", {}).items():
            if "Metadata" not in res:
                yield self.finding(
                    ctx,
                    f"/Resources/{name}",
                    "untagged",
                    fix=Fix(
                        applicability=Applicability.SAFE,
                        message="tag",
                        patch=[{"op": "add", "path": f"/Resources/{name}", "value": dict(res, Metadata={"t": 1})}],
                    ),
                )


class Broken(_TestRule):
    """A fix whose patch cannot apply: dropped and reported, the rest still applies."""

    id = "ZZX903"
    name = "test-broken"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        yield self.finding(
            ctx,
            "/Resources",
            "broken",
            fix=Fix(applicability=Applicability.SAFE, message="x", patch=[{"op": "remove", "path": "/Nope"}]),
        )


class Flip(_TestRule):
    """Toggles a value forever: the loop must stop at the cycle."""

    id = "ZZX904"
    name = "test-flip"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        value = ctx.data.get("Description", "a")
        new = "b" if value == "a" else "a"
        yield self.finding(
            ctx,
            "",
            "flip",
            fix=Fix(
                applicability=Applicability.SAFE,
                message="flip",
                patch=[{"op": "add", "path": "/Description", "value": new}],
            ),
        )


class Risky(_TestRule):
    """An unsafe fix: applied only with unsafe fixes enabled."""

    id = "ZZX905"
    name = "test-risky"
    fix_applicability = Applicability.UNSAFE

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        if "Outputs" not in ctx.data:
            yield self.finding(
                ctx,
                "",
                "no outputs",
                fix=Fix(
                    applicability=Applicability.UNSAFE,
                    message="add",
                    patch=[{"op": "add", "path": "/Outputs", "value": {}}],
                ),
            )


@pytest.fixture(autouse=True)
def _registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only this module's rules run (test rules are not in the package, so not registered); the
    registry's own view (what ``select`` is checked against) is this module's rules too."""
    import cfnfix.rules

    rules = (AddRetain(), TagEverything(), Broken(), Flip(), Risky())
    monkeypatch.setattr(checking, "all_rules", lambda: rules)
    monkeypatch.setattr(cfnfix.rules, "all_rules", lambda: rules)


def test_test_rules_are_not_registered() -> None:
    assert not [r for r in all_rules() if r.id.startswith("ZZX")]


def test_fixes_apply_in_one_pass_and_reach_a_fixed_point() -> None:
    result = fix(TEMPLATE, select=["ZZX901"])
    assert result.passes == 1
    assert [f.path for f in result.fixed] == ["/Resources/Queue", "/Resources/Topic"]
    assert result.text.count("DeletionPolicy: Retain") == 2
    assert result.remaining == []
    assert result.patch == [
        {"op": "add", "path": "/Resources/Queue/DeletionPolicy", "value": "Retain"},
        {"op": "add", "path": "/Resources/Topic/DeletionPolicy", "value": "Retain"},
    ]
    assert result.diff.startswith("--- a/template\n+++ b/template\n")
    assert fix(result.text, select=["ZZX901"]).changed is False


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    result = fix(TEMPLATE, select=["ZZX901", "ZZX902"])
    assert result.passes == 2
    # the higher-severity rule goes first; the overlapping one applies in pass 2
    assert [f.rule_id for f in result.fixed] == ["ZZX902", "ZZX902", "ZZX901", "ZZX901"]
    assert result.remaining == []


def test_a_fix_that_cannot_apply_is_dropped_and_reported() -> None:
    result = fix(TEMPLATE, select=["ZZX901", "ZZX903"])
    assert [f.finding.rule_id for f in result.failed] == ["ZZX903"]
    assert "Nope" in result.failed[0].reason
    assert result.text.count("DeletionPolicy: Retain") == 2
    assert [f.rule_id for f in result.remaining] == ["ZZX903"]


def test_a_cycle_stops_the_loop() -> None:
    result = fix(TEMPLATE, select=["ZZX904"])
    assert result.passes == 3  # the third pass would bring back pass 1's text
    assert result.converged is False
    assert "Description: a" in result.text
    assert fix(TEMPLATE, select=["ZZX901"]).converged is True


def test_unsafe_fixes_need_opting_in() -> None:
    assert fix(TEMPLATE, select=["ZZX905"]).changed is False
    assert "Outputs: {}" in fix(TEMPLATE, select=["ZZX905"], unsafe=True).text
    assert "Outputs: {}" in fix(TEMPLATE, config=Settings(select=["ZZX905"], unsafe_fixes=True), unsafe=True).text
