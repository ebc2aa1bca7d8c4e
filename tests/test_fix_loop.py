"""The fix loop of cfnfix.fix: passes, overlapping fixes, failing fixes, cycles, unsafe fixes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from cfnfix import Applicability, Fix, Settings, Severity, checking, fix
from cfnfix.findings import Op
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
    """Toggles a value forever (a fix that changes meaning: a later pass judges its value again)."""

    id = "ZZX904"
    name = "test-flip"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        value = ctx.data.get("Description", "a")
        new = "b" if value == "a" else "a"
        yield self.finding(ctx, "", "flip", fix=Fix.safe("flip", [Op.add("/Description", new)]))


class Toggle(_TestRule):
    """Removes Description when there is one, adds it when there is none: a cycle through the user's text."""

    id = "ZZX908"
    name = "test-toggle"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        op = Op.remove("/Description") if "Description" in ctx.data else Op.add("/Description", "a")
        yield self.finding(ctx, "", "toggle", fix=Fix.safe("toggle", [op]))


class Unwrap(_TestRule):
    """CFX807 as it was: a variable-free Sub becomes its text, ``${!X}`` written ``${X}``."""

    id = "ZZX906"
    name = "test-unwrap"
    keeps_meaning = True

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        for name, res in ctx.data.get("Resources", {}).items():
            for key, value in res.get("Properties", {}).items():
                if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
                    text = value["Fn::Sub"]
                    if "${" not in text.replace("${!", ""):
                        path = f"/Resources/{name}/Properties/{key}"
                        fix = Fix.safe("unwrap", [Op.replace(path, text.replace("${!", "${"))])
                        yield self.finding(ctx, path, "no variables", fix=fix)


