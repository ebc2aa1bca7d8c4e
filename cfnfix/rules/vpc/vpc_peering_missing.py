"""CFX501 vpc-peering-missing: a template that means to peer its VPC but creates no peering connection.

Background: docs/cloudformation/vpc-peering.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ._optional_peer import NoFix, build
from ._peering import (
    PEERING_TYPE,
    PeerRole,
    Signal,
    connectivity,
    delegates,
    parameter_signals,
    peer_parameters,
    text_signals,
    vpc_parameters,
    vpcs,
)

#: Signals named in a finding message before "…".
_SHOWN_SIGNALS = 4


class Options(BaseModel):
    """Options of CFX501 (``[rules.vpc-peering-missing]``)."""

    model_config = ConfigDict(extra="forbid", alias_generator=lambda s: s.replace("_", "-"), populate_by_name=True)

    text_signals: bool = Field(
        True,
        description="Also count wording in descriptions and metadata ('VPC peering', 'peer VPC') as a signal; "
        "false: only peer parameters count.",
    )


class VpcPeeringMissing(Rule):
    """Peer parameters or peering wording, one VPC, and no ``AWS::EC2::VPCPeeringConnection``."""

    id = "CFX501"
    name = "vpc-peering-missing"
    severity = Severity.HIGH
    summary = "Template signals VPC peering (peer parameters, 'VPC peering' wording) but has no peering connection"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcpeeringconnection.html"
    fix_applicability = Applicability.UNSAFE
    options_model = Options
    root_cause = (
        "Peer parameters or a description promise connectivity to another VPC, but nothing creates the "
        "peering connection or the routes, so the promise is never wired up."
    )
    deployment_impact = (
        "The stack deploys, but nothing reaches the peer VPC: there is no peering connection and no route, "
        "so cross-VPC traffic (replication, shared services) times out."
    )
    explanation = """\
## What
The template signals connectivity to another VPC — peer parameters (`PeerVpcId`,
`PeerVpcCidr`, `PeerOwnerId`, `PeerRegion`, `PeerRoleArn` and spellings such as
`PeerVPCID`), or wording such as "VPC peering", "peering connection", "peer VPC" in its
`Description`, `Metadata`, parameter or output descriptions or a resource's
`(Group)Description` — and it owns a VPC, but it has no `AWS::EC2::VPCPeeringConnection`.

### Not reported
The rule stays quiet when the template shows the connection lives elsewhere or is done
another way (measured on the 296 templates of the shared corpus: no finding):

* it has a peering connection (also inside `Fn::ForEach`);
* it connects VPCs another way: `AWS::EC2::TransitGateway*`, Cloud WAN
  (`AWS::NetworkManager::*`), PrivateLink (`AWS::EC2::VPCEndpointService*`), VPC Lattice,
  routes through `TransitGatewayId`/`CoreNetworkArn`, or an existing route to the peer CIDR;
* the peering is managed elsewhere: a parameter holding a peering connection ID
  (`VPCPeeringConnectionId`, `PcxId`), a route whose `VpcPeeringConnectionId` is a
  parameter, import or literal (the accepter side and route-only stacks), an IAM policy or
  code that calls `CreateVpcPeeringConnection`/`AcceptVpcPeeringConnection`, or peer
  parameters handed to a nested stack or custom resource;
* it has no VPC of its own and no VPC parameter (an IAM-only accepter-role template);
* it gets its VPC from a parameter and has no peer VPC ID parameter (a peer CIDR alone is
  usually a security group rule for a peering managed by the network stack);
* only wording signals peering, and a nested stack or custom resource may create it;
* option `text-signals = false` and no peer parameter.

## Why
Parameters and descriptions do not connect anything. Without a peering connection and
routes to the peer's CIDR in the VPC's route tables, traffic to the peer VPC has no path:
cross-Region replication, shared services and the like time out after a deployment that
looked successful.

## Fix
Unsafe: the optional-peer pattern. The template keeps deploying with no peer given, and
lints clean (no W1001, no W1030):

