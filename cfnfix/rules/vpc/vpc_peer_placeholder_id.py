"""CFX502 vpc-peer-placeholder-id: ``vpc-xxxxxxxx``, ``pcx-12345678`` and friends where a peer ID belongs.

Background: docs/cloudformation/vpc-peering.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, iter_strings, ref_target, resources, section
from ..base import Rule, RuleContext
from ._optional_params import VPC_ID_TYPE, optional_ops, unconditional_uses
from ._optional_peer import PATTERNS
from ._peering import PEERING_TYPE, PeerRole, peer_role
from ._placeholders import account_placeholder, id_placeholder

#: Properties of a peering connection that hold IDs, and what they hold.
PEERING_ID_PROPERTIES = {"VpcId": "id", "PeerVpcId": "id", "PeerOwnerId": "account"}

#: The route target property (any resource type) that holds a peering connection ID.
CONNECTION_PROPERTY = "VpcPeeringConnectionId"


@dataclass(frozen=True)
class _Literal:
    where: str
    """``<logical ID> <property>`` for the message."""
    pointer: str
    value: str
    kind: str
    conditional: bool


class VpcPeerPlaceholderId(Rule):
    """Placeholder VPC, peering connection or account IDs in peer parameters and peering properties."""

    id = "CFX502"
    name = "vpc-peer-placeholder-id"
    severity = Severity.HIGH
    summary = (
        "Placeholder peer ID (vpc-xxxxxxxx, vpc-12345678, pcx-xxxx, 123456789012) in a parameter default or property"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html"
    fix_applicability = Applicability.UNSAFE
    root_cause = (
        "A generator or an example left a placeholder where the peer VPC, peering connection or account ID "
        "belongs, and nothing checks that it is real until CloudFormation calls EC2."
    )
    deployment_impact = (
        "Any deployment that keeps the placeholder fails when the peering connection or route is created "
        "(the VPC or connection does not exist), and the stack rolls back."
    )
    explanation = """\
## What
A peer ID that cannot be real:

* a `vpc-`/`pcx-` value whose suffix is not lowercase hexadecimal (`vpc-xxxxxxxx`,
  `vpc-<peer>`), one repeated character (`vpc-00000000`), a counting sequence
  (`vpc-12345678`, `vpc-0123456789abcdef0`), a documentation example (`vpc-1a2b3c4d`,
  `pcx-111aaa22`), or of the wrong length (real IDs have 8 or 17 hexadecimal characters);
* an account ID that is an example (`123456789012`), one repeated digit, or a mask
  (`xxxxxxxxxxxx`, `<account-id>`).

Where: the `Default` of a peer parameter (`PeerVpcId`, `PeerVPCID`, `PeerOwnerId`,
`VPCPeeringConnectionId` …, or any parameter a peering connection's `PeerVpcId`, `VpcId`,
`PeerOwnerId` or a route's `VpcPeeringConnectionId` refers to; any default starting with
`pcx-`), and literal values of those properties (also in `Fn::If` branches).

### Not reported
* A default that the template compares against in `Conditions` or `Rules`
  (`!Equals [!Ref PeerVpcId, vpc-xxxxxxxx]`): there it is a deliberate "no peer" sentinel.
* Real-looking IDs, empty strings, values behind `Fn::FindInMap` or `Fn::ImportValue`.

## Why
EC2 rejects the ID when CloudFormation creates the peering connection or the route
("The vpc ID 'vpc-xxxxxxxx' does not exist"), after other resources were already built;
the stack rolls back. An `AWS::EC2::VPC::Id` parameter with a placeholder default fails
parameter validation at once, whether or not it is used.

## Fix
* Parameter used by no resource or output, or only under a `Condition`/`Fn::If`: the
  default becomes empty, the optional-peer convention (`HasPeer: !Not [!Equals [!Ref
  PeerVpcId, ""]]`, see CFX501); `AllowedPattern`, `MinLength` and `AllowedValues` are
  widened to accept it, and an `AWS::EC2::VPC::Id` parameter becomes a `String`.
* Parameter used unconditionally, or an `AWS::EC2::VPC::Id` parameter: the default is
  removed, so CloudFormation asks for the value up front instead of failing half-way.
* Literal property values: no automatic fix; replace them with the real ID or a
  parameter.

