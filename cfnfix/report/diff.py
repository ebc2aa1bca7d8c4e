"""Unified diffs of fixed templates, coloured for a terminal when asked."""

from __future__ import annotations

from . import style

__all__ = ["colorize"]


def colorize(diff: str, on: bool) -> str:
    """``diff`` with ANSI colours on its lines (headers bold, hunks cyan, -/+ red/green)."""
    if not on:
        return diff
    out = []
    for line in diff.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        end = line[len(body) :]
        if body.startswith(("+++", "---")):
            out.append(style(body, "1", on) + end)
        elif body.startswith("@@"):
            out.append(style(body, "36", on) + end)
        elif body.startswith("+"):
            out.append(style(body, "32", on) + end)
        elif body.startswith("-"):
            out.append(style(body, "31", on) + end)
        else:
            out.append(line)
    return "".join(out)
