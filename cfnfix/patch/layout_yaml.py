"""YAML placement: whole lines in block collections, members with commas in flow ones.

Block collections take new entries as whole lines at the column of the first key or dash
(after the last entry's last line, or before an entry and the comment lines above it), and
lose removed entries as whole lines. A replaced mapping value starts after its key's ``:``,
a sequence item after its ``-``, so the key or dash keeps its line; a tagged scalar keeps its
tag's spelling and a literal block scalar is rewritten line by line. Flow collections work
as in JSON, with ``, `` between members.

Block scalars run to the end of their last line, and kept ones (``|+``) over the blank lines
after it: text is never placed where it would become part of one (docs/design.md, "Edge
cases").
"""

from __future__ import annotations

import difflib
import re
from functools import cached_property
from typing import Any

from ..document.intrinsics import tag_key
from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.resolve import entry_of
from ..document.text import line_ending_at
from .layout import Flush, Insertion, Layout, New
from .render_yaml import YamlRenderer, block_literal, double_quoted, plain_ok, quoted, scalar_text, single_quoted
from .style import _dash_of

_OPEN_LITERAL = re.compile(r"\|[+-]?[ \t]*(?:#[^\n]*)?\r?\n")
_OPEN_LITERAL_CLIPPED = re.compile(r"\|\+?[ \t]*(?:#[^\n]*)?\r?\n")


