"""Text from templates made harmless before it is shown: on a terminal, and in Markdown.

Messages, file names, logical IDs and values come from the files checked, which nobody may
have reviewed. On a terminal, an escape sequence (``ESC [ 2K``), a carriage return or a line
break inside a message could move the cursor, recolour or erase what was printed — draw
"No findings" over a finding — and bidirectional overrides (U+202E …) can show text in
another order than it is. :func:`printable` writes every such character as a visible escape
(``\\x1b``, ``\\r``, ``\\n``, ``\\u202e``); tabs and ordinary text stay as they are.

In a Markdown report, the same text could open a link whose target is hidden
(``[innocent](https://…)``), load an image, inject HTML or start a heading.
:func:`markdown_text` escapes the Markdown punctuation with backslashes and ``<``, ``>``
and ``&`` as HTML entities, after :func:`printable`, so the reader sees the characters
that are there. (A bare URL may still be turned into a link by the renderer; it shows
its own address.)
"""

from __future__ import annotations

import re

__all__ = ["json_text", "markdown_text", "printable", "printable_lines"]

#: C0 controls but tab, DEL, C1 controls, the bidirectional controls and marks, and the
#: Unicode line and paragraph separators.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}
#: ASCII punctuation Markdown gives a meaning to inside a line (CommonMark lets each be escaped):
#: code, emphasis, links and images, strikethrough. ``(``, ``)`` and ``!`` mean nothing once
#: ``[`` and ``]`` are escaped, nor does ``_`` inside a word (``mysql_aurora``).
_MARKDOWN = re.compile(r"([\\`*\[\]~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
#: What starts a block at the beginning of a text (a heading, a list, a quote, a rule).
_LEADING = re.compile(r"\A([#+\-=]|\d+[.)])")


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could drive a terminal or reorder text written as an escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def printable_lines(text: str) -> str:
    """``text`` with each line :func:`printable` (the line breaks kept): source shown in a code block."""
    return "\n".join(printable(line) for line in text.split("\n"))


def json_text(text: str) -> str:
    """JSON text (``json.dumps`` output) with the characters :func:`printable` escapes written as
    JSON escapes (``\u202e``): the same JSON, shown safely. Line breaks (outside strings, since
    JSON escapes those inside) are kept."""
    return _UNSAFE.sub(lambda m: m.group(0) if m.group(0) == "\n" else f"\\u{ord(m.group(0)):04x}", text)


def markdown_text(text: str) -> str:
    """``text`` (:func:`printable`) as literal Markdown: no link, image, HTML, heading or emphasis.

    Pairs of backticks stay code spans (messages write option names and comments that way),
    their content shown as is: a code span renders nothing of what it holds, and it cannot
    hold a backtick (the text is cut at every one), so it cannot be closed early."""
    parts = text.split("`")
    if len(parts) > 1 and len(parts) % 2 == 1:
        return "".join(
            _markdown_text(part) if n % 2 == 0 else f"`{printable(part)}`" if part.strip() else "` `"
            for n, part in enumerate(parts)
        )
    return _markdown_text(text)


def _markdown_text(text: str) -> str:
    text = _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], _MARKDOWN.sub(r"\\\1", printable(text)))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
