"""Unified diffs of fixed templates, coloured for a terminal when asked."""

from __future__ import annotations

from . import style
from .escape import printable

__all__ = ["colorize"]


def colorize(diff: str, on: bool, terminal: bool = False) -> str:
    """``diff`` with ANSI colours on its lines (headers bold, hunks cyan, -/+ red/green).

    For a terminal (``terminal``, or ``on``), control characters inside a line are written as
    escapes (:func:`~cfnfix.report.escape.printable`; line endings kept): a template's text
    must not drive the terminal. Piped elsewhere, the diff stays byte for byte what ``patch``
    applies."""
    if not on and not terminal:
        return diff
    out = []
    for line in _lines(diff):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        body = printable(body)
        if not on:
            out.append(body + end)
            continue
        if body.startswith(("+++", "---")):
            out.append(style(body, "1", on) + end)
        elif body.startswith("@@"):
            out.append(style(body, "36", on) + end)
        elif body.startswith("+"):
            out.append(style(body, "32", on) + end)
        elif body.startswith("-"):
            out.append(style(body, "31", on) + end)
        else:
            out.append(body + end)
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines of ``text`` with their endings, split at LF only (a lone CR stays inside its line)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines
