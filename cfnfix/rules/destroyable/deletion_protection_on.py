"""CFX253 deletion-protection-on: deletion (or termination) protection makes the stack's deletion fail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Finding, Fix, Op, Severity
from ...template.model import Resource, resources
from ..base import RuleContext
from ..fixes import set_property
from ._common import DestroyableRule, summary
from ._protection import MISSING, Site, sites


class DeletionProtectionOn(DestroyableRule):
    """A resource whose deletion protection is on (explicitly, or by its type's default)."""

    id = "CFX253"
    name = "deletion-protection-on"
    severity = Severity.HIGH
    summary = summary(
        "Deletion protection is on (RDS, DynamoDB, load balancer, Cognito, QLDB …): deleting the stack fails"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-delete-stack-fails"
    root_cause = "Deletion protection, right for production data, was turned on (or left on by the type's default) in a stack meant to be torn down."
    deployment_impact = (
        "Deploys fine; deleting the stack fails (DELETE_FAILED) until someone turns the protection off by hand."
    )
    explanation = """\
## What
A resource turns on its type's deletion or termination protection: RDS and Neptune/DocumentDB
`DeletionProtection`, DynamoDB `DeletionProtectionEnabled` (also per replica of a global
table), an Application/Network Load Balancer's `deletion_protection.enabled` attribute,
Cognito user pool `DeletionProtection: ACTIVE`, EMR `TerminationProtected`, log group,
EKS, Network Firewall, CloudTrail Lake, OpenSearch Serverless, Verified Permissions,
Incident Manager, End User Messaging… Some types have
it **on by default**: a QLDB ledger and a Neptune Analytics graph without the property are
protected. The table, with the documentation of each row, is `cfnfix/rules/destroyable/data/destroyable.json`
(checked against cfn-lint's resource schemas, so the fix never writes a property that does
not exist). EC2 termination protection (`DisableApiTermination` of instances and launch
templates) is CFX259's. Part of the `destroyable` profile: reported only with `--profile destroyable`.

## Why
A protected resource cannot be deleted by anyone, CloudFormation included: deleting the
stack fails with `DELETE_FAILED` and the stack stays, with everything it could not delete,
until the protection is turned off by hand.

## Fix
The setting's "off" value (`false`, `INACTIVE`, `DISABLED`, `none`), written where the
template sets it, or added where the type protects by default. Values computed with
`Fn::If` or parameters are not rewritten (CFX254 reports them).

## Fix safety
**Unsafe**: after the fix, nothing stops the resource (and its data) from being deleted, by the stack
or by anyone with the permission: applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per protection site that is on."""
        for res in resources(ctx.data):
            for site in sites(res):
                if site.rule != self.id or not site.is_on():
                    continue
                yield self._finding(ctx, res, site)

    def _finding(self, ctx: RuleContext, res: Resource, site: Site) -> Finding:
        rid, rtype, where = res.id, res.type, res.pointer
        off = site.off_value()
        shown = _show(off)
        if site.value is MISSING:
            message = (
                f"{rid} ({rtype}) does not set {site.label}, and this type's deletion protection is on by default: "
                "deleting the stack fails until it is turned off"
            )
            # a type protected by default keeps the setting at the top of Properties (the data table)
            patch = [set_property(where, res.body, site.label, off)]
            fix_message = f"Add {site.label}: {shown} (the resource can be deleted with the stack)"
            return self.finding(ctx, where, message, fix=Fix.unsafe(fix_message, patch), at_key=True)
        message = (
            f"{rid} ({rtype}) turns deletion protection on ({site.label}: {_show(site.value)}): CloudFormation cannot "
            "delete it, so deleting the stack fails"
        )
        fix = Fix.unsafe(
            f"Set {site.label} to {shown} (the resource can be deleted with the stack)", [Op.replace(site.path, off)]
        )
        return self.finding(ctx, site.path, message, fix=fix)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
