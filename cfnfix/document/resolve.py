"""Walk a node tree along JSON Pointer tokens, seeing short-form tags in long form.

A tagged node ``!Ref X`` reads as the mapping ``{"Ref": "X"}``: the token ``Ref`` steps
into the same node, now *unwrapped*. An unwrapped ``!GetAtt A.B.C`` scalar reads as the
list ``["A", "B.C"]``; its elements are *parts* of the one scalar.
"""

from __future__ import annotations

from typing import NamedTuple

from .intrinsics import tag_key
from .nodes import MappingNode, Node, ScalarNode, SequenceNode


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
        for key, value in node.items:
            if key.value == token:
                return View(value)
        return None
    if isinstance(node, SequenceNode):
        idx = _index(token, len(node.items))
        return View(node.items[idx]) if idx is not None else None
    if isinstance(node, ScalarNode) and node.tag == "!GetAtt":
        idx = _index(token, len(getatt_parts(node)))
        return View(node, True, idx) if idx is not None else None
    return None


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
