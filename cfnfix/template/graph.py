"""The resource dependency graph CloudFormation builds, and its cycles.

Used by the cycle rules (``rules/cycles/``) to find circles and by the ordering rules
(``rules/ordering/``) to add a ``DependsOn`` only where it orders something new and closes no
circle (:meth:`Graph.reaches`).

Edges come from the shared :class:`~cfnfix.references.ReferenceIndex` (no second walker):
a resource depends on another when anything under its entry names that resource through
``Ref``, ``Fn::GetAtt`` (list or ``"A.B"`` form), ``Fn::Sub`` (``${A}``, ``${A.B}``) or
``DependsOn``. ``Ref``/``${X}`` to a parameter of the same name is not an edge (the index
binds it to the parameter). ``AWS::Serverless::*`` resources are left out, as cfn-lint
does: the SAM transform replaces them with other resources and other edges.

A cycle is reported as its shortest instance (breadth-first search from every node of a
strongly connected component), starting at the member that comes first in the template.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from ..document.pointer import escape_token, parse_pointer
from .model import resources
from .references import Kind, Occurrence, ReferenceIndex

_EDGE_KINDS = frozenset({Kind.REF, Kind.GETATT, Kind.GETATT_STRING, Kind.SUB, Kind.DEPENDS_ON})

#: What a use's pointer ends in below the property that holds it (left out of "via").
_FUNCTION_TAILS: dict[Kind, tuple[str, ...]] = {
    Kind.REF: ("/Ref",),
    Kind.GETATT: ("/Fn::GetAtt/0",),
    Kind.GETATT_STRING: ("/Fn::GetAtt",),
    Kind.SUB: ("/Fn::Sub/0", "/Fn::Sub"),
    Kind.DEPENDS_ON: (),
}


@dataclass(frozen=True)
class Use:
    """One place where ``source`` names ``target``: the string at ``pointer`` (``text`` as written)."""

    pointer: str
    kind: Kind
    text: str
    start: int = 0

    @property
    def attribute(self) -> str | None:
        """The attribute after the first dot (``GetAtt``/``${X.Attr}``), or None for a plain name."""
        head, dot, tail = self.text.partition(".")
        return tail if dot else None


@dataclass
class Edge:
    """``source`` depends on ``target``, through one or more :class:`Use`\\ s."""

    source: str
    target: str
    uses: list[Use] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """(source, target)."""
        return (self.source, self.target)

    @property
    def depends_on_only(self) -> bool:
        """True when every use is a ``DependsOn`` entry."""
        return all(u.kind is Kind.DEPENDS_ON for u in self.uses)

    def via(self) -> str:
        """Where the dependency is written, relative to the source resource (first use, and a count)."""
        prefix = "/Resources/" + escape_token(self.source) + "/"
        first = self.uses[0]
        where = first.pointer[len(prefix) :] if first.pointer.startswith(prefix) else first.pointer
        for tail in _FUNCTION_TAILS[first.kind]:
            if where.endswith(tail):
                where = where[: -len(tail)]
                break
        if first.kind is Kind.SUB:
            where += " (${" + first.text + "})"
        if first.kind is Kind.DEPENDS_ON:
            where = "DependsOn"
        more = len(self.uses) - 1
        return where + (f" (+{more} more)" if more else "")


@dataclass
class Graph:
    """Resources (in template order) and the edges between them."""

    nodes: list[str]
    types: dict[str, str]
    edges: dict[tuple[str, str], Edge]
    order: dict[str, int] = field(init=False)
    """Position of each resource in the template."""
    _out: dict[str, list[tuple[str, str]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._out = {}
        for key in self.edges:
            self._out.setdefault(key[0], []).append(key)
        self.order = {name: i for i, name in enumerate(self.nodes)}

    def successors(self, node: str, removed: AbstractSet[tuple[str, str]] = frozenset()) -> list[str]:
        """Targets of ``node``'s edges that are not ``removed``, in the order they were first seen."""
        return [t for (s, t) in self._out.get(node, ()) if (s, t) not in removed]

    def reaches(self, source: str, target: str, extra: Mapping[str, Iterable[str]] | None = None) -> bool:
        """True when ``source`` depends on ``target`` through one or more edges (and the ``extra``
        edges, source → targets, that a fix is about to add): CloudFormation already creates
        ``target`` first, and a new edge ``target`` → ``source`` would close a circle."""
        if source == target:
            return True
        more = extra or {}
        seen = {source}
        stack = [source]
        while stack:
            node = stack.pop()
            for nxt in [*self.successors(node), *more.get(node, ())]:
                if nxt == target:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False


