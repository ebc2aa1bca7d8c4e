"""CFX955 autoscaling-ebs-key-principal: an Auto Scaling group launches instances whose EBS volumes are
encrypted with a KMS key of the template, and the key policy does not let Auto Scaling's
service-linked role use it.

Background: docs/cloudformation/principals.md ("Auto Scaling and encrypted EBS volumes").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import Resource, literal, of_type
from ..base import Rule, RuleContext
from ._policy import append_statements, names_resource, policy_document, sids, statements, with_sids

KEY = "AWS::KMS::Key"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
ROLE = "AWSServiceRoleForAutoScaling"
DEFAULT_ROLE = {
    "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/" + ROLE
}


def _launch_templates(data: Any, group: Resource) -> list[Resource]:
    """The launch templates of the template that an Auto Scaling group launches from."""
    specs = [group.props.get("LaunchTemplate")]
    mixed = group.props.get("MixedInstancesPolicy")
    if isinstance(mixed, dict) and isinstance(mixed.get("LaunchTemplate"), dict):
        specs.append(mixed["LaunchTemplate"].get("LaunchTemplateSpecification"))
    found = []
    for spec in specs:
        if isinstance(spec, dict):
            for key in ("LaunchTemplateId", "LaunchTemplateName"):
                res = names_resource(spec.get(key), data, LAUNCH_TEMPLATE)
                if res is not None and res not in found:
                    found.append(res)
    return found


def _volume_keys(data: Any, template: Resource) -> list[Resource]:
    """The KMS keys of the template that a launch template's EBS volumes are encrypted with."""
    body = template.props.get("LaunchTemplateData")
    mappings = body.get("BlockDeviceMappings") if isinstance(body, dict) else None
    found = []
    for item in mappings if isinstance(mappings, list) else []:
        ebs = item.get("Ebs") if isinstance(item, dict) else None
        if isinstance(ebs, dict):
            key = names_resource(ebs.get("KmsKeyId"), data, KEY)
            if key is not None and key not in found:
                found.append(key)
    return found


def _names_role(value: Any, role: Any) -> bool:
    """True when a principal value may be the group's service-linked role (computed ones may)."""
    if value == role:
        return True
    text = literal(value)
    if text is None and isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
    if text is None:
        return True
    return text == "*" or "aws-service-role/autoscaling.amazonaws.com/" in text


def statements_for(role: Any) -> list[dict[str, Any]]:
    """The two statements the Auto Scaling guide gives for a service-linked role."""
    principal = {"AWS": role}
    return [
        {
            "Sid": "AllowAutoScalingUseOfTheKey",
            "Effect": "Allow",
            "Principal": principal,
            "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            "Resource": "*",
        },
        {
            "Sid": "AllowAutoScalingAttachmentOfPersistentResources",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": True}},
        },
    ]


class AutoscalingEbsKeyPrincipal(Rule):
    """The key of an Auto Scaling group's encrypted volumes must let Auto Scaling's service-linked role use it."""

    id = "CFX955"
    name = "autoscaling-ebs-key-principal"
    severity = Severity.HIGH
    summary = (
        "KMS key of an Auto Scaling group's encrypted EBS volumes does not let the service-linked role "
        "AWSServiceRoleForAutoScaling use it: instances fail to launch"
    )
    doc_url = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({"AWS::AutoScaling::AutoScalingGroup"})
    root_cause = (
        "Auto Scaling launches instances as its service-linked role, which the account's root statement in a key "
        "policy does not cover: the role needs statements of its own."
    )
    deployment_impact = (
        "The group cannot launch instances (they terminate at once with a KMS client error), so creating the group "
        "times out or fails."
    )
    explanation = """\
## What
An `AWS::AutoScaling::AutoScalingGroup` launches from an `AWS::EC2::LaunchTemplate` of the
template whose EBS volumes are encrypted with an `AWS::KMS::Key` of the template
(`BlockDeviceMappings[].Ebs.KmsKeyId`), and the key policy has no statement for Auto
Scaling's service-linked role (`AWSServiceRoleForAutoScaling`, or the group's
`ServiceLinkedRoleARN`).

## Why
Auto Scaling creates the instances and their volumes as its service-linked role. A key
policy statement for the account root does not let that role use the key (the role's own
permissions do not include customer managed keys), so the volumes cannot be created and the
instances fail at launch. The Auto Scaling user guide gives two statements to add: use of the
key (`kms:Encrypt`, `kms:Decrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`,
`kms:DescribeKey`) and `kms:CreateGrant` limited by `kms:GrantIsForAWSResource`. Sources:
docs/cloudformation/principals.md.

## Fix
Both statements are appended to the key policy, for the group's `ServiceLinkedRoleARN` when
it sets one, else for
`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`.
A key without `KeyPolicy`, or with one computed at deploy time, is reported without a fix.

## Fix safety
**Unsafe**: it lets a role use the key, which a person should approve. And KMS refuses a key
policy that names a role that does not exist yet: in an account that has never used Auto
Scaling, create the service-linked role first
(`aws iam create-service-linked-role --aws-service-name autoscaling.amazonaws.com`), or the
key's creation fails.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per key (per group's role) that the key policy does not grant."""
        data = ctx.data
        seen: set[tuple[str, str]] = set()
        for group in of_type(data, "AWS::AutoScaling::AutoScalingGroup"):
            role = group.props.get("ServiceLinkedRoleARN", DEFAULT_ROLE)
            for template in _launch_templates(data, group):
                for key in _volume_keys(data, template):
                    marker = (key.id, repr(role))
                    if marker in seen:
                        continue
                    seen.add(marker)
                    finding = self._key(ctx, key, group, template, role)
                    if finding is not None:
                        yield finding

    def _key(self, ctx: RuleContext, key: Resource, group: Resource, template: Resource, role: Any) -> Finding | None:
        doc = policy_document(key, "KeyPolicy")
        items = statements(*doc) if doc is not None else None
        if items is not None:
            for stmt in items:
                if not stmt.allows:
                    continue
                aws = stmt.principal_values("AWS")
                if aws is None or any(_names_role(v, role) for v in aws):
                    return None
        message = (
            f"{group.id} launches from {template.id}, whose EBS volumes are encrypted with {key.id}, but the key policy "
            f"does not let the service-linked role {ROLE} use the key: instances fail to launch."
        )
        fix = None
        if doc is None or items is None:
            message += " Its KeyPolicy is absent or computed: not rewritten (add the two statements the guide gives)."
        else:
            patch = append_statements(doc[0], doc[1], with_sids(statements_for(role), sids(items)))
            fix = Fix.unsafe(
                "add the two key-policy statements the Auto Scaling guide gives for its service-linked role", patch
            )
        path = f"{doc[1]}/Statement" if doc is not None else key.pointer
        return self.finding(ctx, path, message, fix=fix, at_key=doc is None)
