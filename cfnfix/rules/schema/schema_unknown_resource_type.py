"""CFX702 schema-unknown-resource-type: a resource ``Type`` no schema has (E3006)."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, either
from ._match import closest, nearest
from ._renames import type_rename
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
- The type is a known rename (`cfnfix/data/schema_renames.json`): a type written under the
  wrong service, such as `AWS::CloudWatch::LogGroup` for `AWS::Logs::LogGroup`: renamed,
  **safe** (CloudFormation rejects the template as it is, so no deployed stack has it).
- The type differs from a real one only in case (`AWS::S3::bucket`): renamed, **safe**.
- One real type is within one or two edits (`AWS::SQS::Queeu`): renamed, **unsafe** (review
  the guess).
- Exactly one real type has the same resource name under another AWS service
  (`AWS::EC2::LogGroup` → `AWS::Logs::LogGroup`): renamed, **unsafe**.
- Otherwise (an invented type, or two equally close ones): reported with the nearest real
  types, not fixed.
- A type outside the `AWS::` namespace (`MongoDB::Atlas::Cluster`) is a third-party or
  private registry extension: it exists once the account activates it, so no AWS type is
  ever suggested for it; the finding says so (ignore it where the extension is active).

## Fix safety
**Safe** for a known rename and when only the case differs; **unsafe** for a type within one
or two edits and for the one type of that name under another service (guesses: review them).
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
            if not kind.startswith("AWS::"):
                yield self.finding(
                    ctx,
                    pointer,
                    f"{res.id}: resource type '{kind}' is not an AWS type cfn-lint knows: a third-party or private "
                    "registry extension must be activated in the account and region (ignore this finding where it is)",
                )
                continue
            renamed = type_rename(kind)
            if renamed is not None and renamed.to in known:
                fix = Fix.safe(f"Change the type to '{renamed.to}'", [Op.replace(pointer, renamed.to)])
                yield self.finding(ctx, pointer, f"{head}; it is '{renamed.to}': {renamed.why}", fix=fix)
                continue
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
            moved = _other_service(kind, known) if match is None else None
            if moved is not None:
                fix = Fix.unsafe(f"Change the type to '{moved}'", [Op.replace(pointer, moved)])
                yield self.finding(
                    ctx, pointer, f"{head}; '{moved}' is the one type of that name, under another service", fix=fix
                )
                continue
            near = list(match.names) if match is not None else nearest(kind, known)
            hint = f"; the nearest real types are {either(near)}" if near else "; no real type is close"
            yield self.finding(ctx, pointer, head + hint)


def _other_service(kind: str, known: frozenset[str]) -> str | None:
    """The one real ``AWS::<service>::<Name>`` with the same ``Name`` (ignoring case) as ``kind``."""
    parts = kind.split("::")
    if len(parts) != 3:
        return None
    name = parts[2].casefold()
    found = [
        t for t in known if t.startswith("AWS::") and t.count("::") == 2 and t.rsplit("::", 1)[1].casefold() == name
    ]
    return found[0] if len(found) == 1 else None
