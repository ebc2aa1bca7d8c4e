"""What a template says about VPC peering: peer parameters, text signals, and whatever
already connects (or is meant to connect) its VPC to another one.

Shared by CFX501 (vpc-peering-missing) and CFX502 (vpc-peer-placeholder-id). Read-only.

Background: docs/cloudformation/vpc-peering.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...document.pointer import escape_token
from ...template.model import (
    Resource,
    getatt_target,
    iter_strings,
    parameter_uses,
    ref_target,
    resource_types,
    resources,
    section,
)

PEERING_TYPE = "AWS::EC2::VPCPeeringConnection"
VPC_TYPE = "AWS::EC2::VPC"
ROUTE_TABLE_TYPE = "AWS::EC2::RouteTable"
ROUTE_TYPE = "AWS::EC2::Route"
VPC_ID_PARAMETER_TYPE = "AWS::EC2::VPC::Id"

#: Resource types that connect VPCs without a peering connection (a Transit Gateway or
#: Cloud WAN design, PrivateLink, VPC Lattice): a template using them is not missing one.
OTHER_CONNECTIVITY_PREFIXES = (
    "AWS::EC2::TransitGateway",
    "AWS::NetworkManager::",
    "AWS::EC2::VPCEndpointService",
    "AWS::VpcLattice::",
)

#: Route targets that reach other networks without a peering connection.
OTHER_ROUTE_TARGETS = ("TransitGatewayId", "CoreNetworkArn")

#: Resource types that run other templates or code: what is passed to them may create the
#: peering connection there.
DELEGATE_TYPES = ("AWS::CloudFormation::Stack", "AWS::Serverless::Application", "AWS::CloudFormation::CustomResource")

#: API calls that create or accept a peering connection (IAM actions, SDK calls in code).
_PEERING_API = re.compile(r"(?:create|accept)[_-]?vpc[_-]?peering[_-]?connection", re.IGNORECASE)

#: Phrases that say a template is about VPC peering ("peer" alone is too common: BGP peers).
_TEXT_SIGNAL = re.compile(
    r"\bvpc[\s_-]*peering\b"
    r"|\bpeering[\s_-]+connections?\b"
    r"|\bpeer(?:ed|ing)?[\s_-]+vpcs?\b"
    r"|\bvpcs?[\s_-]+peer(?:ed|s)?\s+with\b"
    r"|\bpeered\s+(?:with|to)\b",
    re.IGNORECASE,
)

#: Name parts that mark a VPN/BGP parameter rather than a peer VPC.
_VPN_WORDS = ("tunnel", "bgp", "asn", "vpn", "customergateway")


class PeerRole(str, Enum):
    """What a peer parameter holds."""

    VPC_ID = "vpc-id"
    CIDR = "cidr"
    OWNER = "owner"
    REGION = "region"
    ROLE_ARN = "role-arn"
    CONNECTION = "connection"
    """The ID of an existing peering connection (``pcx-…``): the peering lives elsewhere."""


def peer_role(name: str, parameter: Any) -> PeerRole | None:
    """The role of a parameter in a peering, judged from its name (and type), or None.

    A peer parameter's name contains ``peer`` (``PeerVpcId``, ``PeerVPCCIDR``,
    ``VpcPeeringConnectionId``); ``pcx`` alone also marks a peering connection ID.
    """
    lower = name.lower()
    if "pcx" in lower:
        return PeerRole.CONNECTION
    if "peer" not in lower or any(word in lower for word in _VPN_WORDS):
        return None
    if "connection" in lower:
        return PeerRole.CONNECTION
    if "cidr" in lower:
        return PeerRole.CIDR
    if "owner" in lower or "account" in lower:
        return PeerRole.OWNER
    if "region" in lower:
        return PeerRole.REGION
    if "role" in lower:
        return PeerRole.ROLE_ARN
    if "vpc" in lower or (isinstance(parameter, dict) and parameter.get("Type") == VPC_ID_PARAMETER_TYPE):
        return PeerRole.VPC_ID
    return None


def peer_parameters(data: Any) -> dict[PeerRole, list[str]]:
    """Peer parameters by role, in document order."""
    found: dict[PeerRole, list[str]] = {}
    for name, body in section(data, "Parameters").items():
        role = peer_role(name, body)
        if role is not None:
            found.setdefault(role, []).append(name)
    return found


@dataclass(frozen=True)
class Signal:
    """One piece of evidence that a template means to peer its VPC with another."""

    pointer: str
    at_key: bool
    what: str
    """Short description for the finding message."""
    strong: bool
    """A peer parameter (strong) rather than wording in a description (weak)."""


def text_signals(data: Any) -> list[Signal]:
    """Descriptions and metadata that talk about VPC peering (first phrase per string)."""
    places: list[tuple[str, Any]] = []
    if isinstance(data, dict):
        places.append(("/Description", data.get("Description")))
        places.append(("/Metadata", data.get("Metadata")))
    for name, body in section(data, "Parameters").items():
        if isinstance(body, dict):
            for key in ("Description", "ConstraintDescription"):
                if key in body:
                    places.append((f"/Parameters/{escape_token(name)}/{key}", body[key]))
    for name, body in section(data, "Outputs").items():
        if isinstance(body, dict) and "Description" in body:
            places.append((f"/Outputs/{escape_token(name)}/Description", body["Description"]))
    for res in resources(data):
        for key in ("Description", "GroupDescription"):
            if key in res.props:
                places.append((f"{res.pointer}/Properties/{key}", res.props[key]))
    signals: list[Signal] = []
    for pointer, value in places:
        if not _says_peer(value):
            continue  # the common case: no pointers to build
        for where, text in iter_strings(value, pointer):
            match = _TEXT_SIGNAL.search(text)
            if match:
                signals.append(Signal(where, False, f"{_place(where)} mentions '{match.group(0)}'", False))
    return signals


def _says_peer(value: Any) -> bool:
    """True when some string inside ``value`` contains "peer" (any case): a fast pre-check."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "peer" in item.lower():
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _place(pointer: str) -> str:
    """Readable name of the place a text signal was found."""
    parts = pointer.split("/")
    if parts[1] == "Parameters":
        return f"the description of parameter {parts[2]}"
    if parts[1] == "Outputs":
        return f"the description of output {parts[2]}"
    if parts[1] == "Resources":
        return f"{parts[-1]} of {parts[2]}"
    return parts[1]