## Fix safety
**Unsafe**: both fixes change the template's interface: a caller that relied on the default now gets
no peering (empty default) or must pass a value (no default). Neither can make a working
deployment fail, since the placeholder never worked, but pipelines that pass no
parameters need a look.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per placeholder default and per placeholder literal."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        properties = _peer_properties(data)
        contexts = _parameter_contexts(properties)
        sentinels = {text for _, text in iter_strings(section(data, "Conditions"))}
        sentinels |= {text for _, text in iter_strings(section(data, "Rules"))}
        for name, body in section(data, "Parameters").items():
            if not isinstance(body, dict) or "Default" not in body:
                continue
            default = body["Default"]
            if isinstance(default, bool) or not isinstance(default, (str, int)):
                continue
            text = str(default)
            kind = contexts.get(name) or _kind_of_name(name, body, text)
            reason = _judge(kind, text)
            if reason is None or text in sentinels:
                continue
            yield self._parameter_finding(ctx, name, body, reason)
        for literal in _literals(properties):
            reason = _judge(literal.kind, literal.value)
            if reason is None:
                continue
            severity = Severity.MEDIUM if literal.conditional else Severity.HIGH
            message = f"{literal.where}: {reason}; no automatic fix: put the real ID here, or a parameter"
            yield self.finding(ctx, literal.pointer, message, severity=severity)

    def _parameter_finding(self, ctx: RuleContext, name: str, body: dict[str, Any], reason: str) -> Finding:
        pointer = f"/Parameters/{escape_token(name)}/Default"
        users = unconditional_uses(ctx.data, name)
        typed = body.get("Type") == VPC_ID_TYPE
        if users or typed:
            why = (
                f"CloudFormation validates {VPC_ID_TYPE} parameters against the account"
                if typed
                else f"{', '.join(users)} use{'s' if len(users) == 1 else ''} it unconditionally"
            )
            message = f"Parameter {name}: {reason}; {why}, so every deployment that keeps the default fails"
            fix = Fix.unsafe(
                f"Remove the placeholder default of {name}: CloudFormation then asks for the value up front",
                [Op.remove(pointer)],
            )
            return self.finding(ctx, pointer, message, fix=fix)
        result = optional_ops(name, body, PATTERNS[PeerRole.VPC_ID])
        message = f"Parameter {name}: {reason}"
        if result is None:
            return self.finding(
                ctx,
                pointer,
                message + f"; no automatic fix: type {body.get('Type')} cannot be empty",
                severity=Severity.MEDIUM,
            )
        ops, notes = result
        fix = Fix.unsafe(
            f"Make the default of {name} empty (optional-peer convention: empty means no peer)"
            + "".join(f"; {n}" for n in notes),
            ops,
        )
        return self.finding(ctx, pointer, message, fix=fix, severity=Severity.MEDIUM)


def _judge(kind: str | None, value: str) -> str | None:
    if kind == "id":
        return id_placeholder(value)
    if kind == "account":
        return account_placeholder(value)
    return None


def _kind_of_name(name: str, body: dict[str, Any], default: str) -> str | None:
    """What a parameter's value is, judged from its name, type and default."""
    role = peer_role(name, body)
    if role in (PeerRole.VPC_ID, PeerRole.CONNECTION) or default.lower().startswith("pcx-"):
        return "id"
    if role is PeerRole.OWNER:
        return "account"
    return None


def _parameter_contexts(properties: list[tuple[Resource, str, str, Any, bool]]) -> dict[str, str]:
    """Parameters that peering properties refer to, with the kind of ID they must hold."""
    contexts: dict[str, str] = {}
    for _, key, _, value, _ in properties:
        target = ref_target(value)
        if target is not None:
            contexts.setdefault(target, "account" if key == "PeerOwnerId" else "id")
    return contexts


def _peer_properties(data: Any) -> list[tuple[Resource, str, str, Any, bool]]:
    """(resource, key, pointer, value, conditional) of every peering ID property value, with
    ``Fn::If`` branches unfolded: a peering connection's ID properties, and any resource's
    top-level ``VpcPeeringConnectionId`` (routes)."""
    found = []
    for res in resources(data):
        keys = list(PEERING_ID_PROPERTIES) if res.type == PEERING_TYPE else []
        keys.append(CONNECTION_PROPERTY)
        for key in keys:
            if key in res.props:
                base = f"{res.pointer}/Properties/{key}"
                for pointer, value, cond in _branches(res.props[key], base):
                    found.append((res, key, pointer, value, cond or res.condition is not None))
    return found


def _branches(value: Any, pointer: str, conditional: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """The value itself, or each branch of an ``Fn::If`` (recursively)."""
    if (
        isinstance(value, dict)
        and len(value) == 1
        and isinstance(value.get("Fn::If"), list)
        and len(value["Fn::If"]) == 3
    ):
        for index in (1, 2):
            yield from _branches(value["Fn::If"][index], f"{pointer}/Fn::If/{index}", True)
    else:
        yield pointer, value, conditional


def _literals(properties: list[tuple[Resource, str, str, Any, bool]]) -> Iterator[_Literal]:
    for res, key, pointer, value, conditional in properties:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            kind = "account" if key == "PeerOwnerId" else "id"
            yield _Literal(f"{res.id} {key}", pointer, value, kind, conditional)
