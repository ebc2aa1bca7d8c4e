"""Does a value fit a schema's ``type``? (JSON types as CloudFormation reads template data.)"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from ._walk import is_intrinsic

__all__ = ["json_type", "fits"]


def json_type(value: Any) -> str | None:
    """The JSON type of a plain value (None for intrinsic functions and null)."""
    if is_intrinsic(value) or value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return None


def fits(value: Any, types: AbstractSet[str]) -> bool:
    """True when ``value`` can stand where one of ``types`` is expected.

    CloudFormation converts scalars to strings and numeric strings to numbers, as cfn-lint
    accepts; only the container shape (scalar, list, mapping) must agree. Intrinsic
    functions and unconstrained schemas always fit.
    """
    kind = json_type(value)
    if kind is None or not types:
        return True
    scalar = {"string", "integer", "number", "boolean"}
    if kind in scalar:
        return bool(types & scalar)
    return kind in types
