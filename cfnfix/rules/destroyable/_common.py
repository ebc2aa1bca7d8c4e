"""Shared by the destroyable rules: the profile's base class, its data tables, and reading
values that may be computed (``Fn::If``, ``Ref`` to a parameter) without evaluating them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources as _files
from typing import Any, ClassVar

from ...document.pointer import escape_token
from ...findings import Applicability
from ...template.model import section
from ..base import Rule

PROFILE = "destroyable"

#: DeletionPolicy values that keep the resource or a snapshot of it when the stack is deleted.
RETAINING_DELETION = ("Retain", "RetainExceptOnCreate", "Snapshot")
#: UpdateReplacePolicy values that keep the old resource (or a snapshot) on replacement.
RETAINING_REPLACE = ("Retain", "Snapshot")

_PREFIX = "Profile `destroyable`: "

#: What :func:`outcomes` reports for ``Ref AWS::NoValue``: the attribute or property is left out.
ABSENT = "(absent)"


class DestroyableRule(Rule):
    """Base of the destroyable rules: in the profile, fixes unsafe (they destroy data on delete)."""

    profile: ClassVar[str | None] = PROFILE
    fix_applicability = Applicability.UNSAFE


def summary(text: str) -> str:
    """A rule summary that names the profile (so ``cfnfix rules`` shows it)."""
    return _PREFIX + text


@cache
@cache
def table(name: str) -> dict[str, Any]:
    """A data file of the family's ``data/`` folder (``destroyable.json``, ``physical_names.json``),
    read once per process (shared: do not change it)."""
    text = (_files.files(__package__) / "data" / name).read_text(encoding="utf-8")
    return json.loads(text)


def pointer(*parts: str | int) -> str:
    """JSON Pointer from raw tokens."""
    return "".join("/" + escape_token(str(p)) for p in parts)


def scalar(value: Any) -> str | None:
    """A literal scalar as CloudFormation reads it (``True`` → ``"true"``); None for intrinsics."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


@dataclass(frozen=True)
class Outcomes:
    """What a possibly computed value can be: the literal values found, and how it is computed."""

    values: tuple[str, ...]
    unknown: bool
    """True when some outcome cannot be read (a parameter without AllowedValues, FindInMap …)."""
    how: str
    """One line: ``Fn::If on IsProd: Retain or Delete``, ``parameter Policy (default Retain)``."""


def outcomes(data: Any, value: Any, depth: int = 0) -> Outcomes:
    """The possible values of ``value``: both branches of ``Fn::If``, a parameter's allowed
    values (or its default, and unknown), never anything evaluated."""
    literal = scalar(value)
    if literal is not None:
        return Outcomes((literal,), False, literal)
    if depth > 8 or not isinstance(value, dict) or len(value) != 1:
        return Outcomes((), True, "a computed value")
    ((fn, arg),) = value.items()
    if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
        yes, no = outcomes(data, arg[1], depth + 1), outcomes(data, arg[2], depth + 1)
        cond = arg[0] if isinstance(arg[0], str) else "a condition"
        return Outcomes(
            tuple(dict.fromkeys(yes.values + no.values)),
            yes.unknown or no.unknown,
            f"Fn::If on {cond}: {yes.how} if true, {no.how} if false",
        )
    if fn == "Ref" and arg == "AWS::NoValue":
        return Outcomes((ABSENT,), False, "AWS::NoValue")
    if fn == "Ref" and isinstance(arg, str):
        param = section(data, "Parameters").get(arg)
        if not isinstance(param, dict):
            return Outcomes((), True, f"Ref {arg}")
        allowed = param.get("AllowedValues")
        default = scalar(param.get("Default"))
        if isinstance(allowed, list) and allowed and all(scalar(a) is not None for a in allowed):
            values = tuple(str(scalar(a)) for a in allowed)
            return Outcomes(values, False, f"parameter {arg} (one of {', '.join(values)})")
        if default is not None:
            return Outcomes((default,), True, f"parameter {arg} (default {default})")
        return Outcomes((), True, f"parameter {arg}")
    return Outcomes((), True, f"{fn}")


def references_to(value: Any, logical_id: str) -> bool:
    """True when ``value`` holds a ``Ref``/``Fn::GetAtt`` to ``logical_id`` or ``${logical_id}`` in a ``Fn::Sub``."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id and len(value) == 1:
            return True
        if "Fn::GetAtt" in value and len(value) == 1:
            arg = value["Fn::GetAtt"]
            if (isinstance(arg, list) and arg[:1] == [logical_id]) or (
                isinstance(arg, str) and arg.split(".", 1)[0] == logical_id
            ):
                return True
        if "Fn::Sub" in value and len(value) == 1:
            arg = value["Fn::Sub"]
            text = (
                arg
                if isinstance(arg, str)
                else (arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else "")
            )
            if "${" + logical_id + "}" in text or "${" + logical_id + "." in text:
                return True
        return any(references_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(references_to(v, logical_id) for v in value)
    return False
