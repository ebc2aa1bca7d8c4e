"""CFX254 deletion-setting-computed: a deletion policy or protection chosen by a condition or parameter."""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Severity
from ...template.model import Resource, resources
from ..base import RuleContext
from ._common import ABSENT, RETAINING_DELETION, RETAINING_REPLACE, DestroyableRule, outcomes, summary
from ._protection import MISSING, sites

_POLICIES = {"DeletionPolicy": RETAINING_DELETION, "UpdateReplacePolicy": RETAINING_REPLACE}


class DeletionSettingComputed(DestroyableRule):
    """A ``DeletionPolicy``, ``UpdateReplacePolicy`` or deletion protection computed with ``Fn::If`` or a parameter
    that can keep the resource."""

    id = "CFX254"
    name = "deletion-setting-computed"
    severity = Severity.MEDIUM
    fix_applicability = Applicability.NONE
    summary = summary(
        "A deletion policy or deletion protection behind Fn::If or a parameter can keep the resource (reported, not rewritten)"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
    root_cause = "The template serves production and ephemeral stacks alike and picks the policy per environment."
    deployment_impact = (
        "Whether the stack can be deleted cleanly depends on the condition or parameter value used for this deployment."
    )
    explanation = """\
## What
A `DeletionPolicy` or `UpdateReplacePolicy`, or a deletion-protection setting of the
CFX253 table, is computed: `Fn::If`, `Ref` to a parameter, `Fn::FindInMap`… and at least
one of its possible values keeps the resource (`Retain`, `RetainExceptOnCreate`,
`Snapshot`) or protects it, or its value cannot be known. Both branches of `Fn::If` and a
parameter's `AllowedValues` (else its `Default`) are read; nothing is evaluated. Part of
the `destroyable` profile: reported only with `--profile destroyable`.

### Not reported
A computed value whose every possible value is `Delete` (or protection off).

## Why
Such templates usually serve production and ephemeral stacks at once, choosing per
environment. Whether an ephemeral stack is destroyable then depends on the values it is
deployed with, which the template alone does not say.

## Not fixed
Check that ephemeral deployments select the `Delete` / unprotected branch (the condition's
parameters), or make every branch `Delete` if the template only serves ephemeral stacks.

## Fix safety
**None**: cfnfix does not rewrite values behind conditions, since the other branch is usually
right for production.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per computed setting that can keep or protect the resource."""
        data = ctx.data
        for res in resources(data):
            for attr, keeping in _POLICIES.items():
                value = res.body.get(attr)
                if not isinstance(value, (dict, list)):
                    continue
                found = outcomes(data, value)
                bad = [
                    v for v in (_policy_default(res, attr) if v == ABSENT else v for v in found.values) if v in keeping
                ]
                if not bad and not found.unknown:
                    continue
                why = f"can be {' or '.join(bad)}" if bad else "cannot be read without deploying"
                message = (
                    f"{res.id} ({res.type or 'no type'}) computes {attr} ({found.how}), which {why}: a destroyable "
                    f"stack needs Delete whatever the inputs; cfnfix reports values behind conditions, it does not rewrite them"
                )
                yield self.finding(ctx, res.pointer + "/" + attr, message)
            for site in sites(res):
                if site.value is MISSING or not isinstance(site.value, (dict, list)):
                    continue
                found = outcomes(data, site.value)
                bad = [v for v in found.values if (site.default_on if v == ABSENT else site.turns_on(v))]
                if not bad and not found.unknown:
                    continue
                why = f"can turn it on ({' or '.join(bad)})" if bad else "cannot be read without deploying"
                message = (
                    f"{res.id} ({res.type}) computes its deletion protection {site.label} ({found.how}), which {why}: "
                    "a protected resource makes the stack's deletion fail; cfnfix reports values behind conditions, "
                    "it does not rewrite them"
                )
                yield self.finding(ctx, site.path, message)


def _policy_default(res: Resource, attr: str) -> str:
    """What CloudFormation does when the policy is left out (``AWS::NoValue``): Snapshot for an
    RDS cluster or standalone instance on delete, Delete otherwise."""
    if attr != "DeletionPolicy":
        return "Delete"
    if res.type == "AWS::RDS::DBCluster":
        return "Snapshot"
    if res.type == "AWS::RDS::DBInstance" and "DBClusterIdentifier" not in res.props:
        return "Snapshot"
    return "Delete"
