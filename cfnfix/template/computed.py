"""Strings a template computes from literal pieces: ``!Join ['-', [Html, Api]]`` is ``Html-Api``.

A rename rewrites every *reference* to a logical name (:mod:`cfnfix.references`), but a
template may also *build* the old name from pieces, which no rename can follow::

    RestApiId: !Join ['-', [Html, Api]]        # "Html-Api"
    Name: !Sub 'Html-Api'                       # a Sub whose literal text is the name
    Name: !Sub ['${A}-Api', {A: Html}]          # variables that are literals themselves

:class:`ComputedStrings` walks a template's plain data once and records, for every
``Fn::Join``, ``Fn::Sub`` and ``Fn::Select`` whose value is known without deploying (all its
pieces are literals, possibly computed the same way), the pointer of the function and the
string it yields. The outermost such function is recorded; plain strings are not (they are
*mentions*, see :meth:`cfnfix.references.ReferenceIndex.mentions`). Anything with a
``Ref``, ``Fn::GetAtt``, a ``${Variable}`` that is not in the Sub's literal map, or a pseudo
parameter is unknown and skipped. Nothing is evaluated but string joining and substitution.

Facts relied on: docs/cloudformation/computed-names.md (the ``Fn::Join``, ``Fn::Sub`` and ``Fn::Select``
semantics, and why a computed name is not a reference).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..document.pointer import escape_token

__all__ = ["MAX_VALUE", "Computed", "ComputedStrings", "evaluate"]

#: Longest computed value kept: logical IDs are at most 255 characters; names a rename
#: handles (too long ones included) are far below this. Longer values (inline code built
#: with ``Fn::Join``) are never names.
MAX_VALUE = 1024
#: Functions whose value can be known from literal arguments.
FUNCTIONS = ("Fn::Join", "Fn::Sub", "Fn::Select")
_SUB_TOKEN = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Computed:
    """A function at ``pointer`` (``/…/RestApiId``, the object holding ``Fn::Join``) that yields ``value``."""

    pointer: str
    function: str
    value: str


def _sub(template: str, variables: dict[str, Any]) -> str | None:
    """``template`` with its ``${X}`` replaced by literal ``variables`` (``${!X}`` → ``${X}``), or None."""
    out: list[str] = []
    last = 0
    for m in _SUB_TOKEN.finditer(template):
        out.append(template[last : m.start()])
        content = m.group(1)
        if content.startswith("!"):
            out.append("${" + content[1:] + "}")
        else:
            value = evaluate(variables.get(content.strip())) if content.strip() in variables else None
            if value is None:
                return None
            out.append(value)
        last = m.end()
    out.append(template[last:])
    return "".join(out)


def evaluate(node: Any) -> str | None:
    """The string ``node`` yields when it is a literal or a function of literals, else None."""
    if isinstance(node, str):
        return node
    if not isinstance(node, dict) or len(node) != 1:
        return None
    ((fn, arg),) = node.items()
    if fn == "Fn::Join":
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list)):
            return None
        parts = [evaluate(item) for item in arg[1]]
        return None if any(p is None for p in parts) else arg[0].join(parts)  # type: ignore[arg-type]
    if fn == "Fn::Sub":
        if isinstance(arg, str):
            return _sub(arg, {})
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
            return _sub(arg[0], arg[1])
        return None
    if fn == "Fn::Select":
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list)):
            return None
        index = arg[0]
        if isinstance(index, str) and index.isdigit() and index.isascii():
            index = int(index)
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(arg[1]):
            return None
        return evaluate(arg[1][index])
    return None


@dataclass
class ComputedStrings:
    """Every function of a template that yields a string known without deploying it."""

    data: Any
    found: list[Computed] = field(default_factory=list)
    _by_value: dict[str, list[Computed]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        found: list[tuple[list[Any], str, str]] = []
        _collect(self.data, [], found)
        for tokens, fn, value in found:
            item = Computed("".join("/" + escape_token(str(t)) for t in tokens), fn, value)
            self.found.append(item)
            self._by_value.setdefault(item.value, []).append(item)

    def equal_to(self, value: str) -> list[Computed]:
        """The functions that yield exactly ``value``, in document order."""
        return list(self._by_value.get(value, ()))


def _collect(node: Any, tokens: list[Any], out: list[tuple[list[Any], str, str]]) -> None:
    """Depth-first walk; the pointer's tokens are copied only for a hit (a 1 MB template has 200,000 nodes)."""
    if isinstance(node, dict):
        if len(node) == 1:
            for fn in node:
                if fn in FUNCTIONS:
                    value = evaluate(node)
                    if value is not None:
                        if len(value) <= MAX_VALUE:
                            out.append((list(tokens), fn, value))
                        return
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                tokens.append(key)
                _collect(value, tokens, out)
                tokens.pop()
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (dict, list)):
                tokens.append(i)
                _collect(item, tokens, out)
                tokens.pop()
