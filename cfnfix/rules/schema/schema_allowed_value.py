"""CFX703 schema-allowed-value: a value outside a property's allowed list (E3030, E3025, E3628)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, either
from ._match import closest
from ._values import Default, Synonym, allowed, default, synonym
from ._walk import nodes


class AllowedValue(SchemaRule):
    """A string property value that is not one of the values the schema allows."""

    id = "CFX703"
    name = "schema-allowed-value"
    severity = Severity.CRITICAL
    summary = (
        "Value not in the property's allowed list: the allowed value that differs only in case, or a known synonym"
    )
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3030", "E3025", "E3628")
    root_cause = "An enumerated value was written in the wrong case or with another name for the same setting."
    deployment_impact = "CloudFormation (or the service) rejects the value and the resource fails to create or update."
    explanation = (
        """\
## What
A string value where the resource schema allows only a fixed list (cfn-lint's E3030), or an
EC2 instance type (E3628) or RDS DB instance class (E3025) that is not in cfn-lint's lists
for us-east-1.
"""
        + NEEDS
        + """
## Why
CloudFormation (or the service) rejects a value outside the list, and the resource fails to
create or update.

## Fix
- The value equals exactly one allowed value ignoring case (`pay_per_request`,
  `T3.Micro`): replaced by it, **safe**.
- The value is a well-known synonym, in any case (the table in
  `cfnfix/data/schema_values.json`: `ON_DEMAND` or `on_demand` → `PAY_PER_REQUEST` for
  DynamoDB, `STRING` → `S` for key attributes, `x86-64` → `x86_64` for Lambda): replaced,
  **safe**.
- The value was written where the default was meant (the same table's `defaults`):
  `SSEType: AES256` beside `SSEEnabled: true` on a DynamoDB table is dropped — with
  `SSEEnabled: true` the table is encrypted with KMS, the only type there is — **safe**; a
  CloudTrail `DataResources` entry whose `Type` basic event selectors cannot log is dropped,
  **unsafe** (the trail then logs less than the author asked for: log that type with
  `AdvancedEventSelectors`). Near misses stay unfixed: `AES256` with `SSEEnabled: false` or
  without it (which encryption was meant is not clear).
- An SSM parameter of type `SecureString`, which CloudFormation cannot create, gets **no
  fix**: `String` would store the secret unencrypted. Keep the secret in an
  `AWS::SecretsManager::Secret` with a generated value and pass it by a dynamic reference.
- Otherwise the finding lists the closest allowed values and nothing is changed.

## Fix safety
**Safe** for a value that differs from an allowed one only in case, for a synonym, and for
DynamoDB's `SSEType: AES256` beside `SSEEnabled: true`; **unsafe** for a dropped CloudTrail
`DataResources` entry (the trail logs less). Never a fix that weakens security: a
`SecureString` is not turned into a `String`.
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per value outside its allowed list."""
        for res in resources(ctx.data):
            for node in nodes(ctx.data, res):
                if not isinstance(node.value, str):
                    continue
                spec = allowed(node)
                if spec is None or node.value in spec.values:
                    continue
                parent = _parent(res.props, node.tokens)
                meant = default(node, node.value, parent)
                yield self._judge(
                    ctx,
                    node.pointer,
                    res.id,
                    "/".join(node.tokens),
                    node.value,
                    spec.values,
                    synonym(node, node.value),
                    _removal(node.pointer, meant, res.props, node.tokens) if meant is not None else None,
                )

    def _judge(
        self,
        ctx: RuleContext,
        pointer: str,
        rid: str,
        where: str,
        value: str,
        values: tuple[str, ...],
        syn: Synonym | None,
        drop: tuple[Default, list[Any]] | None,
    ) -> Finding:
        head = f"{rid}: '{value}' is not an allowed value of {where}"
        same = [v for v in values if v.casefold() == value.casefold()]
        if len(same) == 1:
            fix = Fix.safe(f"Write '{same[0]}'", [Op.replace(pointer, same[0])])
            return self.finding(ctx, pointer, f"{head}; '{same[0]}' differs only in case", fix=fix)
        if syn is not None and syn.to is None:
            return self.finding(ctx, pointer, f"{head}: {syn.why}")
        if syn is not None and syn.to in values:
            make = Fix.safe if syn.applicability == "safe" else Fix.unsafe
            fix = make(f"Write '{syn.to}'", [Op.replace(pointer, syn.to)])
            return self.finding(ctx, pointer, f"{head}; use '{syn.to}': {syn.why}", fix=fix)
        if drop is not None:
            meant, patch = drop
            what = "the entry" if meant.remove == "item" else "the key"
            make = Fix.safe if meant.applicability == "safe" else Fix.unsafe
            return self.finding(ctx, pointer, f"{head}; remove {what}: {meant.why}", fix=make(f"Remove {what}", patch))
        match = closest(value, values)
        if len(same) > 1:
            hint = f"; it could be {either(same)}"
        elif match is not None:
            hint = f"; did you mean {either(match.names)}?"
        elif len(values) <= 8:
            hint = f"; allowed: {', '.join(values)}"
        else:
            hint = ""
        return self.finding(ctx, pointer, head + hint)


def _parent(props: Any, tokens: tuple[str, ...]) -> Any:
    """The mapping that holds the value at ``tokens`` (below ``Properties``), or None."""
    node = props
    for token in tokens[:-1]:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _removal(pointer: str, meant: Default, props: Any, tokens: tuple[str, ...]) -> tuple[Default, list[Any]] | None:
    """The patch that drops what ``meant`` says: the key at ``pointer``, or the list item holding
    it (with the list's key when it was the last item)."""
    if meant.remove == "key":
        return meant, [Op.remove(pointer)]
    item = pointer.rpartition("/")[0]
    index = tokens[-2] if len(tokens) >= 2 else ""
    siblings = _parent(props, tokens[:-1])
    if not index.isdigit() or not isinstance(siblings, list):
        return None
    if len(siblings) == 1:
        return meant, [Op.test(item, siblings[0]), Op.remove(item.rpartition("/")[0])]
    return meant, [Op.test(item, siblings[int(index)]), Op.remove(item)]
