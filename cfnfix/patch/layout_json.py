"""JSON placement: members with their commas, on their own lines or inline as the object is.

An object or array spread over lines gets new members on lines of their own at the
indentation of their siblings (``,`` + line break + that indentation); one written on a
single line gets them inline with the file's separators. Every JSON collection is a flow
collection, so a removed member takes one adjacent comma with it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.text import line_ending_at
from .layout import Flush, Insertion, Layout, New
from .render_json import JsonRenderer


class JsonLayout(Layout):
    """Placement in a JSON file."""

    fmt = "json"

    @cached_property
    def render(self) -> JsonRenderer:
        """The renderer for this file's style."""
        return JsonRenderer(self.style)

    def replacement(self, node: Node, value: Any, container: Node | None) -> tuple[int, int, str]:
        """The value's span; inline when its container is on one line, else indented under the value's line."""
        text, ls = self.text, self.lines.line_start(node.start)
        base = text[ls : ls + len(text[ls : node.start]) - len(text[ls : node.start].lstrip(" \t"))]
        if container is not None and self._single_line(container):
            return node.start, node.end, self.render.compact(value)
        return node.start, node.end, self.render.value(value, base)

    def append_entry(self, mapping: MappingNode, key: str, value: Any) -> Insertion:
        """After the last member's value: on a new line at the last key's indentation, or inline."""
        last_key, last_val = mapping.items[-1]
        pos = last_val.end
        if self.lines.line_start(last_key.start) != self.lines.line_start(mapping.start):
            base = self.line_indent(last_key)
            if base is None:
                raise Flush
            return Insertion(pos, self._next_line(pos, base) + self.render.member(key, value, base))
        return Insertion(pos, self.style.json_item + self._inline_member(key, value))

    def inserts_before(self, mapping: MappingNode) -> bool:
        """Always: a member can go before any other."""
        return True

    def entry_before(self, mapping: MappingNode, index: int, key: str, value: Any) -> Insertion:
        """At the anchor key, followed by a comma and (on its own line) the anchor's indentation."""
        anchor_key = mapping.items[index][0]
        base = self.line_indent(anchor_key)
        pos = anchor_key.start
        if base is not None and self.lines.line_start(anchor_key.start) != self.lines.line_start(mapping.start):
            return Insertion(pos, self.render.member(key, value, base) + self._next_line(pos, base))
        return Insertion(pos, self._inline_member(key, value) + self.style.json_item)

    def item(self, seq: SequenceNode, index: int, value: Any) -> Insertion | None:
        """After the last item (appending) or at item ``index``, on its own line when the array is spread."""
        items, lines = seq.items, self.lines
        multi = lines.line_start(items[0].start if not isinstance(items[0], New) else -1) != lines.line_start(seq.start)
        if index == len(items):
            pos = items[-1].end
            if not multi:
                return Insertion(pos, self.style.json_item + self.render.compact(value))
            base = self.line_indent(items[-1]) if not isinstance(items[-1], New) else None
            if base is None:
                raise Flush
            return Insertion(pos, self._next_line(pos, base) + self.render.value(value, base))
        anchor = items[index]
        pos = anchor.start
        base = self.line_indent(anchor)
        if multi and base is not None:
            return Insertion(pos, self.render.value(value, base) + self._next_line(pos, base))
        return Insertion(pos, self.render.compact(value) + self.style.json_item)

    def removal(self, container: MappingNode | SequenceNode, index: int) -> tuple[int, int] | None:
        """The member and one adjacent comma (JSON collections are flow collections)."""
        return self.flow_removal(container, index)

    def key_text(self, key: ScalarNode, name: str, mapping: MappingNode) -> str:
        """The new name as a JSON string."""
        return self.render.key(name)

    # -- helpers -------------------------------------------------------------------------
    def line_indent(self, node: Node | New) -> str | None:
        """The whitespace before ``node`` when it is the first thing on its line."""
        ls = self.lines.line_start(node.start)
        before = self.text[ls : node.start]
        return before if not before.strip(" \t") else None

    def _next_line(self, pos: int, base: str) -> str:
        """A comma, the line ending used at ``pos`` and the indentation ``base``: the start of a member's line."""
        return "," + line_ending_at(self.text, pos, self.style.eol) + base

    def _inline_member(self, key: str, value: Any) -> str:
        return self.render.key(key) + self.style.json_kv + self.render.compact(value)

    def _single_line(self, node: Node) -> bool:
        return self.lines.line_start(node.start) == self.lines.line_start(node.end)