class Wrap(_TestRule):
    """CFX705 as it was (safe): a string with ``${X}`` is wrapped in Fn::Sub."""

    id = "ZZX907"
    name = "test-wrap"

    def check(self, ctx: RuleContext) -> Iterator:  # type: ignore[type-arg]
        for name, res in ctx.data.get("Resources", {}).items():
            for key, value in res.get("Properties", {}).items():
                if isinstance(value, str) and "${" in value:
                    path = f"/Resources/{name}/Properties/{key}"
                    yield self.finding(
                        ctx, path, "lost Sub", fix=Fix.safe("wrap", [Op.replace(path, {"Fn::Sub": value})])
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

    rules = (AddRetain(), TagEverything(), Broken(), Flip(), Risky(), Unwrap(), Wrap(), Toggle())
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
    result = fix("Description: a\n" + TEMPLATE, select=["ZZX908"])
    assert result.passes == 2  # the second pass would bring back the input
    assert result.converged is False
    assert "Description" not in result.text
    assert fix(TEMPLATE, select=["ZZX901"]).converged is True


def test_a_later_pass_judges_what_a_meaning_changing_fix_wrote() -> None:
    """Only text a rule that keeps meaning wrote is guarded (the next run would judge the value
    a meaning-changing fix chose, so the same run does): a rule that flips its own value is
    stopped by the cycle check, its finding reported, not by the guard."""
    result = fix(TEMPLATE, select=["ZZX904"])
    assert (result.passes, result.converged) == (3, False)
    assert "Description: a" in result.text
    assert [f.rule_id for f in result.remaining] == ["ZZX904"]  # reported, not applied


SUB = """Resources:
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Sub "Hello ${!Queue}"
      TopicName: plain ${Queue}
"""


def test_a_later_pass_does_not_reinterpret_text_an_earlier_pass_produced() -> None:
    """Issue 22: the text `Hello ${Queue}` that unwrapping wrote is not wrapped again (the queue's
    URL); the user's own `plain ${Queue}` still is."""
    result = fix(SUB, select=["ZZX906", "ZZX907"])
    assert 'DisplayName: "Hello ${Queue}"\n' in result.text
    assert "TopicName: !Sub plain ${Queue}" in result.text
    assert [(f.rule_id, f.path) for f in result.remaining] == [("ZZX907", "/Resources/Topic/Properties/DisplayName")]


def test_a_later_pass_may_edit_the_users_part_of_a_string_an_earlier_pass_edited() -> None:
    from cfnfix.patch.produced import Produced

    produced = Produced()
    data = {"A": "${AWS::Regoin} ${Queu.Arn}"}
    produced.record([Op.replace("/A", "${AWS::Region} ${Queu.Arn}")], data)
    assert produced.conflict([Op.replace("/A", "${AWS::Region} ${Queue.Arn}")]) is None
    assert produced.conflict([Op.replace("/A", "${AWS::Regzon} ${Queu.Arn}")]) == "/A"
    assert produced.conflict([Op.replace("/A", {"Fn::Sub": "${AWS::Region} ${Queu.Arn}"})]) == "/A"


def test_unsafe_fixes_need_opting_in() -> None:
    assert fix(TEMPLATE, select=["ZZX905"]).changed is False
    assert "Outputs: {}" in fix(TEMPLATE, select=["ZZX905"], unsafe=True).text
    assert "Outputs: {}" in fix(TEMPLATE, config=Settings(select=["ZZX905"], unsafe_fixes=True), unsafe=True).text


def test_a_later_pass_may_edit_the_users_part_of_a_string_an_earlier_pass_wrapped() -> None:
    """`arn:…:us-east-2:123456789012:x` → `!Sub arn:…:${AWS::Region}:123456789012:x` (one rule), then
    the account part by another rule in the next pass: the account is still the user's text."""
    from cfnfix.patch.produced import Produced

    produced = Produced()
    old = "arn:aws:sns:us-east-2:123456789012:upstream"
    produced.record([Op.replace("/A", {"Fn::Sub": "arn:aws:sns:${AWS::Region}:123456789012:upstream"})], {"A": old})
    account = Op.replace("/A/Fn::Sub", "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:upstream")
    assert produced.conflict([account]) is None
    assert (
        produced.conflict([Op.replace("/A/Fn::Sub", "arn:aws:sns:${AWS::Regio}:123456789012:upstream")]) == "/A/Fn::Sub"
    )


def test_a_produced_string_may_be_removed_but_not_written_again_elsewhere() -> None:
    """The lead's change: removing a node an earlier pass wrote re-reads nothing (a literal left
    once its Fn::Sub went may be dropped). But a patch that removes it and writes its text again
    (wrapped in Fn::Sub, under another key), or rewrites the node above it with the text wrapped,
    or copies over it, re-reads it."""
    from cfnfix.patch.produced import Produced

    produced = Produced()
    produced.record([Op.replace("/A/B", "Hello ${Queue}")], {"A": {"B": {"Fn::Sub": "Hello ${!Queue}"}}})
    assert produced.conflict([Op.remove("/A/B")]) is None
    assert produced.conflict([Op.remove("/A")]) is None
    assert produced.conflict([Op.replace("/A", {"B": "Hello ${Queue}", "C": 1})]) is None  # kept where it was
    wrapped = {"Fn::Sub": "Hello ${Queue}"}
    assert produced.conflict([Op.remove("/A/B"), Op.add("/A/C", wrapped)]) == "/A/B"
    assert produced.conflict([Op.remove("/A/B"), Op.add("/A/B", wrapped)]) == "/A/B"
    assert produced.conflict([Op.remove("/A"), Op.add("/A", {"B": wrapped})]) == "/A/B"
    assert produced.conflict([Op.replace("/A", {"B": wrapped})]) == "/A/B"
    assert produced.conflict([Op.copy("/X", "/A/B")]) == "/A/B"


def test_only_operations_that_produce_are_recorded() -> None:
    """``Produced.record``'s ``produces`` flags: an operation that does not produce still moves
    what was produced before (here, a list item shifted by an insert before it)."""
    from cfnfix.patch.produced import Produced

    produced = Produced()
    data = {"L": [{"Fn::Sub": "a ${!X}"}]}
    produced.record([Op.replace("/L/0", "a ${X}")], data, [True])
    produced.record([Op.add("/L/0", "b"), Op.replace("/M", "c")], {"L": ["a ${X}"], "M": "d"}, [False, False])
    assert produced.conflict([Op.replace("/L/1", {"Fn::Sub": "a ${X}"})]) == "/L/1"
    assert produced.conflict([Op.replace("/L/0", "e"), Op.replace("/M", "f")]) is None
    with pytest.raises(ValueError, match="1 flags for 2 operations"):
        produced.record([Op.remove("/M"), Op.remove("/L/0")], {"L": ["b"], "M": "c"}, [True])
