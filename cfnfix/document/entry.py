"""Re-parsing one entry of a top-level section alone: where its text lies, its parse, the splice.

The patch engine's local verification (:mod:`cfnfix.patch.local_verify`) and the language
server's incremental re-parse (:mod:`cfnfix.server.reparse`) both read an edited entry of a
block-style YAML template (``/Resources/X``, ``/Outputs/Y`` …) without parsing the rest,
and build the whole template's parse from the old one. That gives exactly what a full
parse gives because (``docs/design.md``, "Local verification"):

* an entry's text (its :class:`EntryRegion`) runs from the start of its key's line to the
  start of the line of the next key of its section or of the top level (or the end of the
  text), and every key involved starts its line at the section's indentation ``k > 0``;
* the new text of a region is read as the whole text would read it when it still starts
  with a key at column ``k`` and ends with a line break (unless nothing follows it): a block
  parser is then in the same state before it (inside the section's mapping) and after it
  (a line indented no deeper than ``k`` ends it, as the end of the text does); a flow
  collection or quote left open, or a line that dedents below ``k``, fails its parse;
* anchors, aliases and merge keys reach across entries: a region that has any is refused.

:func:`parse_region` parses a region's new text under a placeholder section key;
:func:`splice_entry` (one entry, nodes and data) and :func:`splice_data` (several
entries, data only) put the result in place of the old entries, sharing every other
object with the old parse (checks keyed by identity are kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import CfnfixError
from . import Parsed, parse_text
from .nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "EntryRegion",
    "ParsedRegion",
    "block_entries",
    "block_mapping",
    "entry_region",
    "moved",
    "parse_region",
    "splice_data",
    "splice_entry",
]

#: Characters that cannot start a plain mapping key at the start of a region.
_NOT_A_KEY_START = frozenset(" \t\r\n#-?:[]{},&*!|>%@`")
#: The section key a region is parsed under (any plain key would do: only its value is read).
_PREFIX = "_:\n"


@dataclass(frozen=True, slots=True)
class EntryRegion:
    """The text of one entry of a top-level block mapping section."""

    section: Any
    """The section's key (``Resources``)."""
    key: Any
    """The entry's key (the logical ID)."""
    start: int
    """Start of the key's line."""
    end: int
    """Start of the line of the next key of the section or of the top level (or the end of the text)."""
    indent: int
    """The key's column (the section's indentation), at least 1."""
    following: int
    """Offset of that next key (``end`` plus its indentation), or the end of the text."""


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def block_mapping(node: Node | None) -> bool:
    """True for a block-style mapping without a tag."""
    return type(node) is MappingNode and not node.flow and node.tag is None


def entry_region(text: str, items: list[tuple[ScalarNode, Node]], top: int, index: int) -> EntryRegion | None:
    """The region of entry ``index`` of the section ``items[top]`` (``items``: the root's entries);
    None when its key or the next key does not start its line."""
    section_key, section = items[top]
    assert isinstance(section, MappingNode)
    entries = section.items
    key = entries[index][0]
    start = _line_start(text, key.start)
    indent = key.start - start
    if indent <= 0 or text[start : key.start].strip(" "):
        return None
    if index + 1 < len(entries):
        following = entries[index + 1][0].start
    elif top + 1 < len(items):
        following = items[top + 1][0].start
    else:
        following = len(text)
    end = _line_start(text, following) if following < len(text) else len(text)
    if end <= start or text[end:following].strip(" "):
        return None
    return EntryRegion(section_key.value, key.value, start, end, indent, following)


def block_entries(text: str, root: MappingNode) -> list[EntryRegion] | None:
    """The region of every entry of every non-empty block-mapping section, in text order;
    None when one of them does not lie as :func:`entry_region` requires."""
    out: list[EntryRegion] = []
    items = root.items
    for top, (_, section) in enumerate(items):
        if not block_mapping(section) or not section.items:  # type: ignore[union-attr]
            continue
        for index in range(len(section.items)):  # type: ignore[union-attr]
            region = entry_region(text, items, top, index)
            if region is None:
                return None
            out.append(region)
    return out


@dataclass(frozen=True, slots=True)
class ParsedRegion:
    """The parse of a region's new text: its entries' data (in text order) and, when asked
    for, their mapping node, whose offsets plus ``move`` are offsets in the new text."""

    data: dict[str, Any]
    node: MappingNode | None
    move: int


