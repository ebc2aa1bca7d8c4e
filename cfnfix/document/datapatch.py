"""RFC 6902 JSON Patch applied to plain data, copy on write: :func:`apply_shared`, :func:`applied`, :class:`Writer`.

The result shares everything the patch does not reach with the data it was given: before
each operation, the containers on its paths are copied, each once, so the cost follows the
patch, not the size of what it touches — no deep copy of the data, no JSON Patch objects.
The data given is never changed (it is often the parse cache's). The patch engine keeps the
plain data of the text it edits this way; the impact computation builds the patched data it
compares with the data before (:mod:`cfnfix.impact`), and, for a parsed document's read-only
data and one patch per finding, reuses the copies of large containers between patches,
each patch's changes undone after use (:func:`applied`).

Failures raise :class:`jsonpatch.JsonPatchConflict` (or :class:`jsonpatch.JsonPatchTestFailed`
for a ``test`` that does not hold), as the library used before did.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from jsonpatch import JsonPatchConflict, JsonPatchTestFailed

from .pointer import parse_pointer

__all__ = ["ParsedOp", "Writer", "apply_shared", "applied", "parse_ops"]

_INDEX = re.compile(r"(?:0|[1-9][0-9]*)\Z")


class ParsedOp:
    """One operation with its pointers split into tokens (once, for every use). A plain class
    with slots: thousands are made per check (one per finding's operation)."""

    __slots__ = ("op", "path", "raw", "source", "value")

    def __init__(self, op: str, path: list[str], source: list[str] | None, value: Any, raw: Any) -> None:
        self.op = op
        self.path = path
        self.source = source
        self.value = value
        self.raw = raw


def parse_ops(patch: Sequence[Mapping[str, Any]]) -> list[ParsedOp]:
    """The operations of ``patch``, pointers parsed (a malformed one raises as applying it would)."""
    parsed: list[ParsedOp] = []
    for op in patch:
        kind = op.get("op")
        path = op.get("path")
        if not isinstance(kind, str) or not isinstance(path, str):
            raise JsonPatchConflict(f"not an operation: {op!r}")
        source = op.get("from")
        parsed.append(
            ParsedOp(
                kind,
                parse_pointer(path),
                parse_pointer(source) if isinstance(source, str) else None,
                op.get("value"),
                op,
            )
        )
    return parsed


def apply_shared(before: Any, ops: list[ParsedOp]) -> Any:
    """``ops`` applied to a copy of ``before`` that shares everything they do not reach
    (``before`` is often the parse cache's data: it never changes)."""
    writer = Writer(before, None)
    return writer.run(ops)


class applied:  # used as a function: ``with applied(...) as after``
    """``ops`` applied as :func:`apply_shared` does, for the time of the ``with`` block.

    ``reuse``: ``before`` is read-only (a parsed document's data) and many patches are
    applied to it one after the other (one per finding): the copies of large containers are
    kept (per thread) and reused, each patch's changes undone when its block ends, so a list
    of 17,000 tags is copied once, not once per finding.
    """

    __slots__ = ("_writer", "before", "ops", "reuse")

    def __init__(self, before: Any, ops: list[ParsedOp], *, reuse: bool = False) -> None:
        self.before, self.ops, self.reuse = before, ops, reuse
        self._writer: Writer | None = None

    def __enter__(self) -> Any:
        before, ops = self.before, self.ops
        if not self.reuse or not isinstance(before, dict) or any(not op.path for op in ops):
            return apply_shared(before, ops)
        scratch = getattr(_LOCAL, "scratch", None)
        if scratch is None or scratch.before is not before:
            scratch = _LOCAL.scratch = _Scratch(before)
        self._writer = Writer(before, scratch)
        try:
            return self._writer.run(ops)
        except BaseException:
            self._writer.undo()
            self._writer = None
            raise

    def __exit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.undo()
            self._writer = None


#: Containers with at least this many entries have their copies kept for reuse (smaller ones
#: are copied again each time: cheaper than keeping them).
_REUSE_MIN = 32
#: At most this many kept copies per thread (then they are dropped and made again).
_REUSE_MAX = 4096
_LOCAL = threading.local()
_NEW = object()


class _Scratch:
    """The reusable copies of one read-only ``before`` (one thread): its top level, and large
    containers by the identity of their original (held, so the id cannot be reused)."""

    def __init__(self, before: dict[str, Any]) -> None:
        self.before = before
        self.root = dict(before)
        self.copies: dict[int, tuple[Any, Any]] = {}
        self.resources: Any = None
        """The copy of ``before["Resources"]`` once made: its order after an undo does not matter
        (the comparison looks resources up by ID; new IDs are found from its end)."""


class Writer:
    """Patches applied to ``before`` one operation at a time (:meth:`apply`): containers copied
    on write, every change logged when it is to be undone (``scratch``, see :func:`applied`)."""

    def __init__(self, before: Any, scratch: _Scratch | None) -> None:
        self.scratch = scratch
        if scratch is not None:
            self.doc: Any = scratch.root
        else:
            self.doc = dict(before) if isinstance(before, dict) else before
        self.fresh: dict[int, Any] = {id(self.doc): self.doc}  # writable here (held: ids stay theirs)
        self.origin: dict[int, Any] = {id(self.doc): before}
        self.log: list[tuple[Any, ...]] | None = [] if scratch is not None else None

    def run(self, ops: list[ParsedOp]) -> Any:
        """Apply ``ops`` in order; returns the patched data."""
        for op in ops:
            self.apply(op)
        return self.doc

    def apply(self, op: ParsedOp) -> Any:
        """Apply one operation; returns the patched data (``doc``)."""
        self.doc = self._apply(op)
        doc = self.doc
        if isinstance(doc, (dict, list)) and id(doc) not in self.fresh:  # the patch's value, whole
            self.doc = dict(doc) if isinstance(doc, dict) else list(doc)
            self.fresh[id(self.doc)] = self.doc
        return self.doc

    # ------------------------------------------------------------------ operations
    def _apply(self, op: ParsedOp) -> Any:
        doc, kind = self.doc, op.op
        if kind == "test":
            if _get(doc, op.path) != op.value:
                raise JsonPatchTestFailed(f"{op.raw!r} does not hold")
            return doc
        if kind in ("move", "copy"):
            if op.source is None:
                raise JsonPatchConflict(f"{kind} without 'from': {op.raw!r}")
            if kind == "move":
                value = _get(doc, op.source)
                if op.source == op.path:
                    return doc
                if op.path[: len(op.source)] == op.source:
                    raise JsonPatchConflict("cannot move a value into its own child")
                doc = self._remove(doc, op.source)
            else:
                value = copy.deepcopy(_get(doc, op.source))  # two places: neither may change the other
            return self._add(doc, op.path, value)
        if kind == "add":
            return self._add(doc, op.path, op.value)
        if kind == "remove":
            return self._remove(doc, op.path)
        if kind == "replace":
            if not op.path:
                return op.value
            parent, key = self._parent(doc, op.path)
            if isinstance(parent, dict):
                if key not in parent:
                    raise JsonPatchConflict(f"cannot replace a value that is not there: {op.raw!r}")
                self._set(parent, key, op.value)
            else:
                self._set(parent, _index(parent, key, len(parent) - 1), op.value)
            return doc
        raise JsonPatchConflict(f"unknown operation {kind!r}")

    def _add(self, doc: Any, tokens: list[str], value: Any) -> Any:
        if not tokens:
            return value
        parent, key = self._parent(doc, tokens)
        if isinstance(parent, dict):
            self._set(parent, key, value)
        else:
            self._insert(parent, len(parent) if key == "-" else _index(parent, key, len(parent)), value)
        return doc

    def _remove(self, doc: Any, tokens: list[str]) -> Any:
        if not tokens:
            raise JsonPatchConflict("cannot remove the whole document")
        parent, key = self._parent(doc, tokens)
        if isinstance(parent, dict):
            if key not in parent:
                raise JsonPatchConflict(f"cannot remove a value that is not there: /{'/'.join(tokens)}")
            self._delete(parent, key)
        else:
            self._delete(parent, _index(parent, key, len(parent) - 1))
        return doc

    def _parent(self, doc: Any, tokens: list[str]) -> tuple[Any, str]:
        """The container holding ``tokens``' last step, and that step; every container on the
        way (that one included) a copy made here, so changing it changes no shared value."""
        node = doc
        for token in tokens[:-1]:
            key: Any
            if isinstance(node, dict):
                if token not in node:
                    raise JsonPatchConflict(f"no {token!r} on the way to /{'/'.join(tokens)}")
                key = token
            elif isinstance(node, list):
                key = _index(node, token, len(node) - 1)
            else:
                raise JsonPatchConflict(f"/{'/'.join(tokens)} goes through a value that is not a container")
            child = node[key]
            if isinstance(child, (dict, list)) and id(child) not in self.fresh:
                mine = self._copy_of(child)
                self._set(node, key, mine)
                child = mine
            node = child
        if not isinstance(node, (dict, list)):
            raise JsonPatchConflict(f"/{'/'.join(tokens)}: its parent is not a container")
        return node, tokens[-1]

    def _copy_of(self, original: Any) -> Any:
        """A writable copy of ``original``: a kept one when it is large and not in use here already."""
        scratch = self.scratch
        mine: Any = None
        if scratch is not None and len(original) >= _REUSE_MIN:
            kept = scratch.copies.get(id(original))
            if kept is not None and kept[0] is original and id(kept[1]) not in self.fresh:
                mine = kept[1]
            else:
                mine = dict(original) if isinstance(original, dict) else list(original)
                if len(scratch.copies) >= _REUSE_MAX:
                    scratch.copies.clear()
                scratch.copies[id(original)] = (original, mine)
            if original is scratch.before.get("Resources"):
                scratch.resources = mine
        if mine is None:
            mine = dict(original) if isinstance(original, dict) else list(original)
        self.fresh[id(mine)] = mine
        self.origin[id(mine)] = original
        return mine

    # ------------------------------------------------------------------ logged changes
    def _set(self, container: Any, key: Any, value: Any) -> None:
        if self.log is not None:
            old = container.get(key, _NEW) if isinstance(container, dict) else container[key]
            self.log.append(("set", container, key, old))
        container[key] = value

    def _delete(self, container: Any, key: Any) -> None:
        if self.log is not None:
            self.log.append(("del", container, key, container[key]))
        del container[key]

    def _insert(self, items: list[Any], index: int, value: Any) -> None:
        if self.log is not None:
            self.log.append(("ins", items, index, None))
        items.insert(index, value)

    def undo(self) -> None:
        """Put every container back as it was before :meth:`run` (exactly: its keys in order)."""
        if self.log is None:
            return
        reordered: dict[int, Any] = {}
        for what, container, key, old in reversed(self.log):
            if what == "set":
                if old is _NEW:
                    del container[key]  # added last, so removed from the end: order kept
                else:
                    container[key] = old
            elif what == "del":
                if isinstance(container, dict):
                    container[key] = old  # back at the end: put in order below
                    reordered[id(container)] = container
                else:
                    container.insert(key, old)
            else:
                del container[key]
        self.log.clear()
        scratch = self.scratch
        for ident, container in reordered.items():
            if scratch is not None and container is scratch.resources:
                continue  # looked up by ID, never by position (see _Scratch.resources)
            original = self.origin[ident]
            container.clear()
            container.update(original)


def _get(doc: Any, tokens: list[str]) -> Any:
    node = doc
    for token in tokens:
        if isinstance(node, dict):
            if token not in node:
                raise JsonPatchConflict(f"/{'/'.join(tokens)} is not there")
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, len(node) - 1)]
        else:
            raise JsonPatchConflict(f"/{'/'.join(tokens)} goes through a value that is not a container")
    return node


def _index(items: list[Any], token: str, last: int) -> int:
    """``token`` as a list index at most ``last`` (RFC 6901: digits, no leading zero)."""
    if not _INDEX.match(token):
        raise JsonPatchConflict(f"{token!r} is not a list index")
    index = int(token)
    if index > last:
        raise JsonPatchConflict(f"list index {index} is out of range")
    return index
