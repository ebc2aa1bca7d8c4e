"""CFX703 schema-allowed-value: a value outside a property's allowed list (E3030, E3025, E3628)."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, either
from ._match import closest
from ._values import Synonym, allowed, synonym
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
- The value is a well-known synonym (the table in `cfnfix/data/schema_values.json`:
  `ON_DEMAND` → `PAY_PER_REQUEST` for DynamoDB, `STRING` → `S` for key attributes,
  `x86-64` → `x86_64` for Lambda): replaced, **safe**. An SSM parameter of type
  `SecureString`, which CloudFormation cannot create, becomes `String`: **unsafe**, since
  the value is then stored unencrypted (keep a real secret in Secrets Manager).
- Otherwise the finding lists the closest allowed values and nothing is changed.

## Fix safety
**Safe** for a value that differs from an allowed one only in case, and for a synonym the
table marks safe; **unsafe** for a synonym the table marks unsafe (the reason is above).
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
                yield self._judge(
                    ctx, node.pointer, res.id, "/".join(node.tokens), node.value, spec.values, synonym(node, node.value)
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
    ) -> Finding:
        head = f"{rid}: '{value}' is not an allowed value of {where}"
        same = [v for v in values if v.casefold() == value.casefold()]
        if len(same) == 1:
            fix = Fix.safe(f"Write '{same[0]}'", [Op.replace(pointer, same[0])])
            return self.finding(ctx, pointer, f"{head}; '{same[0]}' differs only in case", fix=fix)
        if syn is not None and syn.to in values:
            build = Fix.safe if Applicability(syn.applicability) is Applicability.SAFE else Fix.unsafe
            fix = build(f"Write '{syn.to}'", [Op.replace(pointer, syn.to)])
            return self.finding(ctx, pointer, f"{head}; use '{syn.to}': {syn.why}", fix=fix)
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
