"""CFX702 schema-unknown-resource-type: a resource ``Type`` no schema has (E3006)."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, either
from ._match import closest, nearest
from ._schemas import resource_types

#: Type prefixes that are not registry types (custom resources, modules, Alexa skills).
_OPEN = ("Custom::", "Alexa::")


class UnknownResourceType(SchemaRule):
    """A resource type that is neither an AWS type nor a custom resource."""

    id = "CFX702"
    name = "schema-unknown-resource-type"
    severity = Severity.CRITICAL
    summary = "Unknown resource type: the real type when it differs only in case or by one close spelling"
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3006",)
    root_cause = "The resource type was typed with the wrong case or a typo, or names a type that does not exist."
    deployment_impact = "CloudFormation rejects the template: it cannot find the type in the registry."
    explanation = (
        """\
## What
A resource whose `Type` is not a type cfn-lint's schemas know in us-east-1 (SAM types
included), nor a custom resource (`Custom::…`), a module (`…::MODULE`) or an Alexa skill:
cfn-lint's E3006.
"""
        + NEEDS
        + """
## Why
CloudFormation cannot find the type in the registry and rejects the template before it
creates anything.

## Fix
- The type differs from a real one only in case (`AWS::S3::bucket`): renamed, **safe**.
- One real type is within one or two edits (`AWS::SQS::Queeu`): renamed, **unsafe** (review
  the guess).
- Otherwise (an invented type, or two equally close ones): reported with the nearest real
  types, not fixed; a registry extension your account activated is also reported this way
  (ignore the finding for it).

## Fix safety
**Safe** when only the case differs; **unsafe** for a type within one or two edits (a guess:
review it).
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per unknown type."""
        known = resource_types()
        for res in resources(ctx.data):
            kind = res.type
            if not kind or kind in known or kind.startswith(_OPEN) or kind.endswith("::MODULE"):
                continue
            pointer = f"{res.pointer}/Type"
            head = f"{res.id}: resource type '{kind}' does not exist"
            match = closest(kind, known)
            if match is not None and match.unique is not None:
                real = match.unique
                safe = match.kind == "case"
                fix = (Fix.safe if safe else Fix.unsafe)(f"Change the type to '{real}'", [Op.replace(pointer, real)])
                yield self.finding(
                    ctx,
                    pointer,
                    f"{head}; '{real}' {'differs only in case' if safe else 'is the one close type'}",
                    fix=fix,
                )
                continue
            near = list(match.names) if match is not None else nearest(kind, known)
            hint = f"; the nearest real types are {either(near)}" if near else "; no real type is close"
            yield self.finding(ctx, pointer, head + hint)
