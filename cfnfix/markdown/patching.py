"""RFC 6902 patches on a Markdown text: each operation goes to the fence its pointer names.

A pointer ``/<n>/…`` addresses ``…`` in the template of the n-th fence (every fence counts,
from 0), as :mod:`cfnfix.markdown.blocks` writes them. The operations of each fence are
applied to its template by the patch engine (in order, verified as for a file) and the
fence's content is replaced as :func:`cfnfix.markdown.run.splice` does; the text outside
the fences never changes.
"""

from __future__ import annotations

from typing import Any, cast

from ..errors import PatchConflictError
from ..findings import Fix, Operation, Patch
from .fences import fences
from .recognise import is_markdown_path

__all__ = ["apply_markdown_patch", "apply_fix_to"]


def _split(op: dict[str, Any], key: str, count: int) -> tuple[int, str]:
    pointer = op.get(key)
    head, slash, rest = (pointer or "")[1:].partition("/")
    if not (isinstance(pointer, str) and pointer.startswith("/") and head.isdigit() and head.isascii()):
        raise PatchConflictError(f"{key} {pointer!r}: in a Markdown text a pointer starts with a fence number, /0/…")
    index = int(head)
    if index >= count:
        raise PatchConflictError(f"{key} {pointer!r}: the text has {count} fence{'' if count == 1 else 's'}")
    return index, slash + rest


def apply_markdown_patch(markdown: str, patch: list[Any], *, file: str | None = None) -> str:
    """``markdown`` with ``patch`` applied to the templates of its fences (pointers ``/<n>/…``)."""
    from ..patch import apply_patch
    from ..template.model import SECTION_ORDER
    from .run import splice

    found = fences(markdown)
    by_fence: dict[int, Patch] = {}
    for op in patch:
        index, path = _split(op, "path", len(found))
        # a patch read from a file: the engine checks each operation (as for a template's patch)
        own = cast(Operation, dict(op, path=path))
        if "from" in op:
            source, own["from"] = _split(op, "from", len(found))
            if source != index:
                raise PatchConflictError(f"from {op['from']!r}: an operation cannot move data between fences")
        by_fence.setdefault(index, []).append(own)
    out = markdown
    for index in sorted(by_fence, reverse=True):  # from the end: earlier fences keep their offsets
        fence = found[index]
        new = apply_patch(fence.text, by_fence[index], file=file, key_order=SECTION_ORDER)
        out = splice(out, fence, new)
    return out


def apply_fix_to(text: str, fix: Fix, *, file: str | None = None) -> str:
    """The text after ``fix`` alone, for a template or (by ``file``'s name) a Markdown text, whose
    fixes carry pointers ``/<n>/…`` and text edits at Markdown offsets (what the reporters show)."""
    from ..patch.text_edits import apply_fix
    from ..template.model import SECTION_ORDER

    if file is None or not is_markdown_path(file):
        return apply_fix(text, fix, file=file, key_order=SECTION_ORDER)
    if fix.edits:
        for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
            text = text[: edit.start] + edit.new + text[edit.end :]
        return text
    return apply_markdown_patch(text, list(fix.patch), file=file)
