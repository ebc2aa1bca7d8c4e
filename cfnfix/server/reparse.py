"""Re-parse only the edited entry of a template: a keystroke in one resource costs that resource.

A full parse of a 1 MB YAML template with positions takes about 0.3 s (JSON: 0.2 s), most of a change's
time in the editor. Most changes stay inside one entry of a top-level section (a resource,
a parameter, an output): :func:`reparse` then parses only that entry's text, with the
section's key before it so that the parser is in the state it is in within the whole
text, and builds the new parse from the old one: every other entry's data and nodes are
the old objects (data unchanged, so checks keyed by identity are reused), nodes after the
edit copied with their offsets moved by the change in length.

When is that the same as a full parse (YAML; JSON: :func:`_reparse_json`)? An entry's text is taken from the start of its key's
line to the next key of the same mapping or of the top level (or the end of the text); the
blanks before that key belong to the next line, but a node's properties may reach over a
line break into them (an empty ``!Base64`` at the end of a line: its ``value_start``). A block-style YAML parser reads that text the same way whatever
comes before it (the same indentation stack: a block mapping at the entry's indentation,
inside the top-level one) and whatever comes after it (a line indented no deeper than the
entry ends it, as the end of the text does). The edit must leave the entry one entry of
that mapping with its key at the same column (a new line at that indentation or less
makes a second entry or a second section: refused), must not rename it onto another entry's
key (a duplicate), and nothing may use YAML anchors, aliases or merge keys (they reach
across entries), the text must start without a byte order mark, and the section must be
a plain block mapping. Whenever the entry does not parse, or anything is not as required,
:func:`reparse` returns None and the caller parses the whole text (which reports the error
with its position). ``tests/test_server_reparse.py`` checks the result against a full parse
over many random edits of real templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..document import Parsed, parse_text
from ..document.gcpause import gc_paused
from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..errors import CfnfixError

__all__ = ["edit_region", "reparse"]

_SECTION_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


def edit_region(old: str, new: str) -> tuple[int, int, int]:
    """(start, old end, new end): ``new`` is ``old`` with ``old[start:old end]`` replaced by
    ``new[start:new end]`` (the common head and tail of the two texts are left out)."""
    limit = min(len(old), len(new))
    head = 0
    step = 4096
    while head < limit:  # common prefix, block by block, then character by character
        n = min(step, limit - head)
        if old[head : head + n] == new[head : head + n]:
            head += n
        elif n > 1:
            step = max(1, n // 2)
        else:
            break
    tail = 0
    limit -= head
    step = 4096
    while tail < limit:
        n = min(step, limit - tail)
        if old[len(old) - tail - n : len(old) - tail] == new[len(new) - tail - n : len(new) - tail]:
            tail += n
        elif n > 1:
            step = max(1, n // 2)
        else:
            break
    return head, len(old) - tail, len(new) - tail


def _moved(node: Any, d: int) -> Any:
    """A copy of ``node`` (and everything under it) with every offset moved by ``d``."""
    cls = type(node)
    if cls is ScalarNode:
        return ScalarNode(
            node.start + d, node.value_start + d, node.end + d, node.value, node.style, node.tag, node.data
        )
    close = node.close + d if node.close >= 0 else -1
    if cls is MappingNode:
        return MappingNode(
            node.start + d,
            node.value_start + d,
            node.end + d,
            [(_moved(k, d), _moved(v, d)) for k, v in node.items],
            node.flow,
            node.tag,
            close,
        )
    return SequenceNode(
        node.start + d,
        node.value_start + d,
        node.end + d,
        [_moved(v, d) for v in node.items],
        node.flow,
        node.tag,
        close,
    )


def _block_mapping(node: Node) -> bool:
    return type(node) is MappingNode and not node.flow and node.tag is None  # type: ignore[union-attr]


def reparse(old: str, parsed: Parsed, new: str, file: str | None = None) -> Parsed | None:
    """The parse of ``new`` (with nodes) made from ``parsed`` (the parse of ``old``, with
    nodes) by parsing only the entry the edit is in; None when that cannot be done exactly."""
    fmt, root, data = parsed
    if fmt == "json":
        return _reparse_json(old, parsed, new, file)
    if fmt != "yaml" or root is None or parsed.expansions or not _block_mapping(root) or not isinstance(data, dict):
        return None
    if old.startswith("\ufeff") or new.startswith("\ufeff") or "\r" in new:
        return None
    found = _edited_entry(
        old, new, root, lambda k, v: _block_mapping(v) and bool(_SECTION_KEY.match(k.value)) and k.style == ""
    )
    if found is None:
        return None
    start, old_end, delta, items, top, entries, index = found
    section_key = items[top][0]
    key = entries[index][0]
    region_start = old.rfind("\n", 0, key.start) + 1
    indent = key.start - region_start
    if indent == 0 or old[region_start : key.start].strip(" ") or start < region_start:
        return None
    # the region ends where the next entry's line (or the next top-level entry's) starts
    if index + 1 < len(entries):
        following = entries[index + 1][0].start
    elif top + 1 < len(items):
        following = items[top + 1][0].start
    else:
        following = len(old)
    region_end = old.rfind("\n", 0, following) + 1 if following < len(old) else len(old)
    if region_end <= region_start or old_end > region_end:
        return None  # the edit reaches past the entry
    if old[region_end:following].strip(" "):
        return None  # the next key does not start its line
    body = new[region_start : region_end + delta]
    if region_end < len(old) and not body.endswith("\n"):
        return None  # the line break before the next key was deleted: the next key joins the entry's line
    prefix = f"{section_key.value}:\n"
    # the next key's indentation too: a node's properties (an empty `!Base64` at a line's
    # end) reach over the line break into the next line's blanks (nodes.value_start)
    fragment = prefix + body + old[region_end:following]
    try:
        _, froot, fdata = small = parse_text(fragment, file, "yaml", nodes=True)
    except (CfnfixError, RecursionError):
        return None
    if small.expansions or not isinstance(fdata, dict) or list(fdata) != [section_key.value]:
        return None
    fsection = froot.items[0][1]  # type: ignore[union-attr]
    if not _block_mapping(fsection) or len(fsection.items) != 1 or not isinstance(fdata[section_key.value], dict):
        return None
    move = region_start - len(prefix)
    new_key, new_value = fsection.items[0]
    if new_key.start + move != region_start + indent:
        return None  # the key moved to another column: not an entry of this mapping any more
    ((new_name, new_body),) = fdata[section_key.value].items()
    old_section_data = data.get(section_key.value)
    if not isinstance(old_section_data, dict) or len(old_section_data) != len(entries):
        return None
    names = list(old_section_data)
    if new_name != names[index] and new_name in old_section_data:
        return None  # renamed onto another entry: a duplicate key, which the full parse refuses
    with gc_paused():  # as parse_text: many acyclic objects, no cyclic garbage
        return _spliced(
            parsed,
            top,
            index,
            names,
            new_name,
            new_body,
            _moved(new_key, move),
            _moved(new_value, move),
            fsection,
            move,
            delta,
        )


def _entry_at(items: list[tuple[ScalarNode, Node]], offset: int) -> int | None:
    """Index of the entry whose text (from its key to the next key) holds ``offset``."""
    lo, hi = 0, len(items)
    while lo < hi:  # the last key starting at or before offset
        mid = (lo + hi) // 2
        if items[mid][0].start <= offset:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1 if lo > 0 else None


def _spliced(
    parsed: Parsed,
    top: int,
    index: int,
    names: list[Any],
    new_name: Any,
    new_body: Any,
    new_key: ScalarNode,
    new_value: Node,
    fsection: MappingNode,
    move: int,
    delta: int,
) -> Parsed:
    fmt, root, data = parsed
    section_key, section = root.items[top]  # type: ignore[union-attr]
    # data: the same objects but for the edited entry (and the two dicts that hold it)
    old_section = data[section_key.value]
    new_section = {}
    for i, name in enumerate(names):
        if i == index:
            new_section[new_name] = new_body
        else:
            new_section[name] = old_section[name]
    new_data = {k: (new_section if k == section_key.value else v) for k, v in data.items()}
    # nodes: before the edit the same, the entry from the fragment, after it moved by delta
    entries = section.items
    tail = [(_moved(k, delta), _moved(v, delta)) for k, v in entries[index + 1 :]] if delta else entries[index + 1 :]
    section_items = [*entries[:index], (new_key, new_value), *tail]
    first = fsection if index == 0 else section  # the mapping starts at its first key
    start = first.start + move if index == 0 else section.start
    value_start = first.value_start + move if index == 0 else section.value_start
    end = section_items[-1][1].end if index == len(entries) - 1 else section.end + delta
    new_section_node = MappingNode(start, value_start, end, section_items, False, None, -1)
    later = [(_moved(k, delta), _moved(v, delta)) for k, v in root.items[top + 1 :]] if delta else root.items[top + 1 :]  # type: ignore[union-attr]
    root_items = [*root.items[:top], (section_key, new_section_node), *later]  # type: ignore[union-attr]
    root_end = new_section_node.end if top == len(root.items) - 1 else root.end + delta  # type: ignore[union-attr]
    new_root = MappingNode(root.start, root.value_start, root_end, root_items, False, None, -1)  # type: ignore[union-attr]
    return Parsed(fmt, new_root, new_data, ())


def _object(node: Any) -> bool:
    return type(node) is MappingNode and node.flow and node.tag is None and node.close >= 0


def _edited_entry(
    old: str, new: str, root: Node, section_ok: Callable[[ScalarNode, Node], bool]
) -> tuple[int, int, int, list[Any], int, list[Any], int] | None:
    """Where the edit from ``old`` to ``new`` lies: (edit start, its end in ``old``, the change
    in length, the root's entries, the index of the top-level entry whose value holds it, that
    section's entries, the index of the entry holding it); None when the edit is not inside an
    entry of a section that ``section_ok(key, value)`` accepts."""
    start, old_end, new_end = edit_region(old, new)
    items = root.items  # type: ignore[union-attr]
    top = _entry_at(items, start)
    if top is None:
        return None
    section_key, section = items[top]
    if not section_ok(section_key, section):
        return None
    entries = section.items  # type: ignore[union-attr]
    index = _entry_at(entries, start)
    if index is None:
        return None
    return start, old_end, new_end - old_end, items, top, entries, index


def _reparse_json(old: str, parsed: Parsed, new: str, file: str | None) -> Parsed | None:
    """:func:`reparse` for JSON: the edited entry is ``"key": value`` of a top-level object's
    object, from its key's opening quote to the end of its value; it is parsed as
    ``{"Section": {ENTRY}}``. JSON's brackets and quotes make the entry read the same in the
    fragment as in the whole text (what follows it, white space, ``,`` or ``}``, ends a
    number or a word in both), so the checks are that the fragment parses, holds exactly
    one entry, and its key is not another entry's."""
    _, root, data = parsed
    if (
        root is None
        or not _object(root)
        or not isinstance(data, dict)
        or old.startswith("\ufeff")
        or new.startswith("\ufeff")
    ):
        return None
    found = _edited_entry(old, new, root, lambda k, v: _object(v) and isinstance(data.get(k.value), dict))
    if found is None:
        return None
    start, old_end, delta, items, top, entries, index = found
    section_key = items[top][0]
    key, value = entries[index]
    if start < key.start or old_end > value.end:
        return None  # the edit reaches past the entry
    import json

    prefix = "{" + json.dumps(section_key.value) + ":{"
    fragment = prefix + new[key.start : value.end + delta] + "}}"
    try:
        _, froot, fdata = parse_text(fragment, file, "json", nodes=True)
    except (CfnfixError, RecursionError):
        return None
    fsection = froot.items[0][1]  # type: ignore[union-attr]
    if list(fdata) != [section_key.value] or not _object(fsection) or len(fsection.items) != 1:
        return None
    ((new_name, new_body),) = fdata[section_key.value].items()
    old_section_data = data[section_key.value]
    if len(old_section_data) != len(entries):
        return None
    names = list(old_section_data)
    if new_name != names[index] and new_name in old_section_data:
        return None  # a duplicate key, which the full parse refuses
    move = key.start - len(prefix)
    new_key, new_value = fsection.items[0]
    with gc_paused():
        return _spliced_json(
            parsed, top, index, names, new_name, new_body, _moved(new_key, move), _moved(new_value, move), delta
        )


