"""Re-parse only the edited entry of a template: a keystroke in one resource costs that resource.

A full parse of a 1 MB YAML template with positions takes about 0.3 s (JSON: 0.2 s), most of a change's
time in the editor. Most changes stay inside one entry of a top-level section (a resource,
a parameter, an output): :func:`reparse` then parses only that entry's text, under a
section key so that the parser is in the state it is in within the whole text, and builds the new parse from the old one: every other entry's data and nodes are
the old objects (data unchanged, so checks keyed by identity are reused), nodes after the
edit copied with their offsets moved by the change in length.

When is that the same as a full parse? For YAML, :mod:`cfnfix.document.entry` holds the
argument and the code (where an entry's text lies, its parse alone, the splice), shared with
the patch engine's local verification; here the edit must also stay inside one entry, leave
it one entry (a new line at the section's indentation or less makes a second entry or a
second section: refused), not rename it onto another entry's key (a duplicate), and the
text must start without a byte order mark. JSON is :func:`_reparse_json`. Whenever the entry
does not parse, or anything is not as required, :func:`reparse` returns None and the caller
parses the whole text (which reports the error with its position).
``tests/test_server_reparse.py`` checks the result against a full parse over many random
edits of real templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..document import Parsed, parse_text
from ..document.entry import block_mapping, entry_region, moved, parse_region, splice_entry
from ..document.gcpause import gc_paused
from ..document.nodes import MappingNode, Node, ScalarNode
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


def reparse(old: str, parsed: Parsed, new: str, file: str | None = None) -> Parsed | None:
    """The parse of ``new`` (with nodes) made from ``parsed`` (the parse of ``old``, with
    nodes) by parsing only the entry the edit is in; None when that cannot be done exactly."""
    fmt, root, data = parsed
    if fmt == "json":
        return _reparse_json(old, parsed, new, file)
    if fmt != "yaml" or root is None or parsed.expansions or not block_mapping(root) or not isinstance(data, dict):
        return None
    if old.startswith("\ufeff") or new.startswith("\ufeff") or "\r" in new:
        return None
    found = _edited_entry(
        old, new, root, lambda k, v: block_mapping(v) and bool(_SECTION_KEY.match(k.value)) and k.style == ""
    )
    if found is None:
        return None
    start, old_end, delta, items, top, entries, index = found
    region = entry_region(old, items, top, index)
    if region is None or start < region.start or old_end > region.end:
        return None  # the edit reaches past the entry
    body = new[region.start : region.end + delta]
    # the next key's indentation too: a node's properties (an empty `!Base64` at a line's
    # end) reach over the line break into the next line's blanks (nodes.value_start)
    fresh = parse_region(
        region, body, file, last=region.end == len(old), nodes=True, after=old[region.end : region.following]
    )
    if fresh is None or fresh.node is None or len(fresh.node.items) != 1:
        return None
    move = fresh.move
    new_key, new_value = fresh.node.items[0]
    if new_key.start + move != region.start + region.indent:
        return None  # the key moved to another column: not an entry of this mapping any more
    ((new_name, new_body),) = fresh.data.items()
    section_key = items[top][0]
    old_section_data = data.get(section_key.value)
    if not isinstance(old_section_data, dict) or len(old_section_data) != len(entries):
        return None
    names = list(old_section_data)
    if new_name != names[index] and new_name in old_section_data:
        return None  # renamed onto another entry: a duplicate key, which the full parse refuses
    with gc_paused():  # as parse_text: many acyclic objects, no cyclic garbage
        return splice_entry(
            parsed,
            top,
            index,
            names,
            new_name,
            new_body,
            moved(new_key, move),
            moved(new_value, move),
            fresh.node,
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
    assert isinstance(root, MappingNode)
    items = root.items
    top = _entry_at(items, start)
    if top is None:
        return None
    section_key, section = items[top]
    if not section_ok(section_key, section) or not isinstance(section, MappingNode):
        return None
    entries = section.items
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
    fsection = froot.items[0][1]
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
            parsed, top, index, names, new_name, new_body, moved(new_key, move), moved(new_value, move), delta
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
    section_key, section = root.items[top]
    old_section = data[section_key.value]
    new_section = {
        (new_name if i == index else name): (new_body if i == index else old_section[name])
        for i, name in enumerate(names)
    }
    new_data = {k: (new_section if k == section_key.value else v) for k, v in data.items()}
    entries = section.items
    tail = [(moved(k, delta), moved(v, delta)) for k, v in entries[index + 1 :]] if delta else entries[index + 1 :]
    section_node = MappingNode(
        section.start,
        section.value_start,
        section.end + delta,
        [*entries[:index], (new_key, new_value), *tail],
        True,
        None,
        section.close + delta,
    )
    later = [(moved(k, delta), moved(v, delta)) for k, v in root.items[top + 1 :]] if delta else root.items[top + 1 :]
    new_root = MappingNode(
        root.start,
        root.value_start,
        root.end + delta,
        [*root.items[:top], (section_key, section_node), *later],
        True,
        None,
        root.close + delta,
    )
    return Parsed(fmt, new_root, new_data, ())
