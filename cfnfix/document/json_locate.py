"""Offsets in JSON text along a JSON Pointer, without the node tree.

A finding's line and column are the start of the node its pointer names (or of the nearest
node that exists on the way), or of the key that ends the pointer. For JSON that needs no
node tree: the path is followed in the text, keys read by the standard library's C string
scanner and the values beside the path skipped by its C decoder, so a template with a
finding costs a few C calls per pointer instead of the pure-Python position scanner over the
whole text (five times the data-only parse). The text must be JSON that parsed (the
document's own text): anything unexpected gives up (None), and the caller uses the nodes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

__all__ = ["path_offsets"]

_WS = re.compile(r"[ \t\n\r]*")
#: The C string scanner behind ``json.loads`` (not in the type stubs): (decoded string, end offset).
_SCAN: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_DECODE = json.JSONDecoder(strict=True).raw_decode


def _index(token: str) -> int | None:
    """A list index token as :func:`cfnfix.document.resolve.walk` reads one (no sign, no leading zero)."""
    if not token.isdigit() or not token.isascii() or (len(token) > 1 and token[0] == "0"):
        return None
    return int(token)


def path_offsets(text: str, tokens: list[str]) -> tuple[list[int], int | None] | None:
    """(start offsets of the root and of each node the tokens reach, as far as they exist;
    the offset of the last token's key when the node before it is an object that has it), or
    None when the text does not read as expected (then use the node tree)."""
    try:
        return _offsets(text, tokens)
    except (ValueError, IndexError, RecursionError):
        return None


def _offsets(text: str, tokens: list[str]) -> tuple[list[int], int | None] | None:
    ws = _WS.match
    pos = ws(text, 1 if text.startswith("\ufeff") else 0).end()  # type: ignore[union-attr]
    starts = [pos]
    key_at: int | None = None
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        opener = text[pos]
        if opener == "{":
            p = ws(text, pos + 1).end()  # type: ignore[union-attr]
            found: tuple[int, int] | None = None
            while text[p] != "}":
                if text[p] != '"':
                    return None
                key, after = _SCAN(text, p + 1, True)
                colon = ws(text, after).end()  # type: ignore[union-attr]
                if text[colon] != ":":
                    return None
                value_at = ws(text, colon + 1).end()  # type: ignore[union-attr]
                if key == token:
                    found = (p, value_at)
                    break
                _, end = _DECODE(text, value_at)
                p = ws(text, end).end()  # type: ignore[union-attr]
                if text[p] == ",":
                    p = ws(text, p + 1).end()  # type: ignore[union-attr]
                elif text[p] != "}":
                    return None
            if found is None:
                break
            if i == last:
                key_at = found[0]
            pos = found[1]
        elif opener == "[":
            idx = _index(token)
            if idx is None:
                break
            p = ws(text, pos + 1).end()  # type: ignore[union-attr]
            if text[p] == "]":
                break
            for _ in range(idx):
                _, end = _DECODE(text, p)
                p = ws(text, end).end()  # type: ignore[union-attr]
                if text[p] != ",":
                    p = -1
                    break
                p = ws(text, p + 1).end()  # type: ignore[union-attr]
            if p < 0:
                break
            pos = p
        else:
            break
        starts.append(pos)
    return starts, key_at
