"""Strict comparison of plain data (``True`` is not ``1``, ``1`` is not ``1.0``)."""

from __future__ import annotations

import math
from typing import Any

from ..document.pointer import make_pointer


def first_difference(a: Any, b: Any, path: tuple[str, ...] = ()) -> str | None:
    """JSON Pointer of the first place where ``a`` and ``b`` differ, or None when equal."""
    if a is b:  # one object (parsed data shared by the input and the patched data): equal
        return None
    if type(a) is not type(b):
        return make_pointer(path)
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return make_pointer(path)
        for key in a:
            diff = first_difference(a[key], b[key], path + (key,))
            if diff is not None:
                return diff
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return make_pointer(path)
        for i, (x, y) in enumerate(zip(a, b)):
            diff = first_difference(x, y, path + (str(i),))
            if diff is not None:
                return diff
        return None
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return None
    return None if a == b else make_pointer(path)
