"""CFX953 config-bucket-policy-missing: an AWS Config delivery channel writes, as the Config service
principal, into a bucket of the template whose policy lacks the statements Config documents.

Background: docs/cloudformation/principals.md ("AWS Config").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Severity
from ...template.delivery import CHANNEL, LogDelivery, bucket_policies, log_deliveries, named_resource
from ...template.model import literal, of_type
from ..base import Rule, RuleContext
from ._policy import (
    add_to_bucket_policy,
    bucket_arn,
    iter_policy_statements,
    may_grant_service,
    names_service,
    prefix_text,
)

SERVICE = "config.amazonaws.com"
_ACTIONS = ("s3:GetBucketAcl", "s3:ListBucket", "s3:PutObject")
_SID = {"s3:GetBucketAcl": "AWSConfigBucketPermissionsCheck", "s3:ListBucket": "AWSConfigBucketExistenceCheck"}


def _uses_service_linked_role(data: Any) -> bool:
    """True when a configuration recorder of the template records with Config's service-linked role,
    which cannot write to S3 (Config then delivers as its service principal)."""
    for recorder in of_type(data, "AWS::Config::ConfigurationRecorder"):
        role = recorder.props.get("RoleARN")
        text = literal(role)
        if text is None and isinstance(role, dict) and isinstance(role.get("Fn::Sub"), str):
            text = role["Fn::Sub"]
        if text is not None and "AWSServiceRoleForConfig" in text:
            return True
    return False


def _statements(delivery: LogDelivery, missing: list[str]) -> list[dict[str, Any]] | None:
    prefix = prefix_text(delivery.prefix)
    objects = bucket_arn(delivery.bucket, "/*" if prefix is None else f"/{prefix}AWSLogs/${{AWS::AccountId}}/Config/*")
    bucket = bucket_arn(delivery.bucket)
    if objects is None or bucket is None:
        return None
    account = {"Ref": "AWS::AccountId"}
    out = []
    for action in missing:
        condition: dict[str, Any] = {"AWS:SourceAccount": account}
        if action == "s3:PutObject":
            condition = {"s3:x-amz-acl": "bucket-owner-full-control", **condition}
        out.append(
            {
                "Sid": _SID.get(action, "AWSConfigBucketDelivery"),
                "Effect": "Allow",
                "Principal": {"Service": SERVICE},
                "Action": action,
                "Resource": objects if action == "s3:PutObject" else bucket,
                "Condition": {"StringEquals": condition},
            }
        )
    return out


class ConfigBucketPolicyMissing(Rule):
    """A Config delivery bucket whose policy lacks Config's documented statements."""

    id = "CFX953"
    name = "config-bucket-policy-missing"
    severity = Severity.HIGH
    summary = (
        "AWS Config delivery channel writes as the Config service principal into a bucket of the template whose "
        "policy lacks Config's documented statements"
    )
    doc_url = "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html"
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({CHANNEL})
    root_cause = (
        "Config's service-linked role cannot write to S3, so Config delivers as its service principal, which the "
        "bucket policy must allow."
    )
    deployment_impact = (
        "Creating the delivery channel fails (InsufficientDeliveryPolicyException) and no configuration history is "
        "delivered."
    )
    explanation = """\
## What
An `AWS::Config::DeliveryChannel` writes into a bucket the template declares, Config
delivers as its service principal `config.amazonaws.com` — a configuration recorder of the
template uses Config's service-linked role (`AWSServiceRoleForConfig`), or the bucket
policy already has a statement for `config.amazonaws.com` — and the bucket's policies lack
one of the three statements the Config developer guide gives: `s3:GetBucketAcl` and
`s3:ListBucket` on the bucket, `s3:PutObject` on the delivery folder.

## Why
Config checks the bucket when the delivery channel is created and fails with
`InsufficientDeliveryPolicyException` without them. The service-linked role has no S3
permission, so Config writes as its service principal. The guide "strongly recommends" an
`AWS:SourceAccount` condition so that Config writes there only on behalf of your account.
A recorder that uses an IAM role of its own writes with that role's permissions instead; it
is not reported. Sources: docs/cloudformation/principals.md.

## Fix
The missing statements are added to the bucket's policy (or a new
`AWS::S3::BucketPolicy`), each with `StringEquals` `AWS:SourceAccount: ${AWS::AccountId}`:
`AWSConfigBucketPermissionsCheck` (`s3:GetBucketAcl`), `AWSConfigBucketExistenceCheck`
(`s3:ListBucket`) and `AWSConfigBucketDelivery` (`s3:PutObject` on
`<bucket>/<prefix>/AWSLogs/${AWS::AccountId}/Config/*`, with
`s3:x-amz-acl: bucket-owner-full-control`). The delivery channel then needs a `DependsOn`
on the policy: CFX970 adds it.

## Fix safety
**Unsafe**: it grants Config access to the bucket (for your account only), which a person
should approve; a new bucket policy overwrites any policy set outside the template.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per delivery channel whose bucket policy lacks a Config statement."""
        data = ctx.data
        linked = None
        for delivery in log_deliveries(data):
            if delivery.service != "config":
                continue
            bucket_res = named_resource(data, delivery.bucket, "AWS::S3::Bucket")
            policies = bucket_policies(data, delivery.bucket)
            if not policies and bucket_res is None:
                continue
            existing = iter_policy_statements(policies, "PolicyDocument")
            if existing is None:
                continue
            items = list(existing)
            linked = _uses_service_linked_role(data) if linked is None else linked
            if not linked and not any(names_service(s, SERVICE) for s in items):
                continue
            missing = [a for a in _ACTIONS if not any(may_grant_service(s, SERVICE, a) for s in items)]
            if not missing:
                continue
            where = ", ".join(p.id for p in policies) if policies else "no bucket policy in the template"
            message = (
                f"{delivery.source.id} delivers into this bucket as {SERVICE}, but its policy ({where}) does not "
                f"allow {', '.join(missing)}: creating the delivery channel fails (InsufficientDeliveryPolicyException)."
            )
            fix = None
            new = _statements(delivery, missing)
            placed = add_to_bucket_policy(data, delivery.bucket, bucket_res, policies, new) if new else None
            if placed is not None:
                patch, target = placed
                fix = Fix.unsafe(
                    f"add Config's {', '.join(missing)} statement{'s' if len(missing) > 1 else ''} {target}, "
                    "limited by AWS:SourceAccount",
                    patch,
                )
            yield self.finding(ctx, delivery.where, message, fix=fix)
