"""CFX805 unused-condition: a condition nothing refers to (cfn-lint W8001)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import iter_strings
from ...template.references import Kind, ReferenceIndex
from ..base import Rule, RuleContext

_CONDITION_KINDS = (Kind.CONDITION, Kind.IF, Kind.CONDITION_FN)


def _mentioned_elsewhere(data: dict[str, Any], names: set[str], unused: set[str]) -> set[str]:
    """Those of ``names`` that a string outside the definitions of the ``unused`` conditions
    equals (a use the reference index might not know, e.g. in a section only a transform
    reads); the template's strings are walked once for all of them."""
    found: set[str] = set()
    for p, text in iter_strings(data):
        if text in names and text not in found:
            tokens = p.split("/", 3)
            inside = len(tokens) > 2 and tokens[1] == "Conditions"
            if not (inside and tokens[2].replace("~1", "/").replace("~0", "~") in unused):
                found.add(text)
    return found


def _unused(data: dict[str, Any], conditions: dict[str, Any]) -> dict[str, list[str]]:
    """Conditions nothing uses, also through other conditions: one that only unused conditions
    use is unused too (so all of them are reported, and removed, at once). Each with the
    unused conditions that use it."""
    index = ReferenceIndex.of(data)
    live: set[str] = set()
    edges: dict[str, set[str]] = {}
    for occ in index.occurrences:
        if occ.kind not in _CONDITION_KINDS:
            continue
        tokens = occ.pointer.split("/")
        if len(tokens) > 2 and tokens[1] == "Conditions":
            user = tokens[2].replace("~1", "/").replace("~0", "~")
            edges.setdefault(user, set()).add(occ.text)
        else:
            live.add(occ.text)
    stack = list(live)
    while stack:
        for name in edges.get(stack.pop(), ()):
            if name not in live:
                live.add(name)
                stack.append(name)
    unused = {n for n in conditions if n not in live}
    # a name written anywhere else keeps its condition, and what that condition uses
    kept = _mentioned_elsewhere(data, unused, unused)
    while kept:
        unused -= kept
        stack = list(kept)
        while stack:
            for name in edges.get(stack.pop(), ()):
                if name in unused:
                    unused.discard(name)
                    stack.append(name)
        kept = _mentioned_elsewhere(data, unused, unused)
    return {
        n: sorted(user for user, used in edges.items() if n in used and user in unused)
        for n in conditions
        if n in unused
    }


class UnusedCondition(Rule):
    """Remove conditions that no resource, output, condition or Fn::If uses."""

    id = "CFX805"
    name = "unused-condition"
    severity = Severity.LOW
    summary = "A condition nothing refers to (no resource, output, Fn::If or other condition)"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html"
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("W8001",)
    root_cause = "The resource or output that used the condition was removed or renamed, and the condition stayed."
    deployment_impact = "None: CloudFormation evaluates it and uses it nowhere. It misleads readers."
    explanation = """\
## What
A condition that no resource (`Condition:`), output, `Fn::If`, `Condition` function in another
condition, or rule uses (cfn-lint W8001).

## Why
Such a condition has no effect. It is usually left over from a resource that was removed,
and it misleads the reader about what the template does.

## Fix
The condition is removed; when it is the last one, the `Conditions` section goes with it.
A condition that only unused conditions use is unused too: it is reported, and removed, with
them (so `check` and `apply` count the same). A condition whose name appears as any string
elsewhere in the template (a use cfnfix might not recognise) is kept, with the conditions it
uses.

## Fix safety
**Safe**: nothing evaluates the condition's result, so removing it changes no resource.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per unused condition."""
        data = ctx.data
        conditions = data.get("Conditions") if isinstance(data, dict) else None
        if not isinstance(conditions, dict) or not conditions:
            return
        unused = _unused(data, conditions)
        for name in unused:
            path = make_pointer(["Conditions", name])
            target = "/Conditions" if len(unused) == len(conditions) else path
            fix = Fix.safe(f"remove the unused condition {name!r}", [Op.remove(target)])
            users = unused[name]
            why = (
                f"is used only by {'the unused condition' if len(users) == 1 else 'unused conditions'} "
                + ", ".join(repr(u) for u in users)
                if users
                else "is not used by any resource, output or condition"
            )
            yield self.finding(
                ctx,
                path,
                f"Condition {name!r} {why}; remove it",
                fix=fix,
                at_key=True,
            )
