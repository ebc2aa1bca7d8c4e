"""CFX920 bucket-name-invalid: an S3 bucket name that breaks, or can break, the bucket naming rules.

Background: docs/cloudformation/physical-names.md ("S3 bucket names").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import Resource, of_type
from ..base import Rule, RuleContext
from ._buckets import literal_problems, sanitized, sub_problems
from ._names import find_mentions, keep_name, name_site, remove_property, stack_unique

BUCKET = "AWS::S3::Bucket"


class BucketNameInvalid(Rule):
    """``BucketName`` with capitals, bad characters, a reserved prefix or suffix, over 63
    characters — or built from ``${AWS::StackName}``, which may have capitals."""

    id = "CFX920"
    name = "bucket-name-invalid"
    severity = Severity.HIGH
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({BUCKET})
    summary = (
        "S3 bucket name that breaks the naming rules or can (built from AWS::StackName: capitals, over 63 characters)"
    )
    doc_url = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
    root_cause = (
        "The bucket name was built like other names (from the stack name, in CamelCase) without S3's stricter rules."
    )
    deployment_impact = (
        "Creating the bucket fails ('Bucket name should not contain uppercase characters', 'invalid bucket name') and "
        "the stack rolls back; a name built from the stack name fails only for stacks whose name has a capital letter "
        "or is long."
    )
    explanation = """\
## What
An `AWS::S3::Bucket` whose `BucketName` breaks S3's naming rules — capital letters,
characters other than `a-z 0-9 . -`, not 3 to 63 characters, not beginning and ending with
a letter or digit, `..`, an IP address, a reserved prefix (`xn--`, `sthree-`,
`amzn-s3-demo-`) or suffix (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`) — or
that is built with `Fn::Sub` from `${AWS::StackName}`: stack names may have capital letters
and be 128 characters long, so the name works for some stacks and fails for others
(`MyApp-logs-123456789012`). A name from a parameter is the deployer's choice and is not
reported; a valid literal name is CFX921's.

## Why
S3 refuses the name and the stack rolls back. The stack-name case is worse: it passes
review and the first deployments, and fails the day someone names a stack `Prod-Api`.

## Fix
When nothing else in the template writes the name, the fix **leaves it out**:
CloudFormation then generates a unique, valid name (lower case, from the stack and logical
names), and `Ref`/`Fn::GetAtt` keep working. When other places write the same name as text
(a bucket policy's ARN, a Lambda permission's `SourceArn`, an output — often to avoid a
circular dependency), the name **has to stay** and the fix builds it from lower-case parts
in all of them at once: literal parts lower-cased (`_` and spaces as `-`), and
`${AWS::StackName}` replaced by the first block of the stack's ID
(`!Select [0, !Split ['-', !Select [2, !Split ['/', !Ref AWS::StackId]]]]`, eight lower-case
hex digits that stay the same for the stack's life and differ between stacks). No fix when
the name is also written in parameters or mappings, or cannot be made valid that way.

## Fix safety
**Unsafe**: `BucketName` is create-only: on a deployed stack a new bucket replaces the old one, and the
old one's objects are not moved (deleting it fails while it holds any). Everything outside
the template that uses the old name must change.
"""

    def covers(self, res: Resource) -> bool:
        """True when this rule reports ``res``'s literal name (for CFX258, which then stands down)."""
        value = res.props.get("BucketName")
        return res.type == BUCKET and isinstance(value, str) and bool(value) and bool(literal_problems(value))

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per bucket whose name breaks or can break the rules."""
        for res in of_type(ctx.data, BUCKET):
            site = name_site(res, "BucketName")
            if site is not None:
                problems = sub_problems(site) if site.computed else literal_problems(site.text)
                if problems:
                    yield self._finding(ctx, res, site, problems)
            elif _stack_name_in(res.props.get("BucketName")):
                message = (
                    f"{res.id} builds BucketName from AWS::StackName, and a stack name may have capital letters (bucket "
                    "names may not) and be up to 128 characters long; leave the name out or build it from lower-case "
                    "parts (no automatic fix for this form)"
                )
                yield self.finding(ctx, res.prop_pointer("BucketName"), message)

    def _finding(self, ctx: RuleContext, res: Resource, site: Any, problems: list[str]) -> Finding:
        mentions, stuck = find_mentions(ctx.data, site)
        head = f"{res.id} BucketName {site.shown()} {'; '.join(problems)}: S3 refuses such names"
        if stuck:
            return self.finding(
                ctx, site.path, f"{head}; no fix: the name is also written in {', '.join(sorted(set(stuck)))[:200]}"
            )
        if not mentions:
            fix = Fix.unsafe(
                "Leave BucketName out: CloudFormation generates a valid, unique name (replaces a deployed bucket)",
                remove_property(site),
            )
            return self.finding(ctx, site.path, f"{head}; leave the name out (CloudFormation generates one)", fix=fix)
        if site.computed:
            ops = stack_unique(ctx.data, site, mentions, lower=True)
            how = "from lower-case parts and the stack ID instead of the stack name"
        else:
            valid = sanitized(site.text)
            ops = keep_name(ctx.data, site, mentions, valid, {}) if valid else None
            how = f"as {valid!r}"
        places = f"{len(mentions)} other place{'s' if len(mentions) > 1 else ''}"
        verb = "write" if len(mentions) > 1 else "writes"
        if ops is None:
            return self.finding(
                ctx, site.path, f"{head}; no fix: {places} {verb} the name, and it cannot be made valid automatically"
            )
        fix = Fix.unsafe(
            f"Build the bucket name {how}, here and in the {places} that write it (replaces a deployed bucket)", ops
        )
        return self.finding(ctx, site.path, f"{head}; the name must stay ({places} {verb} it): build it {how}", fix=fix)


def _stack_name_in(value: Any) -> bool:
    if isinstance(value, dict):
        if value.get("Ref") == "AWS::StackName":
            return True
        sub = value.get("Fn::Sub")
        if isinstance(sub, list) and sub and isinstance(sub[0], str) and "${AWS::StackName}" in sub[0]:
            return True
        return any(_stack_name_in(v) for v in value.values())
    if isinstance(value, list):
        return any(_stack_name_in(v) for v in value)
    return False
