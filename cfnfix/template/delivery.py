"""Which resources deliver logs into a bucket, and the policies that let them
(docs/cloudformation/principals.md, docs/cloudformation/ordering.md).

A load balancer with access logs on, a CloudTrail trail and an AWS Config delivery channel
each write into an S3 bucket named by one of their properties. The bucket's policy must
grant the delivering service (a principal the service documents) before the resource is
created, or its creation fails. This module answers, from the plain data only:

* which resources deliver, to which bucket expression and key prefix (:func:`log_deliveries`);
* which ``AWS::S3::BucketPolicy`` resources apply to a bucket expression (:func:`bucket_policies`);
* whether two expressions name the same bucket (:func:`same_name`): ``!Ref LogBucket`` and
  ``!Sub "${LogBucket}"`` do, as do two ``!Ref`` of one parameter or two equal literals.

Nothing is evaluated: an expression that is neither a literal, a ``Ref`` nor a one-variable
``Fn::Sub`` matches only an equal expression.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Resource, literal, resources

__all__ = [
    "LogDelivery",
    "bucket_policies",
    "log_deliveries",
    "name_key",
    "named_resource",
    "same_name",
]

ALB = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"
TRAIL = "AWS::CloudTrail::Trail"
CHANNEL = "AWS::Config::DeliveryChannel"
BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY = "AWS::S3::BucketPolicy"

#: ``LoadBalancerAttributes`` keys of the logs an Application Load Balancer writes to S3
#: (access logs and connection logs share the bucket policy).
_ALB_LOGS = ("access_logs", "connection_logs")


def name_key(value: Any) -> tuple[str, str] | None:
    """What a name-valued expression stands for: ``("ref", X)`` for ``Ref X`` or ``Fn::Sub "${X}"``,
    ``("literal", s)`` for a literal, ``("expr", json)`` for anything else; None when absent."""
    if value is None:
        return None
    text = literal(value)
    if text is not None and not isinstance(value, bool):
        return ("literal", text)
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            return ("ref", arg)
        if key == "Fn::Sub" and isinstance(arg, str) and arg.startswith("${") and arg.endswith("}"):
            inner = arg[2:-1].strip()
            if inner and not inner.startswith("!") and "${" not in inner and "." not in inner:
                return ("ref", inner)
    return ("expr", json.dumps(value, sort_keys=True))


def same_name(a: Any, b: Any) -> bool:
    """True when two expressions name the same thing (see :func:`name_key`)."""
    left, right = name_key(a), name_key(b)
    return left is not None and left == right


def named_resource(data: Any, value: Any, *types: str) -> Resource | None:
    """The resource of one of ``types`` that ``value`` names by ``Ref`` (or ``${X}``), or None."""
    key = name_key(value)
    if key is None or key[0] != "ref":
        return None
    for res in resources(data):
        if res.id == key[1] and (not types or res.type in types):
            return res
    return None


@dataclass(frozen=True)
class LogDelivery:
    """``source`` writes logs into the bucket that ``bucket`` names (key prefix ``prefix``, if any).

    ``service`` is ``elb`` (load balancer access or connection logs), ``cloudtrail`` or ``config``.
    ``where`` is the JSON Pointer of the property that names the bucket.
    """

    source: Resource
    service: str
    bucket: Any
    prefix: Any
    where: str


def _enabled(value: Any) -> bool:
    return literal(value) == "true"


def _alb(res: Resource) -> Iterator[LogDelivery]:
    attributes = res.props.get("LoadBalancerAttributes")
    if not isinstance(attributes, list):
        return
    values: dict[str, tuple[int, Any]] = {}
    for i, item in enumerate(attributes):
        if isinstance(item, dict) and isinstance(item.get("Key"), str):
            values[item["Key"]] = (i, item.get("Value"))
    seen: list[Any] = []
    for kind in _ALB_LOGS:
        on = values.get(f"{kind}.s3.enabled")
        bucket = values.get(f"{kind}.s3.bucket")
        if on is None or bucket is None or not _enabled(on[1]) or bucket[1] is None:
            continue
        if any(same_name(bucket[1], b) for b in seen):
            continue
        seen.append(bucket[1])
        prefix = values.get(f"{kind}.s3.prefix")
        where = f"{res.prop_pointer('LoadBalancerAttributes')}/{bucket[0]}/Value"
        yield LogDelivery(res, "elb", bucket[1], prefix[1] if prefix else None, where)


def _clb(res: Resource) -> Iterator[LogDelivery]:
    policy = res.props.get("AccessLoggingPolicy")
    if isinstance(policy, dict) and _enabled(policy.get("Enabled")) and policy.get("S3BucketName") is not None:
        where = f"{res.prop_pointer('AccessLoggingPolicy')}/S3BucketName"
        yield LogDelivery(res, "elb", policy["S3BucketName"], policy.get("S3BucketPrefix"), where)


def _named(res: Resource, service: str) -> Iterator[LogDelivery]:
    bucket = res.props.get("S3BucketName")
    if bucket is not None:
        yield LogDelivery(res, service, bucket, res.props.get("S3KeyPrefix"), res.prop_pointer("S3BucketName"))


def log_deliveries(data: Any) -> list[LogDelivery]:
    """Every log delivery into S3 the template declares, in template order."""
    found: list[LogDelivery] = []
    for res in resources(data):
        if res.type == ALB:
            found.extend(_alb(res))
        elif res.type == CLB:
            found.extend(_clb(res))
        elif res.type == TRAIL:
            found.extend(_named(res, "cloudtrail"))
        elif res.type == CHANNEL:
            found.extend(_named(res, "config"))
    return found


def bucket_policies(data: Any, bucket: Any) -> list[Resource]:
    """The ``AWS::S3::BucketPolicy`` resources whose ``Bucket`` names the same bucket as ``bucket``."""
    return [r for r in resources(data) if r.type == BUCKET_POLICY and same_name(r.props.get("Bucket"), bucket)]
