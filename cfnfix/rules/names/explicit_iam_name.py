"""CFX922 explicit-iam-name: an IAM role, policy, user, group or instance profile with a custom name.

Background: docs/cloudformation/physical-names.md ("IAM names").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import Resource, resources
from ..base import Rule, RuleContext
from ._names import find_mentions, name_site, places, policy, properties, remove_name, segments


def covers(res: Resource) -> bool:
    """True when CFX922 reports ``res``: an IAM type of the table with its name property set."""
    row = properties().get(res.type)
    return row is not None and res.type in policy()["iam"] and row["property"] in res.props


class ExplicitIamName(Rule):
    """``RoleName``, ``ManagedPolicyName``, ``UserName``, ``GroupName`` or ``InstanceProfileName`` set."""

    id = "CFX922"
    name = "explicit-iam-name"
    severity = Severity.MEDIUM
    fix_applicability = Applicability.UNSAFE
    summary = (
        "IAM resource with a custom name (RoleName …): needs CAPABILITY_NAMED_IAM and collides across Regions; left out"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html"
    root_cause = "The role (policy, user …) was given a readable name, as in the console, instead of one CloudFormation generates."
    deployment_impact = (
        "Creating or updating the stack fails with InsufficientCapabilities unless the deployer acknowledges "
        "CAPABILITY_NAMED_IAM; a second stack from the template — in any Region of the account — fails with 'already "
        "exists', as does an update that replaces the resource."
    )
    explanation = """\
## What
An `AWS::IAM::Role`, `ManagedPolicy`, `User`, `Group` or `InstanceProfile` sets its name
(`RoleName`, `ManagedPolicyName`, `UserName`, `GroupName`, `InstanceProfileName`) — as a
literal, with `Fn::Sub` or from a parameter.

## Why
CloudFormation creates IAM resources with custom names only when the deployer passes
`CAPABILITY_NAMED_IAM` (`CAPABILITY_IAM` is not enough): pipelines and consoles that
acknowledge only `CAPABILITY_IAM` fail with `InsufficientCapabilities`. IAM names are
unique in the whole account, across all Regions: the same stack deployed in a second
Region (or twice in one) fails with "already exists" — a name built from
`${AWS::StackName}` included, unless it also holds `${AWS::Region}` — and an update that
replaces the resource fails the same way.

## Fix
When nothing else writes the name, the fix **leaves it out** (CloudFormation generates a
unique one from the stack and logical names). Places in resources and outputs that wrote
the name as text (a role ARN in a policy, a role name in an instance profile's `Roles`)
are rewritten to refer to the resource (`${Role}`, `!Ref Role`) when `Ref` returns the name
and the reference closes no circular dependency. A managed policy's `Ref` is its ARN, so a
policy whose name is written elsewhere is not fixed; neither is a name from a parameter
(the deployer chooses it) nor one also written in parameters, mappings or conditions.
A name that must stay cannot drop `CAPABILITY_NAMED_IAM`, so there is no "keep" variant here.

## Fix safety
**Unsafe**: The name is create-only: on a deployed stack the role (policy, user …) is replaced; an
IAM user loses its access keys and console password. Trust policies, permissions
boundaries and anything outside the template that names the old resource must change.
"""

    def covers(self, res: Resource) -> bool:
        """True when this rule reports ``res``'s name (for CFX258, which then stands down)."""
        return covers(res)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per IAM resource with a custom name."""
        for res in resources(ctx.data):
            if covers(res):
                yield self._finding(ctx, res)

    def _finding(self, ctx: RuleContext, res: Resource) -> Finding:
        prop = properties()[res.type]["property"]
        path = res.prop_pointer(prop)
        site = name_site(res, prop)
        regional = site is not None and site.computed and any(v == "AWS::Region" for _, v in segments(site.text))
        collide = (
            "IAM names are account-wide, so a second stack fails with 'already exists'"
            if regional
            else "IAM names are account-wide, so a second stack from this template — in any Region — fails with 'already exists'"
        )
        shown = site.shown() if site is not None else "from an expression"
        head = f"{res.id} ({res.type}) sets {prop} {shown}: deploying needs CAPABILITY_NAMED_IAM, and {collide}"
        if site is None:
            return self.finding(ctx, path, f"{head}; no fix: the deployer chooses the name")
        required = policy()["service_names"].get(res.type, {})
        if not site.computed and site.text in required:
            return self.finding(
                ctx,
                path,
                f"{head}; no fix: the service looks this role up by exactly this name ({required[site.text]})",
            )
        mentions, stuck = find_mentions(ctx.data, site)
        if stuck:
            where = ", ".join(sorted(set(stuck))[:3])
            return self.finding(ctx, path, f"{head}; no fix: the name is also written in {where}")
        ops, why = remove_name(ctx.data, site, mentions)
        if ops is None:
            return self.finding(ctx, path, f"{head}; no fix: {why}")
        told = f"leave {prop} out (CloudFormation generates a unique name)"
        if mentions:
            told += f"; the {places(mentions)} that wrote the name {'refer' if len(mentions) > 1 else 'refers'} to {res.id} instead"
        fix = Fix.unsafe(told[0].upper() + told[1:] + " (replaces a deployed resource)", ops)
        return self.finding(ctx, path, f"{head}; {told}", fix=fix)
