"""Render new values as JSON text in a file's style (indent unit, spacing, escaping)."""

from __future__ import annotations

import json
from typing import Any

from ..document.intrinsics import intrinsic_name
from ..errors import PatchError
from .style import Style

_INLINE_MAX = 80


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
                return self.compact(value)
            if style.json_inline is not None:
                return self._pretty(value, base)
            text = json.dumps(
                value,
                ensure_ascii=style.json_ascii,
                allow_nan=False,
                indent=style.json_unit,
                separators=(",", style.json_kv),
            )
        except (TypeError, ValueError) as exc:
            raise PatchError(f"value cannot be written as JSON: {exc}") from None
        if "\n" in text:
            text = text.replace("\n", self.eol + base)
        return text

    def compact(self, value: Any) -> str:
        """``value`` on one line with the file's separators."""
        try:
            return json.dumps(
                value,
                ensure_ascii=self.style.json_ascii,
                allow_nan=False,
                separators=(self.style.json_item, self.style.json_kv),
            )
        except (TypeError, ValueError) as exc:
            raise PatchError(f"value cannot be written as JSON: {exc}") from None

    def _pretty(self, value: Any, base: str) -> str:
        """Indented JSON that keeps intrinsic functions on one line, as the file does."""
        unit = self.style.json_unit
        if intrinsic_name(value) is not None:
            one = json.dumps(
                value, ensure_ascii=self.style.json_ascii, allow_nan=False, separators=(", ", self.style.json_kv)
            )
            if len(one) <= _INLINE_MAX:
                if self.style.json_inline == "{ x }":
                    one = "{ " + one[1:-1] + " }"
                return one
        inner = base + unit
        if isinstance(value, dict) and value:
            parts = [f"{inner}{self.key(k)}{self.style.json_kv}{self._pretty(v, inner)}" for k, v in value.items()]
            return "{" + self.eol + ("," + self.eol).join(parts) + self.eol + base + "}"
        if isinstance(value, list) and value:
            parts = [inner + self._pretty(v, inner) for v in value]
            return "[" + self.eol + ("," + self.eol).join(parts) + self.eol + base + "]"
        return json.dumps(value, ensure_ascii=self.style.json_ascii, allow_nan=False)

    def key(self, key: Any) -> str:
        """A member name."""
        if not isinstance(key, str):
            raise PatchError(f"object keys must be strings, not {type(key).__name__}")
        return json.dumps(key, ensure_ascii=self.style.json_ascii)

    def member(self, key: str, value: Any, base: str) -> str:
        """``"key": value`` with continuation lines under ``base``."""
        return f"{self.key(key)}{self.style.json_kv}{self.value(value, base)}"