class YamlLayout(Layout):
    """Placement in a YAML file."""

    fmt = "yaml"
    verifies_locally = True

    @cached_property
    def render(self) -> YamlRenderer:
        """The renderer for this file's style."""
        return YamlRenderer(self.style)

    @cached_property
    def _real_keys(self) -> dict[int, tuple[MappingNode, ScalarNode]]:
        """Mapping (by identity) → its last key in the text (see :meth:`_last_real_key`)."""
        return {}

    def finish(self, end: int, new: str) -> tuple[int, str]:
        """A block literal runs to the end of its last line: keep what followed the old node out of it.

        A trailing comment moves onto the literal's header line; at the end of a file with
        no final line break, a clipped or kept literal gets its line break.
        """
        headers = list(_OPEN_LITERAL.finditer(new))
        if not headers:
            return end, new
        text = self.text
        line_end = self.lines.line_end(end)
        rest = text[end:line_end]
        if rest.strip(" \t"):
            head = headers[-1]
            brk = head.end() - (2 if new[head.end() - 2 : head.end()] == "\r\n" else 1)
            new = new[:brk].rstrip(" \t") + "  " + rest.strip(" \t") + new[brk:]
            end = line_end
        if line_end == len(text) and not text.endswith(("\n", "\r")) and _OPEN_LITERAL_CLIPPED.search(new):
            new += self.style.eol
        return end, new

    # replace ------------------------------------------------------------------------------
    def replacement(self, node: Node, value: Any, container: Node | None) -> tuple[int, int, str]:
        """After the key's ``:`` or the item's ``-`` (so they keep their line), else the node's span."""
        text, lines, y = self.text, self.lines, self.render
        in_flow = isinstance(container, (MappingNode, SequenceNode)) and container.flow
        if isinstance(node, ScalarNode) and node.tag is not None and node.style not in ("|", ">"):
            same = self._same_tag_scalar(node, value, in_flow)
            if same is not None:
                return node.start, node.end, same
        if isinstance(node, ScalarNode) and node.style == "|":
            literal = self._rewrite_literal(node, value)
            if literal is not None:
                return node.start, node.end, literal
        if in_flow:
            return node.start, node.end, y.flow(value)
        # a scalar keeps its quoting, also when its tag goes (`!Sub "orders"` → `"orders"`)
        prefer = _kept_quote(node) if isinstance(node, ScalarNode) and node.style not in ("|", ">") else ""
        end = self._stale_comment_end(node, value)
        if isinstance(container, MappingNode):
            key = next(k for k, v in container.items if v is node)
            colon = self._colon_after(key.end)
            if colon is not None:
                key_col = lines.column(key.start)
                if "#" not in text[colon + 1 : node.start]:
                    return colon + 1, max(end, colon + 1), y.after_key(value, key_col, prefer=prefer)
                node_line = lines.line_start(node.start)
                if not text[node_line : node.start].strip(" "):
                    # "key:  # comment" then the value on later lines: keep the comment line
                    rendered = y.after_key(value, key_col, prefer=prefer)
                    if rendered.startswith(self.style.eol):
                        return node_line, node.end, rendered[len(self.style.eol) :]
                    return node_line, node.end, " " * (key_col + self.style.indent) + rendered[1:]
        elif isinstance(container, SequenceNode):
            dash = _dash_of(text, node.start)
            if dash is not None:
                return dash + 1, end, y.after_dash(value, lines.column(dash), prefer=prefer)
        col = lines.column(node.start)
        if isinstance(node, ScalarNode) and not isinstance(value, (dict, list)):
            return node.start, node.end, y.after_key(value, max(col - self.style.indent, 0), prefer=prefer)[1:]
        return node.start, node.end, y.block(value, col)

    def _stale_comment_end(self, node: Node, value: Any) -> int:
        """Where a replaced one-line scalar's edit ends: after the comment that follows it on its
        line when that comment names the old value (``8.0.mysql_aurora.3.10.6  # MySQL
        5.7-compatible`` would be wrong), else at the node (docs/design.md, "Comments")."""
        if not isinstance(node, ScalarNode) or node.style in ("|", ">") or isinstance(value, (dict, list)):
            return node.end
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            return node.end
        lines = self.lines
        line_end = lines.line_end(node.start)
        if lines.line_end(node.end) != line_end:
            return node.end
        rest = self.text[node.end : line_end]
        if not rest.lstrip(" \t").startswith("#") or not names_old_value(rest, node.value, value):
            return node.end
        return line_end

    def _same_tag_scalar(self, node: ScalarNode, value: Any, in_flow: bool) -> str | None:
        """``!Tag x`` → ``!Tag y`` keeping the tag's spelling and the scalar's quoting."""
        name = tag_key(node.tag)  # type: ignore[arg-type]
        if not (isinstance(value, dict) and len(value) == 1 and name in value):
            return None
        arg = value[name]
        if node.tag == "!GetAtt":
            if not (
                isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg) and "." not in arg[0]
            ):
                return None
            arg = f"{arg[0]}.{arg[1]}"
        if not isinstance(arg, str):
            return None
        return self.text[node.start : node.value_start] + scalar_text(
            arg, self.style, flow=in_flow, prefer=_kept_quote(node)
        )

    def _colon_after(self, pos: int) -> int | None:
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos if pos < len(text) and text[pos] == ":" else None

    def _rewrite_literal(self, node: ScalarNode, value: Any) -> str | None:
        """A literal block scalar rewritten line by line: unchanged lines keep their bytes."""
        tag = node.tag
        if tag is not None:
            name = tag_key(tag)
            if not (isinstance(value, dict) and len(value) == 1 and name in value and isinstance(value[name], str)):
                return None
            new = value[name]
        elif isinstance(value, str):
            new = value
        else:
            return None
        text = self.text
        nl = text.find("\n", node.value_start, node.end)
        if nl == -1:
            return None
        header_end = nl - 1 if text[nl - 1] == "\r" else nl
        eol = text[header_end : nl + 1]
        header = text[node.value_start : header_end]
        indicator = header.split("#", 1)[0].rstrip()
        comment = header[len(indicator) :]
        if not indicator.startswith("|") or any(c.isdigit() for c in indicator):
            return None
        body = text[nl + 1 : node.end]
        src_lines = body.split(eol)
        old_lines = node.value.split("\n")
        if not indicator.endswith("-"):
            old_lines = old_lines[:-1]
        if len(src_lines) != len(old_lines) or not new or "\n" not in new:
            return None
        first = next((ln for ln in src_lines if ln.strip(" ") != ""), None)
        if first is None:
            return None
        pad = first[: len(first) - len(first.lstrip(" "))]
        fresh = block_literal(new, len(pad), eol)
        if fresh is None:
            return None
        chomp = fresh[2:3] if fresh[2:3] in ("-", "+") else ""
        new_lines = new.split("\n")
        if chomp != "-":
            new_lines = new_lines[:-1]
        out: list[str] = []
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for opcode, i1, i2, j1, j2 in matcher.get_opcodes():
            if opcode == "equal":
                out.extend(src_lines[i1:i2])
            else:
                out.extend((pad + ln) if ln else "" for ln in new_lines[j1:j2])
        prefix = text[node.start : node.value_start]
        return prefix + "|" + chomp + comment + eol + eol.join(out)

    # add ----------------------------------------------------------------------------------
    def append_entry(self, mapping: MappingNode, key: str, value: Any) -> Insertion:
        """Flow: ``, key: value`` after the last value. Block: a line after the last entry's last
        line at the first key's column, blank-separated when the entries are."""
        last_val = mapping.items[-1][1]
        if mapping.flow:
            return Insertion(last_val.end, ", " + self.render.key(key, flow=True) + ": " + self.render.flow(value))
        lines = self.lines
        pos = lines.line_end(last_val.end)
        _flush_after_pending_literal(last_val)
        key_col = lines.column(mapping.items[0][0].start)
        eol = line_ending_at(self.text, pos, self.style.eol)
        last_real = self._last_real_key(mapping)
        gap = eol if len(mapping.items) > 1 and last_real is not None and self._blank_separated(last_real.start) else ""
        if gap and self._ends_in_kept_literal(mapping, len(mapping.items) - 1):
            gap = ""  # a blank line after a kept literal would become part of its value
        return Insertion(pos, eol + gap + self._entry_line(key, value, key_col))

    def inserts_before(self, mapping: MappingNode) -> bool:
        """In block mappings only (a new section goes before the next one in template order)."""
        return not mapping.flow

    def entry_before(self, mapping: MappingNode, index: int, key: str, value: Any) -> Insertion:
        """A line before entry ``index`` and the comment lines right above it."""
        text, lines = self.text, self.lines
        anchor_key = mapping.items[index][0]
        pos = lines.line_start(anchor_key.start)
        if index > 0:
            while pos > 0:
                prev = lines.line_start(pos - 1)
                if not text[prev:pos].strip().startswith("#"):
                    break
                pos = prev
        eol = line_ending_at(text, pos, self.style.eol)
        key_col = lines.column(anchor_key.start)
        gap = eol if self._blank_separated(anchor_key.start) else ""
        return Insertion(pos, self._entry_line(key, value, key_col) + eol + gap, own_line=True)

    def item(self, seq: SequenceNode, index: int, value: Any) -> Insertion | None:
        """Flow: ``, value`` / ``value, ``. Block: a ``- value`` line at the first dash's column."""
        text, lines = self.text, self.lines
        items = seq.items
        append = index == len(items)
        anchor = items[-1] if append else items[index]
        if seq.flow:
            if append:
                return Insertion(anchor.end, ", " + self.render.flow(value))
            return Insertion(anchor.start, self.render.flow(value) + ", ")
        first = items[0]
        if isinstance(first, New):
            raise Flush
        dash0 = _dash_of(text, first.start)
        if dash0 is None:
            return None
        dash_col = lines.column(dash0)
        if append:
            pos = lines.line_end(anchor.end)
            _flush_after_pending_literal(anchor)
            eol = line_ending_at(text, pos, self.style.eol)
            return Insertion(pos, eol + self._item_line(value, dash_col))
        dash = _dash_of(text, anchor.start)
        if dash is None or text[lines.line_start(dash) : dash].strip(" "):
            return None  # a compact nested sequence (`- - a`)
        pos = lines.line_start(dash)
        eol = line_ending_at(text, pos, self.style.eol)
        return Insertion(pos, self._item_line(value, dash_col) + eol, own_line=True)

    def _entry_line(self, key: str, value: Any, key_col: int) -> str:
        return " " * key_col + self.render.key(key) + ":" + self.render.after_key(value, key_col)

    def _item_line(self, value: Any, dash_col: int) -> str:
        return " " * dash_col + "-" + self.render.after_dash(value, dash_col)

    def _last_real_key(self, mapping: MappingNode) -> ScalarNode | None:
        """The last key of ``mapping`` that is in the text (not one this plan added). Kept per
        mapping while it is still there: a plan only adds keys without text, so it stays the
        last (appending many entries to one mapping costs each the same)."""
        kept = self._real_keys.get(id(mapping))
        if kept is not None and kept[0] is mapping:
            entry = entry_of(mapping, kept[1].value)
            if entry is not None and entry[0] is kept[1]:
                return kept[1]
        last = next((k for k, _ in reversed(mapping.items) if k.start != k.end), None)
        if last is not None:
            self._real_keys[id(mapping)] = (mapping, last)
        return last

    def _blank_separated(self, key_start: int) -> bool:
        """True when a blank line precedes the entry at ``key_start`` (above its comments)."""
        lines, text = self.lines, self.text
        ls = lines.line_start(key_start)
        while ls > 0:
            prev = lines.line_start(ls - 1)
            line = text[prev:ls].strip()
            if not line:
                return True
            if not line.startswith("#"):
                return False
            ls = prev
        return False

    # remove -------------------------------------------------------------------------------
    def removal(self, container: MappingNode | SequenceNode, index: int) -> tuple[int, int] | None:
        """Flow: the member and one comma. Block: the member's whole lines (a compact item's
        first key: to its line's end, so the dash stays and the next key keeps its line)."""
        if container.flow:
            return self.flow_removal(container, index)
        text, lines = self.text, self.lines
        start, end = self.member_bounds(container, index)
        head = start
        if isinstance(container, SequenceNode):
            dash = _dash_of(text, start)
            if dash is None:
                return None
            head = dash
        ls = lines.line_start(head)
        if text[ls:head].strip(" "):
            if isinstance(container, MappingNode) and index == 0 and len(container.items) > 1:
                # first entry of a compact item (`- a: 1`): the item's content now starts on
                # the next line (`-` alone), so the next entry and any comment lines above it
                # keep their bytes
                stop = lines.line_end(end)
                cut = start
                while cut > ls and text[cut - 1] in " \t":
                    cut -= 1
                return cut, stop
            return None
        if lines.line_end(end) == len(text) and not (index > 0 and self._ends_in_block_scalar(container, index - 1)):
            # last line without a final line break: take the preceding line break instead
            # (unless it ends a block scalar, whose value includes it)
            prev = ls
            if prev > 0 and text[prev - 1] == "\n":
                prev -= 1
            if prev > 0 and text[prev - 1] == "\r":
                prev -= 1
            return prev, len(text)
        stop = lines.next_line_start(end)
        if self.removal_reads_what_follows(container, index):
            # blank lines right after the member would become the kept literal's value
            while stop < len(text) and not text[stop : lines.line_end(stop)].strip():
                stop = lines.next_line_start(stop)
        return ls, stop

    def removal_reads_what_follows(self, container: MappingNode | SequenceNode, index: int) -> bool:
        """After a ``|+``/``>+`` scalar, the blank lines that follow the removed member would
        become that scalar's value: they go with it, read from the real text."""
        return index > 0 and self._ends_in_kept_literal(container, index - 1)

    def _ends_in_block_scalar(self, container: MappingNode | SequenceNode, index: int) -> bool:
        node = _last_leaf(container, index)
        if isinstance(node, New):
            return True  # cannot tell cheaply: keep the line break
        return isinstance(node, ScalarNode) and node.style in ("|", ">")

    def _ends_in_kept_literal(self, container: MappingNode | SequenceNode, index: int) -> bool:
        """True when member ``index`` ends in a ``|+``/``>+`` scalar: the blank lines after it are its value."""
        node = _last_leaf(container, index)
        if not (isinstance(node, ScalarNode) and node.style in ("|", ">")):
            return False
        return "+" in self.text[node.start : self.lines.line_end(node.start)].split("#", 1)[0]

    # rename -------------------------------------------------------------------------------
    def key_text(self, key: ScalarNode, name: str, mapping: MappingNode) -> str:
        """The new name in the old key's quotes where they still fit, else plain or quoted as needed.

        ``scalar_text`` decides the same way but takes the style first: a plain rename (the
        common fix) never needs the style, so it is only read for a name that needs quotes.
        """
        kept = _kept_quote(key)
        if kept.endswith("?"):
            kept = "" if plain_ok(name, flow=mapping.flow) else kept[0]
        if kept == "'":
            single = single_quoted(name)
            if single is not None:
                return single
        if kept == '"':
            return double_quoted(name)
        if plain_ok(name, flow=mapping.flow):
            return name
        return quoted(name, self.style.quote)


