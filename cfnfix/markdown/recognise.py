"""Is a file or a text Markdown (templates in fences) rather than a template?

A path is Markdown by its name (``.md``, ``.markdown``). A text is Markdown when a line
starts with a fence (three backticks or tildes at its first column): no template has such a
line — JSON has no line breaks inside strings, a backtick cannot start a YAML plain scalar,
``~~~`` at the first column is no key, and a block scalar's lines are indented under its key.
"""

from __future__ import annotations

import os
import re

__all__ = ["MARKDOWN_SUFFIXES", "is_markdown_path", "looks_like_markdown"]

#: File name endings read as Markdown.
MARKDOWN_SUFFIXES = (".md", ".markdown")

_FENCE_LINE = re.compile(r"^(?:```|~~~)", re.MULTILINE)


def is_markdown_path(path: str | os.PathLike[str]) -> bool:
    """True for a file name ending in ``.md`` or ``.markdown`` (any case)."""
    return os.fspath(path).lower().endswith(MARKDOWN_SUFFIXES)


def looks_like_markdown(text: str) -> bool:
    """True when a line of ``text`` starts with a fence (```` ``` ```` or ``~~~``)."""
    return _FENCE_LINE.search(text) is not None
