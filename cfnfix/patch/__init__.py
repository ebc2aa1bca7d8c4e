"""RFC 6902 JSON Patch applied to template text, changing only what it must."""

from __future__ import annotations

from typing import Any


def apply_patch(text: str, patch: list[dict[str, Any]], *, file: str | None = None) -> str:
    """Apply ``patch`` to ``text`` (YAML or JSON) and return the new text (engine in progress)."""
    raise NotImplementedError("patch engine lands in the next commit")
