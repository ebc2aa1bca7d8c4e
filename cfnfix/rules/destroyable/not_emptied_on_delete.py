"""CFX256 not-emptied-on-delete: a container CloudFormation can only delete empty, without its 'delete contents too' option."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Finding, Fix, Severity
from ...template.model import resources
from ..base import RuleContext
from ..fixes import set_property
from ._common import DestroyableRule, pointer, scalar, summary, table


class NotEmptiedOnDelete(DestroyableRule):
    """An ECR repository without ``EmptyOnDelete: true`` or an Athena workgroup without ``RecursiveDeleteOption: true``."""

    id = "CFX256"
    name = "not-emptied-on-delete"
    severity = Severity.MEDIUM
    summary = summary(
        "ECR repository / Athena workgroup without its delete-contents option: deleting the stack fails when not empty"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-repository.html#cfn-ecr-repository-emptyondelete"
    root_cause = (
        "These types refuse to be deleted while they hold content, unless a property says to delete the content too."
    )
    deployment_impact = "Deploys fine; deleting the stack fails (DELETE_FAILED) once the repository holds images or the workgroup holds named queries."
    explanation = """\
## What
An `AWS::ECR::Repository` without `EmptyOnDelete: true`, or an `AWS::Athena::WorkGroup`
without `RecursiveDeleteOption: true` (table: `cfnfix/rules/destroyable/data/destroyable.json`). Part of the
`destroyable` profile: reported only with `--profile destroyable`.

## Why
A repository that holds images, or a workgroup that holds named queries, cannot be
deleted unless that option is set: the stack's deletion fails with `DELETE_FAILED`.

## Fix
Set the option to `true`: CloudFormation then deletes the content with the resource. A
computed value is reported without a fix.

## Fix safety
**Unsafe**: after the fix, deleting the stack deletes every image (or named query) with it, including
ones pushed from outside the stack: applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per container without its delete-contents option."""
        rows = {row["type"]: row for row in table("destroyable.json")["empty_on_delete"]}
        for res in resources(ctx.data):
            row = rows.get(res.type)
            if row is None:
                continue
            prop, what = row["property"], row["what"]
            value = res.props.get(prop)
            literal = scalar(value)
            if literal is not None and literal.lower() == "true":
                continue
            message = (
                f"{res.id} ({res.type}) does not set {prop}: true, so deleting the stack fails while it holds {what}"
            )
            if prop in res.props and literal is None:
                yield self.finding(
                    ctx, res.pointer + pointer("Properties", prop), message + f" ({prop} is computed: not rewritten)"
                )
                continue
            new: Any = "true" if isinstance(value, str) else True
            fix = Fix.unsafe(
                f"Set {prop}: true (the {what} are deleted with it)", [set_property(res.pointer, res.body, prop, new)]
            )
            yield self.finding(ctx, res.pointer, message, fix=fix, at_key=True)
