"""How a file is written: line ending, indentation, tag form, quotes, JSON spacing.

New text is rendered in the file's own style; this module reads that style off the
document once (lazily, only when a patch needs to render something).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ..document.intrinsics import intrinsic_name
from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.text import LineIndex, dominant_line_ending

_LONG_KEY = re.compile(r"""(?m)^[ \t]*-?[ \t]*["']?(?:Ref|Fn::[A-Za-z]+|Condition)["']?[ \t]*:""")


@dataclass(frozen=True)
class Style:
    """The rendering choices read off one file."""

    fmt: str  # "yaml" or "json"
    eol: str
    indent: int  # YAML: columns per nesting level of mappings
    seq_offset: int  # YAML: columns of "- " under its key (0 = "key:\n- a")
    short_tags: bool  # YAML: write intrinsics as !Ref … rather than Ref: …
    quote: str  # YAML: preferred quote for strings that need one
    json_unit: str  # JSON: one level of indentation ("  ", "    ", "\t")
    json_multiline: bool  # JSON: objects spread over lines
    json_kv: str  # JSON: between key and value (": " or ":")
    json_item: str  # JSON: between items on one line (", " or ",")
    json_ascii: bool  # JSON: escape non-ASCII characters
    json_inline: str | None = None  # JSON: small intrinsic objects on one line ("{x}" or "{ x }"), else None


def detect_style(text: str, fmt: str, root: Node, lines: LineIndex) -> Style:
    """Read the style of ``text`` (parsed as ``root``)."""
    eol = dominant_line_ending(text)
    if fmt == "json":
        return _json_style(text, root, lines, eol)
    indent, seq_offset = _yaml_indents(root, lines)
    short_tags = _uses_short_tags(text, root)
    quote = _preferred_quote(root)
    return Style("yaml", eol, indent, seq_offset, short_tags, quote, "  ", True, ": ", ", ", False)


def _yaml_indents(root: Node, lines: LineIndex) -> tuple[int, int]:
    indents: Counter[int] = Counter()
    offsets: Counter[int] = Counter()
    stack: list[Node] = [root]
    seen = 0
    while stack and seen < 400:
        node = stack.pop()
        seen += 1
        if isinstance(node, MappingNode) and not node.flow and node.items:
            kcol = lines.column(node.items[0][0].start)
            for key, value in node.items:
                if isinstance(value, MappingNode) and not value.flow and value.items:
                    child = value.items[0][0].start
                    if lines.line_start(child) != lines.line_start(key.start):
                        indents[lines.column(child) - kcol] += 1
                elif isinstance(value, SequenceNode) and not value.flow and value.items:
                    dash = _dash_of(lines.text, value.items[0].start)
                    if dash is not None and lines.line_start(dash) != lines.line_start(key.start):
                        offsets[lines.column(dash) - kcol] += 1
                stack.append(value)
        elif isinstance(node, SequenceNode) and not node.flow:
            stack.extend(node.items)
        elif isinstance(node, MappingNode):
            stack.extend(v for _, v in node.items)
    indent = next((i for i, _ in indents.most_common() if i > 0), 2)
    seq_offset = next((o for o, _ in offsets.most_common() if o >= 0), indent)
    return indent, seq_offset


_TRAILING_COMMENT = re.compile(r"(?:^|[ \t])#[^\r\n]*$")


def _dash_of(text: str, item_start: int) -> int | None:
    """Offset of the ``-`` that introduces the block sequence item starting at ``item_start``.

    Between the dash and the item there may be blanks, line breaks, and comments.
    """
    i = item_start - 1
    while i >= 0:
        ch = text[i]
        if ch in " \t":
            i -= 1
        elif ch == "-":
            return i if (i == 0 or text[i - 1] in " \t\r\n") else None
        elif ch in "\r\n":
            line_start = max(text.rfind("\n", 0, i if ch == "\n" else i), text.rfind("\r", 0, i)) + 1
            end = i if not (ch == "\n" and i > 0 and text[i - 1] == "\r") else i - 1
            line = text[line_start:end]
            m = _TRAILING_COMMENT.search(line)
            i = line_start + (m.start() if m else len(line)) - 1
        else:
            return None
    return None


def _sample(root: Node, limit: int, *, keys: bool = False) -> Iterator[Node]:
    """The first ``limit`` nodes of ``root``'s tree, depth first (mapping keys too with ``keys``).

    Style is read off a sample: a large file says what it prefers long before its end.
    """
    stack: list[Node] = [root]
    seen = 0
    while stack and seen < limit:
        node = stack.pop()
        seen += 1
        yield node
        if isinstance(node, MappingNode):
            for key, value in node.items:
                if keys:
                    stack.append(key)
                stack.append(value)
        elif isinstance(node, SequenceNode):
            stack.extend(node.items)


def _uses_short_tags(text: str, root: Node) -> bool:
    if any(node.tag is not None for node in _sample(root, 20000)):
        return True
    return _LONG_KEY.search(text) is None


def _preferred_quote(root: Node) -> str:
    counts = Counter(
        node.style
        for node in _sample(root, 5000, keys=True)
        if isinstance(node, ScalarNode) and node.style in ("'", '"')
    )
    if counts['"'] > counts["'"]:
        return '"'
    return "'"


def _json_style(text: str, root: Node, lines: LineIndex, eol: str) -> Style:
    unit = "  "
    multiline = False
    kv = ": "
    item = ", "
    first: MappingNode | SequenceNode | None = root if isinstance(root, (MappingNode, SequenceNode)) else None
    if isinstance(root, MappingNode) and root.items:
        key, value = root.items[0]
        kv = ":" + (" " if text[key.end : value.start].endswith(" ") else "")
        multiline = lines.line_start(key.start) != lines.line_start(root.start)
    elif isinstance(root, SequenceNode) and root.items:
        multiline = lines.line_start(root.items[0].start) != lines.line_start(root.start)
    if multiline and first is not None:
        start = first.items[0][0].start if isinstance(first, MappingNode) else first.items[0].start
        ls = lines.line_start(start)
        ws = text[ls:start]
        base = text[lines.line_start(first.start) : first.start]
        base_ws = base[: len(base) - len(base.lstrip(" \t"))]
        unit = ws[len(base_ws) :] if ws.startswith(base_ws) and len(ws) > len(base_ws) else (ws or "  ")
    else:
        m = re.search(r",(\s*)", text)
        if m and "\n" not in m.group(1):
            item = "," + m.group(1)
    ascii_only = text.lstrip("\ufeff").isascii()
    return Style(
        "json",
        eol,
        2,
        2,
        False,
        '"',
        unit,
        multiline,
        kv,
        item,
        ascii_only,
        _json_inline(text, root, lines) if multiline else None,
    )


def _json_inline(text: str, root: Node, lines: LineIndex) -> str | None:
    """How the file writes intrinsic-function objects: on one line (``"{x}"``, ``"{ x }"``) or not."""
    inline: Counter[str] = Counter()
    spread = 0
    for node in _sample(root, 20000):
        if isinstance(node, MappingNode) and len(node.items) == 1 and intrinsic_name({node.items[0][0].value: None}):
            if lines.line_start(node.start) == lines.line_start(node.end):
                inline["{ x }" if text[node.start + 1 : node.start + 2] == " " else "{x}"] += 1
            else:
                spread += 1
    if not inline or sum(inline.values()) <= spread:
        return None
    return inline.most_common(1)[0][0]
