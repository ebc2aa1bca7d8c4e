"""Shape 2: an identity whose inline policy names a resource that depends on the identity.

The statements that name that resource (and only those) move out of the role's (user's,
group's) inline policy into a new ``AWS::IAM::Policy`` attached to it (``Roles: [!Ref
Role]``), with the inline policy's ``Version``. The new policy gets a ``PolicyName`` of its
own: IAM keys a role's inline policies by name, so reusing the old name would make the
update that removes the inline statements delete the new policy too.
"""

from __future__ import annotations

from typing import Any

from ...document.pointer import escape_token, parse_pointer
from ...template.graph import Edge, Graph
from ._plan import WHOLE, Builder, BuildFn, Plan
from ._tables import tables

MAX_POLICY_NAME = 128


def try_break(plan: Plan, graph: Graph, edge: Edge) -> str | None:
    """Record the move of the statements that make ``edge``; None (and nothing recorded) when it is not this shape."""
    attach = tables()["principals"].get(graph.types.get(edge.source, ""))
    if attach is None:
        return None
    base = "/Resources/" + escape_token(edge.source) + "/Properties/Policies/"
    picked: dict[str, set[int]] = {}
    for use in edge.uses:
        if not use.pointer.startswith(base):
            return None
        tokens = parse_pointer(use.pointer[len(base) - 1 :])
        # <i>/PolicyDocument/Statement[/<j>]/…
        if len(tokens) < 4 or not tokens[0].isdigit() or tokens[1:3] != ["PolicyDocument", "Statement"]:
            return None
        lst = base + tokens[0] + "/PolicyDocument/Statement"
        statements = plan.value(lst)
        if isinstance(statements, dict) and _literal(statements):
            picked.setdefault(lst, set()).add(WHOLE)
        elif isinstance(statements, list) and tokens[3].isdigit() and _literal(statements[int(tokens[3])]):
            picked.setdefault(lst, set()).add(int(tokens[3]))
        else:
            return None
    for lst, indexes in picked.items():
        builder = Builder(_builder(plan.data, edge.source, edge.target, lst, attach, plan.reserved), per_item=False)
        plan.moves.setdefault(lst, {}).update(dict.fromkeys(indexes, builder))
    count = sum(len(i) for i in picked.values())
    return f"move {count} policy statement{'s' if count > 1 else ''} of {edge.source} naming {edge.target} into an AWS::IAM::Policy attached to it"


def _literal(statement: Any) -> bool:
    """A statement written out (a mapping with an ``Effect``), not an intrinsic function."""
    return isinstance(statement, dict) and "Effect" in statement


def _builder(data: Any, principal: str, target: str, lst: str, attach: str, plan_names: dict[str, set[str]]) -> BuildFn:
    res = data["Resources"][principal]
    condition = res.get("Condition") if isinstance(res.get("Condition"), str) else None
    document = _value(data, lst.rsplit("/", 1)[0])
    taken = plan_names.setdefault(principal, _policy_names(data, res))

    def build(items: list[Any]) -> tuple[str, dict[str, Any]]:
        base = f"{principal}PolicyFor{target}"
        name = base[:MAX_POLICY_NAME]
        n = 2
        while name.lower() in taken:
            tail = str(n)
            name = base[: MAX_POLICY_NAME - len(tail)] + tail
            n += 1
        taken.add(name.lower())
        doc: dict[str, Any] = {}
        if "Version" in document:
            doc["Version"] = document["Version"]
        doc["Statement"] = items
        body: dict[str, Any] = {"Type": "AWS::IAM::Policy"}
        if condition is not None:
            body["Condition"] = condition
        body["Properties"] = {"PolicyName": name, "PolicyDocument": doc, attach: [{"Ref": principal}]}
        return base, body

    return build


def _policy_names(data: Any, res: dict[str, Any]) -> set[str]:
    """Lower-cased policy names the new one must avoid: the identity's inline ones and every
    literal ``PolicyName`` of an ``AWS::IAM::Policy`` in the template."""
    props = res.get("Properties")
    policies = props.get("Policies") if isinstance(props, dict) else None
    names = set()
    for policy in policies if isinstance(policies, list) else []:
        if isinstance(policy, dict) and isinstance(policy.get("PolicyName"), str):
            names.add(policy["PolicyName"].lower())
    for other in data["Resources"].values():
        if isinstance(other, dict) and other.get("Type") == "AWS::IAM::Policy":
            name = other.get("Properties", {}).get("PolicyName") if isinstance(other.get("Properties"), dict) else None
            if isinstance(name, str):
                names.add(name.lower())
    return names


def _value(data: Any, pointer: str) -> Any:
    node = data
    for token in parse_pointer(pointer):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node
