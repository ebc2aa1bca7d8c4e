"""The text edits of a fix: what an editor applies so its buffer holds what ``cfnfix apply`` writes.

A quick fix for one finding is that finding's RFC 6902 patch run through the patch engine,
exactly as one pass of ``cfnfix apply`` runs it; its edits are the engine's own: each
operation planned as one replacement at the span of the node it touches, in the
coordinates of the text the editor has (a rename is the key plus every reference, one
edit each, all in one WorkspaceEdit). When the engine had to re-parse part-way (an
operation reaching into text another operation wrote) its edits are no longer in the
original coordinates; the edits are then the minimal difference between the original
and the engine's verified output (lines that differ, trimmed to the characters that
differ). Fix-all is ``cfnfix apply``'s whole fix loop (several passes, each re-checked),
so its edits are always that difference: the same bytes, never a whole-document replace.

Every function checks that the edits rebuild the engine's text exactly before it
returns them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..document.text import split_lines
from ..errors import VerificationError
from ..findings import Finding, TextEdit
from ..fixing import FixResult, fix_text
from ..patch.edits import in_order, splice
from ..template.model import SECTION_ORDER
from ..textdiff import opcodes

__all__ = ["FixEdits", "diff_edits", "fix_all", "quick_fix"]


@dataclass(frozen=True)
class FixEdits:
    """A fix as edits of the original text, and the text they produce."""

    text: str
    edits: list[TextEdit]
    """Sorted and never overlapping; insertions at one offset in the order their text appears (as LSP applies them)."""
    from_engine: bool
    """True when ``edits`` are the engine's planned edits (not a difference of texts)."""


def _checked(original: str, text: str, edits: list[TextEdit], from_engine: bool) -> FixEdits:
    if splice(original, edits) != text:  # pragma: no cover - a bug: fall back to the difference
        return FixEdits(text, diff_edits(original, text), False)
    return FixEdits(text, edits, from_engine)


def _reuse(text: str, parsed: Any) -> None:
    """Put a parse of ``text`` kept by the caller back into the shared parse cache."""
    if parsed is not None:
        from ..document import remember

        remember(text, parsed)


def quick_fix(text: str, file: str | None, finding: Finding, parsed: Any = None) -> FixEdits:
    """The edits that apply ``finding``'s fix to ``text`` (raises :class:`~cfnfix.errors.PatchError`).

    ``parsed``: the parse of ``text`` with its nodes, when the caller kept one (it is reused).
    """
    from ..patch.engine import Planner, apply_patch

    assert finding.fix is not None
    if finding.fix.edits:  # text edits that change no data (a comment): the rule's own edits, verified
        from ..patch.text_edits import apply_verified_edits

        new = apply_verified_edits(text, finding.fix.edits)
        return _checked(text, new, sorted(finding.fix.edits, key=lambda e: (e.start, e.end)), True)
    _reuse(text, parsed)
    patch = finding.fix.patch
    planner = Planner(text, file, key_order=SECTION_ORDER)
    try:
        new = planner.run(patch)
    except VerificationError:
        # the engine's step-by-step second opinion (or its error, in strict mode)
        new = apply_patch(text, patch, file=file, key_order=SECTION_ORDER)
        return _checked(text, new, diff_edits(text, new), False)
    if planner.flushes:
        return _checked(text, new, diff_edits(text, new), False)
    return _checked(text, new, in_order(planner.edits), True)


def fix_all(text: str, file: str | None, settings: Settings, parsed: Any = None) -> tuple[FixResult, list[TextEdit]]:
    """``cfnfix apply`` on ``text`` with ``settings`` (safe fixes, unless they allow unsafe ones) and its edits."""
    _reuse(text, parsed)
    result = fix_text(text, file, settings)
    return result, _checked(text, result.text, diff_edits(text, result.text), False).edits


def diff_edits(old: str, new: str) -> list[TextEdit]:
    """Minimal edits from ``old`` to ``new``: differing lines (patience diff), trimmed to differing characters."""
    if old == new:
        return []
    a = split_lines(old)
    b = split_lines(new)
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        if tag == "equal":
            continue
        start, end = offsets[i1], offsets[i2]
        chunk = "".join(b[j1:j2])
        removed = old[start:end]
        head = 0
        limit = min(len(removed), len(chunk))
        while head < limit and removed[head] == chunk[head]:
            head += 1
        tail = 0
        while tail < limit - head and removed[len(removed) - 1 - tail] == chunk[len(chunk) - 1 - tail]:
            tail += 1
        edits.append(TextEdit(start=start + head, end=end - tail, new=chunk[head : len(chunk) - tail]))
    return edits
