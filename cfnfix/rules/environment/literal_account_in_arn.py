"""CFX934 literal-account-in-arn: an ARN that names the stack's own account ID literally
(``arn:aws:iam::123456789012:role/…``) where the template shows that account is its own.

Background: docs/cloudformation/environment.md ("ARNs", "Whose Region, whose account").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ._arns import ArnField, arn_fields, grouped, rewrite, where
from ._evidence import account_evidence


def _exempt(f: ArnField) -> bool:
    """Lambda layers are often published by other accounts (AWS's own among them)."""
    return f.service == "lambda" and f.resource_part.startswith("layer:")


class LiteralAccountInArn(Rule):
    """An ARN whose account field is the stack's own account written out."""

    id = "CFX934"
    name = "literal-account-in-arn"
    severity = Severity.MEDIUM
    summary = "ARN with the stack's own account ID written out (arn:aws:iam::123456789012:…): ${AWS::AccountId}"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html"
    fix_applicability = Applicability.SAFE
    root_cause = (
        "An ARN was copied from one account, or from an AWS documentation example whose account ID stands for "
        "'your account'."
    )
    deployment_impact = (
        "In any other account the stack points at resources of the written account: roles it cannot pass, "
        "topics and queues it cannot reach (AccessDenied, or a resource that does not exist)."
    )
    explanation = """\
## What
An ARN in a property or output whose account field is written out when the template itself
says that account is the stack's own. The evidence is named in the finding
(`docs/cloudformation/environment.md`, "Whose Region, whose account"):

* strong: an unconditional `Rules` assertion that allows only that account;
* weak: a parameter named for an account that defaults to it; the AWS documentation's
  example account IDs (`123456789012`, `111122223333`), which mean "your account".

Without evidence an account ID is left alone: cross-account ARNs are common and deliberate.
Never touched: `Principal` and `Condition` blocks of policies (who may act is not rewritten),
and Lambda layer ARNs (layers are often published by other accounts).

## Why
The template is copied to another account (a test account, a customer's) and keeps pointing
at the first one.

## Fix
The account becomes `${AWS::AccountId}`: a `Fn::Sub` template is edited in place; a plain
string becomes `!Sub` of itself (any `${` it held is written `${!`).

## Fix safety
**Safe** with strong evidence (every working deployment is in that account). **Unsafe** with
weak evidence: review that the ARN does not mean another account on purpose.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per string that names the stack's own account in an ARN."""
        data = ctx.data
        fields = [f for f in arn_fields(data, "account") if f.literal and f.value != "aws" and not _exempt(f)]
        if not fields:
            return
        evidence = account_evidence(data)
        for group in grouped([f for f in fields if f.value in evidence]).values():
            first = group[0]
            ev = evidence[first.value]
            strong = all(evidence[f.value].strong for f in group)
            accounts = ", ".join(dict.fromkeys(f.value for f in group))
            count = f"{len(group)} ARNs name" if len(group) > 1 else "an ARN names"
            message = f"{where(first)}: {count} account {accounts} literally; {ev.reason}"
            op = rewrite(group, "AWS::AccountId")
            fix = None
            if op is None:
                message += " (the string holds ${!…}, so no fix)"
            else:
                text = f"Write ${{AWS::AccountId}} for {accounts}"
                fix = Fix.safe(text, [op]) if strong else Fix.unsafe(f"{text} (review: the evidence is weak)", [op])
            yield self.finding(ctx, first.text.pointer, message, fix=fix)
