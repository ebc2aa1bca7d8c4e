"""A plan that breaks the cycles of one strongly connected component, and its JSON Patch.

Shapes (``_security_groups``, ``_policies``, ``_known_names``) record *what* moves or is
rewritten; :meth:`Plan.patch` turns the whole plan into one RFC 6902 patch, so that several
moves out of the same list remove the right items (highest index first) and a rewrite inside
a moved rule or statement travels with it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...document.pointer import escape_token, parse_pointer
from ...findings import Op, Patch
from ...template.naming import NameAllocator
from ..fixes import remove_items
from ._tables import tables

#: (rewritten items) → (logical-ID base, resource body) of the new resource they become.
BuildFn = Callable[[list[Any]], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Builder:
    """Turns moved items into a new resource: one resource per item, or one for all of them."""

    build: BuildFn
    """(rewritten items) → (logical-ID base, resource body)."""
    per_item: bool


@dataclass
class Plan:
    """Everything one finding's fix does (see module doc)."""

    data: Any
    #: pointer of an intrinsic object (``{"Ref": X}``, ``{"Fn::GetAtt": …}``) → its new value
    replace: dict[str, Any] = field(default_factory=dict)
    #: pointer of a ``Fn::Sub`` template string → (start, end, new text) splices
    splices: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    #: list pointer → {index of an item that moves out (:data:`WHOLE`: the value itself): how it
    #: becomes a new resource}; items of one list with the same builder that is not per item
    #: become one resource
    moves: dict[str, dict[int, Builder]] = field(default_factory=dict)
    #: what each step does, in order (for the fix message)
    steps: list[str] = field(default_factory=list)
    #: remarks on side effects of the patch (for the fix message)
    notes: list[str] = field(default_factory=list)
    #: names handed out by the shapes beyond logical IDs (policy names per identity), lower-cased
    reserved: dict[str, set[str]] = field(default_factory=dict)

    # ------------------------------------------------------------------ reading

    def value(self, pointer: str) -> Any:
        """The original data at ``pointer``."""
        node = self.data
        for token in parse_pointer(pointer):
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def rewritten(self, pointer: str) -> Any:
        """A deep copy of the data at ``pointer`` with the plan's rewrites under it applied."""
        value = copy.deepcopy(self.value(pointer))
        prefix = pointer + "/"
        for ptr, new in self.replace.items():
            if ptr.startswith(prefix):
                value = _set(value, parse_pointer(ptr[len(pointer) :]), copy.deepcopy(new))
        for ptr in self.splices:
            if ptr.startswith(prefix):
                value = _set(value, parse_pointer(ptr[len(pointer) :]), self._spliced(ptr))
        return value

    def _spliced(self, pointer: str) -> str:
        text = self.value(pointer)
        for start, end, new in sorted(self.splices[pointer], reverse=True):
            text = text[:start] + new + text[end:]
        return text

    # ------------------------------------------------------------------ the patch

    def patch(self, names: NameAllocator) -> tuple[Patch, list[str]]:
        """The RFC 6902 operations and the new resources' names (in the order they are added).

        Rewrites come first (while every index is still the original one), then the removals
        (highest index first, the deepest lists first), then the new resources.
        """
        added: list[tuple[str, dict[str, Any]]] = []
        for lst in sorted(self.moves):
            groups: dict[int, tuple[Builder, list[Any]]] = {}
            for i in sorted(self.moves[lst]):
                builder = self.moves[lst][i]
                item = self.rewritten(lst if i == WHOLE else f"{lst}/{i}")
                key = i if builder.per_item else id(builder)
                groups.setdefault(key, (builder, []))[1].append(item)
            for builder, items in groups.values():
                base, body = builder.build(items)
                added.append((names.allocate(base), body))
        removals, gone = self._removals()
        ops: Patch = []
        for ptr in sorted(self.replace):
            if not _under(ptr, gone):
                ops.append(Op.replace(ptr, copy.deepcopy(self.replace[ptr])))
        for ptr in sorted(self.splices):
            if not _under(ptr, gone):
                ops.append(Op.replace(ptr, self._spliced(ptr)))
        ops += removals
        for name, body in added:
            ops.append(Op.add("/Resources/" + escape_token(name), body))
        return ops, [name for name, _ in added]

    def _removals(self) -> tuple[Patch, list[str]]:
        """Operations that take the moved items out, and the pointers of everything they remove."""
        ops: Patch = []
        gone: list[str] = []
        emptied_policies: dict[str, set[int]] = {}
        for lst in sorted(self.moves):
            indexes = self.moves[lst]
            items = self.value(lst)
            whole = WHOLE in indexes or (isinstance(items, list) and len(indexes) == len(items))
            kind = parse_pointer(lst)[-1]
            if not whole:
                ops += remove_items(lst, indexes)
                gone += [f"{lst}/{i}" for i in sorted(indexes, reverse=True)]
            elif kind == "Statement":  # the inline policy is left with nothing: it goes
                tokens = parse_pointer(lst)
                policies = "/" + "/".join(escape_token(t) for t in tokens[:-3])
                emptied_policies.setdefault(policies, set()).add(int(tokens[-3]))
            elif kind == "SecurityGroupEgress" and EGRESS_PLACEHOLDER:
                ops.append(Op.replace(lst, [dict(EGRESS_PLACEHOLDER)]))
                gone.append(lst)
                group = parse_pointer(lst)[1]
                self.notes.append(
                    f"{group} keeps the inline egress rule 127.0.0.1/32 (matches no traffic) so that it does not "
                    "get EC2's default allow-all egress rule"
                )
            else:
                ops.append(Op.remove(lst))
                gone.append(lst)
        for policies in sorted(emptied_policies):
            emptied = emptied_policies[policies]
            if len(emptied) == len(self.value(policies)):
                ops.append(Op.remove(policies))
                gone.append(policies)
            else:
                ops += remove_items(policies, emptied)
                gone += [f"{policies}/{i}" for i in sorted(emptied, reverse=True)]
        return ops, gone


def _under(pointer: str, prefixes: list[str]) -> bool:
    return any(pointer == p or pointer.startswith(p + "/") for p in prefixes)


def _set(root: Any, tokens: list[str], new: Any) -> Any:
    if not tokens:
        return new
    node = root
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = new
    else:
        node[last] = new
    return root


#: Index of a move that takes the whole value at the list pointer (a ``Statement`` that is one object).
WHOLE = -1

#: The inline egress rule left in place of the last moved one (from the data file).
EGRESS_PLACEHOLDER: dict[str, Any] = dict(tables()["security_group_rules"]["SecurityGroupEgress"]["placeholder"])