def _source(pointer: str) -> str:
    """The logical ID of the resource a ``/Resources/…`` pointer is in (its second token)."""
    token = pointer[len("/Resources/") :].split("/", 1)[0]
    return parse_pointer("/" + token)[0] if "~" in token else token


def build_graph(data: object, index: ReferenceIndex | None = None) -> Graph:
    """The dependency graph of a template's resources (SAM resources and ``Fn::ForEach`` left out)."""
    res = [r for r in resources(data) if not r.type.startswith("AWS::Serverless::")]
    names = {r.id for r in res}
    types = {r.id: r.type for r in res}
    index = index if index is not None else ReferenceIndex.of(data)
    edges: dict[tuple[str, str], Edge] = {}
    for occ, source, target in _edge_uses(names, index):
        text = occ.text
        if occ.kind is Kind.GETATT:  # the list form names the attribute in the next item
            arg = index.value(occ.pointer.rsplit("/", 1)[0])
            if len(arg) > 1 and isinstance(arg[1], str):
                text = f"{text}.{arg[1]}"
        edge = edges.setdefault((source, target), Edge(source, target))
        edge.uses.append(Use(occ.pointer, occ.kind, text, occ.start))
    return Graph([r.id for r in res], types, edges)


def _edge_uses(names: set[str], index: ReferenceIndex) -> Iterator[tuple[Occurrence, str, str]]:
    """(occurrence, source, target) of every reference from one of the resources ``names`` to
    another (a ``Ref``/``${X}`` that names a parameter of the same name is the parameter's)."""
    params = set(index.declared.get("Parameters", ()))
    for occ in index.occurrences:
        if occ.kind not in _EDGE_KINDS or not occ.pointer.startswith("/Resources/"):
            continue
        source = _source(occ.pointer)
        if source not in names:
            continue
        target = occ.text.split(".", 1)[0] if occ.kind is not Kind.DEPENDS_ON else occ.text
        if target not in names:
            continue
        if occ.kind in (Kind.REF, Kind.SUB) and "." not in occ.text and target in params:
            continue
        yield occ, source, target


def has_cycle(data: object, index: ReferenceIndex | None = None) -> bool:
    """True when :func:`build_graph` of ``data`` has a cycle (:func:`components` finds one), told
    from the edges alone: no :class:`Edge` or :class:`Use` is built (most templates have no
    cycle, and building the graph was most of the cycle rule's time)."""
    names = {r.id for r in resources(data) if not r.type.startswith("AWS::Serverless::")}
    index = index if index is not None else ReferenceIndex.of(data)
    targets: dict[str, set[str]] = {}
    for _, source, target in _edge_uses(names, index):
        if target == source:
            return True
        targets.setdefault(source, set()).add(target)
    # a depth-first search that meets a node still on its path has found a cycle
    done: set[str] = set()
    for root in targets:
        if root in done:
            continue
        path = {root}
        work = [(root, iter(targets[root]))]
        while work:
            node, pending = work[-1]
            nxt = next(pending, None)
            if nxt is None:
                work.pop()
                path.discard(node)
                done.add(node)
            elif nxt in path:
                return True
            elif nxt not in done:
                path.add(nxt)
                work.append((nxt, iter(targets.get(nxt, ()))))
    return False


def components(graph: Graph, removed: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    """Strongly connected components that hold a cycle (two or more nodes, or a self-loop),
    each in template order, ordered by their first member (iterative Tarjan)."""
    gone = set(removed)
    nodes = graph.nodes
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        # each frame keeps its node's successors: listed once per node, not once per step
        work: list[tuple[str, int, list[str]]] = [(root, 0, [])]
        while work:
            node, i, succ = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
                succ = graph.successors(node, gone)
            if i < len(succ):
                work.append((node, i + 1, succ))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0, []))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1 or (node, node) in graph.edges and (node, node) not in gone:
                    found.append(sorted(comp, key=graph.order.__getitem__))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(found, key=lambda c: graph.order[c[0]])


#: Work allowed to :func:`shortest_cycle` beyond its first search, per node and edge of the
#: component (and at least this many steps): a component of thousands of resources in one
#: circle must not cost a search from each of them (quadratic).
_SEARCH_BUDGET_PER_ELEMENT = 8
_SEARCH_BUDGET_MIN = 20_000


