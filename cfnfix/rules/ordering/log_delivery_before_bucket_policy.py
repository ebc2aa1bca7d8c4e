"""CFX970 log-delivery-before-bucket-policy: a load balancer that logs to a bucket, a CloudTrail
trail or a Config delivery channel that CloudFormation may create before the policy of its bucket.

Background: docs/cloudformation/ordering.md ("Log delivery and bucket policies").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Severity
from ...template.delivery import ALB, CHANNEL, CLB, TRAIL, bucket_policies, log_deliveries
from ...template.graph import build_graph
from ...template.model import Resource, getatt_target, ref_target, resources
from ..base import Rule, RuleContext
from ._depends import Need, blocked_note, describe, fix_for, plan

_SERVICE = {"elb": "load balancer logs", "cloudtrail": "CloudTrail", "config": "AWS Config"}


def _bucket_text(value: Any) -> str:
    name = ref_target(value)
    return name if name is not None else "its bucket"


def _topic_policies(data: Any, trail: Resource) -> list[Resource]:
    """The ``AWS::SNS::TopicPolicy`` resources of the topic a trail notifies (``SnsTopicName``)."""
    value = trail.props.get("SnsTopicName")
    topic = ref_target(value) or (getatt_target(value) or (None, None))[0]
    if topic is None:
        return []
    found = []
    for res in resources(data):
        topics = res.props.get("Topics")
        if res.type == "AWS::SNS::TopicPolicy" and isinstance(topics, list):
            if any(ref_target(t) == topic for t in topics):
                found.append(res)
    return found


class LogDeliveryBeforeBucketPolicy(Rule):
    """DependsOn from a log-delivering resource to the policy of its bucket (and a trail's topic policy)."""

    id = "CFX970"
    name = "log-delivery-before-bucket-policy"
    severity = Severity.HIGH
    summary = (
        "Load balancer with access logs, CloudTrail trail or Config delivery channel not ordered after its "
        "bucket policy: creation can fail for lack of permission"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({ALB, CLB, TRAIL, CHANNEL})
    root_cause = (
        "The resource names the bucket (so it waits for the bucket), but nothing names the bucket policy, "
        "so CloudFormation creates the two in parallel."
    )
    deployment_impact = (
        "Creating the stack fails when the load balancer, trail or delivery channel is created before the "
        "policy: the service checks its permission on the bucket when it is configured."
    )
    explanation = """\
## What
A load balancer with access (or connection) logs on, a CloudTrail trail, or an AWS Config
delivery channel names an S3 bucket of the template, and the template has a bucket policy
for that bucket, but nothing orders the policy before the resource: no `DependsOn`, and no
`Ref`/`Fn::GetAtt`/`Fn::Sub` chain from the resource to the policy. A trail that notifies a
topic of the template is checked against that topic's `AWS::SNS::TopicPolicy` the same way.

## Why
The resource refers to the bucket, so CloudFormation creates the bucket first, and the
policy refers to the bucket too; nothing relates the resource to the policy, so the two are
created in parallel. Each of these services checks its access to the bucket when the
resource is created: the load balancer writes a test object ("Access Denied for bucket"),
CloudTrail rejects the bucket policy ("Incorrect S3 bucket policy is detected for bucket"),
Config fails with `InsufficientDeliveryPolicyException`. Whether the stack is created then
depends on which finishes first. AWS's own example for `AWS::CloudTrail::Trail` declares
`DependsOn` on the bucket policy and the topic policy. Sources: docs/cloudformation/ordering.md.

## Fix
The policy (and topic policy) is added to the resource's `DependsOn`: a string becomes a
list, a list gets the new names at its end. Nothing is added when the dependency graph
already orders them (a chain of references), when the policy depends on the resource (the
new edge would close a circle CloudFormation rejects; reported without a fix), or when the
policy exists only under a condition the resource does not share.

## Fix safety
**Safe**: `DependsOn` only orders creation (and deletion, in reverse); no property changes,
nothing is replaced. Deleting the stack now removes the resource before the policy, which is
also the order in which logs stop being written.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per delivering resource whose bucket (or topic) policy it is not ordered after."""
        data = ctx.data
        deliveries = log_deliveries(data)
        if not deliveries:
            return
        graph = build_graph(data)
        needs: dict[str, list[Need]] = {}
        sources: dict[str, Resource] = {}
        for delivery in deliveries:
            source = delivery.source
            sources[source.id] = source
            bucket = _bucket_text(delivery.bucket)
            for policy in bucket_policies(data, delivery.bucket):
                needs.setdefault(source.id, []).append(Need(policy, f"the policy of bucket {bucket}"))
            if delivery.service == "cloudtrail":
                for policy in _topic_policies(data, source):
                    needs.setdefault(source.id, []).append(Need(policy, "the policy of its SNS topic"))
        for source_id, wanted in needs.items():
            source = sources[source_id]
            found = plan(graph, source, wanted)
            if not found.missing:
                continue
            service = next(_SERVICE[d.service] for d in deliveries if d.source.id == source_id)
            message = (
                f"{source.id} ({service}) is not ordered after {describe(found)}: CloudFormation may create it "
                "first, and creation fails for lack of permission on the bucket." + blocked_note(found)
            )
            yield self.finding(ctx, source.pointer, message, fix=fix_for(found), at_key=True)
