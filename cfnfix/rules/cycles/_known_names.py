"""Shape 3: a reference to a resource whose physical name is known in the template.

A bucket (function, topic, queue, log group) that sets its name from a literal, a parameter
or a ``Fn::Sub`` of parameters and pseudo parameters does not have to be referenced with
``Ref``/``Fn::GetAtt``: its name and ARN can be written with ``Fn::Sub`` from that name,
which is the same value at deploy time and no dependency. The classic case is a bucket that
notifies a Lambda function and must wait (``DependsOn``) for the function's permission,
whose ``SourceArn`` is ``!GetAtt Bucket.Arn``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ...document.pointer import parse_pointer
from ...template.graph import Edge, Graph, Use
from ...template.references import Kind, sub_variables
from ._plan import Plan
from ._tables import tables


@dataclass(frozen=True)
class Name:
    """A physical name as the template writes it."""

    sub_text: str
    """The name inside a ``Fn::Sub`` template (``my-bucket``, ``${BucketName}``, ``${AWS::StackName}-logs``)."""
    whole: Any
    """The name as a value of its own (``"my-bucket"``, ``{"Ref": "BucketName"}``, ``{"Fn::Sub": …}``)."""
    variables: frozenset[str]
    """The ``${…}`` names ``sub_text`` uses."""

    def render(self, template: str) -> Any:
        """The value of ``template`` (``arn:${AWS::Partition}:s3:::{name}``) for this name."""
        if template == "{name}":
            return self.whole
        return {"Fn::Sub": template.replace("{name}", self.sub_text)}


def known_name(data: Any, target: str, params: set[str]) -> Name | None:
    """The name ``target`` sets through its type's name property, when it is known without
    any other resource; None otherwise."""
    res = data["Resources"][target]
    spec = tables()["known_names"].get(res.get("Type"))
    props = res.get("Properties")
    if spec is None or not isinstance(props, dict):
        return None
    value = props.get(spec["property"])
    if isinstance(value, str) and value:
        return Name(value.replace("${", "${!"), value, frozenset())
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Ref" and isinstance(arg, str) and (arg in params or arg.startswith("AWS::")):
            return Name("${" + arg + "}", value, frozenset([arg]))
        if fn == "Fn::Sub" and isinstance(arg, str):
            names = [v for v, _ in sub_variables(arg)]
            if all(v in params or v.startswith("AWS::") for v in names):
                return Name(arg, value, frozenset(names))
    return None


def try_break(plan: Plan, graph: Graph, edge: Edge, params: set[str]) -> str | None:
    """Record rewrites of every use of ``edge`` from the target's known name; None (and nothing
    recorded) when the target's name is not known or a use cannot be rewritten."""
    spec = tables()["known_names"].get(graph.types.get(edge.target, ""))
    if spec is None:
        return None
    name = known_name(plan.data, edge.target, params)
    if name is None:
        return None
    replace: dict[str, Any] = {}
    splices: dict[str, list[tuple[int, int, str]]] = {}
    for use in edge.uses:
        try:
            if not _rewrite(plan, use, spec, name, replace, splices):
                return None
        except (KeyError, IndexError, TypeError, ValueError):
            # the use is gone from this data (a resource whose name property refers to
            # itself, ``QueueName: !GetAtt [Q, QueueName]``, once that property is a name)
            return None
    plan.replace.update(replace)
    for ptr, items in splices.items():
        plan.splices.setdefault(ptr, []).extend(items)
    what = (
        "name"
        if all(u.attribute is None for u in edge.uses)
        else "ARN"
        if all(u.attribute for u in edge.uses)
        else "name and ARN"
    )
    return f"in {edge.source}, write {edge.target}'s {what} from its {spec['property']} instead of referencing {edge.target}"


def naming_hint(plan: Plan, graph: Graph, edges: list[Edge]) -> str | None:
    """For a circle without a fix: the link that a name property on its target would break, as advice."""
    for edge in edges:
        spec = tables()["known_names"].get(graph.types.get(edge.target, ""))
        if spec is None or known_name(plan.data, edge.target, set()) is not None:
            continue
        named = copy.deepcopy(plan.data)
        named["Resources"][edge.target].setdefault("Properties", {})
        if not isinstance(named["Resources"][edge.target]["Properties"], dict):
            continue
        named["Resources"][edge.target]["Properties"][spec["property"]] = "name"
        if try_break(Plan(named), graph, edge, set()) is not None:
            what = "name" if all(u.attribute is None for u in edge.uses) else "ARN"
            return (
                f"give {edge.target} a {spec['property']} (a new name replaces a deployed {edge.target}) and "
                f"{edge.source} can write its {what} from that name with Fn::Sub instead of referencing it"
            )
    return None


def _rewrite(
    plan: Plan,
    use: Use,
    spec: dict[str, Any],
    name: Name,
    replace: dict[str, Any],
    splices: dict[str, list[tuple[int, int, str]]],
) -> bool:
    tokens = parse_pointer(use.pointer)
    attributes: dict[str, str] = spec.get("attributes", {})
    if use.kind is Kind.REF and "." not in use.text and "ref" in spec:
        replace[_parent(use.pointer, 1)] = name.render(spec["ref"])
        return True
    if use.kind is Kind.GETATT and tokens[-2:] == ["Fn::GetAtt", "0"]:
        arg = plan.value(_parent(use.pointer, 1))
        attr = arg[1] if len(arg) == 2 else None
        if isinstance(attr, str) and attr in attributes:
            replace[_parent(use.pointer, 2)] = name.render(attributes[attr])
            return True
        return False
    if use.kind is Kind.GETATT_STRING:
        attr = use.attribute
        if attr in attributes:
            replace[_parent(use.pointer, 1)] = name.render(attributes[attr])
            return True
        return False
    if use.kind is Kind.SUB:
        template = spec.get("ref") if use.attribute is None else attributes.get(use.attribute)
        if template is None or _shadowed(plan, use, name):
            return False
        text: str = plan.value(use.pointer)
        start = text.rfind("${", 0, use.start)
        end = text.index("}", use.start) + 1
        splices.setdefault(use.pointer, []).append((start, end, template.replace("{name}", name.sub_text)))
        return True
    return False


def _shadowed(plan: Plan, use: Use, name: Name) -> bool:
    """True when the ``Fn::Sub`` holding ``use`` has a variable map defining a name the spliced text uses."""
    tokens = parse_pointer(use.pointer)
    if tokens[-2:] != ["Fn::Sub", "0"]:
        return False
    arg = plan.value(_parent(use.pointer, 1))
    variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
    return any(v in variables for v in name.variables)


def _parent(pointer: str, levels: int) -> str:
    for _ in range(levels):
        pointer = pointer.rsplit("/", 1)[0]
    return pointer
