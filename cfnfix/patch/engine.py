"""RFC 6902 operations → minimal text edits on the original template.

For each operation the engine (1) applies it to the plain data with ``jsonpatch`` — the
reference semantics — and (2) plans one text edit at the span of the node it touches,
on a *working tree*: the parsed nodes, updated as operations are planned, with inserted
or rewritten values as :class:`New` placeholders. Edits are kept in original
coordinates and applied back to front at the end. When an operation needs text that
only exists as a pending edit (it reaches into a new value, or its edit would touch
another edit), the pending edits are applied, the text is re-parsed, and planning
continues on the fresh tree ("flush"). Finally the output is re-parsed and its data
compared with the data ``jsonpatch`` produced: any difference raises
:class:`~cfnfix.errors.PatchVerificationError` and nothing is returned.

The planner is the same for every format: it decides which node an operation touches and
keeps the tree, the edits and their order. Where an edit goes and what text it writes —
a new entry's line, a removed member's comma, a replaced value's span — is asked of the
file format's :class:`~cfnfix.patch.layout.Layout` (``layout_json.py``, ``layout_yaml.py``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Any

import jsonpatch
import jsonpointer

from ..document import parse_cached, parse_text, remember
from ..document.datapatch import ParsedOp, Writer
from ..document.expansions import conflict, refusal_reason
from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.pointer import parse_pointer
from ..document.resolve import View, delete_entry, entry_index, insert_entry, set_entry, step, walk
from ..document.text import LineIndex
from ..errors import (
    AnchoredEditError,
    ArgumentError,
    CfnfixError,
    PatchConflictError,
    PatchError,
    PatchTestFailedError,
    PatchVerificationError,
    VerificationError,
)
from ..findings import Patch, TextEdit
from .edits import EditSet, PlannedEdit, apply_planned
from .layout import Flush, Insertion, Layout, New
from .layout_json import JsonLayout
from .layout_yaml import YamlLayout
from .local_verify import verify_islands
from .verify import first_difference

_OPS = ("add", "remove", "replace", "move", "copy", "test")

#: The layout of each format: chosen once per planner, from the parse.
LAYOUTS: dict[str, type[Layout]] = {"json": JsonLayout, "yaml": YamlLayout}


def _get(data: Any, tokens: list[str]) -> Any:
    for tok in tokens:
        data = data[int(tok)] if isinstance(data, list) else data[tok]
    return data


def _whole(view: View) -> bool:
    return not view.unwrapped and view.part is None and not isinstance(view.node, New)


class Planner:
    """Plans the edits of one patch on one text. Use :func:`apply_patch`."""

    def __init__(self, text: str, file: str | None, *, fast: bool = True, key_order: Sequence[str] = ()) -> None:
        self.file = file
        self.fast = fast
        self.key_order = tuple(key_order)
        self.original = text
        self.seq = 0
        self.flushes = 0
        # The parse may be shared (cfnfix.document's cache): the planner never mutates it.
        # Containers it changes are copied first, node and data alike (copy on write).
        parsed = parse_cached(text, file)
        fmt, root, data = parsed
        self.writer = Writer(data, None)  # the plain data, patched copy on write
        self.data = self.writer.doc
        self.orig_data = data
        self.expansions = parsed.expansions
        self.orig_root = root
        self.orig_lines: LineIndex | None = None
        self.fmt = fmt
        self._layout = LAYOUTS[fmt]
        self._after: list[str] | None = None  # a sibling the next `add` of a new key goes after
        self._set_text(text, root, private=False)

    # -- state ----------------------------------------------------------------------------
    def _set_text(self, text: str, root: Node, *, private: bool) -> None:
        self.private = private  # True: the tree is this planner's own, no copying needed
        self.owned: set[int] = set()
        self.text = text
        self.root: Node = root
        self.lines = LineIndex(text)
        self.edits = EditSet()
        self.layout: Layout = self._layout(text, self.lines, self._tree)

    def _tree(self) -> Node:
        """The working tree as it stands (the layout reads the file's style off it)."""
        return self.root

    def current_text(self) -> str:
        return apply_planned(self.text, self.edits.edits)

    def flush(self) -> None:
        """Apply pending edits and re-parse, so every node has real text again."""
        text = self.current_text()
        try:
            _, root, _ = parse_text(text, self.file, self.fmt)
        except CfnfixError as exc:
            raise PatchVerificationError(
                f"internal error: intermediate text does not parse ({exc.reason})", file=self.file
            ) from None
        self.flushes += 1
        self._set_text(text, root, private=True)

    def _edit(self, start: int, end: int, new: str, owner: object, *, own_line: bool = False) -> None:
        """Register an edit (``own_line``: ``new`` is whole lines inserted before a line)."""
        if not own_line:
            end, new = self.layout.finish(end, new)
        edit = PlannedEdit(TextEdit(start=start, end=end, new=new), self.seq, id(owner))
        if self.edits.conflicting(edit):
            raise Flush
        self.seq += 1
        self.edits.add(edit)

    # -- driver ---------------------------------------------------------------------------
    def run(self, patch: Patch) -> str:
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
        depth = _depth(op.get("value"))
        if depth < 0:
            raise PatchConflictError(
                f"patch operation #{index} ({op['op']} {op['path']!r}): a mapping in the value has a key "
                "that is not a string (JSON and templates have string keys only)",
                file=self.file,
            )
        if depth > MAX_VALUE_DEPTH:
            raise PatchConflictError(
                f"patch operation #{index} ({op['op']} {op['path']!r}): the value is nested more than "
                f"{MAX_VALUE_DEPTH} levels deep; a template value is not",
                file=self.file,
            )
        kind = op["op"]
        tokens = parse_pointer(op["path"])
        from_tokens = (
            parse_pointer(op["from"]) if kind in ("move", "copy") and isinstance(op.get("from"), str) else None
        )
        if (
            kind == "move"
            and from_tokens is not None
            and from_tokens != tokens
            and self._rename_target(from_tokens, tokens)
        ):
            self._data_op(index, op, tokens)
            self._retry(self._rename, from_tokens, tokens)
            self._after = None
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
                raise self._located(
                    PatchConflictError, index, op, tokens, "cannot move a value into one of its children"
                )
            self._data_op(index, {"op": "remove", "path": op["from"]}, from_tokens, shown=op)
            self._retry(self.remove, from_tokens)
            self._data_op(index, {"op": "add", "path": op["path"], "value": moved}, tokens, shown=op)
            self._after = None
            self._retry(self.add, tokens, moved)
            return
        self._data_op(index, op, tokens)
        if kind == "test":
            self._after = tokens  # placement: an `add` of a new sibling key right after goes beside it
            return
        self._retry(self._plan, kind, tokens, from_tokens, op, moved)
        self._after = None

    def _retry(self, fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except Flush:
            self.flush()
            try:
                fn(*args)
            except Flush:
                raise PatchVerificationError(
                    "internal error: operation cannot be planned after re-parsing", file=self.file
                ) from None

    def _data_op(
        self, index: int, op: dict[str, Any], tokens: list[str], *, shown: dict[str, Any] | None = None
    ) -> None:
        """Apply ``op`` to the plain data (copy on write: the cached parse is never changed); map
        its errors to ours (naming ``shown``). The value is copied: the data never shares an
        object with the caller's patch."""
        shown = shown or op
        source = op.get("from")
        parsed = ParsedOp(
            op["op"],
            tokens,
            parse_pointer(source) if isinstance(source, str) else None,
            copy.deepcopy(op.get("value")),
            op,
        )
        try:
            self.data = self.writer.apply(parsed)
        except jsonpatch.JsonPatchTestFailed as exc:
            raise self._located(PatchTestFailedError, index, shown, tokens, str(exc)) from None
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException, KeyError, IndexError, TypeError) as exc:
            raise self._located(PatchConflictError, index, shown, tokens, str(exc) or type(exc).__name__) from None

    def _located(
        self, cls: type[PatchError], index: int, op: dict[str, Any], tokens: list[str], reason: str
    ) -> PatchError:
        if self.orig_lines is None:
            self.orig_lines = LineIndex(self.original)
        views = walk(self.orig_root, tokens)
        line, col = self.orig_lines.line_col(views[-1].node.start)
        return cls(
            f"patch operation #{index} ({op.get('op')} {op.get('path')}): {reason}",
            file=self.file,
            line=line,
            column=col,
        )

    def verify(self, text: str) -> None:
        """Re-parse ``text`` and compare its data with the data jsonpatch produced."""
        if not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:  # a lone surrogate (from a JSON "\ud800" escape)
                raise PatchVerificationError(
                    f"patched text cannot be saved as UTF-8: lone surrogate U+{ord(text[exc.start]):04X}",
                    file=self.file,
                ) from None
        if self.fast and not self.flushes and self.layout.verifies_locally and not self.expansions and LOCAL_VERIFY:
            local = verify_islands(
                self.original,
                text,
                self.orig_root,
                self.orig_data,
                self.data,
                [p.edit for p in self.edits.edits],
                self.file,
            )
            if local is not None:
                remember(text, local)
                return
        try:
            parsed = parse_text(text, self.file, self.fmt, nodes=False)
        except CfnfixError as exc:
            raise PatchVerificationError(f"patched text does not parse: {exc}", file=self.file) from None
        diff = first_difference(parsed[2], self.data)
        if diff is not None:
            raise PatchVerificationError(
                f"patched text differs from the patch's meaning at {diff or '/'}", file=self.file
            )
        remember(text, parsed)

    # -- planning -------------------------------------------------------------------------
    def _plan(
        self, kind: str, tokens: list[str], from_tokens: list[str] | None, op: dict[str, Any], moved: Any
    ) -> None:
        if kind == "remove":
            self.remove(tokens)
        elif kind == "replace":
            self.replace(tokens, op["value"])
        elif kind == "add":
            self.add(tokens, op["value"])
        elif kind == "copy":
            assert from_tokens is not None
            self.add(tokens, moved)

    def _own(self, node: Any, parent: View | None, token: str | None = None) -> Any:
        """``node`` itself if this planner owns it, else a copy linked into ``parent`` (where
        ``token`` leads to it)."""
        if self.private or not isinstance(node, (MappingNode, SequenceNode)) or id(node) in self.owned:
            return node
        if isinstance(node, MappingNode):
            clone: Any = MappingNode(
                node.start,
                node.value_start,
                node.end,
                list(node.items),
                node.flow,
                node.tag,
                node.close,
            )
        else:
            clone = SequenceNode(
                node.start, node.value_start, node.end, list(node.items), node.flow, node.tag, node.close
            )
        self.owned.add(id(clone))
        if parent is None:
            self.root = clone
        else:
            self._relink(parent.node, token, node, clone)
        return clone

    @staticmethod
    def _relink(container: Any, token: str | None, old: Any, new: Any) -> None:
        """Put ``new`` where ``old`` is in ``container`` (found through ``token`` when it leads
        there, else by a scan)."""
        if isinstance(container, MappingNode):
            index = entry_index(container, token) if token is not None else None
            if index is None or container.items[index][1] is not old:
                index = next((i for i, (_, v) in enumerate(container.items) if v is old), None)
            if index is not None:
                set_entry(container, index, (container.items[index][0], new))
        elif isinstance(container, SequenceNode):
            index = int(token) if token is not None and token.isdigit() else None
            if index is None or index >= len(container.items) or container.items[index] is not old:
                index = next((i for i, v in enumerate(container.items) if v is old), None)
            if index is not None:
                container.items[index] = new

    def _walk(self, tokens: list[str]) -> list[View]:
        views = [View(self._own(self.root, None))]
        for tok in tokens:
            cur = views[-1]
            if isinstance(cur.node, New):
                raise Flush
            nxt = step(cur, tok)
            if nxt is None:
                break
            if nxt.node is not cur.node:
                nxt = View(self._own(nxt.node, cur, tok), nxt.unwrapped, nxt.part)
            views.append(nxt)
        if len(views) <= len(tokens) and isinstance(views[-1].node, New):
            raise Flush
        return views

    def _rerender(self, views: list[View], tokens: list[str], k: int) -> list[str]:
        """Replace the deepest whole node at or above ``views[k]`` with its new data."""
        if any(isinstance(v.node, New) for v in views[: k + 1]):
            raise Flush
        while k > 0 and not _whole(views[k]):
            k -= 1
        if isinstance(views[k].node, New):
            raise Flush
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
        if isinstance(node, New):
            raise Flush
        # pending insertions after a block node's last leaf (past its trailing comment)
        # belong to it: replacing the node must see them as text first
        reach = self.lines.line_end(node.end)
        if self.edits.touching(node.start, reach):
            raise Flush
        start, end, new = self.layout.replacement(node, value, parent.node if parent is not None else None)
        self._edit(start, end, new, node)
        self._swap(parent, token, node, New(value, start, end))

    def _swap(self, parent: View | None, token: str | None, old: Node, new: New) -> None:
        if parent is None:
            self.root = new  # type: ignore[assignment]
            return
        self._relink(parent.node, token, old, new)

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
            index = entry_index(container, last)
            if index is not None:
                val = container.items[index][1]
                if isinstance(val, New):
                    raise Flush
                self._replace_node(val, value, parent, last)
                return None
            if not container.items:
                return self._rerender(views, tokens, len(views) - 1)
            sibling = self._after is not None and self._after[:-1] == tokens[:-1]
            self._insert_entry(container, last, value, sibling=sibling)
            return None
        assert isinstance(container, SequenceNode)
        index = len(container.items) if last == "-" else int(last)
        if not container.items:
            return self._rerender(views, tokens, len(views) - 1)
        if not self._insert_item(container, index, value):
            return self._rerender(views, tokens, len(views) - 1)
        return None

    @staticmethod
    def _is_container(view: View) -> bool:
        node = view.node
        if isinstance(node, New) or view.part is not None or view.wrapped:
            return False
        return isinstance(node, (MappingNode, SequenceNode))

    def _section_anchor(self, mapping: MappingNode, key: str) -> int | None:
        """Index of the entry a new top-level key goes before (by ``key_order``)."""
        order = self.key_order
        if mapping is not self.root or key not in order:
            return None
        rank = order.index(key)
        for j, (k, _) in enumerate(mapping.items):
            if k.value in order and order.index(k.value) > rank:
                if k.start == k.end:
                    raise Flush  # a section this patch added: place against real text
                return j
        return None

    def _sibling_anchor(self, mapping: MappingNode, key: str) -> int | None:
        """Index of the entry a new key goes before when the operation before its ``add`` was a
        ``test`` of a sibling key (``[test /R/DeletionPolicy, add /R/UpdateReplacePolicy]``): right
        after that sibling, so entries that belong together stay together. None: no such test, or
        the sibling is the last entry (then appending puts it there anyway)."""
        after = self._after
        if after is None or not after:
            return None
        for j, (k, _) in enumerate(mapping.items):
            if k.value == after[-1] and j + 1 < len(mapping.items):
                if mapping.items[j + 1][0].start == mapping.items[j + 1][0].end:
                    raise Flush  # an entry this patch added: place against real text
                return j + 1
        return None

    def _insert_entry(self, mapping: MappingNode, key: str, value: Any, *, sibling: bool = False) -> None:
        """A new entry: before the next section in template order, right after the sibling a
        preceding ``test`` names, else after the last entry."""
        if isinstance(mapping.items[0][0], New):
            raise Flush
        layout = self.layout
        index = self._section_anchor(mapping, key) if layout.inserts_before(mapping) else None
        if index is None and sibling and layout.inserts_before(mapping):
            index = self._sibling_anchor(mapping, key)
        if index is None:
            index = len(mapping.items)
            insertion = layout.append_entry(mapping, key, value)
        else:
            insertion = layout.entry_before(mapping, index, key, value)
        pos = self._insert(insertion, mapping)
        insert_entry(mapping, index, (ScalarNode(pos, pos, pos, key, "", None, key), New(value, pos, pos)))  # type: ignore[arg-type]

    def _insert_item(self, seq: SequenceNode, index: int, value: Any) -> bool:
        """A new item at ``index``; False when the layout cannot place it (re-render ``seq``)."""
        if index < len(seq.items) and isinstance(seq.items[index], New):
            raise Flush
        insertion = self.layout.item(seq, index, value)
        if insertion is None:
            return False
        pos = self._insert(insertion, seq)
        seq.items.insert(index, New(value, pos, pos))  # type: ignore[arg-type]
        return True

    def _insert(self, insertion: Insertion, owner: MappingNode | SequenceNode) -> int:
        """Register ``insertion`` as an edit of ``owner``; its offset."""
        pos = insertion.pos
        self._edit(pos, pos, insertion.text, owner, own_line=insertion.own_line)
        return pos

    # remove ------------------------------------------------------------------------------
    def remove(self, tokens: list[str]) -> list[str] | None:
        views = self._walk(tokens[:-1])
        if len(views) != len(tokens) or not self._is_container(views[-1]):
            return self._rerender(views, tokens, len(views) - 1)
        container = views[-1].node
        assert isinstance(container, (MappingNode, SequenceNode))  # _is_container
        last = tokens[-1]
        if isinstance(container, MappingNode):
            found = entry_index(container, last)
            assert found is not None  # jsonpatch removed it from the data
            index = found
        else:
            index = int(last)
        if len(container.items) == 1:
            return self._rerender(views, tokens, len(views) - 1)
        if self.edits and self.layout.removal_reads_what_follows(container, index):
            raise Flush  # pending text after the member must be real text first
        region = self.layout.removal(container, index)
        if region is None:
            return self._rerender(views, tokens, len(views) - 1)
        self._edit(region[0], region[1], "", container)
        if isinstance(container, MappingNode):
            delete_entry(container, index)
        else:
            del container.items[index]
        return None

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
        if (
            len(views) != len(tokens)
            or not self._is_container(views[-1])
            or not isinstance(views[-1].node, MappingNode)
        ):
            self._rerender(views, tokens, len(views) - 1)
            return
        mapping = views[-1].node
        found = entry_index(mapping, from_tokens[-1])
        assert found is not None  # jsonpatch moved it in the data
        index = found
        key, value = mapping.items[index]
        if isinstance(key, New) or key.start == key.end:
            raise Flush
        new_name = tokens[-1]
        rendered = self.layout.key_text(key, new_name, mapping)
        self._edit(key.start, key.end, rendered, key)
        set_entry(
            mapping, index, (ScalarNode(key.start, key.start, key.end, new_name, key.style, None, new_name), value)
        )


#: How deep a patch value may nest (lists and mappings in one another): deeper values are
#: refused with one line instead of exhausting the renderer's stack.
MAX_VALUE_DEPTH = 100


def _depth(value: Any) -> int:
    """How deep ``value`` nests (0: a scalar), counted without recursion, stopping past the
    limit; -1 when a mapping in it has a key that is not a string (JSON has none)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            level += 1
            deepest = max(deepest, level)
            if level > MAX_VALUE_DEPTH:
                return level
            if isinstance(node, dict) and not all(isinstance(k, str) for k in node):
                return -1
            stack.extend((item, level) for item in (node.values() if isinstance(node, dict) else node))
    return deepest


def _lone_surrogate(op: dict[str, Any]) -> str | None:
    """The first lone surrogate (``"\ud800"`` in JSON) in an operation's strings, if any."""
    try:
        json.dumps(op, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return str(exc.object[exc.start])
    except (TypeError, ValueError):
        return None  # not JSON data: reported where it is used
    return None


def apply_patch(
    text: str,
    patch: Patch,
    *,
    file: str | None = None,
    strict: bool = False,
    key_order: Sequence[str] = (),
) -> str:
    """Apply an RFC 6902 ``patch`` to template ``text`` and return the new text.

    Only the text of the nodes the operations touch changes: comments, key order,
    quoting, indentation, short-form tags, line endings, BOM and final newline stay
    as they were everywhere else. The result is verified (re-parsed and compared with
    ``jsonpatch.apply_patch`` on the input's data) before it is returned.

    Raises :class:`~cfnfix.errors.ParseError` for input that does not parse,
    :class:`~cfnfix.errors.PatchConflictError` / :class:`~cfnfix.errors.PatchTestFailedError`
    for operations that cannot apply, :class:`~cfnfix.errors.AnchoredEditError` for one at or
    inside a YAML anchor, alias or merge key, :class:`~cfnfix.errors.PatchVerificationError` if the
    edited text would not mean what the patch means.

    The fast planner places disjoint operations on one parse. Should its output fail
    verification (a planner bug), the patch is planned again step by step, re-parsing after
    every operation, and that result is verified in turn (docs/design.md, "Verification").
    ``strict=True`` turns this second opinion off, so a planner bug raises instead of hiding:
    the tests and ``benchmarks/engine_fidelity.py`` measure the fast planner alone.

    ``key_order``: where a key the patch adds to the top-level mapping goes (before the
    first key that comes later in this order; else at the end). The engine knows no file
    format's vocabulary: :func:`cfnfix.apply_patch` passes CloudFormation's section order.
    """
    if not isinstance(text, str):
        raise ArgumentError(f"apply_patch takes the template text (str), not {type(text).__name__}", file=file)
    if not isinstance(patch, list):
        raise PatchConflictError("a JSON Patch must be a list of operations", file=file)
    if not patch:
        parse_cached(text, file, nodes=False)  # the input must still be a template we can read
        return text
    found = conflict(patch, parse_cached(text, file).expansions)
    if found is not None:
        index, op, expansion = found
        line, col = LineIndex(text).line_col(expansion.offset)
        reason = refusal_reason(f"patch operation #{index} ({op.get('op')})", op, expansion)
        raise AnchoredEditError(reason, file=file, line=line, column=col)
    planner = Planner(text, file, key_order=key_order)
    try:
        return planner.run(patch)
    except VerificationError:
        if strict:
            raise
        # the step-by-step planner (re-parse after every operation) as a second opinion
        return Planner(text, file, fast=False, key_order=key_order).run(patch)


#: Verify YAML output by re-parsing only the edited entries when that is provably enough
#: (:mod:`cfnfix.patch.local_verify`); tests also run with it off.
LOCAL_VERIFY = True
