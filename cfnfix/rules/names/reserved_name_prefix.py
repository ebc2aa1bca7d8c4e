"""CFX923 reserved-name-prefix: a name that starts with a prefix the service keeps for itself.

Background: docs/cloudformation/physical-names.md ("Reserved prefixes").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import resources
from ..base import Rule, RuleContext
from ._names import NameSite, find_mentions, keep_name, name_site, places, remove_property, segments


@dataclass(frozen=True)
class _Reserved:
    type: str
    prop: str
    prefix: str
    why: str


#: Names a service refuses because of their prefix (bucket prefixes are CFX920's).
RESERVED = (
    _Reserved(
        "AWS::EC2::SecurityGroup",
        "GroupName",
        "sg-",
        "EC2 keeps the prefix for security group IDs and refuses group names that start with it",
    ),
    _Reserved(
        "AWS::KMS::Alias",
        "AliasName",
        "alias/aws/",
        "KMS keeps alias/aws/ for AWS managed keys and refuses aliases that start with it",
    ),
)


class ReservedNamePrefix(Rule):
    """A security group ``GroupName`` starting with ``sg-``, a KMS ``AliasName`` starting with ``alias/aws/``."""

    id = "CFX923"
    name = "reserved-name-prefix"
    severity = Severity.CRITICAL
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset(r.type for r in RESERVED)
    summary = "Name with a prefix the service reserves (security group GroupName sg-…, KMS alias/aws/…): creation fails"
    doc_url = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html"
    root_cause = "The name copied the look of the service's own identifiers (sg-1234…, alias/aws/s3)."
    deployment_impact = "Creating the resource fails and the stack rolls back."
    explanation = """\
## What
A name that starts with a prefix the service keeps for itself:

* `AWS::EC2::SecurityGroup` `GroupName: sg-web` — security group IDs start with `sg-`, and
  EC2 refuses group names that do;
* `AWS::KMS::Alias` `AliasName: alias/aws/app` — `alias/aws/` names the AWS managed keys,
  and KMS refuses to create aliases under it.

(S3's reserved bucket prefixes and suffixes are CFX920's.)

## Why
The service refuses the name: the resource is not created and the stack rolls back.

## Fix
A security group's name is optional: when nothing else in the template writes it, the fix
**leaves it out** (CloudFormation generates one); otherwise it drops the prefix
(`sg-web` → `web`) here and in the places that write the name. A KMS alias needs its name,
so the fix writes `alias/` instead of `alias/aws/` (`alias/aws/app` → `alias/app`), here and
where the name is written. No fix when the name is also written in parameters or mappings,
or is left empty by dropping the prefix.

## Fix safety
**Unsafe**: No stack has the old name (it was refused), but the name changes: anything outside the
template that expects it must change too.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per name with a reserved prefix."""
        for res in resources(ctx.data):
            for rule in RESERVED:
                if res.type != rule.type:
                    continue
                site = name_site(res, rule.prop)
                if site is None or not _literal_head(site).startswith(rule.prefix):
                    continue
                yield self._finding(ctx, site, rule)

    def _finding(self, ctx: RuleContext, site: NameSite, rule: _Reserved) -> Finding:
        head = f"{site.res.id} ({site.res.type}) {rule.prop} {site.shown()} starts with {rule.prefix!r}: {rule.why}"
        mentions, stuck = find_mentions(ctx.data, site)
        if stuck:
            where = ", ".join(sorted(set(stuck))[:3])
            return self.finding(ctx, site.path, f"{head}; no fix: the name is also written in {where}")
        optional = rule.type == "AWS::EC2::SecurityGroup"
        if optional and not mentions:
            fix = Fix.unsafe(f"Leave {rule.prop} out (CloudFormation generates a name)", remove_property(site))
            return self.finding(ctx, site.path, f"{head}; leave the name out", fix=fix)
        replacement = "" if optional else "alias/"
        escaped = site.text if site.computed else site.text.replace("${", "${!")
        new_text = replacement + escaped[len(rule.prefix) :]
        if not new_text.strip(" /-"):
            return self.finding(ctx, site.path, f"{head}; no fix: the name is empty without the prefix")
        ops = keep_name(ctx.data, site, mentions, new_text, {})
        if ops is None:
            return self.finding(ctx, site.path, f"{head}; no fix: the name without the prefix breaks the name's rules")
        shown = new_text if site.computed else new_text.replace("${!", "${")
        told = f"write {rule.prop} as {shown!r}"
        if mentions:
            told += f", here and in the {places(mentions)} that {'write' if len(mentions) > 1 else 'writes'} it"
        return self.finding(ctx, site.path, f"{head}; {told}", fix=Fix.unsafe(told[0].upper() + told[1:], ops))


def _literal_head(site: NameSite) -> str:
    """The literal text a name starts with (up to its first variable)."""
    first = next(iter(segments(site.text if site.computed else site.text.replace("${", "${!"))), (True, ""))
    return "" if first[0] else first[1]