def _spliced_json(
    parsed: Parsed,
    top: int,
    index: int,
    names: list[Any],
    new_name: Any,
    new_body: Any,
    new_key: ScalarNode,
    new_value: Node,
    delta: int,
) -> Parsed:
    fmt, root, data = parsed
    section_key, section = root.items[top]  # type: ignore[union-attr]
    old_section = data[section_key.value]
    new_section = {
        (new_name if i == index else name): (new_body if i == index else old_section[name])
        for i, name in enumerate(names)
    }
    new_data = {k: (new_section if k == section_key.value else v) for k, v in data.items()}
    entries = section.items
    tail = [(_moved(k, delta), _moved(v, delta)) for k, v in entries[index + 1 :]] if delta else entries[index + 1 :]
    section_node = MappingNode(
        section.start,
        section.value_start,
        section.end + delta,
        [*entries[:index], (new_key, new_value), *tail],
        True,
        None,
        section.close + delta,
    )
    later = [(_moved(k, delta), _moved(v, delta)) for k, v in root.items[top + 1 :]] if delta else root.items[top + 1 :]  # type: ignore[union-attr]
    new_root = MappingNode(
        root.start,
        root.value_start,
        root.end + delta,
        [*root.items[:top], (section_key, section_node), *later],
        True,
        None,
        root.close + delta,  # type: ignore[union-attr]
    )
    return Parsed(fmt, new_root, new_data, ())
