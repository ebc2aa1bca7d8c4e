"""CFX921 literal-physical-name: a literal physical name, which a second copy of the stack cannot reuse.

Background: docs/cloudformation/physical-names.md ("Literal names").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import Resource, resources
from ..base import Rule, RuleContext
from ._buckets import literal_problems
from ._names import NameSite, find_mentions, fix_routes, policy, properties

BUCKET = "AWS::S3::Bucket"


def covers(res: Resource) -> bool:
    """True when CFX921 reports ``res``'s name if it is literal (not an IAM name, CFX922's; not a
    name that must stay by design; not an invalid bucket name, CFX920's)."""
    row = properties().get(res.type)
    if row is None or res.type in policy()["iam"] or res.type in policy()["keep"]:
        return False
    value = res.props.get(row["property"])
    if not isinstance(value, str) or not value:
        return False
    keep = policy()["keep_prefixes"].get(res.type)
    if keep and value.startswith(tuple(keep["prefixes"])):
        return False
    return not (res.type == BUCKET and literal_problems(value))


class LiteralPhysicalName(Rule):
    """A resource whose name property (``BucketName``, ``QueueName``, ``FunctionName`` …) is a literal string."""

    id = "CFX921"
    name = "literal-physical-name"
    severity = Severity.MEDIUM
    fix_applicability = Applicability.UNSAFE
    summary = "Literal physical name (BucketName, QueueName, FunctionName …): a second copy of the stack fails; left out or made unique per stack"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html"
    root_cause = "The resource was given a readable constant name instead of one CloudFormation generates or derives from the stack."
    deployment_impact = (
        "The first stack deploys; a second one from the same template in the same account and Region (a bucket: "
        "anywhere in the partition, by anyone) fails with 'already exists', as does any update that replaces the resource."
    )
    explanation = """\
## What
A resource sets its physical name to a literal: `QueueName: orders`, `TableName: Users`,
`FunctionName: my-function`, `BucketName: my-app-logs` … (the name property of each type,
generated from cfn-lint's schemas into `cfnfix/rules/names/data/name_properties.json`).
Not reported: names built with `Fn::Sub`/`Ref`, IAM names (CFX922), bucket names that break
S3's rules (CFX920), and names that are a contract by design — macros, stack sets, SSM
parameters and secrets (what code looks them up by), `/aws/…` log groups (named by the
service that writes them), configuration recorders and delivery channels (one per Region)
— listed with their sources in `cfnfix/rules/names/data/name_policy.json`.

## Why
A name is unique in its account and Region (a bucket name in the whole partition, for all
accounts), so the template can be deployed once: a second stack (another environment, a
test copy, a branch preview) fails with "already exists", and so does any update that
must replace the resource — CloudFormation creates the replacement before deleting the
old one, and cannot give it the same name.

## Fix
When nothing else in the template writes the name, the fix **leaves it out**: CloudFormation
generates a unique one, and `Ref`/`Fn::GetAtt` keep working. Places in resources and
outputs that wrote the name as text (an ARN in a policy, an environment variable, an output)
are rewritten to refer to the resource — `${Queue.QueueName}`, `!Ref Function` — when a `Ref` or
attribute returns the name and the reference would not close a circular dependency (the
usual reason a template spells a name out). Otherwise the name **stays, made unique per
stack**: the first block of the stack's ID is appended
(`!Sub ['orders-${StackIdPart}', {StackIdPart: !Select [0, !Split ['-', !Select [2, !Split ['/', !Ref AWS::StackId]]]]}]`),
in the name and every place that writes it, when that fits the type's length limit and
pattern. No fix when the name is also written in parameters, mappings, conditions or rules.

## Fix safety
**Unsafe**: The name property is create-only: on a deployed stack the resource is replaced by a new
one with the new name (its data is not carried over), and everything outside the template
that uses the old name — other stacks, code, dashboards — must change.
"""

    def covers(self, res: Resource) -> bool:
        """True when this rule reports ``res``'s name if it is literal (for CFX258, which then stands down)."""
        return covers(res)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per literal physical name."""
        for res in resources(ctx.data):
            if not covers(res):
                continue
            prop = properties()[res.type]["property"]
            site = NameSite(res, prop, res.props[prop], False)
            scope = "in the partition, for every account" if res.type == BUCKET else "in the account and Region"
            head = (
                f"{res.id} ({res.type}) has the literal name {prop}: {site.text!r}, unique {scope}: a second stack "
                "from this template, or an update that replaces it, fails with 'already exists'"
            )
            mentions, stuck = find_mentions(ctx.data, site)
            if stuck:
                where = ", ".join(sorted(set(stuck))[:3])
                yield self.finding(ctx, site.path, f"{head}; no fix: the name is also written in {where}")
                continue
            ops, told = fix_routes(ctx.data, site, mentions)
            if ops is None:
                yield self.finding(ctx, site.path, f"{head}; no fix: {told}")
                continue
            fix = Fix.unsafe(told[0].upper() + told[1:] + " (replaces a deployed resource)", ops)
            yield self.finding(ctx, site.path, f"{head}; {told}", fix=fix)
