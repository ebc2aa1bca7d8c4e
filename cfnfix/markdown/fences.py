"""Fenced code blocks of a Markdown text, with the offsets to put a changed block back.

A fence follows CommonMark (https://spec.commonmark.org/0.31.2/#fenced-code-blocks): a line
of at least three backticks or tildes, indented at most three spaces from the start of
its container, opens it; an info string may follow (no backtick after backticks); the
block ends at a line of the same character, at least as long, indented at most three
spaces and followed only by blanks, or at the end of the text (an unclosed fence), or at
a non-blank line indented less than the list item that holds the fence. The content
lines lose up to as many spaces of indentation as the opening fence has (its column), so a
fence inside a list item (``- ```yaml``, or indented under ``1. Deploy:``) gives the
template as written.

Containers are followed as far as fences need: list items (``-``, ``*``, ``+``, ``1.``,
``1)``) by the column their content starts at; block quotes (``>``) are not read, and a
fence inside one is not found. Tabs in indentation do not count as spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document.text import split_lines

__all__ = ["Fence", "fences"]

_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>[^\r\n]*)")
_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]")


@dataclass(frozen=True)
class Fence:
    """One fenced code block.

    ``index`` counts every fence of the text from 0, in order; ``line`` and ``column`` are
    the 1-based position of the opening fence characters. The content runs from
    ``start`` to ``end`` (offsets in the Markdown text: from the first content line's
    start to the closing fence line's start, or the end of the text); ``text`` is that
    content with each line's indentation removed (``removed[i]`` characters from line i).
    """

    index: int
    line: int
    column: int
    marker: str
    info: str
    start: int
    end: int
    text: str
    removed: tuple[int, ...]
    closed: bool

    @property
    def language(self) -> str:
        """The first word of the info string, lower case (``yaml`` for ```` ```YAML title="x" ````)."""
        words = self.info.split()
        return words[0].lower() if words else ""

    def position(self, line: int, column: int) -> tuple[int, int]:
        """The Markdown text's (line, column) of the content's 1-based (``line``, ``column``)."""
        removed = self.removed[line - 1] if 0 < line <= len(self.removed) else (self.removed[-1] if self.removed else 0)
        return self.line + line, column + removed


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip(" \t\r\n")


def fences(markdown: str) -> list[Fence]:
    """Every fenced code block of ``markdown``, in order."""
    lines = split_lines(markdown)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    found: list[Fence] = []
    items: list[int] = []  # content columns of the open list items, innermost last
    i = 0
    while i < len(lines):
        line = lines[i]
        if _blank(line):
            i += 1
            continue
        col = _indent(line)
        while items and col < items[-1]:
            items.pop()
        base = items[-1] if items else 0
        pos = col
        # list markers on this line open items whose content starts after them
        while pos - base <= 3 and (m := _MARKER.match(line, pos)) is not None:
            after = m.end()
            rest = line[after:]
            if _blank(rest):  # an item that starts with a blank line: content one column after the marker
                items.append(after + 1)
                pos = len(line)
                break
            spaces = _indent(rest)
            if spaces == 0:
                break  # "-foo", "1.5": no marker
            base = after + (spaces if spaces <= 4 else 1)  # five spaces or more: indented code in the item
            items.append(base)
            pos = after + spaces
        opened = _FENCE.match(line, pos) if pos - base <= 3 else None
        if opened is None or (opened.group("fence")[0] == "`" and "`" in opened.group("info")):
            i += 1
            continue
        fence = _read(markdown, lines, offsets, i, pos, opened, items[-1] if items else 0, len(found))
        found.append(fence)
        i = _line_of(offsets, fence.end) + (1 if fence.closed else 0)
    return found


def _line_of(offsets: list[int], offset: int) -> int:
    """Index of the line starting at ``offset`` (the number of lines when it is the end)."""
    import bisect

    return bisect.bisect_left(offsets, offset)


def _read(
    markdown: str, lines: list[str], offsets: list[int], i: int, col: int, opened: re.Match[str], base: int, index: int
) -> Fence:
    """The fence opened on line ``i`` at column ``col`` (inside a container whose content starts at ``base``)."""
    marker = opened.group("fence")
    j = i + 1
    closed = False
    while j < len(lines):
        line = lines[j]
        if not _blank(line) and _indent(line) < base:
            break  # the list item ends, and the block with it
        inner = line[base:] if len(line) >= base else ""
        ind = _indent(inner)
        if ind <= 3:
            rest = inner[ind:]
            run = len(rest) - len(rest.lstrip(marker[0]))
            if run >= len(marker) and _blank(rest[run:]):
                closed = True
                break
        j += 1
    removed = []
    content = []
    for line in lines[i + 1 : j]:
        cut = min(_indent(line), col)
        removed.append(cut)
        content.append(line[cut:])
    return Fence(
        index=index,
        line=i + 1,
        column=col + 1,
        marker=marker,
        info=opened.group("info").strip(),
        start=offsets[i + 1],
        end=offsets[j],
        text="".join(content),
        removed=tuple(removed),
        closed=closed,
    )