def parameter_signals(data: Any) -> list[Signal]:
    """Peer parameters that a peering connection would use (not existing connection IDs)."""
    signals = []
    for name, body in section(data, "Parameters").items():
        role = peer_role(name, body)
        if role is not None and role is not PeerRole.CONNECTION:
            signals.append(Signal("/Parameters/" + escape_token(name), True, f"parameter {name}", True))
    return signals


@dataclass
class Connectivity:
    """Why a template is not missing a peering connection (empty lists: nothing found)."""

    peerings: list[str] = field(default_factory=list)
    """Logical IDs of ``AWS::EC2::VPCPeeringConnection`` resources (also inside loops: ``*``)."""
    other: list[str] = field(default_factory=list)
    """Other connectivity: Transit Gateway, Cloud WAN, PrivateLink, Lattice, routes through them."""
    external: list[str] = field(default_factory=list)
    """Peering managed elsewhere: connection-ID parameters, routes to a given ``pcx-``,
    accept/create API calls, peer values handed to nested stacks or custom resources."""

    @property
    def reasons(self) -> list[str]:
        """Every reason, peering first."""
        return self.peerings + self.other + self.external


def connectivity(data: Any) -> Connectivity:
    """What already connects the template's VPCs to others, or shows the peering lives elsewhere."""
    found = Connectivity()
    peering_ids = {r.id for r in resources(data) if r.type == PEERING_TYPE}
    found.peerings.extend(sorted(peering_ids))
    types = list(resource_types(data))
    if PEERING_TYPE in types and not peering_ids:
        found.peerings.append(f"{PEERING_TYPE} in a Fn::ForEach loop")
    for rtype in sorted(set(types)):
        if rtype.startswith(OTHER_CONNECTIVITY_PREFIXES):
            found.other.append(rtype)
    peer_params = peer_parameters(data)
    for name in peer_params.get(PeerRole.CONNECTION, []):
        found.external.append(f"parameter {name} holds an existing peering connection")
    cidr_params = set(peer_params.get(PeerRole.CIDR, []))
    all_peer = [name for names in peer_params.values() for name in names]
    uses = parameter_uses(data, set(all_peer)) if all_peer and delegates(data) else {}
    for res in resources(data):
        connections = [v for k, v in _walk_items(res.props) if k == "VpcPeeringConnectionId"]
        if any(ref_target(v) not in peering_ids for v in connections):
            found.external.append(f"{res.id} routes through a peering connection defined elsewhere")
        if res.type == ROUTE_TYPE:
            target = next((k for k in OTHER_ROUTE_TARGETS if k in res.props), None)
            if target is not None:
                found.other.append(f"{res.id} routes through {target}")
            elif not connections and ref_target(res.props.get("DestinationCidrBlock")) in cidr_params:
                found.other.append(f"{res.id} already routes the peer CIDR")
        if res.type in DELEGATE_TYPES or res.type.startswith("Custom::"):
            inside = res.pointer + "/Properties/"
            handed = [p for p in all_peer if any(u.startswith(inside) for u in uses.get(p, []))]
            if handed:
                found.external.append(f"{res.id} ({res.type}) receives {', '.join(handed)}")
        for _, text in iter_strings(res.body):
            if _PEERING_API.search(text):
                found.external.append(f"{res.id} creates or accepts peering connections itself")
                break
    return found


