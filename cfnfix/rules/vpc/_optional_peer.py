"""The optional-peer pattern as one JSON Patch.

Background: docs/cloudformation/vpc-peering.md, "The optional-peer pattern".

Empty-default peer parameters (existing ones reused), a Rules assertion that a peer VPC
comes with its CIDR, conditions (including the ``Fn::And`` that keeps cfn-lint from
resolving an empty CIDR, W1030), a peering connection under ``HasPeer``, one route per
route table of the VPC under ``CreatePeerRoute`` (W1001 otherwise), and a conditional
output. With no peer given, nothing peering-related is created.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...document.pointer import escape_token
from ...findings import Fix, Op, Patch
from ...template.model import (
    MAX_OUTPUTS,
    MAX_PARAMETERS,
    MAX_RESOURCES,
    Resource,
    has_foreach_resources,
    section,
)
from ...template.naming import NameAllocator, readable_name
from ..fixes import append_items
from ._optional_params import VPC_ID_TYPE, optional_ops, unconditional_uses
from ._peering import PEERING_TYPE, ROUTE_TYPE, PeerRole, peer_parameters, route_tables
from ._placeholders import account_placeholder, id_placeholder

#: The roles a peering connection uses, in the order parameters are added.
ROLES = (PeerRole.VPC_ID, PeerRole.CIDR, PeerRole.OWNER, PeerRole.REGION, PeerRole.ROLE_ARN)

PARAMETER_NAMES = {
    PeerRole.VPC_ID: "PeerVpcId",
    PeerRole.CIDR: "PeerVpcCidr",
    PeerRole.OWNER: "PeerOwnerId",
    PeerRole.REGION: "PeerRegion",
    PeerRole.ROLE_ARN: "PeerRoleArn",
}

#: AllowedPattern of each new parameter: a valid value, or empty.
PATTERNS = {
    PeerRole.VPC_ID: "^(vpc-[0-9a-f]{8,17})?$",
    PeerRole.CIDR: "^(([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2})?$",
    PeerRole.OWNER: "^([0-9]{12})?$",
    PeerRole.REGION: "^([a-z]{2}(-[a-z]+)+-[0-9])?$",
    PeerRole.ROLE_ARN: "^(arn:aws[a-z-]*:iam::[0-9]{12}:role/.+)?$",
}

DESCRIPTIONS = {
    PeerRole.VPC_ID: "ID of the VPC to peer with (empty: no peering connection)",
    PeerRole.CIDR: "IPv4 CIDR block of the peer VPC, routed through the peering connection (required with a peer VPC)",
    PeerRole.OWNER: "AWS account ID that owns the peer VPC (empty: this account)",
    PeerRole.REGION: "Region of the peer VPC (empty: this stack's Region)",
    PeerRole.ROLE_ARN: "ARN of the role in the peer account that accepts the peering (needed for another account)",
}

CONSTRAINTS = {
    PeerRole.VPC_ID: "must be a VPC ID (vpc- and 8 or 17 hexadecimal characters), or empty",
    PeerRole.CIDR: "must be an IPv4 CIDR block such as 10.1.0.0/16, or empty",
    PeerRole.OWNER: "must be a 12-digit AWS account ID, or empty",
    PeerRole.REGION: "must be a Region code such as eu-west-1, or empty",
    PeerRole.ROLE_ARN: "must be an IAM role ARN, or empty",
}

CONDITION_NAMES = {
    PeerRole.VPC_ID: "HasPeer",
    PeerRole.CIDR: "HasPeerCidr",
    PeerRole.OWNER: "HasPeerOwner",
    PeerRole.REGION: "HasPeerRegion",
    PeerRole.ROLE_ARN: "HasPeerRole",
}

#: Peering connection properties fed from an optional parameter (``AWS::NoValue`` when empty).
OPTIONAL_PROPERTIES = {PeerRole.OWNER: "PeerOwnerId", PeerRole.REGION: "PeerRegion", PeerRole.ROLE_ARN: "PeerRoleArn"}


class NoFix(Exception):
    """The pattern cannot be applied automatically; the message says why."""


def not_empty(parameter: str) -> dict[str, Any]:
    """``!Not [!Equals [!Ref parameter, ""]]``."""
    return {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]}


def _same_condition(body: Any, expected: dict[str, Any]) -> bool:
    """True when a condition body is ``expected``, also with the ``Fn::Equals`` arguments swapped."""
    if body == expected:
        return True
    try:
        (left, right) = expected["Fn::Not"][0]["Fn::Equals"]
    except (KeyError, TypeError, ValueError):
        return False
    return bool(body == {"Fn::Not": [{"Fn::Equals": [right, left]}]})


@dataclass
class _Builder:
    """Accumulates the patch; one instance per fix."""

    data: Any
    vpc: Resource
    names: NameAllocator
    ops: Patch = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    new_sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_conditions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, sec: str, name: str, value: Any) -> None:
        """Add entry ``name`` to section ``sec`` (creating the section in one operation)."""
        self.added.setdefault(sec, []).append(name)
        if sec in self.data:
            self.ops.append(Op.add(f"/{sec}/{escape_token(name)}", value))
        else:
            self.new_sections.setdefault(sec, {})[name] = value

    def flush_sections(self) -> None:
        """Add the sections that did not exist, after the entry operations."""
        for sec, entries in self.new_sections.items():
            self.ops.append(Op.add(f"/{sec}", entries))

    def condition(self, base: str, body: dict[str, Any]) -> str:
        """The name of a condition with this body: an existing one, or a new one."""
        for name, existing in section(self.data, "Conditions").items():
            if _same_condition(existing, body):
                return name
        for name, existing in self.new_conditions.items():
            if existing == body:
                return name
        name = self.names.allocate(base)
        self.new_conditions[name] = body
        self.add("Conditions", name, body)
        return name


def _check_sections(data: Any) -> None:
    for sec in ("Parameters", "Conditions", "Resources", "Outputs", "Rules", "Metadata"):
        if sec in data and not isinstance(data[sec], dict):
            raise NoFix(f"the {sec} section is not a mapping")


def _has_placeholder(role: PeerRole, value: Any) -> bool:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return False
    text = str(value)
    if role is PeerRole.OWNER:
        return account_placeholder(text) is not None
    return id_placeholder(text) is not None


def _parameters(b: _Builder, roles: tuple[PeerRole, ...]) -> dict[PeerRole, str]:
    """Peer parameter per role: existing ones made optional where they can be, new ones added."""
    existing = peer_parameters(b.data)
    params = section(b.data, "Parameters")
    names: dict[PeerRole, str] = {}
    new_count = sum(1 for role in roles if role not in existing)
    if len(params) + new_count > MAX_PARAMETERS:
        raise NoFix(f"adding {new_count} parameters would exceed the quota of {MAX_PARAMETERS}")
    for role in roles:
        if role in existing:
            name = existing[role][0]
            names[role] = name
            body = params[name]
            if not isinstance(body, dict):
                raise NoFix(f"parameter {name} is not a mapping")
            ptype = body.get("Type")
            if ptype != "String" and not (role is PeerRole.VPC_ID and ptype == VPC_ID_TYPE):
                raise NoFix(f"parameter {name} has type {ptype}; the optional-peer pattern needs a String")
            default = body.get("Default")
            if default is not None and default != "" and not _has_placeholder(role, default):
                continue  # a real default: a peer by default, as the author wrote
            users = unconditional_uses(b.data, name)
            if users:
                what = "has a placeholder default" if default is not None else "has no default"
                b.notes.append(f"{name} {what} and stays as it is: used unconditionally by {', '.join(users)}")
                continue
            result = optional_ops(name, body, PATTERNS[role])
            if result is None:  # pragma: no cover - types were checked above
                raise NoFix(f"parameter {name} cannot be empty")
            ops, notes = result
            if ops:
                b.ops.extend(ops)
                b.notes.append(f"{name} defaults to empty")
                b.notes.extend(notes)
        else:
            name = b.names.allocate(PARAMETER_NAMES[role])
            names[role] = name
            b.add(
                "Parameters",
                name,
                {
                    "Description": DESCRIPTIONS[role],
                    "Type": "String",
                    "Default": "",
                    "AllowedPattern": PATTERNS[role],
                    "ConstraintDescription": CONSTRAINTS[role],
                },
            )
    return names


def _interface_ops(b: _Builder, names: dict[PeerRole, str]) -> None:
    """Append new parameters to the Interface parameter group that holds an existing peer parameter."""
    new = b.added.get("Parameters", [])
    interface = section(b.data, "Metadata").get("AWS::CloudFormation::Interface")
    groups = interface.get("ParameterGroups") if isinstance(interface, dict) else None
    if not new or not isinstance(groups, list):
        return
    existing = set(names.values()) - set(new)
    for index, group in enumerate(groups):
        members = group.get("Parameters") if isinstance(group, dict) else None
        if isinstance(members, list) and existing & set(members):
            path = f"/Metadata/AWS::CloudFormation::Interface/ParameterGroups/{index}/Parameters"
            b.ops += append_items(path, new)
            return


def build(data: Any, vpc: Resource) -> Fix:
    """The unsafe fix that adds an optional peering connection for ``vpc``.

    Raises :class:`NoFix` when the template cannot take the pattern automatically.
    """
    _check_sections(data)
    if vpc.condition is not None:
        raise NoFix(f"VPC {vpc.id} is conditional (Condition {vpc.condition})")
    if has_foreach_resources(data):
        raise NoFix("Resources holds Fn::ForEach loops, whose route tables cannot be enumerated")
    tables = route_tables(data, vpc.id)
    if len(section(data, "Resources")) + 1 + len(tables) > MAX_RESOURCES:
        raise NoFix(f"adding {1 + len(tables)} resources would exceed the quota of {MAX_RESOURCES}")
    b = _Builder(data, vpc, NameAllocator(data))
    # Without a route table the peer CIDR has no use here: the routes live elsewhere.
    roles = ROLES if tables else tuple(r for r in ROLES if r is not PeerRole.CIDR)
    names = _parameters(b, roles)
    has = {role: b.condition(CONDITION_NAMES[role], not_empty(names[role])) for role in roles}
    if tables:
        _cidr_rule(b, names)
    peering = _peering(b, names, has)
    routes = _routes(b, tables, names, has, peering) if tables else []

    output = None
    if len(section(data, "Outputs")) < MAX_OUTPUTS:
        output = b.names.allocate("VpcPeeringConnectionId")
        b.add(
            "Outputs",
            output,
            {
                "Description": "ID of the VPC peering connection (the peer side adds its return routes to it)",
                "Condition": has[PeerRole.VPC_ID],
                "Value": {"Ref": peering},
            },
        )
    _interface_ops(b, names)
    b.flush_sections()
    return Fix.unsafe(_message(b, peering, routes, output, tables), b.ops)


def _cidr_rule(b: _Builder, names: dict[PeerRole, str]) -> None:
    """Rules: a peer VPC ID requires the peer CIDR (CloudFormation checks it before creating anything)."""
    rule_name = b.names.allocate("PeerVpcCidrRequired")
    b.add(
        "Rules",
        rule_name,
        {
            "RuleCondition": not_empty(names[PeerRole.VPC_ID]),
            "Assertions": [
                {
                    "Assert": not_empty(names[PeerRole.CIDR]),
                    "AssertDescription": f"{names[PeerRole.CIDR]} is required when {names[PeerRole.VPC_ID]} is set",
                }
            ],
        },
    )


def _peering(b: _Builder, names: dict[PeerRole, str], has: dict[PeerRole, str]) -> str:
    """The conditional peering connection; returns its logical ID."""
    peering = b.names.allocate("VpcPeeringConnection")
    props: dict[str, Any] = {"VpcId": {"Ref": b.vpc.id}, "PeerVpcId": {"Ref": names[PeerRole.VPC_ID]}}
    for role, prop in OPTIONAL_PROPERTIES.items():
        props[prop] = {"Fn::If": [has[role], {"Ref": names[role]}, {"Ref": "AWS::NoValue"}]}
    b.add("Resources", peering, {"Type": PEERING_TYPE, "Condition": has[PeerRole.VPC_ID], "Properties": props})
    return peering


def _routes(
    b: _Builder, tables: list[Resource], names: dict[PeerRole, str], has: dict[PeerRole, str], peering: str
) -> list[str]:
    """One conditional route per route table (under ``CreatePeerRoute``, combined with the
    table's own condition); returns their logical IDs."""
    route_condition = b.condition(
        "CreatePeerRoute", {"Fn::And": [{"Condition": has[PeerRole.VPC_ID]}, {"Condition": has[PeerRole.CIDR]}]}
    )
    routes = []
    for table in tables:
        condition = route_condition
        if table.condition is not None:
            condition = b.condition(
                "CreatePeerRouteIn" + readable_name(table.id),
                {"Fn::And": [{"Condition": table.condition}, {"Condition": route_condition}]},
            )
        route = b.names.allocate(readable_name(table.id) + "PeerRoute")
        routes.append(route)
        b.add(
            "Resources",
            route,
            {
                "Type": ROUTE_TYPE,
                "Condition": condition,
                "Properties": {
                    "RouteTableId": {"Ref": table.id},
                    "DestinationCidrBlock": {"Ref": names[PeerRole.CIDR]},
                    "VpcPeeringConnectionId": {"Ref": peering},
                },
            },
        )
    return routes


def _message(b: _Builder, peering: str, routes: list[str], output: str | None, tables: list[Resource]) -> str:
    params = b.added.get("Parameters", [])
    parts = [f"add an optional {peering} for {b.vpc.id} (created only when a peer VPC ID is given)"]
    if routes:
        parts.append(f"routes to the peer CIDR in {', '.join(t.id for t in tables)}")
    else:
        parts.append(
            f"no route: this template has no AWS::EC2::RouteTable of {b.vpc.id}, add routes to the peer CIDR where they are"
        )
    if params:
        parts.append(f"empty-default parameters {', '.join(params)}")
    if output:
        parts.append(f"output {output}")
    text = "; ".join(parts)
    if b.notes:
        text += ". " + "; ".join(b.notes)
    return text[0].upper() + text[1:]
