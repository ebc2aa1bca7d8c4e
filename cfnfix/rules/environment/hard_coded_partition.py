"""CFX935 hard-coded-partition (opt-in): an ARN whose partition is written out (``arn:aws:``).

Background: docs/cloudformation/environment.md ("Partitions").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ._arns import arn_fields, grouped, rewrite, where


class HardCodedPartition(Rule):
    """An ARN with ``aws``, ``aws-cn``, ``aws-us-gov`` … written as its partition."""

    id = "CFX935"
    name = "hard-coded-partition"
    severity = Severity.LOW
    summary = "Opt-in (--select CFX935): ARN with its partition written out (arn:aws:): ${AWS::Partition}"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html"
    fix_applicability = Applicability.SAFE
    opt_in = True
    root_cause = "ARNs are usually written for the commercial partition only."
    deployment_impact = (
        "None in the partition written; in AWS GovCloud (US), China or the isolated partitions the ARN names "
        "nothing and the stack fails or misbehaves."
    )
    explanation = """\
## What
An ARN in a property or output whose partition is written out (`arn:aws:s3:::logs/*`,
`arn:aws:iam::aws:policy/ReadOnlyAccess`). Templates meant to deploy in AWS GovCloud (US),
the China Regions or the isolated partitions need `${AWS::Partition}` there.

This rule is **opt-in**: most templates only ever deploy in the commercial partition, where
the literal is right. It runs only when selected by its full id or name
(`--select CFX935`, `select = ["hard-coded-partition"]`); `--select CFX9` does not turn it on.

## Why
An ARN names a resource in one partition. `arn:aws:…` means nothing in `aws-cn` or
`aws-us-gov`, so the same template fails there.

## Fix
The partition becomes `${AWS::Partition}`: a `Fn::Sub` template is edited in place; a plain
string becomes `!Sub` of itself (any `${` it held is written `${!`). `Principal` and
`Condition` blocks of policies are left alone.

## Fix safety
**Safe**: an ARN can only name a resource of the stack's own partition, so wherever the
template works the pseudo parameter is the written partition, and every value stays the same.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per string with a literal partition in an ARN."""
        fields = [f for f in arn_fields(ctx.data, "partition", global_types=True) if f.literal]
        for group in grouped(fields).values():
            first = group[0]
            partitions = ", ".join(dict.fromkeys(f.value for f in group))
            count = f"{len(group)} ARNs name" if len(group) > 1 else "an ARN names"
            message = f"{where(first)}: {count} partition {partitions} literally"
            op = rewrite(group, "AWS::Partition")
            if op is None:
                yield self.finding(ctx, first.text.pointer, message + " (the string holds ${!…}, so no fix)")
                continue
            yield self.finding(ctx, first.text.pointer, message, fix=Fix.safe("Write ${AWS::Partition}", [op]))