def _walk_items(value: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair of every mapping inside ``value``."""
    pairs: list[tuple[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            pairs.extend(item.items())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return pairs


def delegates(data: Any) -> list[str]:
    """Nested stacks and custom resources: another template or code may hold the peering."""
    return [r.id for r in resources(data) if r.type in DELEGATE_TYPES or r.type.startswith("Custom::")]


def vpcs(data: Any) -> list[Resource]:
    """``AWS::EC2::VPC`` resources in document order."""
    return [r for r in resources(data) if r.type == VPC_TYPE]


def vpc_parameters(data: Any) -> list[str]:
    """Non-peer parameters that name the template's own VPC (``AWS::EC2::VPC::Id``, or
    ``Ref``\\ d from a ``VpcId`` property)."""
    params = section(data, "Parameters")
    used = {ref_target(v) for r in resources(data) for k, v in _walk_items(r.props) if k == "VpcId"}
    names = []
    for name, body in params.items():
        if peer_role(name, body) is not None:
            continue
        if (isinstance(body, dict) and body.get("Type") == VPC_ID_PARAMETER_TYPE) or name in used:
            names.append(name)
    return names


def refers_to(value: Any, logical_id: str) -> bool:
    """True when ``value`` is ``Ref logical_id`` or ``Fn::GetAtt [logical_id, VpcId]``."""
    if ref_target(value) == logical_id:
        return True
    target = getatt_target(value)
    return target is not None and target[0] == logical_id and target[1] == "VpcId"


def route_tables(data: Any, vpc_id: str) -> list[Resource]:
    """``AWS::EC2::RouteTable`` resources whose ``VpcId`` is ``vpc_id`` (Ref or GetAtt VpcId)."""
    return [r for r in resources(data) if r.type == ROUTE_TABLE_TYPE and refers_to(r.props.get("VpcId"), vpc_id)]
