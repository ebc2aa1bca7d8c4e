"""Text that earlier fix passes wrote, followed through later patches, so no later pass re-reads it.

The fix loop runs passes until nothing more applies; each pass checks the text the previous
one wrote. A rule then reads a fix's output as if the user had written it, and may read it
differently from the fix that wrote it: ``!Sub "Hello ${!Queue}"`` (the text ``Hello
${Queue}``) became the plain string ``Hello ${Queue}`` (CFX807), which the next pass read as
a lost ``Fn::Sub`` and wrapped again — now the queue's URL (issue 22). :class:`Produced`
records the strings and keys each applied patch wrote (a string the patch's new value holds
that the replaced value did not: moved or wrapped text is the user's, not produced) — in the
fix loop, only the patches of rules that keep meaning (CFX806, CFX807): their text says what
the user's said, so a rule reading it another way changes what the user never asked to
change; a fix that changes meaning writes a value on purpose, which later rules judge as the
next run would (guarding it held back a fix the next run made: not idempotent) —, follows
them through later operations (list items shift, renamed keys carry what is under them,
removed nodes forget it), and :meth:`Produced.conflict` names the first one a later patch
would replace, move or write elsewhere: the fix loop leaves that fix out (its finding remains).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..document.pointer import escape_token, parse_pointer

__all__ = ["Produced", "RenamedNames", "WrittenTexts", "renamed"]


def _resolve(data: Any, pointer: str) -> tuple[bool, Any]:
    """(found, value) of ``pointer`` in ``data``."""
    node = data
    try:
        tokens = parse_pointer(pointer)
    except Exception:
        return False, None
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and token.isascii() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _strings(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, str):
        out.add(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    return out


@dataclass(frozen=True)
class _Written:
    """A produced string: its text, and ``text[start:end]``, the part fixes wrote."""

    text: str
    start: int
    end: int


def _changed(old: str, new: str) -> tuple[int, int]:
    """``[start, end)`` of ``new`` that differs from ``old`` (outside their common prefix and suffix)."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, len(new) - end


