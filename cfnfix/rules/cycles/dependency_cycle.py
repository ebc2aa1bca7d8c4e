"""CFX740 dependency-cycle: resources that depend on each other in a circle.

Background: docs/cloudformation/dependency-cycles.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonpatch

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Severity
from ...template.graph import Edge, Graph, build_graph, chain, components, cycle_edges, has_cycle, shortest_cycle
from ...template.naming import NameAllocator
from ...template.references import ReferenceIndex
from ..base import Rule, RuleContext
from . import _known_names, _policies, _security_groups
from ._plan import Plan

#: A knot needing more broken links than this gets no fix (each break searches its circles
#: again: a knot of thousands of interlocked circles must not cost thousands of searches).
MAX_BREAKS = 50
#: Resources of a knot named in a message (the rest counted).
_KNOT_SHOWN = 20


class DependencyCycle(Rule):
    """A circular dependency between resources, reported as its shortest chain, broken where a standard way out exists."""

    id = "CFX740"
    name = "dependency-cycle"
    severity = Severity.CRITICAL
    summary = (
        "Resources depend on each other in a circle (Ref, GetAtt, Sub, DependsOn): CloudFormation rejects the template"
    )
    doc_url = "https://aws.amazon.com/blogs/infrastructure-and-automation/handling-circular-dependency-errors-in-aws-cloudformation/"
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("E3004",)
    root_cause = (
        "Every Ref, Fn::GetAtt, ${…} in Fn::Sub and DependsOn makes a resource wait for another; templates that "
        "wire two resources to each other (security groups allowing each other, a role allowing access to the "
        "bucket that notifies its function) close a circle."
    )
    deployment_impact = (
        'CloudFormation refuses the template ("Circular dependency between resources") before it creates anything.'
    )
    explanation = """\
## What
Two or more resources depend on each other in a circle, or a resource depends on itself.
A resource depends on another when anything in its entry names it with `Ref`,
`Fn::GetAtt`, `${Name}` / `${Name.Attribute}` in `Fn::Sub`, or `DependsOn`. The finding
shows the shortest circle as a chain, `A → B → A (A → B via Properties/…; B → A via …)`,
starting at the resource that comes first in the template, and names every resource of
the knot when it holds more than that circle.

## Why
CloudFormation creates a resource only after everything it depends on exists, so it
cannot order a circle: it rejects the template with "Circular dependency between
resources" before creating anything (cfn-lint **E3004**). `AWS::Serverless::*` resources
are left out, as cfn-lint does: the SAM transform replaces them and their links.

## Fix
The fix moves exactly the links that close the circle, and keeps everything else where it
is (the other rules and statements stay inline, comments and order stay):

* **Security groups naming each other (or themselves)** in inline `SecurityGroupIngress`
  / `SecurityGroupEgress` rules: the rules of the group that closes the circle that name
  the other group move into separate `AWS::EC2::SecurityGroupIngress` /
  `AWS::EC2::SecurityGroupEgress` resources with the same properties and
  `GroupId: !GetAtt Group.GroupId`. If every inline egress rule moves out, the rule
  `CidrIp: 127.0.0.1/32, IpProtocol: "-1"` stays in their place, so that the group does
  not get EC2's default allow-all egress rule.
* **A role (user, group) whose inline policy names a resource that depends on the role**:
  the statements that name it move into a new `AWS::IAM::Policy` attached to the role,
  with a policy name of its own.
* **A reference to a bucket, function, topic, queue or log group whose name is set in the
  template** (from a literal, a parameter or a `Fn::Sub` of parameters): the reference is
  written from that name with `Fn::Sub` (`arn:${AWS::Partition}:s3:::name`), the value
  it has at deploy time, which is no dependency. This breaks the classic bucket
  notification → Lambda permission (`SourceArn: !GetAtt Bucket.Arn`) circle.

