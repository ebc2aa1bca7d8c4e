"""Render new values as JSON text in a file's style (indent unit, spacing, escaping)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import PatchError
from .style import Style


class JsonRenderer:
    """Renders values for one JSON file's style."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.eol = style.eol

    def value(self, value: Any, base: str) -> str:
        """``value`` as JSON; continuation lines start with ``base`` plus the nesting indent."""
        style = self.style
        try:
            if not style.json_multiline:
                return json.dumps(value, ensure_ascii=style.json_ascii, allow_nan=False, separators=(style.json_item, style.json_kv))
            text = json.dumps(
                value, ensure_ascii=style.json_ascii, allow_nan=False, indent=style.json_unit, separators=(",", style.json_kv)
            )
        except (TypeError, ValueError) as exc:
            raise PatchError(f"value cannot be written as JSON: {exc}") from None
        if "\n" in text:
            text = text.replace("\n", self.eol + base)
        return text

    def key(self, key: Any) -> str:
        """A member name."""
        if not isinstance(key, str):
            raise PatchError(f"object keys must be strings, not {type(key).__name__}")
        return json.dumps(key, ensure_ascii=self.style.json_ascii)

    def member(self, key: str, value: Any, base: str) -> str:
        """``"key": value`` with continuation lines under ``base``."""
        return f"{self.key(key)}{self.style.json_kv}{self.value(value, base)}"
