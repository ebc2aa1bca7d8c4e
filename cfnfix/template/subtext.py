"""The text of a template's strings as CloudFormation reads it, and rewriting part of one.

A string value is either plain text or the template string of an ``Fn::Sub``. In a
``Fn::Sub`` template ``${X}`` names a variable (a parameter, a resource, a pseudo parameter or
an entry of the variable map) and ``${!X}`` is the literal text ``${X}``; in plain text both
are literal (docs/cloudformation/logical-ids.md, "Fn::Sub").

A fix that puts a pseudo parameter into part of a string (``us-east-1`` →
``${AWS::Region}``) edits a ``Fn::Sub`` template in place; a plain string becomes
``Fn::Sub`` of itself, with every ``${`` it already held written ``${!`` so that the deployed
text stays what it was (:func:`substituted`). Names are never rewritten here: the first
argument of ``Ref``, ``Fn::GetAtt``, ``Fn::FindInMap``, ``Condition`` and ``Fn::If`` is a name,
not text, and is not yielded by :func:`texts`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..document.pointer import escape_token
from ..findings import Op, Operation

__all__ = ["Text", "literal_spans", "substituted", "texts"]

#: ``${…}`` in a ``Fn::Sub`` template (what cfn-lint and CloudFormation treat as one token).
_TOKEN = re.compile(r"\$\{[^}]*\}")

#: Functions whose arguments are names or are read by the function itself, never text to rewrite.
_NAMES = frozenset(
    {"Ref", "Fn::GetAtt", "Fn::FindInMap", "Condition", "Fn::GetAZs", "Fn::ImportValue", "Fn::Transform"}
)


@dataclass(frozen=True)
class Text:
    """One string of the template: its pointer, its value, and whether it is a ``Fn::Sub`` template.

    ``pointer`` names the string itself (``…/Fn::Sub`` or ``…/Fn::Sub/0`` for a template);
    ``variables`` are the names a list-form ``Fn::Sub`` defines in its variable map (they
    shadow template names inside this template).
    """

    pointer: str
    value: str
    sub: bool
    variables: frozenset[str] = frozenset()


def texts(value: Any, pointer: str, *, skip: frozenset[str] = frozenset(), needle: str | None = None) -> Iterator[Text]:
    """Every string inside ``value`` (at ``pointer``) that is text: plain strings and ``Fn::Sub``
    templates, in document order. Keys, and the names that intrinsic functions take, are left
    out, as are the values of mapping keys in ``skip`` (``Principal`` …). With ``needle``, only
    the strings that contain it (the walk builds no pointer for the others)."""
    path: list[str] = []
    for text, tokens, sub, variables in _walk(value, path, skip, needle, False, frozenset()):
        yield Text(pointer + "".join("/" + escape_token(t) for t in tokens), text, sub, variables)


def _walk(
    value: Any, path: list[str], skip: frozenset[str], needle: str | None, sub: bool, variables: frozenset[str]
) -> Iterator[tuple[str, list[str], bool, frozenset[str]]]:
    if isinstance(value, str):
        if needle is None or needle in value:
            yield value, list(path), sub, variables
    elif isinstance(value, list):
        for i, item in enumerate(value):
            path.append(str(i))
            yield from _walk(item, path, skip, needle, False, frozenset())
            path.pop()
    elif isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key in _NAMES:
                return
            if key == "Fn::Sub":
                path.append(key)
                yield from _sub(arg, path, skip, needle)
                path.pop()
                return
            if key == "Fn::If" and isinstance(arg, list):
                path.append(key)
                for i, branch in enumerate(arg[1:], 1):
                    path.append(str(i))
                    yield from _walk(branch, path, skip, needle, False, frozenset())
                    path.pop()
                path.pop()
                return
        for key, item in value.items():
            if key not in skip:
                path.append(key)
                yield from _walk(item, path, skip, needle, False, frozenset())
                path.pop()


def _sub(
    arg: Any, path: list[str], skip: frozenset[str], needle: str | None
) -> Iterator[tuple[str, list[str], bool, frozenset[str]]]:
    if isinstance(arg, str):
        yield from _walk(arg, path, skip, needle, True, frozenset())
    elif isinstance(arg, list) and arg and isinstance(arg[0], str):
        names = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
        path.append("0")
        yield from _walk(arg[0], path, skip, needle, True, frozenset(names))
        path[-1] = "1"
        for name, item in names.items():
            path.append(name)
            yield from _walk(item, path, skip, needle, False, frozenset())
            path.pop()
        path.pop()


def literal_spans(text: Text) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of ``text.value`` that are literal text: all of a plain string;
    in a ``Fn::Sub`` template the parts between ``${…}`` tokens (a ``${!X}`` token is left out
    too: it is escaped text that a rewrite must not touch)."""
    if not text.sub:
        return [(0, len(text.value))]
    spans = []
    at = 0
    for m in _TOKEN.finditer(text.value):
        if m.start() > at:
            spans.append((at, m.start()))
        at = m.end()
    if at < len(text.value):
        spans.append((at, len(text.value)))
    return spans


def substituted(text: Text, edits: Sequence[tuple[int, int, str]]) -> Operation | None:
    """The operation that replaces each ``[start, end)`` of ``text.value`` with its ``Fn::Sub``
    text (``"${AWS::Region}"``): a ``Fn::Sub`` template is edited in place; a plain string
    becomes ``{"Fn::Sub": …}`` with its own ``${`` escaped as ``${!``.

    Spans must lie in :func:`literal_spans` and must not overlap. None when the rewrite
    cannot keep the rest of the text exact: a plain string that already holds ``${!``
    (its escaping in ``Fn::Sub`` is not documented).
    """
    ordered = sorted(edits)
    for (_, end), (start, _, _) in zip(((s, e) for s, e, _ in ordered), ordered[1:]):
        if start < end:
            raise ValueError("overlapping edits")
    if not text.sub and "${!" in text.value:
        return None
    parts: list[str] = []
    at = 0
    for start, end, new in ordered:
        parts.append(_kept(text, text.value[at:start]))
        parts.append(new)
        at = end
    parts.append(_kept(text, text.value[at:]))
    joined = "".join(parts)
    if text.sub:
        return Op.replace(text.pointer, joined)
    return Op.replace(text.pointer, {"Fn::Sub": joined})


def _kept(text: Text, piece: str) -> str:
    """``piece`` as it must read inside a ``Fn::Sub`` template to render the same text."""
    return piece if text.sub else piece.replace("${", "${!")