def parse_region(
    region: EntryRegion, body: str, file: str | None, *, last: bool, nodes: bool, after: str = ""
) -> ParsedRegion | None:
    """The entries ``body`` (the new text of ``region``) holds, read as the whole new text
    reads them; None when that cannot be shown (the caller then parses the whole text).

    ``last``: nothing follows the region (it may end without a line break); ``after``: the
    text between the region's end and the next key (its indentation), parsed along so that a
    node's properties reaching into it (an empty ``!Base64`` at a line's end) are the full parse's.
    """
    if not last and body and not body.endswith("\n"):
        return None  # the next key would join the region's last line
    indent = region.indent
    if body[:indent] != " " * indent or body[indent : indent + 1] in _NOT_A_KEY_START:
        return None  # not a key at the section's column: not entries of the same mapping
    try:
        parsed = parse_text(_PREFIX + body + after, file, "yaml", nodes=nodes)
    except (CfnfixError, RecursionError):
        return None
    _, froot, fdata = parsed
    if parsed.expansions or not isinstance(fdata, dict) or list(fdata) != ["_"] or not isinstance(fdata["_"], dict):
        return None
    node = None
    if nodes:
        node = froot.items[0][1]
        if not block_mapping(node):
            return None
    return ParsedRegion(fdata["_"], node, region.start - len(_PREFIX))


def moved(node: Any, d: int) -> Any:
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
            [(moved(k, d), moved(v, d)) for k, v in node.items],
            node.flow,
            node.tag,
            close,
        )
    return SequenceNode(
        node.start + d,
        node.value_start + d,
        node.end + d,
        [moved(v, d) for v in node.items],
        node.flow,
        node.tag,
        close,
    )


def splice_entry(
    parsed: Parsed,
    top: int,
    index: int,
    names: list[Any],
    new_name: Any,
    new_body: Any,
    new_key: ScalarNode,
    new_value: Node,
    first: MappingNode,
    move: int,
    delta: int,
) -> Parsed:
    """The parse of the new text, from ``parsed`` (the old text's, with nodes) and the new
    entry ``index`` of section ``top`` (``new_key``/``new_value`` already in the new text's
    offsets; ``first``: the region's mapping node, offsets plus ``move``); ``delta``: the
    change in length. Every other entry's data and nodes are the old objects (nodes after
    the edit moved by ``delta``)."""
    fmt, root, data = parsed
    section_key, section = root.items[top]
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
    tail = [(moved(k, delta), moved(v, delta)) for k, v in entries[index + 1 :]] if delta else entries[index + 1 :]
    section_items = [*entries[:index], (new_key, new_value), *tail]
    head = first if index == 0 else section  # the mapping starts at its first key
    start = head.start + move if index == 0 else section.start
    value_start = head.value_start + move if index == 0 else section.value_start
    end = section_items[-1][1].end if index == len(entries) - 1 else section.end + delta
    new_section_node = MappingNode(start, value_start, end, section_items, False, None, -1)
    later = [(moved(k, delta), moved(v, delta)) for k, v in root.items[top + 1 :]] if delta else root.items[top + 1 :]
    root_items = [*root.items[:top], (section_key, new_section_node), *later]
    root_end = new_section_node.end if top == len(root.items) - 1 else root.end + delta
    new_root = MappingNode(root.start, root.value_start, root_end, root_items, False, None, -1)
    return Parsed(fmt, new_root, new_data, ())


def splice_data(
    data: dict[str, Any], entries: list[EntryRegion], replaced: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    """``data`` with each entry ``entries[i]`` for ``i`` in ``replaced`` replaced by the
    entries ``replaced[i]`` holds (none: removed), in text order; None when a key would be
    defined twice or the entries do not match the data (merge keys …)."""
    sections: dict[Any, list[int]] = {}
    for i, entry in enumerate(entries):
        sections.setdefault(entry.section, []).append(i)
    touched_sections = {entries[i].section for i in replaced}
    root: dict[str, Any] = {}
    for name, value in data.items():
        if name not in touched_sections:
            root[name] = value
            continue
        if not isinstance(value, dict):
            return None
        section: dict[str, Any] = {}
        for i in sections[name]:
            if i not in replaced and entries[i].key not in value:
                return None
            pairs = replaced[i].items() if i in replaced else [(entries[i].key, value[entries[i].key])]
            for key, item in pairs:
                if key in section:
                    return None
                section[key] = item
        if len(sections[name]) != sum(1 for _ in value):  # entries and data must agree (no merge keys …)
            return None
        root[name] = section
    return root
