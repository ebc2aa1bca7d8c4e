"""Walk a node tree along JSON Pointer tokens, seeing short-form tags in long form.

A tagged node ``!Ref X`` reads as the mapping ``{"Ref": "X"}``: the token ``Ref`` steps
into the same node, now *unwrapped*. An unwrapped ``!GetAtt A.B.C`` scalar reads as the
list ``["A", "B.C"]``; its elements are *parts* of the one scalar.
"""

from __future__ import annotations

import bisect
from typing import NamedTuple

from .intrinsics import tag_key
from .nodes import KeyIndex, MappingNode, Node, ScalarNode, SequenceNode


class View(NamedTuple):
    """One step of a walk: a node seen whole, unwrapped, or one part of a GetAtt scalar."""

    node: Node
    unwrapped: bool = False
    part: int | None = None

    @property
    def wrapped(self) -> bool:
        """True when the node carries a tag that this view has not stepped through yet."""
        return self.node.tag is not None and not self.unwrapped


def getatt_parts(node: ScalarNode) -> list[str]:
    """The virtual list a ``!GetAtt A.B.C`` scalar stands for."""
    return node.value.split(".", 1)


def step(view: View, token: str) -> View | None:
    """The view reached from ``view`` through ``token``, or None when there is none."""
    node = view.node
    if view.part is not None:
        return None
    if view.wrapped:
        return View(node, True) if tag_key(node.tag) == token else None  # type: ignore[arg-type]
    if isinstance(node, MappingNode):
        entry = entry_of(node, token)
        return View(entry[1]) if entry is not None else None
    if isinstance(node, SequenceNode):
        idx = _index(token, len(node.items))
        return View(node.items[idx]) if idx is not None else None
    if isinstance(node, ScalarNode) and node.tag == "!GetAtt":
        idx = _index(token, len(getatt_parts(node)))
        return View(node, True, idx) if idx is not None else None
    return None


#: Mappings with more entries than this are looked up through a key → entry dict.
_INDEXED = 8


def entry_of(node: MappingNode, token: str) -> tuple[ScalarNode, Node] | None:
    """The (key, value) entry of ``node`` whose key is ``token``, or None."""
    index = entry_index(node, token)
    return None if index is None else node.items[index]


def entry_index(node: MappingNode, token: str) -> int | None:
    """The position in ``node.items`` of the entry whose key is ``token``, or None: a scan of
    a small mapping, a lookup in a large one (its :class:`KeyIndex`, built once and kept by
    :func:`set_entry`, :func:`insert_entry` and :func:`delete_entry`), so a walk or an edit
    costs the same in a mapping of ten entries as in one of ten thousand."""
    items = node.items
    if len(items) <= _INDEXED:
        for i, entry in enumerate(items):
            if entry[0].value == token:
                return i
        return None
    keys = node.keys
    if keys is None or len(keys.at) != len(items):
        keys = node.keys = KeyIndex(items)
    index = keys.index(token)
    if index is None or (index < len(items) and items[index][0].value == token):
        return index
    node.keys = KeyIndex(items)  # changed behind its back: start again
    return node.keys.index(token)


def set_entry(node: MappingNode, index: int, entry: tuple[ScalarNode, Node]) -> None:
    """Replace the entry at ``index`` (its key may change: a rename)."""
    old = node.items[index]
    node.items[index] = entry
    keys = node.keys
    if keys is not None and old[0].value != entry[0].value:
        at = keys.at.pop(old[0].value, None)
        if at is None:
            node.keys = None
        else:
            keys.at[entry[0].value] = at


def insert_entry(node: MappingNode, index: int, entry: tuple[ScalarNode, Node]) -> None:
    """Insert ``entry`` at ``index``."""
    node.items.insert(index, entry)
    keys = node.keys
    if keys is not None:
        if index == len(node.items) - 1 and entry[0].value not in keys.at:
            keys.at[entry[0].value] = index + len(keys.gone)
        else:
            node.keys = None  # the entries after it move: build again when next needed


def delete_entry(node: MappingNode, index: int) -> None:
    """Remove the entry at ``index``."""
    old = node.items.pop(index)
    keys = node.keys
    if keys is not None:
        at = keys.at.pop(old[0].value, None)
        if at is None:
            node.keys = None
        else:
            bisect.insort(keys.gone, at)  # the positions after it stay as built, less one


def walk(root: Node, tokens: list[str]) -> list[View]:
    """Views after consuming 0, 1, … tokens; shorter than ``len(tokens) + 1`` if a step fails."""
    views = [View(root)]
    for token in tokens:
        nxt = step(views[-1], token)
        if nxt is None:
            break
        views.append(nxt)
    return views


def _index(token: str, length: int) -> int | None:
    if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
        return None
    idx = int(token)
    return idx if idx < length else None
