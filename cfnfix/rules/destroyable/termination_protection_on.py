"""CFX259 termination-protection-on: EC2 termination protection (``DisableApiTermination: true``)
on an instance or a launch template makes the stack's deletion fail.

Background: docs/cloudformation/destroyable.md ("EC2 termination protection").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Finding, Fix, Op, Severity
from ...template.model import Resource, of_type, resources
from ..base import RuleContext
from ._common import DestroyableRule, references_to, summary
from ._protection import Site, sites

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"


class TerminationProtectionOn(DestroyableRule):
    """An EC2 instance, or a launch template, with ``DisableApiTermination: true``."""

    id = "CFX259"
    name = "termination-protection-on"
    severity = Severity.HIGH
    summary = summary(
        "EC2 termination protection (DisableApiTermination: true) on an instance or launch template: deleting the stack fails"
    )
    doc_url = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_ChangingDisableAPITermination.html"
    root_cause = "Termination protection, a guard for long-lived production hosts, was turned on in a stack meant to be torn down."
    deployment_impact = (
        "Deploys fine; deleting the stack fails (DELETE_FAILED on the instance) until someone turns termination "
        "protection off by hand."
    )
    explanation = """\
## What
An `AWS::EC2::Instance` sets `DisableApiTermination: true`, or an `AWS::EC2::LaunchTemplate`
sets `LaunchTemplateData/DisableApiTermination: true`: EC2 termination protection. An
instance launched from such a template is protected unless it sets the property itself
(the instance's own value wins over the template's); the finding names the instances of
the stack that launch from the template. Part of the `destroyable` profile: reported only
with `--profile destroyable`. (Values behind `Fn::If` or a parameter are CFX254's.)

## Why
A protected instance cannot be terminated through the EC2 API, and CloudFormation deletes
an instance through that API: deleting the stack fails with `DELETE_FAILED` and the stack
stays until someone turns the protection off by hand. Auto Scaling is not held back by the
attribute (it still terminates on scale-in and when its group is deleted), so a template
used only by Auto Scaling groups does not block the stack — but every instance launched
from it by hand or by `RunInstances` is protected, so it is reported too, with that said.

## Fix
`DisableApiTermination: false` where the template sets `true` (the instance, or the launch
template's data).

## Fix safety
**Unsafe**: After the fix anyone with `ec2:TerminateInstances` (and the stack's deletion) can
terminate the instance and lose what its instance-store and delete-on-termination
volumes hold: applied only with `--unsafe-fixes`. On a deployed stack the instance is
updated in place (no interruption); a launch template gets a new version.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per instance or launch template whose termination protection is on."""
        instances = list(of_type(ctx.data, INSTANCE))
        for res in resources(ctx.data):
            for site in sites(res):
                if site.rule != self.id or not site.is_on():
                    continue
                yield self._finding(ctx, res, site, instances)

    def _finding(self, ctx: RuleContext, res: Resource, site: Site, instances: list[Resource]) -> Finding:
        whom = "the instance" if res.type == INSTANCE else "instances launched from it"
        fix = Fix.unsafe(
            f"Set {site.label} to false ({whom} can be terminated, and the stack deleted)",
            [Op.replace(site.path, site.off_value())],
        )
        if res.type == INSTANCE:
            message = (
                f"{res.id} (AWS::EC2::Instance) turns termination protection on (DisableApiTermination: true): "
                "CloudFormation cannot terminate it, so deleting the stack fails"
            )
            return self.finding(ctx, site.path, message, fix=fix)
        users = [i.id for i in instances if _launches_protected(i, res.id)]
        if users:
            consequence = (
                f"the instance{'s' if len(users) > 1 else ''} {', '.join(users)} launched from it "
                f"{'are' if len(users) > 1 else 'is'} protected, so deleting the stack fails"
            )
        else:
            consequence = (
                "no instance of this stack launches from it (Auto Scaling ignores the attribute), but every instance "
                "launched from it by RunInstances is protected and blocks the deletion of whatever created it"
            )
        message = (
            f"{res.id} (AWS::EC2::LaunchTemplate) turns termination protection on "
            f"(LaunchTemplateData/DisableApiTermination: true): {consequence}"
        )
        return self.finding(ctx, site.path, message, fix=fix)


def _launches_protected(instance: Resource, template_id: str) -> bool:
    """True when ``instance`` launches from the launch template ``template_id`` and does not set
    ``DisableApiTermination`` itself (its own value wins, and is reported on its own)."""
    if "DisableApiTermination" in instance.props:
        return False
    return references_to(instance.props.get("LaunchTemplate"), template_id)
