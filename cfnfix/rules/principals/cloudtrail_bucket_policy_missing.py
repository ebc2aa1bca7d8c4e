"""CFX952 cloudtrail-bucket-policy-missing: a CloudTrail trail writes into a bucket of the template
whose policy lacks the statements CloudTrail documents.

Background: docs/cloudformation/principals.md ("CloudTrail").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Severity
from ...template.delivery import TRAIL, LogDelivery, bucket_policies, log_deliveries, named_resource
from ...template.model import literal, ref_target
from ..base import Rule, RuleContext
from ._policy import add_to_bucket_policy, bucket_arn, iter_policy_statements, may_grant_service, prefix_text, sub

SERVICE = "cloudtrail.amazonaws.com"


def source_arn_condition(trail_name: Any) -> tuple[str, Any]:
    """(operator, value) of the ``aws:SourceArn`` condition for a trail: its exact ARN when its name is
    known (a literal or a parameter), else the account's trails (``StringLike`` with wildcards, as AWS
    documents for an unknown ARN)."""
    name = ref_target(trail_name)
    text = literal(trail_name)
    if name is not None:
        part = "${" + name + "}"
    elif text is not None and not isinstance(trail_name, bool) and "${" not in text:
        part = text
    else:
        return "StringLike", sub("arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*", {})
    return "StringEquals", sub(
        f"arn:${{AWS::Partition}}:cloudtrail:${{AWS::Region}}:${{AWS::AccountId}}:trail/{part}", {}
    )


def _statements(delivery: LogDelivery, missing: list[str]) -> list[dict[str, Any]] | None:
    operator, source = source_arn_condition(delivery.source.props.get("TrailName"))
    prefix = prefix_text(delivery.prefix)
    objects = bucket_arn(delivery.bucket, "/*" if prefix is None else f"/{prefix}AWSLogs/${{AWS::AccountId}}/*")
    bucket = bucket_arn(delivery.bucket)
    if objects is None or bucket is None:
        return None
    out = []
    if "s3:GetBucketAcl" in missing:
        out.append(
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": SERVICE},
                "Action": "s3:GetBucketAcl",
                "Resource": bucket,
                "Condition": {operator: {"aws:SourceArn": source}},
            }
        )
    if "s3:PutObject" in missing:
        condition: dict[str, Any] = {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
        condition.setdefault(operator, {})["aws:SourceArn"] = source
        out.append(
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": SERVICE},
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": condition,
            }
        )
    return out


class CloudtrailBucketPolicyMissing(Rule):
    """A trail's bucket policy without CloudTrail's ACL check or write statement."""

    id = "CFX952"
    name = "cloudtrail-bucket-policy-missing"
    severity = Severity.HIGH
    summary = (
        "CloudTrail trail writes into a bucket of the template whose policy lacks CloudTrail's documented "
        "statements (s3:GetBucketAcl, s3:PutObject): creating the trail fails"
    )
    doc_url = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({TRAIL})
    root_cause = "The trail's bucket was declared without the policy CloudTrail needs, or with only part of it."
    deployment_impact = (
        'Creating the trail fails ("Incorrect S3 bucket policy is detected for bucket"): CloudTrail checks the '
        "bucket's ACL and its write permission when the trail is created."
    )
    explanation = """\
## What
An `AWS::CloudTrail::Trail` writes into a bucket the template declares (`S3BucketName`), and
the bucket's policies have no statement that lets `cloudtrail.amazonaws.com` read the
bucket ACL (`s3:GetBucketAcl`) or write the log files (`s3:PutObject`), or the template has
no policy for the bucket at all. Organization trails (their files go under the organization
ID) are left out.

## Why
CloudTrail checks both permissions when the trail is created and refuses a bucket without
them ("Incorrect S3 bucket policy is detected for bucket"). The CloudTrail user guide gives
the two statements, and recommends an `aws:SourceArn` condition naming the trail, so that
only your trail can write there (confused-deputy protection). Sources:
docs/cloudformation/principals.md.

## Fix
The missing statements are added to the bucket's policy (or to a new
`AWS::S3::BucketPolicy`): `AWSCloudTrailAclCheck` (`s3:GetBucketAcl` on the bucket) and
`AWSCloudTrailWrite` (`s3:PutObject` on `<bucket>/<prefix>/AWSLogs/${AWS::AccountId}/*`,
with `s3:x-amz-acl: bucket-owner-full-control`). Both carry `aws:SourceArn`: the trail's ARN
built with `Fn::Sub` from its `TrailName` when the name is a literal or a parameter; when the
name is generated, the account's trails (`StringLike`
`arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*`, as AWS documents for an
unknown ARN). `Fn::GetAtt Trail.Arn` is never used: the trail must wait for the policy, and
the policy would then wait for the trail, a circle. The trail then needs a `DependsOn` on
the policy: CFX970 adds it.

## Fix safety
**Unsafe**: it grants CloudTrail access to the bucket (limited to your trail or your
account's trails by the condition), which a person should approve; a new bucket policy
overwrites any policy set on the bucket outside the template.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per trail whose bucket policy lacks a CloudTrail statement."""
        data = ctx.data
        for delivery in log_deliveries(data):
            if delivery.service != "cloudtrail":
                continue
            if literal(delivery.source.props.get("IsOrganizationTrail")) == "true":
                continue
            bucket_res = named_resource(data, delivery.bucket, "AWS::S3::Bucket")
            policies = bucket_policies(data, delivery.bucket)
            if not policies and bucket_res is None:
                continue
            existing = iter_policy_statements(policies, "PolicyDocument")
            if existing is None:
                continue
            items = list(existing)
            missing = [
                action
                for action in ("s3:GetBucketAcl", "s3:PutObject")
                if not any(may_grant_service(s, SERVICE, action) for s in items)
            ]
            if not missing:
                continue
            where = ", ".join(p.id for p in policies) if policies else "no bucket policy in the template"
            message = (
                f"{delivery.source.id} writes into this bucket, but its policy ({where}) does not allow "
                f'{" or ".join(missing)} to {SERVICE}: creating the trail fails ("Incorrect S3 bucket policy is detected").'
            )
            fix = None
            new = _statements(delivery, missing)
            placed = add_to_bucket_policy(data, delivery.bucket, bucket_res, policies, new) if new else None
            if placed is not None:
                patch, target = placed
                fix = Fix.unsafe(
                    f"add CloudTrail's {' and '.join(missing)} statement{'s' if len(missing) > 1 else ''} {target}, "
                    "limited by aws:SourceArn",
                    patch,
                )
            yield self.finding(ctx, delivery.where, message, fix=fix)