_TOKEN = re.compile(r"\d+(?:\.\d+)+|\d{2,}|[A-Za-z]{3,}")


def _tokens(text: str) -> set[str]:
    return {t.casefold() for t in _TOKEN.findall(text)}


def names_old_value(comment: str, old: str, new: Any) -> bool:
    """True when ``comment`` names ``old`` (a replaced scalar's text) rather than ``new``: it holds
    the old text, or a version, number or word of it (``5.7``, ``18``, ``aurora``) that the new
    value does not have."""
    if not isinstance(old, str) or not old.strip():
        return False
    text = comment.casefold()
    if re.search(rf"(?<![\w.]){re.escape(old.casefold())}(?!\w)", text):
        return True
    distinct = _tokens(old) - _tokens(str(new))
    found = _tokens(comment)
    # a version token counts inside a longer one only as a whole (5.7 in "5.7-compatible", not in 15.7)
    return any(token in found or re.search(rf"(?<![\w.]){re.escape(token)}(?![\w]|\.\d)", text) for token in distinct)


def _kept_quote(node: ScalarNode) -> str:
    """The quote style a rewritten scalar keeps: its own; when the old text only had quotes
    because it needed them, its quote followed by ``?``: plain if the new text allows it
    (``!Ref "My Bucket"`` renamed becomes ``!Ref MyBucket``), else the same quote (a
    single-quoted TXT record ``'"v=spf1 …"'`` stays single-quoted, not ``"\"v=spf1 …\""``)."""
    if node.style in ("'", '"') and not plain_ok(node.value, flow=False):
        return node.style + "?"
    return node.style


def _last_leaf(container: MappingNode | SequenceNode, index: int) -> Any:
    """The node whose text ends member ``index`` of a block collection."""
    node: Any = container.items[index][1] if isinstance(container, MappingNode) else container.items[index]
    while isinstance(node, (MappingNode, SequenceNode)) and not node.flow and node.items:
        node = node.items[-1][1] if isinstance(node, MappingNode) else node.items[-1]
    return node


def _has_multiline_text(value: Any) -> bool:
    """True when ``value`` holds a string of several lines (written as a block literal)."""
    if isinstance(value, str):
        return "\n" in value
    if isinstance(value, dict):
        return any(_has_multiline_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_multiline_text(v) for v in value)
    return False


def _flush_after_pending_literal(before: object) -> None:
    """Text goes right after a pending insertion that may end in a block literal.

    A literal's value runs to the end of its last line and, kept (``|+``), includes the
    line breaks after it, so new text cannot be placed after one that exists only as a
    pending edit: apply pending edits first.
    """
    if isinstance(before, New) and _has_multiline_text(before.data):
        raise Flush