def shortest_cycle(graph: Graph, members: list[str], removed: Iterable[tuple[str, str]] = ()) -> list[str] | None:
    """The shortest cycle inside ``members`` as ``[A, B, …]`` (closing back to ``A``), starting at
    the member that comes first in the template; None when the members hold no cycle.

    When every member has one successor inside (a ring, or rings with tails once edges are
    removed) the cycles are followed in one pass. Otherwise a breadth-first search runs from
    each member in template order, never deeper than the best cycle so far; after a budget of
    work proportional to the component's size, the best cycle found so far is returned (still
    a cycle of the component, maybe not the shortest).
    """
    gone = set(removed)
    inside = set(members)
    successors = {m: [t for t in graph.successors(m, gone) if t in inside] for m in members}
    if all(len(s) == 1 for s in successors.values()):
        return _functional_cycle(graph, members, successors)
    budget = _SEARCH_BUDGET_MIN + _SEARCH_BUDGET_PER_ELEMENT * (len(members) + sum(map(len, successors.values())))
    best: list[str] | None = None
    for start in members:  # template order: the first start of a shortest cycle is its earliest member
        if best is not None and budget <= 0:
            break
        if start in successors[start]:
            return [start]
        parent: dict[str, str] = {}
        depth = {start: 0}
        queue = deque([start])
        path: list[str] | None = None
        limit = len(best) - 2 if best is not None else len(members)  # deeper finds no shorter cycle
        while queue and path is None:
            node = queue.popleft()
            if depth[node] > limit:
                break
            for nxt in successors[node]:
                budget -= 1
                if graph.order[nxt] < graph.order[start]:
                    continue
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    path.reverse()
                    break
                if nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    parent[nxt] = node
                    queue.append(nxt)
        if path is not None and (best is None or len(path) < len(best)):
            best = path
    return best


def _functional_cycle(graph: Graph, members: list[str], successors: dict[str, list[str]]) -> list[str]:
    """The shortest cycle when each member has exactly one successor (ties: the one whose
    earliest member comes first), from its earliest member: every member is walked once."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    best: list[str] | None = None
    for first in members:
        walk: list[str] = []
        node = first
        while node not in state:
            state[node] = 1
            walk.append(node)
            node = successors[node][0]
        if state[node] == 1:  # a new cycle: the walk from where it closes
            cycle = walk[walk.index(node) :]
            head = min(range(len(cycle)), key=lambda i: graph.order[cycle[i]])
            cycle = cycle[head:] + cycle[:head]
            if (
                best is None
                or len(cycle) < len(best)
                or (len(cycle) == len(best) and graph.order[cycle[0]] < graph.order[best[0]])
            ):
                best = cycle
        for visited in walk:
            state[visited] = 2
    assert best is not None  # one successor each, finitely many members: a cycle exists
    return best


def cycle_edges(graph: Graph, cycle: list[str]) -> list[Edge]:
    """The edges of ``cycle`` in chain order, the closing edge (back to the start) last."""
    return [graph.edges[(cycle[i], cycle[(i + 1) % len(cycle)])] for i in range(len(cycle))]


#: Links of a cycle written out in a message; a longer one is shortened in the middle.
CHAIN_SHOWN = 12


def chain(graph: Graph, cycle: list[str]) -> str:
    """``A → B → A (A → B via Properties/…; B → A via DependsOn)``; a cycle of more than
    :data:`CHAIN_SHOWN` links shows its first and last links and how many lie between (a ring
    of thousands of resources made a message of hundreds of kilobytes)."""
    edges = cycle_edges(graph, cycle)
    if len(cycle) <= CHAIN_SHOWN:
        names = " → ".join([*cycle, cycle[0]])
        shown = edges
    else:
        head, tail = CHAIN_SHOWN - 3, 2
        hidden = len(cycle) - head - tail
        names = f"{' → '.join(cycle[:head])} → … ({hidden} more) … → {' → '.join([*cycle[-tail:], cycle[0]])}"
        shown = [*edges[: head - 1], *edges[-tail - 1 :]]
    vias = "; ".join(f"{e.source} → {e.target} via {e.via()}" for e in shown)
    if len(shown) < len(edges):
        vias += f"; {len(edges) - len(shown)} more links"
    return f"{names} ({vias})"
