"""CFX950 elb-log-principal-wrong: a bucket policy that grants load-balancer access logs to
``Service: elasticloadbalancing.amazonaws.com``, a principal that never writes them.

Background: docs/cloudformation/principals.md ("Load balancer access logs").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.delivery import BUCKET_POLICY, log_deliveries, same_name
from ...template.model import literal, of_type
from ..base import Rule, RuleContext
from ._elb import WRONG_SERVICES, principal
from ._policy import policy_document, statements

_PUT = "s3:PutObject"


def _only_wrong_service(body: dict[str, Any]) -> bool:
    """True when the principal is exactly one wrong ELB service (string or one-item list), nothing else."""
    value = body.get("Principal")
    if not isinstance(value, dict) or set(value) != {"Service"}:
        return False
    service = value["Service"]
    items = service if isinstance(service, list) else [service]
    return len(items) == 1 and literal(items[0]) in WRONG_SERVICES


def _names_wrong_service(body: dict[str, Any]) -> bool:
    value = body.get("Principal")
    if not isinstance(value, dict):
        return False
    service = value.get("Service")
    items = service if isinstance(service, list) else [service]
    return any(literal(item) in WRONG_SERVICES for item in items)


def _only_put(body: dict[str, Any]) -> bool:
    action = body.get("Action")
    items = action if isinstance(action, list) else [action]
    return len(items) == 1 and isinstance(items[0], str) and items[0].lower() == _PUT.lower()


class ElbLogPrincipalWrong(Rule):
    """The Elastic Load Balancing service principal where the Region's log-delivery principal belongs."""

    id = "CFX950"
    name = "elb-log-principal-wrong"
    severity = Severity.HIGH
    summary = (
        "Bucket policy grants load-balancer logs to Service elasticloadbalancing.amazonaws.com: the Region's ELB "
        "account (or logdelivery.elasticloadbalancing.amazonaws.com) writes them"
    )
    doc_url = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({BUCKET_POLICY})
    root_cause = (
        "elasticloadbalancing.amazonaws.com looks like the obvious principal, but it is the service-linked role's; "
        "access logs are written by a per-Region ELB account or by a log-delivery principal."
    )
    deployment_impact = (
        'A load balancer that logs to the bucket fails to be created ("Access Denied for bucket"): Elastic Load '
        "Balancing writes a test object when logging is turned on."
    )
    explanation = """\
## What
A statement of an `AWS::S3::BucketPolicy` names `Service: elasticloadbalancing.amazonaws.com`
as its principal. That principal is Elastic Load Balancing's service-linked role; it never
writes access logs.

## Why
Elastic Load Balancing writes access (and connection) logs as an account of its own in each
Region in service before August 2022 (`127311923021` in us-east-1 …), and as the service
principal `logdelivery.elasticloadbalancing.amazonaws.com` in the Regions opened since. A
bucket policy for another principal grants nothing: when access logging is turned on, the
load balancer writes a test object, fails, and CloudFormation rolls the load balancer back.
The table of accounts and Regions is `cfnfix/rules/principals/data/elb_log_delivery.json`
(dated, with its sources; `python scripts/gen_elb_log_delivery.py --check`). Sources:
docs/cloudformation/principals.md.

## Fix
The principal is replaced by the one the Region documents, chosen at deploy time: the table
becomes a mapping (`ElbLogDelivery`), a condition asks it whether the Region uses the
service principal, and the principal is
`!If [ElbLogDeliveryByService, {Service: <mapping>}, {AWS: <mapping>}]`. A mapping or
condition with the same content is reused. When the statement allows more than
`s3:PutObject`, its actions become `s3:PutObject` (what Elastic Load Balancing needs): the
fix never gives an AWS-owned account more than the documented write. Its `Resource` and any
`Condition` stay as they are. A statement whose principal lists other principals as well is
reported without a fix.

## Fix safety
**Safe** when a load balancer of the template logs into the bucket (the statement is meant
for its logs, and the fix grants exactly what the documentation requires, to the principal
it names); **unsafe** otherwise, and when the actions had to be narrowed: then whoever the
statement was for must be checked by a person. In a Region the table does not list (China,
the newest Regions) the stack fails at the mapping lookup, naming the mapping.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per statement with the wrong principal."""
        data = ctx.data
        logged = [d.bucket for d in log_deliveries(data) if d.service == "elb"]
        for policy in of_type(data, "AWS::S3::BucketPolicy"):
            doc = policy_document(policy, "PolicyDocument")
            items = statements(*doc) if doc is not None else None
            for stmt in items or ():
                if not _names_wrong_service(stmt.body):
                    continue
                used = any(same_name(policy.props.get("Bucket"), bucket) for bucket in logged)
                message = (
                    f"{policy.id} grants load-balancer logs to Service elasticloadbalancing.amazonaws.com, which never "
                    "writes them: the Region's Elastic Load Balancing account (or logdelivery.elasticloadbalancing"
                    ".amazonaws.com in Regions opened since August 2022) does"
                    + (", and a load balancer of this template logs into this bucket." if used else ".")
                )
                fix = None
                if _only_wrong_service(stmt.body):
                    value, ops = principal(data)
                    patch = [*ops, Op.replace(f"{stmt.pointer}/Principal", value)]
                    narrowed = not _only_put(stmt.body)
                    if narrowed:
                        patch.append(Op.set(f"{stmt.pointer}/Action", _PUT, exists="Action" in stmt.body))
                    text = "replace the principal with the Region's ELB log-delivery principal (mapping by Region)"
                    text += ", and narrow the actions to s3:PutObject" if narrowed else ""
                    fix = Fix.safe(text, patch) if used and not narrowed else Fix.unsafe(text, patch)
                else:
                    message += " The principal lists other principals too: not rewritten."
                yield self.finding(ctx, f"{stmt.pointer}/Principal", message, fix=fix)
