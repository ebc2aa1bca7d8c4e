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


def _mentioned_elsewhere(data: dict[str, Any], names: list[str]) -> set[str]:
    """Those of ``names`` that a string outside the condition's own definition equals (a use
    the reference index might not know, e.g. in a section only a transform reads); the
    template's strings are walked once for all of them."""
    wanted = set(names)
    found: set[str] = set()
    for p, text in iter_strings(data):
        if text in wanted and text not in found:
            own = make_pointer(["Conditions", text])
            if not (p == own or p.startswith(own + "/")):
                found.add(text)
    return found


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
A condition that only an unused condition uses becomes unused in turn and is removed in the
next pass. A condition whose name appears as any string elsewhere in the template (a use
cfnfix might not recognise) is kept.

## Fix safety
**Safe**: nothing evaluates the condition's result, so removing it changes no resource.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per unused condition."""
        data = ctx.data
        conditions = data.get("Conditions") if isinstance(data, dict) else None
        if not isinstance(conditions, dict) or not conditions:
            return
        index = ReferenceIndex.of(data)
        used = {occ.text for occ in index.occurrences if occ.kind in _CONDITION_KINDS}
        candidates = [n for n in conditions if n not in used]
        mentioned = _mentioned_elsewhere(data, candidates) if candidates else set()
        unused = [n for n in candidates if n not in mentioned]
        for name in unused:
            path = make_pointer(["Conditions", name])
            target = "/Conditions" if len(unused) == len(conditions) else path
            fix = Fix.safe(f"remove the unused condition {name!r}", [Op.remove(target)])
            yield self.finding(
                ctx,
                path,
                f"Condition {name!r} is not used by any resource, output or condition; remove it",
                fix=fix,
                at_key=True,
            )