def _renames(patch: list[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(old, new) logical names a patch renames: same-parent moves of a section's entries."""
    out = []
    for op in patch:
        if op.get("op") == "move":
            source, target = op.get("from", "").split("/"), op.get("path", "").split("/")
            if len(source) == len(target) == 3 and source[1] == target[1] and source[2] != target[2]:
                out.append(
                    (source[2].replace("~1", "/").replace("~0", "~"), target[2].replace("~1", "/").replace("~0", "~"))
                )
    return out


def renamed(patch: Iterable[Mapping[str, Any]]) -> set[str]:
    """The logical names a patch renames (its same-parent moves of a section's entries)."""
    return {old for old, _ in _renames(list(patch))}


def _written(patch: Iterable[Mapping[str, Any]]) -> set[str]:
    """The strings the values of ``patch`` hold (what its add, replace and test operations write)."""
    found: set[str] = set()
    for op in patch:
        if op.get("op") in ("add", "replace", "test"):
            _strings(op.get("value"), found)
    return found


class RenamedNames:
    """The names a pass's chosen fixes rename, asked whether a patch writes one of them in any
    string (applied in the same pass as the rename, it would write the old name: the fix loop
    waits), at the cost of the patch's strings, not of every name renamed so far."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self._lengths: set[int] = set()

    def __bool__(self) -> bool:
        return bool(self.names)

    def update(self, names: Iterable[str]) -> None:
        """Add renamed names."""
        for name in names:
            self.names.add(name)
            self._lengths.add(len(name))

    def written_by(self, patch: Iterable[Mapping[str, Any]]) -> bool:
        """True when a value ``patch`` writes holds one of the names (in any string)."""
        return bool(self.names) and any(self._in(text) for text in _written(patch))

    def _in(self, text: str) -> bool:
        names, lengths = self.names, self._lengths
        if len(names) <= len(text) * len(lengths):
            return any(name in text for name in names)
        return any(text[i : i + size] in names for size in lengths for i in range(len(text) - size + 1))


class WrittenTexts:
    """The strings a pass's chosen patches write, asked whether one holds any of a few names (a
    rename of such a name waits for the next pass): each string is indexed by its pieces of one to three
    characters, so a name is looked for only in the strings that hold its rarest piece."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._seen: set[str] = set()
        self._pending: list[str] = []
        self._pieces: dict[str, list[int]] = {}

    def add(self, patch: Iterable[Mapping[str, Any]]) -> None:
        """Add the strings ``patch`` writes (indexed only once a name is looked for)."""
        for text in _written(patch):
            if text not in self._seen:
                self._seen.add(text)
                self._pending.append(text)

    def hold_any(self, names: Iterable[str]) -> bool:
        """True when a string added holds one of ``names``."""
        self._index()
        for name in names:
            if not name:
                if self._texts:
                    return True  # the empty name is in every string
                continue
            short = name[:3]
            if len(name) <= 3:
                if short in self._pieces:
                    return True
                continue
            lists = [self._pieces.get(name[i : i + 3]) for i in range(len(name) - 2)]
            if any(found is None for found in lists):
                continue  # a piece of the name no string holds
            rarest = min(lists, key=lambda found: len(found) if found is not None else 0)
            if rarest is not None and any(name in self._texts[i] for i in rarest):
                return True
        return False

    def _index(self) -> None:
        for text in self._pending:
            number = len(self._texts)
            self._texts.append(text)
            pieces = {text[i : i + size] for size in (1, 2, 3) for i in range(len(text) - size + 1)}
            for piece in pieces:
                self._pieces.setdefault(piece, []).append(number)
        self._pending = []


def _index(token: str) -> int | None:
    return int(token) if token.isdigit() and token.isascii() else None


class _Node:
    """One token of a produced pointer: what is written there (``seq`` None: nothing) and below it."""

    __slots__ = ("children", "seq", "written")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.seq: int | None = None
        self.written: _Written | None = None


class _Pointers:
    """Produced pointers → what was written there, as a tree of their tokens: what lies under a
    pointer is found, moved or dropped at the cost of what is there, not of every pointer kept
    (thousands of fixes in one pass). Listed in the order the pointers were first recorded."""

    def __init__(self) -> None:
        self._root = _Node()
        self._count = 0
        self._next = 0

    def __len__(self) -> int:
        return self._count

    def _node(self, pointer: str, create: bool = False) -> _Node | None:
        node = self._root
        for token in pointer.split("/"):
            child = node.children.get(token)
            if child is None:
                if not create:
                    return None
                child = node.children[token] = _Node()
            node = child
        return node

    def __contains__(self, pointer: str) -> bool:
        node = self._node(pointer)
        return node is not None and node.seq is not None

    def get(self, pointer: str) -> _Written | None:
        """What was written at ``pointer`` (None: a renamed key, or nothing)."""
        node = self._node(pointer)
        return node.written if node is not None else None

    def set(self, pointer: str, written: _Written | None, *, seq: int | None = None) -> None:
        """Record ``written`` at ``pointer`` (kept in its place when it was there already)."""
        node = self._node(pointer, create=True)
        assert node is not None
        if node.seq is None:
            self._count += 1
            node.seq = seq if seq is not None else self._take()
        node.written = written

    def setdefault(self, pointer: str, written: _Written | None) -> None:
        """Record ``written`` at ``pointer`` unless something is recorded there."""
        if pointer not in self:
            self.set(pointer, written)

    def _take(self) -> int:
        self._next += 1
        return self._next

    def under(self, base: str, *, strict: bool = False) -> list[tuple[str, _Written | None]]:
        """(pointer, written) at ``base`` (unless ``strict``) and below it, in recorded order."""
        node = self._node(base)
        if node is None:
            return []
        found: list[tuple[int, str, _Written | None]] = []
        stack = [(base, node)]
        while stack:
            pointer, at = stack.pop()
            if at.seq is not None and not (strict and at is node):
                found.append((at.seq, pointer, at.written))
            stack.extend((pointer + "/" + token, child) for token, child in at.children.items())
        found.sort(key=lambda item: item[0])
        return [(pointer, written) for _, pointer, written in found]

    def forget(self, base: str) -> None:
        """Drop ``base`` and everything under it."""
        parent, _, last = base.rpartition("/")
        holder = self._node(parent) if "/" in base else self._root
        if holder is None or last not in holder.children:
            return
        self._count -= sum(1 for at in _walk(holder.children.pop(last)) if at.seq is not None)

    def shift(self, parent: str, start: int, by: int) -> None:
        """The list items under ``parent`` from index ``start`` on move ``by`` places."""
        node = self._node(parent)
        if node is None:
            return
        moved: dict[str, _Node] = {}
        for token, child in node.children.items():
            index = _index(token)
            if index is not None and index >= start:
                moved[str(index + by)] = child
            else:
                moved[token] = child
        node.children = moved


def _walk(node: _Node) -> list[_Node]:
    out, stack = [], [node]
    while stack:
        at = stack.pop()
        out.append(at)
        stack.extend(at.children.values())
    return out


class Produced:
    """The strings and keys fix passes wrote, by pointer in the current text's data."""

    def __init__(self) -> None:
        self.pointers = _Pointers()
        """Produced pointer → the string written there and the part of it a fix wrote (None for a
        key a fix renamed)."""

    def conflict(self, patch: Iterable[Mapping[str, Any]]) -> str | None:
        """The first produced pointer ``patch`` would re-read: an operation that replaces, moves
        or copies over it, or writes a node above it whose new value no longer holds its text at
        the same place. Removing it (or a node above it) writes nothing in its place, so nothing
        re-reads it: a later rule may drop a node an earlier fix rewrote (a literal name left once
        its ``Fn::Sub`` went) — unless the same patch writes that text again elsewhere (in a
        ``Fn::Sub``, under another key), which is a move in two operations."""
        if not self.pointers:
            return None
        patch = list(patch)
        renames = _renames(patch)
        removed = {
            pointer: written.text
            for op in patch
            if op.get("op") == "remove"
            for pointer, written in self.pointers.under(op.get("path", ""))
            if written is not None
        }
        for op in patch:
            kind = op.get("op")
            if kind in ("test", "remove"):
                continue
            written = self.pointers.get(op.get("path", ""))
            value = op.get("value")
            if kind == "replace" and written is not None and isinstance(value, str):
                if any(value == written.text.replace(a, b) for a, b in renames):
                    continue  # a rename following its references: the name changes, not the reading
            path = op.get("path", "")
            if kind in ("add", "replace") and removed:
                texts = _strings(value, set())
                for pointer, text in removed.items():
                    if any(text in item for item in texts):
                        return pointer  # removed here, written again there
            targets = [path, op.get("from", "")] if kind == "move" else [path]
            if kind == "add" and (_index(path.rpartition("/")[2]) is not None or path.endswith("/-")):
                continue  # an item inserted into a list rewrites none of the others
            for target in targets:
                if target in self.pointers:
                    written = self.pointers.get(target)
                    if kind == "replace" and written is not None and isinstance(value, str):
                        start, end = _changed(written.text, value)
                        if end < written.start or start > written.end:
                            continue  # it edits the user's part of the string only
                    return target
            if kind in ("replace", "add", "copy"):
                for pointer, written in self.pointers.under(path, strict=True):
                    if written is not None:
                        found, now = _resolve(value, pointer[len(path) :]) if kind != "copy" else (False, None)
                        if not found or now != written.text:
                            return pointer  # gone, or no longer where it was (wrapped in a function)
        return None

    def record(self, patch: Iterable[Mapping[str, Any]], before: Any, produces: Sequence[bool] | None = None) -> None:
        """Follow the produced pointers through one applied ``patch`` (operations in order) and
        add what it wrote. ``before`` is the data the patch was applied to (for the values it
        replaced and the lengths of the lists it appends to). ``produces`` tells, operation by
        operation, whether what it writes counts as produced (None: all do): the fix loop counts
        only the operations of rules that keep meaning (module docstring)."""
        appended: dict[str, int] = {}
        patch = list(patch)
        if produces is not None and len(produces) != len(patch):
            raise ValueError(f"produces has {len(produces)} flags for {len(patch)} operations")
        if produces is not None and not self.pointers and not any(produces):
            return  # nothing produced to follow, nothing written to add
        renames = _renames(patch)
        for number, op in enumerate(patch):
            kind, path = op.get("op"), op.get("path", "")
            writes = produces is None or produces[number]
            if kind == "test":
                continue
            if kind == "remove":
                self._remove(path, before)
            elif kind == "replace":
                found, old = _resolve(before, path)
                value = op.get("value")
                if found and isinstance(old, str) and isinstance(value, str):
                    if any(value == old.replace(a, b) for a, b in renames):
                        continue  # a reference the rename followed: the user's text, renamed
                    self._edited(path, old, value, writes)
                    continue
                self.pointers.forget(path)
                if not writes:
                    continue
                if found and isinstance(old, str):
                    self._rewrapped(path, value, old)  # `x` → `!Sub x'`: only what changed is the fix's
                else:
                    self._wrote(path, value, _strings(old, set()) if found else set())
            elif kind == "add":
                path = self._append_index(path, before, appended)
                self._insert(path, before)
                if writes:
                    self._wrote(path, op.get("value"), set())
            elif kind in ("move", "copy"):
                source = op.get("from", "")
                carried = [(p[len(source) :], t) for p, t in self.pointers.under(source)]
                if kind == "move":
                    self._remove(source, before)
                path = self._append_index(path, before, appended)
                self._insert(path, before)
                for rest, text in carried:
                    self.pointers.set(path + rest, text)
                if writes and kind == "move" and path.rpartition("/")[0] == source.rpartition("/")[0]:
                    self.pointers.setdefault(path, None)  # a renamed key is text the fix chose

    def _append_index(self, path: str, before: Any, appended: dict[str, int]) -> str:
        parent, _, last = path.rpartition("/")
        if last != "-":
            return path
        found, value = _resolve(before, parent)
        if not found or not isinstance(value, list):
            return path
        index = len(value) + appended.get(parent, 0)
        appended[parent] = appended.get(parent, 0) + 1
        return f"{parent}/{index}"

    def _edited(self, path: str, old: str, new: str, writes: bool = True) -> None:
        """A string replaced by another: the changed middle is produced (when the operation
        ``writes``) with the part produced before, where it is now."""
        if old == new:
            return
        start, end = _changed(old, new)
        written = self.pointers.get(path)
        if written is None and not writes:
            return
        if written is not None:  # the part written before, where it is now, joins the new part
            old_end = end - (len(new) - len(old))

            def moved(offset: int) -> int:
                if offset <= start:
                    return offset
                return offset + len(new) - len(old) if offset >= old_end else end

            if writes:
                start, end = min(start, moved(written.start)), max(end, moved(written.end))
            else:
                start, end = moved(written.start), moved(written.end)
        self.pointers.set(path, _Written(new, start, end))

    def _rewrapped(self, path: str, value: Any, old: str) -> None:
        """A string replaced by a structure holding strings (wrapped in ``Fn::Sub``, a list …):
        in each of them, the part that differs from the old string is produced."""
        if isinstance(value, str):
            if value != old:
                self.pointers.set(path, _Written(value, *_changed(old, value)))
        elif isinstance(value, dict):
            for key, item in value.items():
                self._rewrapped(f"{path}/{escape_token(key)}", item, old)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._rewrapped(f"{path}/{i}", item, old)

    def _wrote(self, path: str, value: Any, old: set[str]) -> None:
        """Record the strings of ``value`` (written at ``path``) that ``old`` did not hold."""
        if isinstance(value, str):
            if value not in old:
                self.pointers.set(path, _Written(value, 0, len(value)))
        elif isinstance(value, dict):
            for key, item in value.items():
                self._wrote(f"{path}/{escape_token(key)}", item, old)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._wrote(f"{path}/{i}", item, old)

    def _is_list(self, parent: str, before: Any) -> bool:
        found, value = _resolve(before, parent)
        return not found or isinstance(value, list)

    def _remove(self, path: str, before: Any) -> None:
        self.pointers.forget(path)
        parent, _, last = path.rpartition("/")
        index = _index(last)
        if index is not None and self._is_list(parent, before):
            self.pointers.shift(parent, index + 1, -1)

    def _insert(self, path: str, before: Any) -> None:
        parent, _, last = path.rpartition("/")
        index = _index(last)
        if index is not None and self._is_list(parent, before):
            self.pointers.shift(parent, index, 1)
        else:
            self.pointers.forget(path)
