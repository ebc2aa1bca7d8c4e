"""Text that earlier fix passes wrote, followed through later patches, so no later pass re-reads it.

The fix loop runs passes until nothing more applies; each pass checks the text the previous
one wrote. A rule then reads a fix's output as if the user had written it, and may read it
differently from the fix that wrote it: ``!Sub "Hello ${!Queue}"`` (the text ``Hello
${Queue}``) became the plain string ``Hello ${Queue}`` (CFX807), which the next pass read as
a lost ``Fn::Sub`` and wrapped again — now the queue's URL (issue 22). :class:`Produced`
records the strings and keys each applied patch wrote (a string the patch's new value holds
that the replaced value did not: moved or wrapped text is the user's, not produced), follows
them through later operations (list items shift, renamed keys carry what is under them,
removed nodes forget it), and :meth:`Produced.conflict` names the first one a later patch
would replace or move: the fix loop leaves that fix out (its finding remains).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..document.pointer import escape_token, parse_pointer

__all__ = ["Produced", "mentions", "renamed"]


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


def mentions(patch: Iterable[Mapping[str, Any]], names: set[str]) -> bool:
    """True when a value ``patch`` writes holds one of ``names`` (in any string): applied in the
    same pass as the rename of that name, it would write the old name (the fix loop waits)."""
    if not names:
        return False
    found: set[str] = set()
    for op in patch:
        if op.get("op") in ("add", "replace", "test"):
            _strings(op.get("value"), found)
    return any(name in text for text in found for name in names)


def _under(pointer: str, base: str) -> bool:
    return pointer == base or pointer.startswith(base + "/")


def _index(token: str) -> int | None:
    return int(token) if token.isdigit() and token.isascii() else None


class Produced:
    """The strings and keys fix passes wrote, by pointer in the current text's data."""

    def __init__(self) -> None:
        self.pointers: dict[str, _Written | None] = {}
        """Produced pointer → the string written there and the part of it a fix wrote (None for a
        key a fix renamed)."""

    def conflict(self, patch: Iterable[Mapping[str, Any]]) -> str | None:
        """The first produced pointer ``patch`` would re-read: an operation that replaces or moves
        it, or replaces a node above it with a value that no longer holds its text. Removing it
        (or a node above it) writes nothing in its place, so nothing re-reads it: a later rule
        may drop a node an earlier fix rewrote (a literal name left once its ``Fn::Sub`` went)."""
        if not self.pointers:
            return None
        patch = list(patch)
        renames = _renames(patch)
        for op in patch:
            kind = op.get("op")
            if kind in ("test", "copy", "remove"):
                continue
            written = self.pointers.get(op.get("path", ""))
            value = op.get("value")
            if kind == "replace" and written is not None and isinstance(value, str):
                if any(value == written.text.replace(a, b) for a, b in renames):
                    continue  # a rename following its references: the name changes, not the reading
            path = op.get("path", "")
            targets = [path, op.get("from", "")] if kind == "move" else [path]
            if kind == "add" and (_index(path.rpartition("/")[2]) is not None or path.endswith("/-")):
                continue  # an item inserted into a list rewrites none of the others
            for target in targets:
                if target in self.pointers:
                    written = self.pointers[target]
                    if kind == "replace" and written is not None and isinstance(value, str):
                        start, end = _changed(written.text, value)
                        if end < written.start or start > written.end:
                            continue  # it edits the user's part of the string only
                    return target
            if kind in ("replace", "add"):
                kept = _strings(op.get("value"), set())
                for pointer, written in self.pointers.items():
                    if pointer.startswith(path + "/") and written is not None and written.text not in kept:
                        return pointer
        return None

    def record(self, patch: Iterable[Mapping[str, Any]], before: Any) -> None:
        """Follow the produced pointers through one applied ``patch`` (operations in order) and
        add what it wrote. ``before`` is the data the patch was applied to (for the values it
        replaced and the lengths of the lists it appends to)."""
        appended: dict[str, int] = {}
        patch = list(patch)
        renames = _renames(patch)
        for op in patch:
            kind, path = op.get("op"), op.get("path", "")
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
                    self._edited(path, old, value)
                    continue
                self._forget(path)
                if found and isinstance(old, str):
                    self._rewrapped(path, value, old)  # `x` → `!Sub x'`: only what changed is the fix's
                else:
                    self._wrote(path, value, _strings(old, set()) if found else set())
            elif kind == "add":
                path = self._append_index(path, before, appended)
                self._insert(path, before)
                self._wrote(path, op.get("value"), set())
            elif kind in ("move", "copy"):
                source = op.get("from", "")
                carried = {p[len(source) :]: t for p, t in self.pointers.items() if _under(p, source)}
                if kind == "move":
                    self._remove(source, before)
                path = self._append_index(path, before, appended)
                self._insert(path, before)
                self.pointers.update({path + rest: text for rest, text in carried.items()})
                if kind == "move" and path.rpartition("/")[0] == source.rpartition("/")[0]:
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

    def _edited(self, path: str, old: str, new: str) -> None:
        """A string replaced by another: the changed middle is produced (with what was before)."""
        if old == new:
            return
        start, end = _changed(old, new)
        written = self.pointers.get(path)
        if written is not None:  # the part written before, where it is now, joins the new part
            old_end = end - (len(new) - len(old))

            def moved(offset: int) -> int:
                if offset <= start:
                    return offset
                return offset + len(new) - len(old) if offset >= old_end else end

            start, end = min(start, moved(written.start)), max(end, moved(written.end))
        self.pointers[path] = _Written(new, start, end)

    def _rewrapped(self, path: str, value: Any, old: str) -> None:
        """A string replaced by a structure holding strings (wrapped in ``Fn::Sub``, a list …):
        in each of them, the part that differs from the old string is produced."""
        if isinstance(value, str):
            if value != old:
                self.pointers[path] = _Written(value, *_changed(old, value))
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
                self.pointers[path] = _Written(value, 0, len(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                self._wrote(f"{path}/{escape_token(key)}", item, old)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._wrote(f"{path}/{i}", item, old)

    def _is_list(self, parent: str, before: Any) -> bool:
        found, value = _resolve(before, parent)
        return not found or isinstance(value, list)

    def _shift(self, parent: str, start: int, by: int) -> None:
        prefix = parent + "/"
        moved: dict[str, _Written | None] = {}
        for pointer, text in self.pointers.items():
            if pointer.startswith(prefix):
                token, sep, rest = pointer[len(prefix) :].partition("/")
                index = _index(token)
                if index is not None and index >= start:
                    moved[f"{prefix}{index + by}{sep}{rest}"] = text
                    continue
            moved[pointer] = text
        self.pointers = moved

    def _forget(self, path: str) -> None:
        self.pointers = {p: w for p, w in self.pointers.items() if not _under(p, path)}

    def _remove(self, path: str, before: Any) -> None:
        self._forget(path)
        parent, _, last = path.rpartition("/")
        index = _index(last)
        if index is not None and self._is_list(parent, before):
            self._shift(parent, index + 1, -1)

    def _insert(self, path: str, before: Any) -> None:
        parent, _, last = path.rpartition("/")
        index = _index(last)
        if index is not None and self._is_list(parent, before):
            self._shift(parent, index, 1)
        else:
            self._forget(path)