The link that closes the circle (back to the resource that comes first) is broken first;
if it has no standard way out, the others are tried. New resources get names from the
project's name allocator (`AppSgIngressFromLbSg`, `FunctionRolePolicyForBucket`).

Circles with no standard way out are reported with their chain and no fix, among them a
circle made of `DependsOn` only (remove the `DependsOn` that is not needed) and a reference
to an unnamed bucket (function, topic …): the message says which name property would let
the reference be written from the name; naming it is left to you, since a new name
replaces a deployed resource.

## Fix safety
**Unsafe**: on a stack that is already deployed, the moved rules and statements are deleted from the
group or role and created again as separate resources: traffic or access they allow is
briefly missing during the update. A function that a custom resource invokes while the
stack is created may now run before the new `AWS::IAM::Policy` is attached; give that
custom resource a `DependsOn` on the policy. Review the diff before applying it with
`--unsafe-fixes`. See `docs/cloudformation/dependency-cycles.md`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per knot of resources that depend on each other in a circle."""
        data = ctx.data
        if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
            return
        index = ReferenceIndex.of(data)
        if not has_cycle(data, index):
            return  # the graph's edges close no circle: no need to build it
        graph = build_graph(data, index)
        knots = components(graph)
        if not knots:
            return
        params = set(index.declared.get("Parameters", ()))
        names = NameAllocator(data)
        for knot in knots:
            cycle = shortest_cycle(graph, knot)
            assert cycle is not None
            message = f"Circular dependency: {chain(graph, cycle)}"
            if len(knot) > len(cycle):
                listed = ", ".join(knot[:_KNOT_SHOWN]) + (
                    f" and {len(knot) - _KNOT_SHOWN} more" if len(knot) > _KNOT_SHOWN else ""
                )
                message += f"; {len(knot)} resources depend on each other here: {listed}"
            fix = _fix(data, graph, knot, params, names)
            if fix is None:
                edges = cycle_edges(graph, cycle)
                if all(e.depends_on_only for e in edges):
                    message += "; every link is a DependsOn: remove the one that is not needed"
                else:
                    hint = _known_names.naming_hint(Plan(data), graph, edges)
                    if hint is not None:
                        message += f"; no standard way out as written: {hint}"
                    else:
                        message += "; no standard way out: change one of these references by hand"
            yield self.finding(ctx, "/Resources/" + escape_token(cycle[0]), message, fix=fix, at_key=True)


def _try(plan: Plan, graph: Graph, edge: Edge, params: set[str]) -> str | None:
    """The first shape that breaks ``edge`` (a name rewrite changes least, so it goes first)."""
    return (
        _known_names.try_break(plan, graph, edge, params)
        or _security_groups.try_break(plan, graph, edge)
        or _policies.try_break(plan, graph, edge)
    )


def _fix(data: Any, graph: Graph, knot: list[str], params: set[str], names: NameAllocator) -> Fix | None:
    """Break every circle of ``knot`` (closing links first), or None when one has no standard way out."""
    plan = Plan(data)
    removed: set[tuple[str, str]] = set()
    while (cycle := shortest_cycle(graph, knot, removed)) is not None:
        if len(removed) >= MAX_BREAKS:
            return None  # too tangled to untie by rule: the finding stays, without a fix
        edges = cycle_edges(graph, cycle)
        for edge in [edges[-1], *edges[:-1]]:
            step = _try(plan, graph, edge, params)
            if step is not None:
                removed.add(edge.key)
                plan.steps.append(step)
                break
        else:
            return None
    patch, added = plan.patch(names)
    touched = set(knot) | set(added)
    if any(touched & set(k) for k in components(build_graph(jsonpatch.apply_patch(data, patch)))):
        return None  # defensive: no circle may be left through the knot or the new resources
    message = "; ".join(plan.steps + plan.notes)
    message = message[0].upper() + message[1:]
    if added:
        message += f" (new: {', '.join(added)})"
    return Fix.unsafe(message, patch)
