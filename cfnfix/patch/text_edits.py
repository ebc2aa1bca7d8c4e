"""Fixes as text: apply a :class:`~cfnfix.findings.Fix` whether it is a JSON Patch or text edits.

Most fixes are RFC 6902 operations, applied by the patch engine. A few change what JSON
Patch cannot address because it is not data — a YAML comment such as an unused
``# cfnfix: ignore[...]`` — and carry :class:`~cfnfix.findings.TextEdit` s instead. Those are
applied as they are and verified the engine's way: the new text must parse, in the same
format, to exactly the same data.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import PatchConflictError, VerificationError
from ..findings import Fix, TextEdit
from .edits import splice

__all__ = ["apply_fix", "apply_verified_edits"]


def apply_verified_edits(text: str, edits: Sequence[TextEdit], *, file: str | None = None) -> str:
    """``text`` with non-overlapping ``edits`` applied; the data must not change.

    Raises :class:`~cfnfix.errors.PatchConflictError` for edits outside the text or
    overlapping each other, :class:`~cfnfix.errors.VerificationError` when the result does
    not parse to the same data.
    """
    from ..document import detect_format, parse_cached
    from .verify import first_difference

    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    last = -1
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text) or edit.start < last:
            raise PatchConflictError(
                f"text edit {edit.start}-{edit.end} is outside the text or overlaps another", file=file
            )
        last = edit.end
    new = splice(text, ordered)
    if new == text:
        return text
    fmt, _, before = parse_cached(text, file, nodes=False)
    try:
        _, _, after = parse_cached(new, file, fmt if fmt != detect_format(new) else None, nodes=False)
    except Exception as exc:
        raise VerificationError(f"a text edit made the template unreadable: {exc}", file=file) from None
    where = first_difference(before, after)
    if where is not None:
        raise VerificationError(f"a text edit changed the data at {where or '/'}", file=file)
    return new


def apply_fix(text: str, fix: Fix, *, file: str | None = None, key_order: Sequence[str] = ()) -> str:
    """The text after ``fix`` alone: its text edits, or its patch through the engine
    (``key_order``: see :func:`~cfnfix.patch.engine.apply_patch`)."""
    if fix.edits:
        return apply_verified_edits(text, fix.edits, file=file)
    from .engine import apply_patch

    return apply_patch(text, fix.patch, file=file, key_order=key_order)
