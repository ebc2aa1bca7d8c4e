"""Load JSON text into source nodes and the plain-data view.

A small position-keeping scanner (regular expressions over the text, recursive descent
bounded in depth). It accepts exactly RFC 8259 JSON, refuses duplicate keys, and reports
the line and column of the first problem.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ParseError
from .nodes import MappingNode, Node, ScalarNode, SequenceNode
from .text import LineIndex

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_MAX_DEPTH = 300
_MAX_NUMBER_CHARS = 4000


class _Scanner:
    def __init__(self, text: str, file: str | None) -> None:
        self.text = text
        self.file = file
        self.n = len(text)
        distinct: dict[str, str] = {}
        self.canon = distinct.setdefault  # one object per distinct string (keys repeat: Type, Properties …)

    def error(self, pos: int, reason: str) -> ParseError:
        line, col = LineIndex(self.text).line_col(min(pos, self.n))
        return ParseError(f"invalid JSON: {reason}", file=self.file, line=line, column=col)

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def describe(self, pos: int) -> str:
        if pos >= self.n:
            return "end of file"
        return repr(self.text[pos])

    def string(self, pos: int) -> tuple[ScalarNode, str, int]:
        m = _STRING.match(self.text, pos)
        if m is None:
            end = pos + 1
            while end < self.n and self.text[end] not in '"\n':
                if self.text[end] == "\\":
                    end += 1
                end += 1
            if end >= self.n or self.text[end] == "\n":
                raise self.error(pos, "unterminated string")
            raise self.error(pos, "invalid character or escape in string")
        token = m.group()
        value = token[1:-1] if "\\" not in token else json.loads(token)
        value = self.canon(value, value)
        return ScalarNode(pos, pos, m.end(), value, "json", None, value), value, m.end()

    def value(self, pos: int, depth: int) -> tuple[Node, Any, int]:
        text = self.text
        if pos >= self.n:
            raise self.error(pos, "expected a value, found end of file")
        c = text[pos]
        if c == "{":
            return self.obj(pos, depth + 1)
        if c == "[":
            return self.arr(pos, depth + 1)
        if c == '"':
            return self.string(pos)
        if c == "-" or c.isdigit():
            m = _NUMBER.match(text, pos)
            if m is None:
                raise self.error(pos, "invalid number")
            tok = m.group()
            if len(tok) > _MAX_NUMBER_CHARS:  # Python converts at most 4300 digits
                raise self.error(pos, f"number too long to read ({len(tok)} characters)")
            num: Any = float(tok) if (m.group(1) or m.group(2)) else int(tok)
            return ScalarNode(pos, pos, m.end(), tok, "jsonlit", None, num), num, m.end()
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                end = pos + len(word)
                return ScalarNode(pos, pos, end, word, "jsonlit", None, val), val, end
        raise self.error(pos, f"expected a value, found {self.describe(pos)}")

    def obj(self, start: int, depth: int) -> tuple[Node, Any, int]:
        if depth > _MAX_DEPTH:
            raise self.error(start, f"nesting deeper than {_MAX_DEPTH} levels")
        text = self.text
        items: list[tuple[ScalarNode, Node]] = []
        data: dict[str, Any] = {}
        pos = self.ws(start + 1)
        if pos < self.n and text[pos] == "}":
            return MappingNode(start, start, pos + 1, items, True, None, pos), data, pos + 1
        while True:
            if pos >= self.n or text[pos] != '"':
                if pos < self.n and text[pos] == "}" and items:
                    raise self.error(pos, "trailing comma before '}'")
                raise self.error(pos, f"expected a string key, found {self.describe(pos)}")
            knode, key, pos = self.string(pos)
            if key in data:
                raise self.error(knode.start, f"duplicate key {key!r}")
            pos = self.ws(pos)
            if pos >= self.n or text[pos] != ":":
                raise self.error(pos, f"expected ':' after key, found {self.describe(pos)}")
            pos = self.ws(pos + 1)
            vnode, val, pos = self.value(pos, depth)
            items.append((knode, vnode))
            data[key] = val
            pos = self.ws(pos)
            if pos < self.n and text[pos] == ",":
                pos = self.ws(pos + 1)
                continue
            if pos < self.n and text[pos] == "}":
                return MappingNode(start, start, pos + 1, items, True, None, pos), data, pos + 1
            raise self.error(pos, f"expected ',' or '}}', found {self.describe(pos)}")

    def arr(self, start: int, depth: int) -> tuple[Node, Any, int]:
        if depth > _MAX_DEPTH:
            raise self.error(start, f"nesting deeper than {_MAX_DEPTH} levels")
        text = self.text
        items: list[Node] = []
        data: list[Any] = []
        pos = self.ws(start + 1)
        if pos < self.n and text[pos] == "]":
            return SequenceNode(start, start, pos + 1, items, True, None, pos), data, pos + 1
        while True:
            if pos < self.n and text[pos] == "]" and items:
                raise self.error(pos, "trailing comma before ']'")
            vnode, val, pos = self.value(pos, depth)
            items.append(vnode)
            data.append(val)
            pos = self.ws(pos)
            if pos < self.n and text[pos] == ",":
                pos = self.ws(pos + 1)
                continue
            if pos < self.n and text[pos] == "]":
                return SequenceNode(start, start, pos + 1, items, True, None, pos), data, pos + 1
            raise self.error(pos, f"expected ',' or ']', found {self.describe(pos)}")


class _Refused(Exception):
    """The fast data-only path met something the scanner must judge (and position)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _Refused
    return data


def _no_constant(name: str) -> Any:
    raise _Refused  # NaN, Infinity: not JSON


def _number(convert: Any) -> Any:
    def parse(token: str) -> Any:
        if len(token) > _MAX_NUMBER_CHARS:
            raise _Refused
        return convert(token)

    return parse


_INT = _number(int)
_FLOAT = _number(float)


def load_json(text: str, file: str | None = None, *, nodes: bool = True) -> tuple[Node | None, Any]:
    """Parse JSON ``text`` (BOM allowed) into (root node, plain data).

    With ``nodes=False`` only the data is built (the root node is None), by the standard
    library's C decoder; anything it cannot settle — duplicate keys, NaN, any error — goes
    to the position-keeping scanner, which gives the same data or the positioned error.
    """
    if not nodes:
        try:
            data = json.loads(
                text[1:] if text.startswith("\ufeff") else text,
                object_pairs_hook=_unique,
                parse_constant=_no_constant,
                parse_int=_INT,
                parse_float=_FLOAT,
            )
        except (_Refused, ValueError, RecursionError):
            pass
        else:
            if _depth_ok(data):
                return None, data
    scanner = _Scanner(text, file)
    pos = scanner.ws(1 if text.startswith("\ufeff") else 0)
    node, data, pos = scanner.value(pos, 0)
    pos = scanner.ws(pos)
    if pos < len(text):
        raise scanner.error(pos, f"extra data after the JSON document, found {scanner.describe(pos)}")
    return (node if nodes else None), data


def _depth_ok(data: Any) -> bool:
    """True when ``data`` nests no deeper than the scanner allows."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth >= _MAX_DEPTH:
                return False
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            if depth >= _MAX_DEPTH:
                return False
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))
    return True