* parameters `PeerVpcId`, `PeerVpcCidr`, `PeerOwnerId`, `PeerRegion`, `PeerRoleArn` with
  empty defaults and an `AllowedPattern` that also accepts empty; existing peer parameters
  are reused. An existing one with no default or a placeholder default (`vpc-xxxxxxxx`) gets
  an empty default (its `AllowedPattern`, `MinLength`, `AllowedValues` widened to accept
  it; an `AWS::EC2::VPC::Id` parameter becomes a `String`, which can be empty) unless a
  resource or output uses it unconditionally — then it is left alone. A real default
  (`vpc-0f3c9a8e27d41b65a`) is kept: that peer is then the default;
* a Rules assertion: a peer VPC ID requires the peer CIDR;
* conditions `HasPeer`, `HasPeerCidr`, `HasPeerOwner`, `HasPeerRegion`, `HasPeerRole` and
  `CreatePeerRoute` (`Fn::And` of the first two, which keeps cfn-lint from checking the
  empty default CIDR as a route destination: W1030); existing conditions with the same
  meaning are reused;
* `VpcPeeringConnection` under `HasPeer`, with `PeerOwnerId`, `PeerRegion`, `PeerRoleArn`
  set only when given (`AWS::NoValue` otherwise);
* one `AWS::EC2::Route` to the peer CIDR through the connection in every
  `AWS::EC2::RouteTable` of the VPC, under `CreatePeerRoute` (and under the route table's
  own condition, combined with `Fn::And`, when it has one);
* output `VpcPeeringConnectionId` under `HasPeer`; new parameters join the Interface
  parameter group that already holds a peer parameter.

When the template has no route table of the VPC (its subnets use the main route table,
which CloudFormation cannot address, or other stacks own the route tables), the fix adds
the connection without routes and without the CIDR parameter, and says so.

New names never collide (case-insensitively) with a name in any section; a taken name
gets a number (`HasPeer2`).

### No automatic fix (reported only)
* several VPCs: which one peers (or whether they peer each other) is a design decision;
* the VPC comes from a parameter: its route tables are not in the template;
* the VPC is conditional, `Resources` holds `Fn::ForEach` loops, a peer parameter is not a
  `String`, a section is malformed, or the additions would exceed a CloudFormation quota.

## Fix safety
**Unsafe**: review before deploying: the fix adds resources and parameters, it does not know the
peer. With a peer given it creates a peering connection, which a peer in another account
must accept (`PeerRoleArn`), and needs return routes and security group rules in the peer
VPC; the two CIDRs must not overlap. Security groups are not opened by the fix.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """At most one finding per template, at its first peer parameter or peering wording."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        signals = parameter_signals(data)
        if ctx.options.text_signals:
            signals += text_signals(data)
        if not signals or connectivity(data).reasons:
            return
        strong = any(s.strong for s in signals)
        local = vpcs(data)
        if not strong and delegates(data):
            return
        if not local:
            params = vpc_parameters(data)
            if not params or PeerRole.VPC_ID not in peer_parameters(data):
                return
            reason = f"the VPC comes from parameter {params[0]}, so its route tables are not in this template"
            yield self._finding(ctx, signals, target=f"VPC {params[0]}", reason=reason)
            return
        if len(local) > 1:
            names = ", ".join(v.id for v in local)
            reason = f"the template defines {len(local)} VPCs ({names}); which one peers is a design decision"
            yield self._finding(ctx, signals, target=f"VPCs {names}", reason=reason)
            return
        try:
            fix = build(data, local[0])
        except NoFix as exc:
            yield self._finding(ctx, signals, target=f"VPC {local[0].id}", reason=str(exc))
            return
        yield self._finding(ctx, signals, target=f"VPC {local[0].id}", fix=fix)

    def _finding(
        self,
        ctx: RuleContext,
        signals: list[Signal],
        *,
        target: str,
        fix: Fix | None = None,
        reason: str = "",
    ) -> Finding:
        first = next((s for s in signals if s.strong), signals[0])
        message = _message(signals, target)
        if reason:
            message += f"; no automatic fix: {reason}"
        return self.finding(ctx, first.pointer, message, fix=fix, at_key=first.at_key)


def _message(signals: list[Signal], target: str) -> str:
    shown = ", ".join(s.what for s in signals[:_SHOWN_SIGNALS])
    if len(signals) > _SHOWN_SIGNALS:
        shown += f" and {len(signals) - _SHOWN_SIGNALS} more"
    return (
        f"The template signals VPC peering ({shown}) but has no {PEERING_TYPE}: nothing connects {target} to a peer VPC"
    )
