"""CFX933 literal-region-in-arn: an ARN that names the stack's own Region literally
(``arn:aws:sns:us-east-1:…``) where the template shows that Region is its own.

Background: docs/cloudformation/environment.md ("ARNs", "Whose Region, whose account").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ._arns import ArnField, arn_fields, grouped, rewrite, where
from ._evidence import region_evidence


def _exempt(f: ArnField, strong: bool) -> bool:
    """ARNs that name a Region other than the stack's on purpose: certificates in us-east-1 that
    edge-optimized API Gateway and Cognito domains need (unless the stack is pinned there), and
    ARNs of global resources (``…:global/…``, WAF for CloudFront)."""
    if f.resource_part.startswith("global/"):
        return True
    return f.service == "acm" and f.value == "us-east-1" and not strong


class LiteralRegionInArn(Rule):
    """An ARN whose Region field is the stack's own Region written out."""

    id = "CFX933"
    name = "literal-region-in-arn"
    severity = Severity.MEDIUM
    summary = "ARN with the stack's own Region written out (arn:aws:sns:us-east-1:…): ${AWS::Region}"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html"
    fix_applicability = Applicability.SAFE
    root_cause = "An ARN was copied from one deployment instead of being built from the stack's pseudo parameters."
    deployment_impact = (
        "Deployed in another Region, the stack points at resources of the original Region: permissions, "
        "subscriptions and targets that do not match, or fail."
    )
    explanation = """\
## What
An ARN in a property or output whose Region field is written out (`arn:aws:sqs:us-east-1:…`)
when the template itself says that Region is the stack's own. The evidence is named in the
finding (`docs/cloudformation/environment.md`, "Whose Region, whose account"):

* strong: an unconditional `Rules` assertion that allows only that Region; Availability Zone
  names of that Region (or `!GetAZs` of it) in zone properties of the template's resources;
* weak: a parameter named for a Region that defaults to it; the only Region the template names.

Without evidence an ARN is left alone: it may mean another Region on purpose (a central
topic, a replication target). Never touched: `Principal` and `Condition` blocks of policies,
CloudFront, Route 53 and Global Accelerator resources, `…:global/…` ARNs, and us-east-1
certificates (which edge-optimized domains require) unless the stack is pinned to us-east-1.

## Why
The template deploys in every Region but keeps pointing at the first one.

## Fix
The Region becomes `${AWS::Region}`: a `Fn::Sub` template is edited in place; a plain string
becomes `!Sub` of itself (any `${` it held is written `${!` so its text stays the same).

## Fix safety
**Safe** with strong evidence: wherever the template deploys at all the pseudo parameter is
that Region, so every value is the same. **Unsafe** with weak evidence: review that no ARN
means another Region on purpose.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per string that names the stack's own Region in an ARN."""
        data = ctx.data
        fields = [f for f in arn_fields(data, "region") if f.literal]
        if not fields:
            return
        evidence = region_evidence(data)
        wanted = [f for f in fields if f.value in evidence and not _exempt(f, evidence[f.value].strong)]
        for group in grouped(wanted).values():
            first = group[0]
            ev = evidence[first.value]
            strong = all(evidence[f.value].strong for f in group)
            regions = ", ".join(dict.fromkeys(f.value for f in group))
            count = f"{len(group)} ARNs name" if len(group) > 1 else "an ARN names"
            message = f"{where(first)}: {count} Region {regions} literally; {ev.reason}"
            op = rewrite(group, "AWS::Region")
            fix = None
            if op is None:
                message += " (the string holds ${!…}, so no fix)"
            else:
                text = f"Write ${{AWS::Region}} for {regions}"
                fix = Fix.safe(text, [op]) if strong else Fix.unsafe(f"{text} (review: the evidence is weak)", [op])
            yield self.finding(ctx, first.text.pointer, message, fix=fix)
