"""Before/after snippets of a fix, as a reviewer writes them in a failure analysis.

:func:`fix_snippet` applies one finding's fix alone with the patch engine (the text
``cfnfix apply`` would write for that fix; text edits for comments) and returns the changed lines of the input and of
the output with their line numbers and one line of context, hunk by hunk. Long lines are
cut to a window around the first changed column; long changes are cut after
:data:`MAX_LINES` lines per side. :func:`line_snippet` is the line a finding points at, for
findings without a fix.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..document.text import split_lines
from ..findings import Fix, Patch

__all__ = ["MAX_LINES", "MAX_WIDTH", "Snippet", "fix_snippet", "line_snippet", "lines_of"]

#: Lines shown per side (before, after); the rest is counted, not shown.
MAX_LINES = 16
#: Characters shown of one line; longer lines show a window around their first change.
MAX_WIDTH = 120
#: Characters kept before the first changed column when a long line is cut.
_LEAD = 30


@dataclass(frozen=True)
class Snippet:
    """The lines a fix changes: ``before`` in the input, ``after`` in the engine's output."""

    before: list[tuple[int, str] | None]
    after: list[tuple[int, str] | None]
    omitted: int = 0
    """Changed lines (on the longer side) not shown beyond :data:`MAX_LINES`."""
    changed_before: tuple[int, ...] = ()
    """Numbers of the input lines the fix changes or removes (the rest shown is context)."""
    changed_after: tuple[int, ...] = ()
    """Numbers of the output lines the fix changes or adds."""

    def render(self, side: str) -> str:
        """``12 | text`` lines of one side (``before`` or ``after``); ``...`` between hunks."""
        rows = self.before if side == "before" else self.after
        numbers = [r[0] for r in self.before + self.after if r is not None]
        width = len(str(max(numbers))) if numbers else 1
        out = []
        for row in rows:
            if row is None:
                out.append(" " * width + " ...")
            else:
                out.append(f"{row[0]:>{width}} | {row[1]}".rstrip())
        return "\n".join(out)

    def span(self, side: str) -> str:
        """``line 16`` or ``lines 16-18, 30``: the changed lines of a side (empty when none)."""
        rows = list(self.changed_before if side == "before" else self.changed_after)
        if not rows:
            return ""
        groups: list[list[int]] = []
        for n in rows:
            if groups and n == groups[-1][-1] + 1:
                groups[-1].append(n)
            else:
                groups.append([n])
        parts = [str(g[0]) if len(g) == 1 else f"{g[0]}-{g[-1]}" for g in groups]
        return ("line " if len(rows) == 1 else "lines ") + ", ".join(parts)


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` without their endings (LF, CRLF or CR: not ``str.splitlines``' wider set)."""
    return [line.rstrip("\r\n") for line in split_lines(text)]


def _cut(line: str, start: int) -> str:
    """``line`` shortened to :data:`MAX_WIDTH` characters from ``start`` (``…`` where cut)."""
    if len(line) <= MAX_WIDTH:
        return line
    start = max(0, min(start, len(line) - MAX_WIDTH))
    head = "…" if start > 0 else ""
    tail = "…" if start + MAX_WIDTH < len(line) else ""
    return head + line[start : start + MAX_WIDTH] + tail


def _first_change(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return max(0, n - _LEAD)


Rows = list[tuple[int, str]]


def _hunks(a: list[str], b: list[str], context: int) -> list[tuple[Rows, Rows, set[int], set[int]]]:
    """(before rows, after rows, changed input lines, changed output lines) of each hunk of ``a`` → ``b``."""
    hunks = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        before: list[tuple[int, str]] = []
        after: list[tuple[int, str]] = []
        old: set[int] = set()
        new: set[int] = set()
        for tag, i1, i2, j1, j2 in group:
            if tag != "equal":
                old.update(range(i1 + 1, i2 + 1))
                new.update(range(j1 + 1, j2 + 1))
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                left = a[i] if i < i2 else None
                right = b[j] if j < j2 else None
                start = _first_change(left, right) if left is not None and right is not None else 0
                if left is not None:
                    before.append((i + 1, _cut(left, start)))
                if right is not None:
                    after.append((j + 1, _cut(right, start)))
        hunks.append((before, after, old, new))
    return hunks


def diff_snippet(old: str, new: str, context: int = 1) -> Snippet:
    """The changed lines of ``old`` → ``new`` with ``context`` lines around them, hunk by hunk.

    Hunks are shown until a side reaches :data:`MAX_LINES` lines (the last one shown may be
    cut); the changed lines left out are counted in ``omitted``.
    """
    before: list[tuple[int, str] | None] = []
    after: list[tuple[int, str] | None] = []
    changed_a: set[int] = set()
    changed_b: set[int] = set()
    omitted = 0
    used = 0
    for rows_a, rows_b, old_lines, new_lines in _hunks(lines_of(old), lines_of(new), context):
        budget = MAX_LINES - used
        if budget < 3:  # not even a changed line with its context: counted only
            omitted += max(len(old_lines), len(new_lines))
            continue
        if used:
            before.append(None)
            after.append(None)
        before += rows_a[:budget]
        after += rows_b[:budget]
        shown_a = {n for n, _ in rows_a[:budget]} & old_lines
        shown_b = {n for n, _ in rows_b[:budget]} & new_lines
        omitted += max(len(old_lines - shown_a), len(new_lines - shown_b))
        changed_a |= shown_a
        changed_b |= shown_b
        used += min(budget, max(len(rows_a), len(rows_b)))
    return Snippet(before, after, omitted, tuple(sorted(changed_a)), tuple(sorted(changed_b)))


def fix_snippet(text: str, fix: Fix | Patch, file: str | None = None) -> Snippet | str:
    """The snippet of ``fix`` (or a bare patch) applied alone to ``text`` by the engine, or why it does not apply."""
    from ..errors import CfnfixError
    from ..markdown.patching import apply_fix_to as apply_fix  # a Markdown file's fixes name their fence

    if not isinstance(fix, Fix):
        fix = Fix.safe("", fix)
    try:
        new = apply_fix(text, fix, file=file)
    except CfnfixError as exc:
        return exc.reason
    return diff_snippet(text, new)


def line_snippet(text: str, line: int, column: int = 1) -> Snippet:
    """The line a finding points at (its number and text), cut around ``column`` when long."""
    lines = lines_of(text)
    if not 1 <= line <= len(lines):
        return Snippet([], [])
    return Snippet([(line, _cut(lines[line - 1], column - 1 - _LEAD))], [], changed_before=(line,))
