"""Test oracle: does a patched text differ from the original only on the lines the patch touches?

Definition (docs/design.md, "Touched lines"): lines are split keeping their endings and
compared with difflib (autojunk off).
- replace / remove / add over an existing key: the lines of the target value node (tag
  included) and of its key; a block collection ends at its deepest last leaf;
- a same-parent ``move`` (rename): the key's own line;
- add into a flow collection or JSON object: the line where the last member ends and the
  line of the closing bracket; remove from one: also the neighbour whose comma goes;
- pure insertions only next to an allowed line (an entry boundary of the parent).
A value rewritten inside a short-form tag (``/…/Ref``, ``/…/Fn::GetAtt/0``) touches the
tagged node's lines. An operation on a collection that becomes empty, or was empty, may
rewrite that collection's lines.
"""

from __future__ import annotations

import difflib
from typing import Any

from cfnfix.document import Document, MappingNode, SequenceNode
from cfnfix.document.pointer import make_pointer, parse_pointer
from cfnfix.document.resolve import walk
from cfnfix.patch.style import _dash_of


def _lines_of(doc: Document, start: int, end: int) -> set[int]:
    a = doc.lines.line_col(start)[0] - 1
    last = end if end > start and doc.text[end - 1] in "\r\n" else max(end - 1, start)
    b = doc.lines.line_col(last)[0] - 1  # a kept block scalar may end in an empty line
    return set(range(a, b + 1))


def _node_and_key_lines(doc: Document, tokens: list[str], *, removing: bool = False) -> set[int]:
    views = walk(doc.root, tokens)
    k = len(views) - 1
    while k > 0 and (views[k].unwrapped or views[k].part is not None):
        k -= 1
    node = views[k].node
    lines = _lines_of(doc, node.start, node.end)
    if k > 0:
        parent = views[k - 1].node
        if isinstance(parent, MappingNode):
            for key, value in parent.items:
                if value is node:
                    lines |= _lines_of(doc, key.start, node.end)
        if isinstance(parent, SequenceNode) and not parent.flow:
            dash = _dash_of(doc.text, node.start)
            if dash is not None:
                lines |= _lines_of(doc, dash, node.end)  # the item's "-" may sit on a line of its own
        if isinstance(parent, (MappingNode, SequenceNode)) and parent.flow:
            lines |= _lines_of(doc, parent.start, parent.end)
        if removing and doc.lines.line_end(node.end) == len(doc.text) and doc.text.rstrip("\r\n") == doc.text:
            first = min(lines)
            lines.add(first - 1)  # the preceding line break goes, so the file still has no final newline
        if removing and isinstance(parent, (MappingNode, SequenceNode)) and len(parent.items) == 1:
            lines |= _node_and_key_lines(doc, tokens[: k - 1])  # the collection becomes empty
    return lines


def _container_lines(doc: Document, tokens: list[str]) -> set[int]:
    """Lines where an entry may be inserted into the container at ``tokens``."""
    views = walk(doc.root, tokens)
    if len(views) != len(tokens) + 1:
        return _node_and_key_lines(doc, tokens)
    view = views[-1]
    node = view.node
    if view.wrapped or view.part is not None or not isinstance(node, (MappingNode, SequenceNode)):
        return _node_and_key_lines(doc, tokens)
    if not node.items:
        return _node_and_key_lines(doc, tokens)
    lines: set[int] = set()
    last = node.items[-1][1] if isinstance(node, MappingNode) else node.items[-1]
    lines |= _lines_of(doc, last.end - 1 if last.end > last.start else last.start, last.end)
    if node.flow:
        lines |= _lines_of(doc, last.start, node.end)
    return lines


def allowed_lines(doc: Document, patch: list[dict[str, Any]]) -> set[int]:
    """0-based original line numbers the patch may change or insert next to."""
    allowed: set[int] = set()
    renames: list[tuple[list[str], list[str]]] = []

    def original(tokens: list[str]) -> list[str]:
        for new, old in reversed(renames):
            if tokens[: len(new)] == new:
                tokens = old + tokens[len(new) :]
        return tokens

    for op in patch:
        kind = op["op"]
        tokens = original(parse_pointer(op["path"]))
        if kind == "test":
            continue
        if kind == "move":
            src = original(parse_pointer(op["from"]))
            views = walk(doc.root, src[:-1])
            parent = views[-1].node
            if (
                src[:-1] == tokens[:-1]
                and len(views) == len(src)
                and not views[-1].wrapped
                and isinstance(parent, MappingNode)
                and len(walk(doc.root, tokens)) != len(tokens) + 1
            ):
                for key, _ in parent.items:
                    if key.value == src[-1]:
                        allowed |= _lines_of(doc, key.start, key.end)
                renames.append((parse_pointer(op["path"]), src))
                continue
            allowed |= _node_and_key_lines(doc, src, removing=True)
            allowed |= _neighbours(doc, src)
            allowed |= _previous_sibling_lines(doc, src)  # may become the container's last entry
            depth = len(src) - 1
            if (
                len(tokens) > depth
                and tokens[:depth] == src[:depth]
                and src[-1].isdigit()
                and tokens[depth].isdigit()
                and int(tokens[depth]) >= int(src[-1])
            ):
                # the target path is read after the removal: back to original indexes
                tokens = tokens[:depth] + [str(int(tokens[depth]) + 1)] + tokens[depth + 1 :]
        if kind == "remove":
            allowed |= _node_and_key_lines(doc, tokens, removing=True)
            allowed |= _neighbours(doc, tokens)
            continue
        views = walk(doc.root, tokens)
        exists = len(views) == len(tokens) + 1
        if kind == "replace" or (kind == "add" and exists and tokens and not _is_seq(doc, tokens[:-1])):
            allowed |= _node_and_key_lines(doc, tokens)
        elif kind in ("add", "copy", "move"):
            if not tokens:
                allowed |= _lines_of(doc, doc.root.start, doc.root.end)
                continue
            allowed |= _container_lines(doc, tokens[:-1])
            if (
                len(tokens) == 1
                and not exists
                and isinstance(doc.root, MappingNode)
                and (not doc.root.flow or doc.format == "json")
            ):
                # a new top-level section goes in template section order: before any
                # top-level key (and the comments right above it)
                for key, _ in doc.root.items:
                    line = doc.lines.line_col(key.start)[0] - 1
                    allowed |= {line}
                    while line > 0 and doc.text.splitlines()[line - 1].strip().startswith("#"):
                        line -= 1
                        allowed |= {line}
            if exists:  # insert before an existing item
                allowed |= _node_and_key_lines(doc, tokens)
    return allowed


