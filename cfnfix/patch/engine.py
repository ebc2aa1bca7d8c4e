"""RFC 6902 operations → minimal text edits on the original template.

For each operation the engine (1) applies it to the plain data with ``jsonpatch`` — the
reference semantics — and (2) plans one text edit at the span of the node it touches,
on a *working tree*: the parsed nodes, updated as operations are planned, with inserted
or rewritten values as :class:`_New` placeholders. Edits are kept in original
coordinates and applied back to front at the end. When an operation needs text that
only exists as a pending edit (it reaches into a new value, or its edit would touch
another edit), the pending edits are applied, the text is re-parsed, and planning
continues on the fresh tree ("flush"). Finally the output is re-parsed and its data
compared with the data ``jsonpatch`` produced: any difference raises
:class:`~cfnfix.errors.VerificationError` and nothing is returned.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from typing import Any

import jsonpatch
import jsonpointer

from ..document import parse_cached, parse_text, remember
from ..document.intrinsics import tag_key
from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.pointer import make_pointer, parse_pointer
from ..document.resolve import View, step, walk
from ..document.text import LineIndex, line_ending_at
from ..errors import CfnfixError, PatchConflictError, PatchError, PatchTestFailedError, VerificationError
from .edits import Edit, apply_edits, conflicts
from .render_json import JsonRenderer
from .render_yaml import YamlRenderer, block_literal, double_quoted, plain_ok, quoted, scalar_text, single_quoted
from .style import Style, _dash_of, detect_style
from .verify import first_difference

_OPS = ("add", "remove", "replace", "move", "copy", "test")

#: Order of a template's top-level sections: a new section is placed by it.
SECTION_ORDER = (
    "AWSTemplateFormatVersion", "Description", "Metadata", "Transform", "Parameters",
    "Rules", "Mappings", "Conditions", "Resources", "Outputs",
)
_OPEN_LITERAL = re.compile(r"\|[+-]?[ \t]*(?:#[^\n]*)?\r?\n")
_OPEN_LITERAL_CLIPPED = re.compile(r"\|\+?[ \t]*(?:#[^\n]*)?\r?\n")


def _has_multiline_text(value: Any) -> bool:
    """True when ``value`` holds a string of several lines (written as a block literal)."""
    if isinstance(value, str):
        return "\n" in value
    if isinstance(value, dict):
        return any(_has_multiline_text(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_multiline_text(v) for v in value)
    return False


class _New:
    """A value this patch inserted or rewrote; its text exists only as a pending edit.

    ``start``/``end`` are the original-text span its edit replaced (equal for an insertion).
    """

    __slots__ = ("data", "start", "end")
    tag = None

    def __init__(self, data: Any, start: int, end: int) -> None:
        self.data = data
        self.start = start
        self.end = end


class _Flush(Exception):
    """The operation cannot be planned on the current tree: apply pending edits first."""


def _get(data: Any, tokens: list[str]) -> Any:
    for tok in tokens:
        data = data[int(tok)] if isinstance(data, list) else data[tok]
    return data


def _whole(view: View) -> bool:
    return not view.unwrapped and view.part is None and not isinstance(view.node, _New)


class Planner:
    """Plans the edits of one patch on one text. Use :func:`apply_patch`."""

    def __init__(self, text: str, file: str | None, *, fast: bool = True) -> None:
        self.file = file
        self.fast = fast
        self.original = text
        self.seq = 0
        self.flushes = 0
        # The parse may be shared (cfnfix.document's cache): the planner never mutates it.
        # Containers it changes are copied first, node and data alike (copy on write).
        fmt, root, data = parse_cached(text, file)
        self.data = data
        self.owned_data: set[int] = set()
        self.orig_root = root
        self.orig_lines: LineIndex | None = None
        self._set_text(text, fmt, root, private=False)

    # -- state ----------------------------------------------------------------------------
    def _set_text(self, text: str, fmt: str, root: Node, *, private: bool) -> None:
        self.private = private  # True: the tree is this planner's own, no copying needed
        self.owned: set[int] = set()
        self.text = text
        self.fmt = fmt
        self.root: Node = root
        self.lines = LineIndex(text)
        self.edits: list[Edit] = []
        self._style: Style | None = None
        self._yaml: YamlRenderer | None = None
        self._json: JsonRenderer | None = None

    @property
    def style(self) -> Style:
        if self._style is None:
            self._style = detect_style(self.text, self.fmt, self.root, self.lines)
        return self._style

    @property
    def yaml(self) -> YamlRenderer:
        if self._yaml is None:
            self._yaml = YamlRenderer(self.style)
        return self._yaml

    @property
    def json(self) -> JsonRenderer:
        if self._json is None:
            self._json = JsonRenderer(self.style)
        return self._json

    def current_text(self) -> str:
        return apply_edits(self.text, self.edits)

    def flush(self) -> None:
        """Apply pending edits and re-parse, so every node has real text again."""
        text = self.current_text()
        try:
            fmt, root, _ = parse_text(text, self.file, self.fmt)  # type: ignore[arg-type]
        except CfnfixError as exc:
            raise VerificationError(f"internal error: intermediate text does not parse ({exc.reason})", file=self.file) from None
        self.flushes += 1
        self._set_text(text, fmt, root, private=True)

    def _edit(self, start: int, end: int, new: str, owner: object, *, own_line: bool = False) -> None:
        """Register an edit (``own_line``: ``new`` is whole lines inserted before a line)."""
        if self.fmt == "yaml" and not own_line:
            end, new = self._close_literal(end, new)
        edit = Edit(start, end, new, self.seq, id(owner))
        for other in self.edits:
            if conflicts(edit, other):
                raise _Flush
        self.seq += 1
        self.edits.append(edit)

    def _close_literal(self, end: int, new: str) -> tuple[int, str]:
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

    # -- driver ---------------------------------------------------------------------------
    def run(self, patch: list[dict[str, Any]]) -> str:
        for index, op in enumerate(patch):
            self.apply_one(index, op)
            if not self.fast and self.edits:
                self.flush()
        text = self.current_text()
        self.verify(text)
        return text

    def apply_one(self, index: int, op: Any) -> None:
        if not isinstance(op, dict) or op.get("op") not in _OPS or not isinstance(op.get("path"), str):
            raise PatchConflictError(f"patch operation #{index} is not an RFC 6902 operation: {op!r}", file=self.file)
        surrogate = _lone_surrogate(op)
        if surrogate is not None:
            raise PatchConflictError(
                f"patch operation #{index} ({op['op']} {op['path']!r}): contains a lone surrogate U+{ord(surrogate):04X}, "
                "which a UTF-8 template cannot hold",
                file=self.file,
            )
        kind = op["op"]
        tokens = parse_pointer(op["path"])
        from_tokens = parse_pointer(op["from"]) if kind in ("move", "copy") and isinstance(op.get("from"), str) else None
        if kind == "move" and from_tokens is not None and from_tokens != tokens and self._rename_target(from_tokens, tokens):
            self._data_op(index, op, tokens)
            self._retry(self._rename, from_tokens, tokens)
            return
        moved = None
        if from_tokens is not None:
            try:
                moved = copy.deepcopy(_get(self.data, from_tokens))
            except (KeyError, IndexError, ValueError, TypeError):
                moved = None  # jsonpatch reports the missing path below
        if kind == "move" and from_tokens is not None and from_tokens != tokens:
            # RFC 6902 4.4: a remove at "from", then an add at "path"; each planned on the
            # data as it stands after its own step
            if tokens[: len(from_tokens)] == from_tokens:
                raise self._located(PatchConflictError, index, op, tokens, "cannot move a value into one of its children")
            self._data_op(index, {"op": "remove", "path": op["from"]}, from_tokens, shown=op)
            self._retry(self.remove, from_tokens)
            self._data_op(index, {"op": "add", "path": op["path"], "value": moved}, tokens, shown=op)
            self._retry(self.add, tokens, moved)
            return
        self._data_op(index, op, tokens)
        if kind == "test":
            return
        self._retry(self._plan, kind, tokens, from_tokens, op, moved)

    def _retry(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except _Flush:
            self.flush()
            try:
                fn(*args)
            except _Flush:
                raise VerificationError("internal error: operation cannot be planned after re-parsing", file=self.file) from None

    def _data_op(self, index: int, op: dict[str, Any], tokens: list[str], *, shown: dict[str, Any] | None = None) -> None:
        """Apply ``op`` to the plain data with jsonpatch; map its errors to ours (naming ``shown``)."""
        shown = shown or op
        self._own_data(tokens[:-1])
        if isinstance(op.get("from"), str):
            self._own_data(parse_pointer(op["from"])[:-1])
        op = dict(op)
        if "value" in op:
            op["value"] = copy.deepcopy(op["value"])
        try:
            self.data = jsonpatch.apply_patch(self.data, [op], in_place=True)
        except jsonpatch.JsonPatchTestFailed as exc:
            raise self._located(PatchTestFailedError, index, shown, tokens, str(exc)) from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, KeyError, IndexError, TypeError) as exc:
            raise self._located(PatchConflictError, index, shown, tokens, str(exc) or type(exc).__name__) from None

    def _located(self, cls: type[PatchError], index: int, op: dict[str, Any], tokens: list[str], reason: str) -> PatchError:
        if self.orig_lines is None:
            self.orig_lines = LineIndex(self.original)
        views = walk(self.orig_root, tokens)
        line, col = self.orig_lines.line_col(views[-1].node.start)
        return cls(f"patch operation #{index} ({op.get('op')} {op.get('path')}): {reason}", file=self.file, line=line, column=col)

    def verify(self, text: str) -> None:
        """Re-parse ``text`` and compare its data with the data jsonpatch produced."""
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate (from a JSON "\ud800" escape)
                raise VerificationError(
                    f"patched text cannot be saved as UTF-8: lone surrogate U+{ord(text[exc.start]):04X}", file=self.file
                ) from None
        try:
            parsed = parse_text(text, self.file, self.fmt, nodes=False)  # type: ignore[arg-type]
        except CfnfixError as exc:
            raise VerificationError(f"patched text does not parse: {exc}", file=self.file) from None
        diff = first_difference(parsed[2], self.data)
        if diff is not None:
            raise VerificationError(f"patched text differs from the patch's meaning at {diff or '/'}", file=self.file)
        remember(text, parsed)

    # -- planning -------------------------------------------------------------------------
    def _plan(self, kind: str, tokens: list[str], from_tokens: list[str] | None, op: dict[str, Any], moved: Any) -> None:
        if kind == "remove":
            self.remove(tokens)
        elif kind == "replace":
            self.replace(tokens, op["value"])
        elif kind == "add":
            self.add(tokens, op["value"])
        elif kind == "copy":
            assert from_tokens is not None
            self.add(tokens, moved)

    def _own_data(self, tokens: list[str]) -> None:
        """Copy the data containers along ``tokens`` that are still shared, so jsonpatch
        can change them in place without touching the cached parse."""
        owned = self.owned_data
        if id(self.data) not in owned and isinstance(self.data, (dict, list)):
            self.data = copy.copy(self.data)
            owned.add(id(self.data))
        cur = self.data
        for tok in tokens:
            try:
                key: Any = int(tok) if isinstance(cur, list) else tok
                child = cur[key]
            except (KeyError, IndexError, ValueError, TypeError):
                return  # jsonpatch reports the bad path
            if not isinstance(child, (dict, list)):
                return
            if id(child) not in owned:
                child = copy.copy(child)
                cur[key] = child
                owned.add(id(child))
            cur = child

    def _own(self, node: Any, parent: View | None) -> Any:
        """``node`` itself if this planner owns it, else a copy linked into ``parent``."""
        if self.private or not isinstance(node, (MappingNode, SequenceNode)) or id(node) in self.owned:
            return node
        if isinstance(node, MappingNode):
            clone: Any = MappingNode(node.start, node.value_start, node.end, list(node.items), node.flow, node.tag, node.close)
        else:
            clone = SequenceNode(node.start, node.value_start, node.end, list(node.items), node.flow, node.tag, node.close)
        self.owned.add(id(clone))
        if parent is None:
            self.root = clone
        else:
            items = parent.node.items
            for i, item in enumerate(items):
                if isinstance(item, tuple):
                    if item[1] is node:
                        items[i] = (item[0], clone)
                        break
                elif item is node:
                    items[i] = clone
                    break
        return clone

    def _walk(self, tokens: list[str]) -> list[View]:
        views = [View(self._own(self.root, None))]
        for tok in tokens:
            cur = views[-1]
            if isinstance(cur.node, _New):
                raise _Flush
            nxt = step(cur, tok)
            if nxt is None:
                break
            if nxt.node is not cur.node:
                nxt = View(self._own(nxt.node, cur), nxt.unwrapped, nxt.part)
            views.append(nxt)
        if len(views) <= len(tokens) and isinstance(views[-1].node, _New):
            raise _Flush
        return views

    def _rerender(self, views: list[View], tokens: list[str], k: int) -> list[str]:
        """Replace the deepest whole node at or above ``views[k]`` with its new data."""
        if any(isinstance(v.node, _New) for v in views[: k + 1]):
            raise _Flush
        while k > 0 and not _whole(views[k]):
            k -= 1
        if isinstance(views[k].node, _New):
            raise _Flush
        parent = views[k - 1] if k > 0 else None
        self._replace_node(views[k].node, _get(self.data, tokens[:k]), parent, tokens[k - 1] if k > 0 else None)
        return tokens[:k]

    # replace ------------------------------------------------------------------------------
    def replace(self, tokens: list[str], value: Any) -> list[str] | None:
        views = self._walk(tokens)
        if len(views) == len(tokens) + 1 and _whole(views[-1]):
            k = len(tokens)
            self._replace_node(views[k].node, value, views[k - 1] if k else None, tokens[k - 1] if k else None)
            return None
        return self._rerender(views, tokens, len(views) - 1)

    def _replace_node(self, node: Node, value: Any, parent: View | None, token: str | None) -> None:
        if isinstance(node, _New):
            raise _Flush
        # pending insertions after a block node's last leaf (past its trailing comment)
        # belong to it: replacing the node must see them as text first
        reach = self.lines.line_end(node.end)
        if any(e.start <= reach and node.start <= e.end for e in self.edits):
            raise _Flush
        start, end, new = self._replacement(node, value, parent, token)
        self._edit(start, end, new, node)
        self._swap(parent, token, node, _New(value, start, end))

    def _swap(self, parent: View | None, token: str | None, old: Node, new: _New) -> None:
        if parent is None:
            self.root = new  # type: ignore[assignment]
            return
        container = parent.node
        if isinstance(container, MappingNode):
            for i, (key, value) in enumerate(container.items):
                if value is old:
                    container.items[i] = (key, new)  # type: ignore[assignment]
                    return
        elif isinstance(container, SequenceNode):
            for i, value in enumerate(container.items):
                if value is old:
                    container.items[i] = new  # type: ignore[call-overload]
                    return

    def _replacement(self, node: Node, value: Any, parent: View | None, token: str | None) -> tuple[int, int, str]:
        text, lines = self.text, self.lines
        if self.fmt == "json":
            ls = lines.line_start(node.start)
            base = text[ls : ls + len(text[ls:node.start]) - len(text[ls:node.start].lstrip(" \t"))]
            compact = parent is not None and self._single_line(parent.node)
            return node.start, node.end, self.json.value(value, base) if not compact else self.json.compact(value)
        y = self.yaml
        container = parent.node if parent is not None else None
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
        prefer = _kept_quote(node) if isinstance(node, ScalarNode) and node.tag is None else ""
        if isinstance(container, MappingNode):
            key = next(k for k, v in container.items if v is node)
            colon = self._colon_after(key.end)
            if colon is not None:
                key_col = lines.column(key.start)
                if "#" not in text[colon + 1 : node.start]:
                    return colon + 1, max(node.end, colon + 1), y.after_key(value, key_col, prefer=prefer)
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
                return dash + 1, node.end, y.after_dash(value, lines.column(dash), prefer=prefer)
        col = lines.column(node.start)
        if isinstance(node, ScalarNode) and _scalar_like(value):
            return node.start, node.end, y.after_key(value, max(col - self.style.indent, 0), prefer=prefer)[1:]
        return node.start, node.end, y.block(value, col)

    def _same_tag_scalar(self, node: ScalarNode, value: Any, in_flow: bool) -> str | None:
        """``!Tag x`` → ``!Tag y`` keeping the tag's spelling and the scalar's quoting."""
        name = tag_key(node.tag)  # type: ignore[arg-type]
        if not (isinstance(value, dict) and len(value) == 1 and name in value):
            return None
        arg = value[name]
        if node.tag == "!GetAtt":
            if not (isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg) and "." not in arg[0]):
                return None
            arg = f"{arg[0]}.{arg[1]}"
        if not isinstance(arg, str):
            return None
        return self.text[node.start : node.value_start] + scalar_text(arg, self.style, flow=in_flow, prefer=_kept_quote(node))

    def _colon_after(self, pos: int) -> int | None:
        text = self.text
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        return pos if pos < len(text) and text[pos] == ":" else None

    def _single_line(self, node: Node) -> bool:
        return self.lines.line_start(node.start) == self.lines.line_start(node.end)

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

    # add -------------------------------------------------------------------------------
    def add(self, tokens: list[str], value: Any) -> list[str] | None:
        if not tokens:
            return self.replace(tokens, value)
        views = self._walk(tokens[:-1])
        if len(views) != len(tokens) or not self._is_container(views[-1]):
            return self._rerender(views, tokens, len(views) - 1)
        parent = views[-1]
        container = parent.node
        last = tokens[-1]
        if isinstance(container, MappingNode):
            for key, val in container.items:
                if key.value == last:
                    if isinstance(val, _New):
                        raise _Flush
                    self._replace_node(val, value, parent, last)
                    return None
            if not container.items:
                return self._rerender(views, tokens, len(views) - 1)
            self._insert_entry(container, last, value)
            return None
        assert isinstance(container, SequenceNode)
        index = len(container.items) if last == "-" else int(last)
        if not container.items:
            return self._rerender(views, tokens, len(views) - 1)
        if self._insert_item(container, index, value) is False:
            return self._rerender(views, tokens, len(views) - 1)
        return None

    @staticmethod
    def _is_container(view: View) -> bool:
        node = view.node
        if isinstance(node, _New) or view.part is not None or view.wrapped:
            return False
        return isinstance(node, (MappingNode, SequenceNode))

    def _section_anchor(self, mapping: MappingNode, key: str) -> int | None:
        """Index of the entry a new top-level section goes before (template section order)."""
        if mapping is not self.root or key not in SECTION_ORDER:
            return None
        rank = SECTION_ORDER.index(key)
        for j, (k, _) in enumerate(mapping.items):
            if k.value in SECTION_ORDER and SECTION_ORDER.index(k.value) > rank:
                if k.start == k.end:
                    raise _Flush  # a section this patch added: place against real text
                return j
        return None

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

    def _insert_entry(self, mapping: MappingNode, key: str, value: Any) -> None:
        text, lines = self.text, self.lines
        first_key, _ = mapping.items[0]
        last_key, last_val = mapping.items[-1]
        if isinstance(first_key, _New):
            raise _Flush
        anchor = None if (mapping.flow and self.fmt != "json") else self._section_anchor(mapping, key)
        if anchor is not None:
            self._insert_entry_before(mapping, anchor, key, value)
            return
        if self.fmt == "json":
            multi = lines.line_start(last_key.start) != lines.line_start(mapping.start)
            pos = last_val.end
            if multi:
                ls = lines.line_start(last_key.start)
                base = text[ls : last_key.start] if not isinstance(last_key, _New) else None
                if base is None or base.strip(" \t"):
                    raise _Flush
                new = "," + line_ending_at(text, pos, self.style.eol) + base + self.json.member(key, value, base)
            else:
                new = self.style.json_item + self.json.key(key) + self.style.json_kv + self.json.compact(value)
        elif mapping.flow:
            pos = last_val.end
            new = ", " + self.yaml.key(key, flow=True) + ": " + self.yaml.flow(value)
        else:
            pos = lines.line_end(last_val.end)
            self._flush_after_pending_literal(last_val)
            key_col = lines.column(first_key.start)
            eol = line_ending_at(text, pos, self.style.eol)
            real = [k for k, _ in mapping.items if k.start != k.end]
            gap = eol if len(mapping.items) > 1 and real and self._blank_separated(real[-1].start) else ""
            if gap and self._ends_in_kept_literal(mapping, len(mapping.items) - 1):
                gap = ""  # a blank line after a kept literal would become part of its value
            new = eol + gap + " " * key_col + self.yaml.key(key) + ":" + self.yaml.after_key(value, key_col)
        self._edit(pos, pos, new, mapping)
        mapping.items.append((ScalarNode(pos, pos, pos, key, "", None, key), _New(value, pos, pos)))  # type: ignore[arg-type]

    def _insert_entry_before(self, mapping: MappingNode, index: int, key: str, value: Any) -> None:
        """A new entry before entry ``index`` (and the comment lines right above it)."""
        text, lines = self.text, self.lines
        anchor_key = mapping.items[index][0]
        if self.fmt == "json":
            base = self._line_indent(anchor_key)
            pos = anchor_key.start
            if base is not None and lines.line_start(anchor_key.start) != lines.line_start(mapping.start):
                new = self.json.member(key, value, base) + "," + line_ending_at(text, pos, self.style.eol) + base
            else:
                new = self.json.key(key) + self.style.json_kv + self.json.compact(value) + self.style.json_item
            self._edit(pos, pos, new, mapping)
        else:
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
            new = " " * key_col + self.yaml.key(key) + ":" + self.yaml.after_key(value, key_col) + eol + gap
            self._edit(pos, pos, new, mapping, own_line=True)
        mapping.items.insert(index, (ScalarNode(pos, pos, pos, key, "", None, key), _New(value, pos, pos)))  # type: ignore[arg-type]

    def _insert_item(self, seq: SequenceNode, index: int, value: Any) -> bool | None:
        text, lines = self.text, self.lines
        items = seq.items
        append = index == len(items)
        anchor = items[-1] if append else items[index]
        if not append and isinstance(anchor, _New):
            raise _Flush
        if self.fmt == "json":
            multi = lines.line_start(items[0].start if not isinstance(items[0], _New) else -1) != lines.line_start(seq.start)
            if append:
                pos = anchor.end
                if multi:
                    base = self._line_indent(items[-1]) if not isinstance(items[-1], _New) else None
                    if base is None:
                        raise _Flush
                    new = "," + line_ending_at(text, pos, self.style.eol) + base + self.json.value(value, base)
                else:
                    new = self.style.json_item + self.json.compact(value)
            else:
                pos = anchor.start
                base = self._line_indent(anchor)
                if multi and base is not None:
                    new = self.json.value(value, base) + "," + line_ending_at(text, pos, self.style.eol) + base
                else:
                    new = self.json.compact(value) + self.style.json_item
        elif seq.flow:
            if append:
                pos = anchor.end
                new = ", " + self.yaml.flow(value)
            else:
                pos = anchor.start
                new = self.yaml.flow(value) + ", "
        else:
            first = items[0]
            if isinstance(first, _New):
                raise _Flush
            dash0 = _dash_of(text, first.start)
            if dash0 is None:
                return False
            dash_col = lines.column(dash0)
            if append:
                pos = lines.line_end(anchor.end)
                self._flush_after_pending_literal(anchor)
                eol = line_ending_at(text, pos, self.style.eol)
                new = eol + " " * dash_col + "-" + self.yaml.after_dash(value, dash_col)
            else:
                dash = _dash_of(text, anchor.start)
                if dash is None or text[lines.line_start(dash) : dash].strip(" "):
                    return False
                pos = lines.line_start(dash)
                eol = line_ending_at(text, pos, self.style.eol)
                new = " " * dash_col + "-" + self.yaml.after_dash(value, dash_col) + eol
                self._edit(pos, pos, new, seq, own_line=True)
                items.insert(index, _New(value, pos, pos))  # type: ignore[arg-type]
                return None
        self._edit(pos, pos, new, seq)
        items.insert(index, _New(value, pos, pos))  # type: ignore[arg-type]
        return None

    def _flush_after_pending_literal(self, before: object) -> None:
        """Text goes right after a pending insertion that may end in a block literal.

        A literal's value runs to the end of its last line and, kept (``|+``), includes the
        line breaks after it, so new text cannot be placed after one that exists only as a
        pending edit: apply pending edits first.
        """
        if isinstance(before, _New) and _has_multiline_text(before.data):
            raise _Flush

    def _line_indent(self, node: Node) -> str | None:
        """The whitespace before ``node`` when it is the first thing on its line."""
        ls = self.lines.line_start(node.start)
        before = self.text[ls : node.start]
        return before if not before.strip(" \t") else None

    # remove ------------------------------------------------------------------------------
    def remove(self, tokens: list[str]) -> list[str] | None:
        views = self._walk(tokens[:-1])
        if len(views) != len(tokens) or not self._is_container(views[-1]):
            return self._rerender(views, tokens, len(views) - 1)
        container = views[-1].node
        last = tokens[-1]
        if isinstance(container, MappingNode):
            index = next(i for i, (k, _) in enumerate(container.items) if k.value == last)
        else:
            index = int(last)
        if len(container.items) == 1:
            return self._rerender(views, tokens, len(views) - 1)
        region = self._removal_region(container, index)
        if region is None:
            return self._rerender(views, tokens, len(views) - 1)
        self._edit(region[0], region[1], "", container)
        del container.items[index]
        return None

    def _member_bounds(self, container: MappingNode | SequenceNode, i: int) -> tuple[int, int]:
        item = container.items[i]
        if isinstance(container, MappingNode):
            key, value = item  # type: ignore[misc]
            if isinstance(key, _New) or isinstance(value, _New) or key.start == key.end:
                raise _Flush
            return key.start, value.end
        if isinstance(item, _New):
            raise _Flush
        return item.start, item.end  # type: ignore[union-attr]

    def _removal_region(self, container: MappingNode | SequenceNode, index: int) -> tuple[int, int] | None:
        text, lines = self.text, self.lines
        start, end = self._member_bounds(container, index)
        n = len(container.items)
        if container.flow:
            if index < n - 1:
                return start, self._member_bounds(container, index + 1)[0]
            return self._member_bounds(container, index - 1)[1], end
        # block: the member's whole lines
        head = start
        if isinstance(container, SequenceNode):
            dash = _dash_of(text, start)
            if dash is None:
                return None
            head = dash
        ls = lines.line_start(head)
        if text[ls:head].strip(" "):
            if isinstance(container, MappingNode) and index == 0 and n > 1:
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
        nxt = lines.next_line_start(end)
        return ls, nxt

    def _last_leaf(self, container: MappingNode | SequenceNode, index: int) -> Any:
        """The node whose text ends member ``index`` of a block collection."""
        node: Any = container.items[index][1] if isinstance(container, MappingNode) else container.items[index]
        while isinstance(node, (MappingNode, SequenceNode)) and not node.flow and node.items:
            node = node.items[-1][1] if isinstance(node, MappingNode) else node.items[-1]
        return node

    def _ends_in_block_scalar(self, container: MappingNode | SequenceNode, index: int) -> bool:
        node = self._last_leaf(container, index)
        if isinstance(node, _New):
            return True  # cannot tell cheaply: keep the line break
        return isinstance(node, ScalarNode) and node.style in ("|", ">")

    def _ends_in_kept_literal(self, container: MappingNode | SequenceNode, index: int) -> bool:
        """True when member ``index`` ends in a ``|+``/``>+`` scalar: the blank lines after it are its value."""
        node = self._last_leaf(container, index)
        if not (isinstance(node, ScalarNode) and node.style in ("|", ">")):
            return False
        return "+" in self.text[node.start : self.lines.line_end(node.start)].split("#", 1)[0]

    # move (rename) --------------------------------------------------------------------------
    def _rename_target(self, from_tokens: list[str], tokens: list[str]) -> bool:
        """True when the move is a same-parent rename to a key that does not exist yet."""
        if len(from_tokens) != len(tokens) or from_tokens[:-1] != tokens[:-1] or not tokens:
            return False
        parent = _get(self.data, tokens[:-1]) if self._exists(tokens[:-1]) else None
        return isinstance(parent, dict) and from_tokens[-1] in parent and tokens[-1] not in parent

    def _exists(self, tokens: list[str]) -> bool:
        try:
            _get(self.data, tokens)
        except (KeyError, IndexError, ValueError, TypeError):
            return False
        return True

    def _rename(self, from_tokens: list[str], tokens: list[str]) -> None:
        """Same-parent move to a new key: rewrite the key text only (keeps order)."""
        views = self._walk(tokens[:-1])
        if len(views) != len(tokens) or not self._is_container(views[-1]) or not isinstance(views[-1].node, MappingNode):
            self._rerender(views, tokens, len(views) - 1)
            return
        mapping = views[-1].node
        index = next(i for i, (k, _) in enumerate(mapping.items) if k.value == from_tokens[-1])
        key, value = mapping.items[index]
        if isinstance(key, _New) or key.start == key.end:
            raise _Flush
        new_name = tokens[-1]
        if self.fmt == "json":
            rendered = self.json.key(new_name)
        elif _kept_quote(key) == "'" and single_quoted(new_name) is not None:
            rendered = single_quoted(new_name)  # type: ignore[assignment]
        elif _kept_quote(key) == '"':
            rendered = double_quoted(new_name)
        elif plain_ok(new_name, flow=mapping.flow):
            rendered = new_name
        else:
            rendered = quoted(new_name, self.style.quote)
        self._edit(key.start, key.end, rendered, key)
        mapping.items[index] = (ScalarNode(key.start, key.start, key.end, new_name, key.style, None, new_name), value)


def _lone_surrogate(op: dict[str, Any]) -> str | None:
    """The first lone surrogate (``"\ud800"`` in JSON) in an operation's strings, if any."""
    try:
        json.dumps(op, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return str(exc.object[exc.start])
    except (TypeError, ValueError):
        return None  # not JSON data: reported where it is used
    return None


def _kept_quote(node: ScalarNode) -> str:
    """The quote style a rewritten scalar keeps: its own, unless the old text only had
    quotes because it needed them (``!Ref "My Bucket"`` renamed becomes ``!Ref MyBucket``)."""
    if node.style in ("'", '"') and not plain_ok(node.value, flow=False):
        return ""
    return node.style


def _scalar_like(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def apply_patch(text: str, patch: list[dict[str, Any]], *, file: str | None = None, strict: bool = False) -> str:
    """Apply an RFC 6902 ``patch`` to template ``text`` and return the new text.

    Only the text of the nodes the operations touch changes: comments, key order,
    quoting, indentation, short-form tags, line endings, BOM and final newline stay
    as they were everywhere else. The result is verified (re-parsed and compared with
    ``jsonpatch.apply_patch`` on the input's data) before it is returned.

    Raises :class:`~cfnfix.errors.ParseError` for input that does not parse,
    :class:`~cfnfix.errors.PatchConflictError` / :class:`~cfnfix.errors.PatchTestFailedError`
    for operations that cannot apply, :class:`~cfnfix.errors.VerificationError` if the
    edited text would not mean what the patch means.

    The fast planner places disjoint operations on one parse. Should its output fail
    verification (a planner bug), the patch is planned again step by step, re-parsing after
    every operation, and that result is verified in turn (docs/design.md, "Verification").
    ``strict=True`` turns this second opinion off, so a planner bug raises instead of hiding:
    the tests and ``benchmarks/engine_fidelity.py`` measure the fast planner alone.
    """
    if not isinstance(patch, list):
        raise PatchConflictError("a JSON Patch must be a list of operations", file=file)
    if not patch:
        parse_cached(text, file, nodes=False)  # the input must still be a template we can read
        return text
    planner = Planner(text, file)
    try:
        return planner.run(patch)
    except VerificationError:
        if strict:
            raise
        # the step-by-step planner (re-parse after every operation) as a second opinion
        return Planner(text, file, fast=False).run(patch)
