"""CFX250 deletion-policy-retains: a DeletionPolicy that keeps the resource (or a snapshot) after the stack is gone."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._common import RETAINING_DELETION, DestroyableRule, summary

_WHAT = {
    "Retain": "keeps the resource and its data after the stack is deleted (outside the stack, still billed)",
    "RetainExceptOnCreate": "keeps the resource and its data when the stack is deleted (it is only removed if the stack's creation fails)",
    "Snapshot": "keeps a final snapshot when the stack is deleted (billed until someone deletes it)",
}


class DeletionPolicyRetains(DestroyableRule):
    """``DeletionPolicy: Retain | RetainExceptOnCreate | Snapshot`` on any resource."""

    id = "CFX250"
    name = "deletion-policy-retains"
    severity = Severity.MEDIUM
    summary = summary(
        "DeletionPolicy Retain, RetainExceptOnCreate or Snapshot leaves the resource or a snapshot behind"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
    root_cause = (
        "Policies written for production (keep the data) were copied into a stack that is created and torn down again."
    )
    deployment_impact = "Deploys fine; deleting the stack leaves resources or snapshots behind, which cost money and block re-creating custom-named resources."
    explanation = """\
## What
A resource sets `DeletionPolicy: Retain`, `RetainExceptOnCreate` or `Snapshot` (any type).
Part of the `destroyable` profile: reported only with `--profile destroyable`.

## Why
For a stack that is created and torn down again (tests, previews, CI, training), anything
that outlives the stack is a leak: `Retain` and `RetainExceptOnCreate` leave the resource
and its data outside CloudFormation's control, `Snapshot` leaves a final snapshot. They
cost money, and a retained resource with a fixed name makes the next creation of the stack
fail with "already exists".

## Fix
`DeletionPolicy: Delete`. A policy computed with `Fn::If` or a parameter is not rewritten
(CFX254 reports it).

## Fix safety
**Unsafe**: after the fix, deleting the stack (or removing the resource from the template) **deletes
the resource and its data, with no snapshot**. That is the point of a destroyable stack,
but only a human can confirm the stack is one: applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per retaining DeletionPolicy."""
        for res in resources(ctx.data):
            value = res.body.get("DeletionPolicy")
            if not isinstance(value, str) or value not in RETAINING_DELETION:
                continue
            message = f"{res.id} ({res.type or 'no type'}) has DeletionPolicy: {value}, which {_WHAT[value]}"
            fix = Fix.unsafe(
                "Set DeletionPolicy: Delete (the resource and its data are deleted with the stack)",
                [Op.replace(res.pointer + "/DeletionPolicy", "Delete")],
            )
            yield self.finding(ctx, res.pointer + "/DeletionPolicy", message, fix=fix)