def _previous_sibling_lines(doc: Document, tokens: list[str]) -> set[int]:
    views = walk(doc.root, tokens[:-1])
    if len(views) != len(tokens) or views[-1].wrapped:
        return set()
    parent = views[-1].node
    if isinstance(parent, MappingNode):
        names = [k.value for k, _ in parent.items]
        if tokens[-1] in names and names.index(tokens[-1]) > 0:
            key, value = parent.items[names.index(tokens[-1]) - 1]
            return _lines_of(doc, key.start, value.end)
    if isinstance(parent, SequenceNode) and tokens[-1].isdigit() and 0 < int(tokens[-1]) < len(parent.items) + 1:
        item = parent.items[int(tokens[-1]) - 1]
        return _lines_of(doc, item.start, item.end)
    return set()


def _is_seq(doc: Document, tokens: list[str]) -> bool:
    views = walk(doc.root, tokens)
    return len(views) == len(tokens) + 1 and isinstance(views[-1].node, SequenceNode) and not views[-1].wrapped


def _neighbours(doc: Document, tokens: list[str]) -> set[int]:
    views = walk(doc.root, tokens[:-1])
    if len(views) != len(tokens):
        return set()
    parent = views[-1].node
    if not isinstance(parent, (MappingNode, SequenceNode)) or not parent.flow:
        return set()
    lines: set[int] = set()
    members = [v for _, v in parent.items] if isinstance(parent, MappingNode) else list(parent.items)
    for m in members:
        lines |= _lines_of(doc, m.start, m.end)
    return lines | _lines_of(doc, parent.start, parent.end)


def untouched_violations(doc: Document, new_text: str, patch: list[dict[str, Any]]) -> list[str]:
    """Descriptions of every changed line outside the allowed set (empty when confined)."""
    problems = []
    if doc.text.startswith("\ufeff") != new_text.startswith("\ufeff"):
        problems.append("byte order mark added or lost")
    old = doc.text.lstrip("\ufeff").splitlines(keepends=True)
    new = new_text.lstrip("\ufeff").splitlines(keepends=True)
    allowed = allowed_lines(doc, patch)
    if _blocks_kept(old, new, allowed):
        return problems
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:
            if not any((i - 1) in allowed or i in allowed for i in _slides(old, i1, i2)):
                problems.append(f"insertion at line {i1 + 1} not next to a touched node: {new[j1:j2]!r}")
            continue
        if tag == "delete" and any(all(k in allowed for k in range(a, a + i2 - i1)) for a in _slides(old, i1, i2)):
            continue  # a run of identical lines: difflib may have picked another copy
        bad = [i for i in range(i1, i2) if i not in allowed]
        if bad:
            problems.append(f"line {bad[0] + 1} changed outside the touched nodes: {old[bad[0]]!r} -> {new[j1:j2]!r}")
    return problems


def _blocks_kept(old: list[str], new: list[str], allowed: set[int]) -> bool:
    """True when the runs of untouched lines appear in ``new`` in order, whole, and with
    nothing between two of them unless touched lines separated them in ``old``.

    Equivalent to the difflib rules above, but immune to difflib pairing identical lines
    from different places.
    """
    runs: list[tuple[int, list[str]]] = []
    i = 0
    while i < len(old):
        if i in allowed:
            i += 1
            continue
        j = i
        while j < len(old) and j not in allowed:
            j += 1
        runs.append((i, old[i:j]))
        i = j
    pos = 0
    for start, run in runs:
        if start == 0:
            if new[: len(run)] != run:
                return False
            pos = len(run)
            continue
        if start + len(run) == len(old):  # the last lines were untouched: they end the text
            k = len(new) - len(run)
            return k >= pos and new[k:] == run
        k = pos
        while k + len(run) <= len(new) and new[k : k + len(run)] != run:
            k += 1
        if k + len(run) > len(new):
            return False
        pos = k + len(run)
    return True


def _slides(old: list[str], i1: int, i2: int) -> list[int]:
    """Start positions an insertion/deletion at [i1, i2) can slide to across identical lines."""
    starts = [i1]
    a, b = i1, i2
    while a > 0 and b > a and old[a - 1] == old[b - 1]:
        a, b = a - 1, b - 1
        starts.append(a)
    a, b = i1, i2
    while b < len(old) and b > a and old[a] == old[b]:
        a, b = a + 1, b + 1
        starts.append(a)
    return starts


def pointer(*tokens: str) -> str:
    """JSON Pointer from tokens."""
    return make_pointer(list(tokens))
