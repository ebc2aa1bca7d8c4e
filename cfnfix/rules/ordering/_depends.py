"""Adding ``DependsOn`` without closing a circle: what the ordering rules share.

A resource must wait for another (a trail for its bucket's policy, a route for the gateway
attachment) when nothing in the template orders them. :func:`plan` keeps the targets the
dependency graph does not already order before the resource (directly or through others),
and sets aside those a ``DependsOn`` cannot name: a target that already depends on the
resource (the new edge would close a circle, which CloudFormation rejects) and a target
that exists under a condition the resource does not share (``DependsOn`` on a resource that
is not created fails with "Unresolved resource dependencies").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...document.pointer import make_pointer
from ...findings import Fix, Op, Operation
from ...template.graph import Graph
from ...template.model import Resource


@dataclass(frozen=True)
class Need:
    """``target`` must exist before the resource is created; ``why`` says what it is to it."""

    target: Resource
    why: str


@dataclass
class Plan:
    """What one resource lacks: targets to add to its ``DependsOn``, and those that cannot be added."""

    source: Resource
    add: list[Need] = field(default_factory=list)
    blocked: list[tuple[Need, str]] = field(default_factory=list)

    @property
    def missing(self) -> list[Need]:
        """Every unordered target, fixable or not."""
        return self.add + [need for need, _ in self.blocked]


def depends_on_entries(res: Resource) -> list[str] | None:
    """The resource's ``DependsOn`` names ([] when absent); None when it is not a string or a list of strings."""
    value = res.body.get("DependsOn")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def plan(graph: Graph, source: Resource, needs: list[Need], added: dict[str, list[str]] | None = None) -> Plan:
    """Sort ``needs`` of ``source`` into already ordered (dropped), to add, and blocked (with the reason).

    ``added`` holds the edges (source → targets) that earlier findings of the same check add:
    they count as ordering, and the targets this plan adds are recorded in it.
    """
    out = Plan(source)
    seen: set[str] = set()
    for need in needs:
        target = need.target
        if target.id in seen or target.id == source.id or target.id not in graph.order or source.id not in graph.order:
            continue
        seen.add(target.id)
        if graph.reaches(source.id, target.id, added):
            continue  # a Ref, GetAtt, Sub or DependsOn chain already creates the target first
        if graph.reaches(target.id, source.id, added):
            out.blocked.append((need, f"{target.id} already depends on {source.id} (a DependsOn would close a circle)"))
        elif target.condition is not None and target.condition != source.condition:
            out.blocked.append(
                (need, f"{target.id} exists only under condition {target.condition}, which {source.id} does not share")
            )
        elif depends_on_entries(source) is None:
            out.blocked.append((need, f"the DependsOn of {source.id} is not a name or a list of names"))
        else:
            out.add.append(need)
            if added is not None:
                added.setdefault(source.id, []).append(target.id)
    return out


def depends_on_patch(res: Resource, names: list[str]) -> list[Operation]:
    """Operations that add ``names`` to the resource's ``DependsOn`` (a string becomes a list)."""
    path = make_pointer(["Resources", res.id, "DependsOn"])
    value = res.body.get("DependsOn")
    if value is None:
        return [Op.add(path, names[0] if len(names) == 1 else list(names))]
    if isinstance(value, str):
        return [Op.test(path, value), Op.replace(path, [value, *names])]
    return [Op.test(path, value), *(Op.add(f"{path}/-", name) for name in names)]


def fix_for(found: Plan) -> Fix | None:
    """The safe fix that adds every addable target of ``found``, or None when there is none."""
    if not found.add:
        return None
    names = [need.target.id for need in found.add]
    listed = ", ".join(names)
    return Fix.safe(f"add DependsOn: {listed} to {found.source.id}", depends_on_patch(found.source, names))


def describe(found: Plan) -> str:
    """``BucketPolicy (the policy of its bucket LogBucket), …``: the unordered targets for a message."""
    return ", ".join(f"{need.target.id} ({need.why})" for need in found.missing)


def blocked_note(found: Plan) -> str:
    """`` Not fixed: …`` for the blocked targets (empty when none)."""
    if not found.blocked:
        return ""
    return " Not added: " + "; ".join(reason for _, reason in found.blocked) + "."
