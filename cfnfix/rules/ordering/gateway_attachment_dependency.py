"""CFX972 gateway-attachment-dependency: routes through a gateway, Elastic IPs and NAT gateways that
CloudFormation may create before the gateway is attached to the VPC.

Background: docs/cloudformation/ordering.md ("VPC gateway attachments").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...findings import Applicability, Finding, Severity
from ...template.delivery import named_resource, same_name
from ...template.graph import build_graph
from ...template.model import Resource, literal, of_type, resources
from ..base import Rule, RuleContext
from ._depends import Need, blocked_note, describe, fix_for, plan

_VPC_ATTACHMENT = "AWS::EC2::VPCGatewayAttachment"
_TGW_ATTACHMENTS = ("AWS::EC2::TransitGatewayAttachment", "AWS::EC2::TransitGatewayVpcAttachment")


@dataclass(frozen=True)
class _Attachment:
    """One attachment: the gateway it attaches (``kind`` internet, vpn or transit) to the VPC ``vpc``."""

    res: Resource
    kind: str
    gateway: Any
    vpc: Any


def _attachments(data: Any) -> list[_Attachment]:
    found = []
    for res in resources(data):
        if res.type == _VPC_ATTACHMENT:
            for kind, key in (("internet", "InternetGatewayId"), ("vpn", "VpnGatewayId")):
                if res.props.get(key) is not None:
                    found.append(_Attachment(res, kind, res.props[key], res.props.get("VpcId")))
        elif res.type in _TGW_ATTACHMENTS and res.props.get("TransitGatewayId") is not None:
            found.append(_Attachment(res, "transit", res.props["TransitGatewayId"], res.props.get("VpcId")))
    return found


def _vpc_of(data: Any, value: Any, resource_type: str) -> Any:
    """The ``VpcId`` of the route table / subnet that ``value`` names, or None when unknown."""
    res = named_resource(data, value, resource_type)
    return res.props.get("VpcId") if res is not None else None


def _instance_vpc(data: Any, value: Any) -> Any:
    """The VPC of an instance of the template, from its subnet (or its first network interface's)."""
    instance = named_resource(data, value, "AWS::EC2::Instance")
    if instance is None:
        return None
    subnet = instance.props.get("SubnetId")
    interfaces = instance.props.get("NetworkInterfaces")
    if subnet is None and isinstance(interfaces, list):
        for item in interfaces:
            if isinstance(item, dict) and literal(item.get("DeviceIndex")) == "0":
                subnet = item.get("SubnetId")
    return _vpc_of(data, subnet, "AWS::EC2::Subnet") if subnet is not None else None


def _in_vpc(attachments: list[_Attachment], vpc: Any) -> list[_Attachment]:
    """The attachments to ``vpc``; with an unknown VPC, the only one there is (or none)."""
    if vpc is not None:
        return [a for a in attachments if same_name(a.vpc, vpc)]
    return attachments if len({a.res.id for a in attachments}) == 1 else []


def _needs(data: Any, res: Resource, attachments: list[_Attachment]) -> tuple[list[Need], Severity | None]:
    """What ``res`` must wait for, and the finding's severity (None: the rule's)."""
    props = res.props
    internet = [a for a in attachments if a.kind == "internet"]
    if res.type == "AWS::EC2::Route":
        vpc = _vpc_of(data, props.get("RouteTableId"), "AWS::EC2::RouteTable")
        needs = []
        for key, kinds in (("GatewayId", ("internet", "vpn")), ("TransitGatewayId", ("transit",))):
            if props.get(key) is None:
                continue
            matching = [a for a in attachments if a.kind in kinds and same_name(a.gateway, props[key])]
            needs += [Need(a.res, "attaches the gateway of the route to the VPC") for a in _in_vpc(matching, vpc)]
        return needs, None
    if res.type == "AWS::EC2::NatGateway":
        if literal(props.get("ConnectivityType")) not in (None, "public"):
            return [], None
        vpc = _vpc_of(data, props.get("SubnetId"), "AWS::EC2::Subnet")
        return [
            Need(a.res, "attaches the internet gateway the NAT gateway needs") for a in _in_vpc(internet, vpc)
        ], None
    if res.type == "AWS::EC2::EIP":
        if literal(props.get("Domain")) != "vpc":
            return [], None
        vpc = _instance_vpc(data, props.get("InstanceId")) if props.get("InstanceId") is not None else None
        found = [Need(a.res, "attaches the internet gateway of the VPC") for a in _in_vpc(internet, vpc)]
        return found, Severity.MEDIUM
    if res.type == "AWS::EC2::VPNGatewayRoutePropagation":
        matching = [a for a in attachments if a.kind == "vpn" and same_name(a.gateway, props.get("VpnGatewayId"))]
        return [Need(a.res, "attaches the VPN gateway") for a in matching], None
    return [], None


class GatewayAttachmentDependency(Rule):
    """DependsOn from routes, Elastic IPs, NAT gateways and route propagations to the gateway attachment."""

    id = "CFX972"
    name = "gateway-attachment-dependency"
    severity = Severity.HIGH
    summary = (
        "Route through a gateway, Elastic IP or NAT gateway not ordered after the VPC gateway attachment: "
        "it can be created before the gateway is attached"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({_VPC_ATTACHMENT, *_TGW_ATTACHMENTS})
    root_cause = (
        "The route names the gateway and the route table, not the attachment, so CloudFormation creates the route "
        "and the attachment in parallel."
    )
    deployment_impact = (
        "Creating the stack fails at random: a route through a gateway that is not attached yet, or a NAT gateway in "
        "a VPC without an attached internet gateway, is refused."
    )
    explanation = """\
## What
A template that declares a VPC gateway attachment (`AWS::EC2::VPCGatewayAttachment`, or a
transit gateway attachment) has resources that need the gateway attached, with nothing that
orders the attachment first:

* an `AWS::EC2::Route` whose `GatewayId` is the attached internet or VPN gateway, or whose
  `TransitGatewayId` is the attached transit gateway (in the attachment's VPC);
* an `AWS::EC2::NatGateway` (public) in a subnet of the VPC the internet gateway is attached to;
* an `AWS::EC2::EIP` with `Domain: vpc` (its instance's VPC, or the template's only internet
  gateway attachment);
* an `AWS::EC2::VPNGatewayRoutePropagation` of the attached VPN gateway.

## Why
These resources name the gateway, the route table or the subnet, but not the attachment,
so CloudFormation creates them in parallel with it. AWS's `DependsOn` documentation lists
them among the resources that "depend on a VPC-gateway attachment" and asks for an explicit
`DependsOn`; the `AWS::EC2::Route` page asks the same for transit gateway routes, and the
`AWS::EC2::EIP` page for Elastic IPs in a VPC of the template. A route through a gateway that
is not attached yet is refused, and a public NAT gateway cannot be created in a VPC without
an attached internet gateway. Sources: docs/cloudformation/ordering.md.

## Fix
The attachment is added to the resource's `DependsOn`. When the VPC of a route table or
subnet cannot be told from the template, the fix uses the only attachment of that kind and
gives up when there are several. Nothing is added when a chain of references already orders
them, when the attachment depends on the resource (a circle; reported without a fix), or
when the attachment exists only under a condition the resource does not share.

## Fix safety
**Safe**: `DependsOn` only orders creation and deletion; nothing is replaced. Deleting the
stack now removes the route (EIP, NAT gateway) before detaching the gateway, which is the
order EC2 needs anyway.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per resource created in parallel with the attachment it needs."""
        data = ctx.data
        attachments = _attachments(data)
        if not attachments:
            return
        kinds = ("AWS::EC2::Route", "AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::EC2::VPNGatewayRoutePropagation")
        candidates = [(res, *_needs(data, res, attachments)) for res in of_type(data, *kinds)]
        candidates = [c for c in candidates if c[1]]
        if not candidates:
            return
        graph = build_graph(data)
        # Elastic IPs first: a NAT gateway that uses one is then ordered through it and needs no DependsOn
        candidates.sort(key=lambda c: c[0].type != "AWS::EC2::EIP")
        added: dict[str, list[str]] = {}
        findings = []
        for res, needs, severity in candidates:
            found = plan(graph, res, needs, added)
            if not found.missing:
                continue
            outcome = (
                "AWS asks for a DependsOn on the attachment (associating the address fails without the gateway)"
                if res.type == "AWS::EC2::EIP"
                else "creation fails"
            )
            message = (
                f"{res.id} ({res.type}) is not ordered after {describe(found)}: CloudFormation may create it before "
                f"the gateway is attached, and {outcome}." + blocked_note(found)
            )
            findings.append(self.finding(ctx, res.pointer, message, fix=fix_for(found), at_key=True, severity=severity))
        yield from sorted(findings, key=lambda f: (f.line, f.column))
