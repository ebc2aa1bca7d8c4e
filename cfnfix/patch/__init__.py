"""RFC 6902 JSON Patch applied to template text, changing only what it must."""

from __future__ import annotations

from .engine import apply_patch

__all__ = ["apply_patch"]
