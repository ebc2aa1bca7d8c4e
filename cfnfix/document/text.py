"""Text helpers: line index (offset ⇄ line/column), line endings, indentation."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Maps character offsets to 1-based (line, column) and back.

    A byte order mark is not part of the first line: columns count from after it.
    """

    __slots__ = ("text", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        first = 1 if text.startswith("\ufeff") else 0
        if "\r" in text:
            self.starts = [first] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:  # LF only: line lengths are 10x cheaper to sum than regex matches to collect
            starts = list(accumulate([len(line) + 1 for line in text.split("\n")], initial=0))
            starts.pop()  # the end of the last line is no line start
            starts[0] = first
            self.starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return i + 1, max(offset - self.starts[i], 0) + 1

    def line_start(self, offset: int) -> int:
        """Offset of the first character of the line holding ``offset``."""
        return self.starts[max(bisect.bisect_right(self.starts, offset) - 1, 0)]

    def line_end(self, offset: int) -> int:
        """Offset of the line break (or end of text) of the line holding ``offset``."""
        i = bisect.bisect_right(self.starts, offset)
        if i >= len(self.starts):
            return len(self.text)
        end = self.starts[i]
        text = self.text
        if end >= 2 and text[end - 2 : end] == "\r\n":
            return end - 2
        return end - 1

    def next_line_start(self, offset: int) -> int:
        """Offset just after the line break of the line holding ``offset`` (or end of text)."""
        i = bisect.bisect_right(self.starts, offset)
        return self.starts[i] if i < len(self.starts) else len(self.text)

    def column(self, offset: int) -> int:
        """0-based column of ``offset``."""
        return offset - self.line_start(offset)


def line_ending_at(text: str, offset: int, default: str) -> str:
    """The line ending used by the line holding ``offset`` (``default`` on the last line)."""
    i = text.find("\n", offset)
    j = text.find("\r", offset)
    if i == -1 and j == -1:
        return default
    if j != -1 and (i == -1 or j < i):
        return "\r\n" if text.startswith("\r\n", j) else "\r"
    return "\n"


def dominant_line_ending(text: str) -> str:
    """The most common line ending of ``text`` (``\\n`` when there is none)."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    best = max((lf, "\n"), (crlf, "\r\n"), (cr, "\r"))
    return best[1] if best[0] else "\n"


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` with their endings (LF, CRLF or CR only: not ``str.splitlines``' wider set)."""
    if "\r" in text:
        return _LINES.findall(text)
    lines = [line + "\n" for line in text.split("\n")]
    last = lines.pop()  # after the final "\n" (or the whole text): no line break of its own
    if last != "\n":
        lines.append(last[:-1])
    return lines
