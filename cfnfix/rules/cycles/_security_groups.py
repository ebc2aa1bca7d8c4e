"""Shape 1: security groups that refer to each other (or to themselves) in inline rules.

The inline ``SecurityGroupIngress``/``SecurityGroupEgress`` items of the group that closes
the cycle, and only those naming the other group, move into separate
``AWS::EC2::SecurityGroupIngress``/``AWS::EC2::SecurityGroupEgress`` resources: same
properties, plus ``GroupId: !GetAtt Group.GroupId``. The rest of the rules stay inline.
"""

from __future__ import annotations

from typing import Any

from ...document.pointer import escape_token, parse_pointer
from ...template.graph import Edge, Graph
from ._plan import Builder, BuildFn, Plan
from ._tables import tables

GROUP = "AWS::EC2::SecurityGroup"


def try_break(plan: Plan, graph: Graph, edge: Edge) -> str | None:
    """Record the move of the rules that make ``edge``; None (and nothing recorded) when it is not this shape."""
    if graph.types.get(edge.source) != GROUP:
        return None
    rules = tables()["security_group_rules"]
    base = "/Resources/" + escape_token(edge.source) + "/Properties/"
    picked: dict[str, set[int]] = {}
    for use in edge.uses:
        if not use.pointer.startswith(base):
            return None
        tokens = parse_pointer(use.pointer[len(base) - 1 :])
        if len(tokens) < 3 or tokens[0] not in rules or not tokens[1].isdigit():
            return None
        lst = base + tokens[0]
        items = plan.value(lst)
        index = int(tokens[1])
        if not isinstance(items, list) or not _movable(items[index], rules[tokens[0]]["properties"]):
            return None
        picked.setdefault(lst, set()).add(index)
    for lst, indexes in picked.items():
        kind = parse_pointer(lst)[-1]
        builder = Builder(_builder(edge.source, edge.target, kind, plan.data), per_item=True)
        plan.moves.setdefault(lst, {}).update(dict.fromkeys(indexes, builder))
    count = sum(len(i) for i in picked.values())
    kinds = " and ".join(
        sorted({"ingress" if k.endswith("Ingress") else "egress" for k in (parse_pointer(p)[-1] for p in picked)})
    )
    types = " / ".join(sorted({rules[parse_pointer(p)[-1]]["type"] for p in picked}))
    return (
        f"move {count} inline {kinds} rule{'s' if count > 1 else ''} of {edge.source} naming {edge.target} into {types}"
    )


def _movable(item: Any, properties: list[str]) -> bool:
    """A literal rule (a mapping, not an intrinsic function) whose keys the separate resource accepts."""
    return isinstance(item, dict) and bool(item) and all(k in properties for k in item)


def _builder(group: str, peer: str, kind: str, data: Any) -> BuildFn:
    spec = tables()["security_group_rules"][kind]
    condition = _condition(data, group)

    def build(items: list[Any]) -> tuple[str, dict[str, Any]]:
        body: dict[str, Any] = {"Type": spec["type"]}
        if condition is not None:
            body["Condition"] = condition
        body["Properties"] = {"GroupId": {"Fn::GetAtt": [group, "GroupId"]}, **items[0]}
        return f"{group}{spec['base']}{'Self' if peer == group else peer}", body

    return build


def _condition(data: Any, name: str) -> str | None:
    res = data["Resources"][name]
    value = res.get("Condition") if isinstance(res, dict) else None
    return value if isinstance(value, str) else None
