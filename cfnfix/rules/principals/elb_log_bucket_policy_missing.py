"""CFX951 elb-log-bucket-policy-missing: a load balancer logs into a bucket of the template whose
policy lets no log-delivery principal write.

Background: docs/cloudformation/principals.md ("Load balancer access logs").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Severity
from ...template.delivery import ALB, CLB, LogDelivery, bucket_policies, log_deliveries, named_resource, same_name
from ...template.model import literal
from ..base import Rule, RuleContext
from ._elb import LOG_SERVICES, WRONG_SERVICES, names_elb_account, principal
from ._policy import Statement, add_to_bucket_policy, computed, iter_policy_statements, prefix_text, sub, sub_name

_PUT = "s3:PutObject"


def may_let_elb_write(stmt: Statement) -> bool:
    """True when a statement may let Elastic Load Balancing write logs (or is CFX950's wrong principal)."""
    if not stmt.grants(_PUT):
        return False
    aws, services = stmt.principal_values("AWS"), stmt.principal_values("Service")
    if aws is None or services is None:
        return True  # computed or "*"
    if any(computed(v) or v == "*" or names_elb_account(v) for v in aws):
        return True
    return any(computed(v) or literal(v) in LOG_SERVICES | WRONG_SERVICES for v in services)


def _resource(delivery_group: list[LogDelivery]) -> Any:
    """The object ARN(s) Elastic Load Balancing writes under, for the statement's ``Resource``."""
    name = sub_name(delivery_group[0].bucket)
    if name is None:
        return None
    text, variables = name
    prefixes = [prefix_text(d.prefix) for d in delivery_group]
    if any(p is None for p in prefixes):
        return sub(f"arn:${{AWS::Partition}}:s3:::{text}/*", variables)
    arns = [
        sub(f"arn:${{AWS::Partition}}:s3:::{text}/{p}AWSLogs/${{AWS::AccountId}}/*", variables)
        for p in dict.fromkeys(p for p in prefixes if p is not None)
    ]
    return arns[0] if len(arns) == 1 else arns


class ElbLogBucketPolicyMissing(Rule):
    """No statement lets Elastic Load Balancing write into the bucket a load balancer logs to."""

    id = "CFX951"
    name = "elb-log-bucket-policy-missing"
    severity = Severity.HIGH
    summary = (
        "Load balancer logs into a bucket of the template whose policy lets no log-delivery principal write: "
        "creating the load balancer fails"
    )
    doc_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({ALB, CLB})
    root_cause = "Access logging was turned on without the bucket policy the Elastic Load Balancing guide asks for."
    deployment_impact = (
        'Creating the load balancer fails ("Access Denied for bucket"): it writes a test object when logging is '
        "turned on, and the bucket does not let it."
    )
    explanation = """\
## What
An Application Load Balancer (`access_logs.s3.*` or `connection_logs.s3.*` attributes) or a
Classic Load Balancer (`AccessLoggingPolicy`) writes logs into a bucket the template declares,
and no statement of that bucket's policies can let Elastic Load Balancing write: none allows
`s3:PutObject` to a Region's Elastic Load Balancing account, to a log-delivery service
principal, or to a principal computed at deploy time (which might be one). A bucket without
any policy in the template counts too. A wrong `elasticloadbalancing.amazonaws.com`
principal is CFX950's finding, not this one.

## Why
When logging is turned on, Elastic Load Balancing writes a test object into the bucket; with
no permission, creating (or updating) the load balancer fails with "Access Denied for
bucket". The principal depends on the Region (an ELB account in Regions in service before
August 2022, `logdelivery.elasticloadbalancing.amazonaws.com` since). Sources:
docs/cloudformation/principals.md.

## Fix
One statement is added to the bucket's policy (or a new `AWS::S3::BucketPolicy` for the
bucket, when the template has none): `Allow` `s3:PutObject` on
`<bucket>/<prefix>/AWSLogs/${AWS::AccountId}/*` (your account's folder only; the whole bucket
when the prefix is computed) to the Region's log-delivery principal, chosen at deploy time
from the dated table as in CFX950 (a mapping and a condition, reused when present). Nothing
else in the policy changes. The load balancer must then wait for the policy: CFX970 adds that
`DependsOn`.

## Fix safety
**Unsafe**: it grants write access to the bucket to an AWS-owned principal, which a person
should approve, and a new bucket policy replaces none (S3 has one policy per bucket: if the
bucket already has a policy from outside the template, the new one overwrites it). In a Region
the table does not list, the stack fails at the mapping lookup.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per bucket that load balancers log into without a grant."""
        data = ctx.data
        groups: list[list[LogDelivery]] = []
        for delivery in log_deliveries(data):
            if delivery.service != "elb":
                continue
            for group in groups:
                if same_name(group[0].bucket, delivery.bucket):
                    group.append(delivery)
                    break
            else:
                groups.append([delivery])
        for group in groups:
            first = group[0]
            bucket_res = named_resource(data, first.bucket, "AWS::S3::Bucket")
            policies = bucket_policies(data, first.bucket)
            if not policies and bucket_res is None:
                continue  # a bucket of another stack: its policy is not here
            existing = iter_policy_statements(policies, "PolicyDocument")
            if existing is None or any(may_let_elb_write(s) for s in existing):
                continue
            names = list(dict.fromkeys(d.source.id for d in group))
            loggers = ", ".join(names) + (" write" if len(names) > 1 else " writes")
            lack = (
                f"no statement of {', '.join(p.id for p in policies)} lets Elastic Load Balancing write"
                if policies
                else "the template has no policy for it"
            )
            message = (
                f"{loggers} logs into this bucket, but {lack}: creating the load balancer fails "
                '("Access Denied for bucket").'
            )
            yield self.finding(ctx, first.where, message, fix=self._fix(data, group, bucket_res, policies))

    @staticmethod
    def _fix(data: Any, group: list[LogDelivery], bucket_res: Any, policies: list[Any]) -> Fix | None:
        resource = _resource(group)
        if resource is None:
            return None
        value, ops = principal(data)
        statement = {"Sid": "ElbLogDelivery", "Effect": "Allow", "Principal": value, "Action": _PUT}
        statement["Resource"] = resource
        placed = add_to_bucket_policy(data, group[0].bucket, bucket_res, policies, [statement])
        if placed is None:
            return None
        patch, where = placed
        return Fix.unsafe(
            f"add a statement {where} that lets the Region's Elastic Load Balancing log-delivery principal write "
            "the logs (mapping by Region)",
            [*ops, *patch],
        )
