"""CFX251 update-replace-policy-retains: an UpdateReplacePolicy that keeps the old resource (or a snapshot) on replacement."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._common import RETAINING_REPLACE, DestroyableRule, summary


class UpdateReplacePolicyRetains(DestroyableRule):
    """``UpdateReplacePolicy: Retain | Snapshot`` on any resource."""

    id = "CFX251"
    name = "update-replace-policy-retains"
    severity = Severity.MEDIUM
    summary = summary("UpdateReplacePolicy Retain or Snapshot leaves the replaced resource or a snapshot behind")
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html"
    )
    root_cause = (
        "Policies written for production (keep the data) were copied into a stack that is created and torn down again."
    )
    deployment_impact = "Deploys fine; an update that replaces the resource leaves the old one (or a snapshot) outside the stack, and stack deletion never removes it."
    explanation = """\
## What
A resource sets `UpdateReplacePolicy: Retain` or `Snapshot`. Part of the `destroyable`
profile: reported only with `--profile destroyable`.

## Why
When an update replaces the resource, CloudFormation creates the new one and then, instead
of deleting the old one, keeps it (`Retain`) or a snapshot of it (`Snapshot`). What is kept
is no longer part of the stack: deleting the stack later does not remove it.

## Fix
`UpdateReplacePolicy: Delete` (what CloudFormation does when the attribute is absent). A
policy computed with `Fn::If` or a parameter is not rewritten (CFX254 reports it).

## Fix safety
**Unsafe**: after the fix, an update that replaces the resource **deletes the old one and its data,
with no snapshot**: applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per retaining UpdateReplacePolicy."""
        for res in resources(ctx.data):
            value = res.body.get("UpdateReplacePolicy")
            if not isinstance(value, str) or value not in RETAINING_REPLACE:
                continue
            kept = "a snapshot of the old resource" if value == "Snapshot" else "the old resource and its data"
            message = (
                f"{res.id} ({res.type or 'no type'}) has UpdateReplacePolicy: {value}: an update that replaces it keeps "
                f"{kept} outside the stack, and deleting the stack does not remove it"
            )
            fix = Fix.unsafe(
                "Set UpdateReplacePolicy: Delete (the replaced resource and its data are deleted)",
                [Op.replace(res.pointer + "/UpdateReplacePolicy", "Delete")],
            )
            yield self.finding(ctx, res.pointer + "/UpdateReplacePolicy", message, fix=fix)
