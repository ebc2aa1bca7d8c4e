"""Render new values as YAML text in a file's style.

Scalars are written plain when both YAML 1.1 (what CloudFormation reads) and YAML 1.2
read them back as the same string; otherwise quoted. Intrinsic functions use the
short-form tags when the file does (never two short tags on one node). Block style at
the siblings' indentation; flow style inside flow collections.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.resolver import Resolver

from ..document.intrinsics import EMITTABLE_SHORT, RAIN_PREFIX, intrinsic_name, key_tag
from ..errors import PatchError
from .style import Style

_RESOLVER = Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
# YAML 1.2 core schema implicit types (a plain scalar matching any of these is not a string).
_CORE12 = re.compile(
    r"""^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE
    |[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+
    |[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$""",
    re.X,
)
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")
# Characters YAML cannot hold raw in any scalar, or that break lines (NEL, LS, PS), or BOM.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff\x85\u2028\u2029]"
)
_FLOW_MAX = 80


def plain_ok(s: str, *, flow: bool) -> bool:
    """True when ``s`` may be written as a plain scalar and reads back as the same string."""
    if not s or s != s.strip(" \t") or s[0] in _INDICATORS:
        return False
    if "\n" in s or "\r" in s or "\t" in s or _UNPRINTABLE.search(s):
        return False
    if ": " in s or " #" in s or s.endswith(":"):
        return False
    if flow and (_FLOW_CHARS & set(s) or ":" in s):
        return False
    if s in ("---", "...") or s.startswith(("--- ", "... ")):
        return False
    if _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) != _STR_TAG:
        return False
    return _CORE12.match(s) is None


def single_quoted(s: str) -> str | None:
    """``s`` in single quotes, or None when single quotes cannot hold it on one line."""
    if "\n" in s or "\r" in s or _UNPRINTABLE.search(s) or "\t" in s:
        return None
    return "'" + s.replace("'", "''") + "'"


def double_quoted(s: str) -> str:
    """``s`` in double quotes with YAML escapes for everything not printable."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or 0x7F <= o <= 0x9F or ch in "\u2028\u2029\ufeff\ufffe\uffff" or 0xD800 <= o <= 0xDFFF:
            out.append(f"\\x{o:02x}" if o <= 0xFF else f"\\u{o:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def quoted(s: str, quote: str) -> str:
    """``s`` quoted, preferring ``quote`` (``'`` or ``"``) when it can hold the string."""
    if quote == "'":
        sq = single_quoted(s)
        if sq is not None:
            return sq
    return double_quoted(s)


def scalar_text(value: Any, style: Style, *, flow: bool, prefer: str = "") -> str:
    """One-line text of a scalar value (``prefer`` is the style of the scalar it replaces: a quote,
    or a quote and ``?`` — that quote only if the value needs quoting)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, str):
        if prefer.endswith("?"):
            prefer = "" if plain_ok(value, flow=flow) else prefer[0]
        if prefer == "'":
            sq = single_quoted(value)
            if sq is not None:
                return sq
        if prefer == '"':
            return double_quoted(value)
        if plain_ok(value, flow=flow):
            return value
        return quoted(value, style.quote)
    raise PatchError(f"cannot write a value of type {type(value).__name__} in a template")


def float_text(value: float) -> str:
    """A float as YAML 1.1 and 1.2 both read it (``1e+20`` → ``1.0e+20``)."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text:
        mant, exp = text.split("e")
        if "." not in mant:
            mant += ".0"
        if exp[0] not in "+-":
            exp = "+" + exp
        text = f"{mant}e{exp}"
    elif "." not in text:
        text += ".0"
    return text


def block_literal(value: str, indent: int, eol: str) -> str | None:
    """`` |`` header plus lines (text after ``key:``), or None when a literal cannot hold ``value``.

    A value ending in several line breaks is not written as a kept literal (``|+``): its
    value would run on over any blank lines that follow it in the file (the caller quotes it).
    """
    if "\r" in value or _UNPRINTABLE.search(value) or "\n" not in value:
        return None
    body = value
    if body.endswith("\n\n") or body == "\n":
        return None
    if body.endswith("\n"):
        chomp = ""
    else:
        chomp = "-"
    lines = body.split("\n")
    if chomp != "-":
        lines = lines[:-1]
    first = next((ln for ln in lines if ln.strip(" ") != ""), None)
    if first is None or first[0] in " \t":
        return None
    if any(ln.strip(" ") == "" and ln != "" for ln in lines):
        return None  # lines of only spaces would be read as empty lines
    pad = " " * indent
    out = [" |" + chomp]
    out.extend((pad + ln) if ln else "" for ln in lines)
    return eol.join(out)


def _is_simple(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _short_form(value: Any, style: Style) -> tuple[str, Any] | None:
    """(tag, argument) when ``value`` should be written with a short-form tag."""
    if not style.short_tags:
        return None
    name = intrinsic_name(value)
    if name is None or not (name in EMITTABLE_SHORT or name.startswith(RAIN_PREFIX)):
        return None
    arg = value[name]
    if name == "Fn::GetAtt" and not isinstance(arg, list):
        return None  # "!GetAtt A.B" reads back as a list: keep a string argument in long form
    if not isinstance(arg, (str, list, dict)):
        return None  # "!Ref 0" reads back as the string "0"
    if intrinsic_name(arg) is not None:
        return None  # "!Base64 !Sub x" is invalid: write the outer function in long form
    tag = key_tag(name)
    assert tag is not None
    return tag, arg


def _flow_fits(value: Any, style: Style) -> bool:
    """True when ``value`` reads well on one line in flow style (short, no multi-line text)."""
    budget = [_FLOW_MAX]

    def fits(v: Any, depth: int) -> bool:
        if depth > 6:
            return False
        if isinstance(v, str):
            budget[0] -= len(v) + 2
            return "\n" not in v and budget[0] > 0
        if _is_simple(v):
            budget[0] -= 5
            return budget[0] > 0
        short = _short_form(v, style)
        if short is not None:
            budget[0] -= len(short[0]) + 1
            return fits(short[1], depth + 1)
        if isinstance(v, list):
            budget[0] -= 2 * len(v) + 2
            return len(v) <= 8 and all(fits(x, depth + 1) for x in v)
        if isinstance(v, dict):
            budget[0] -= 4 * len(v) + 2
            return len(v) <= 3 and all(fits(x, depth + 1) for x in v.values()) and all(fits(k, depth + 1) for k in v)
        return False

    return fits(value, 0)


class YamlRenderer:
    """Renders values for one file's style."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.eol = style.eol

    # -- flow -------------------------------------------------------------------------
    def flow(self, value: Any, *, in_flow: bool = True) -> str:
        """``value`` on one line in flow style (tags where the file uses them)."""
        short = _short_form(value, self.style)
        if short is not None:
            tag, arg = short
            if tag == "!GetAtt" and self._dotted_getatt(arg):
                return f"{tag} {arg[0]}.{arg[1]}"
            return f"{tag} {self.flow(arg, in_flow=in_flow)}"
        if isinstance(value, dict):
            if not value:
                return "{}"
            return "{" + ", ".join(f"{self.key(k, flow=True)}: {self.flow(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            return double_quoted(value)
        return scalar_text(value, self.style, flow=in_flow)

    def _dotted_getatt(self, arg: Any) -> bool:
        return (
            isinstance(arg, list)
            and len(arg) == 2
            and all(isinstance(a, str) for a in arg)
            and "." not in arg[0]
            and plain_ok(f"{arg[0]}.{arg[1]}", flow=True)
        )

    def key(self, key: Any, *, flow: bool = False) -> str:
        """A mapping key."""
        if not isinstance(key, str):
            raise PatchError(f"mapping keys must be strings, not {type(key).__name__}")
        if plain_ok(key, flow=flow):
            return key
        return quoted(key, self.style.quote)

    # -- block ------------------------------------------------------------------------
    def after_key(self, value: Any, key_col: int, *, prefer: str = "") -> str:
        """Text that follows ``key:`` for ``value`` (starts with a blank or a line break)."""
        style = self.style
        child = key_col + style.indent
        short = _short_form(value, style)
        if short is not None:
            return self._tagged(short, child, key_col + style.seq_offset)
        if isinstance(value, dict):
            if not value:
                return " {}"
            return self.eol + self.mapping_lines(value, child)
        if isinstance(value, list):
            if not value:
                return " []"
            return self.eol + self.sequence_lines(value, key_col + style.seq_offset)
        if isinstance(value, str) and "\n" in value:
            literal = block_literal(value, child, self.eol)
            if literal is not None:
                return literal
        return " " + scalar_text(value, style, flow=False, prefer=prefer)

    def after_dash(self, value: Any, dash_col: int, *, prefer: str = "") -> str:
        """Text that follows a sequence item's ``-``."""
        style = self.style
        inner = dash_col + 2
        short = _short_form(value, style)
        if short is not None:
            return self._tagged(short, inner, inner)
        if isinstance(value, dict) and value:
            return " " + self.mapping_lines(value, inner)[inner:]
        if isinstance(value, list) and value:
            return " " + self.sequence_lines(value, inner)[inner:]
        if isinstance(value, str) and "\n" in value:
            literal = block_literal(value, inner, self.eol)
            if literal is not None:
                return literal
        return (
            " " + self.flow(value, in_flow=False)
            if not _is_simple(value)
            else " " + scalar_text(value, style, flow=False, prefer=prefer)
        )

    def _tagged(self, short: tuple[str, Any], child: int, seq_col: int) -> str:
        tag, arg = short
        if tag == "!GetAtt" and self._dotted_getatt(arg):
            return f" {tag} {arg[0]}.{arg[1]}"
        if isinstance(arg, (dict, list)) and arg and not _flow_fits(arg, self.style):
            if isinstance(arg, dict):
                return f" {tag}{self.eol}" + self.mapping_lines(arg, child)
            return f" {tag}{self.eol}" + self.sequence_lines(arg, seq_col)
        if isinstance(arg, str) and "\n" in arg:
            literal = block_literal(arg, child, self.eol)
            if literal is not None:
                return f" {tag}" + literal
        if isinstance(arg, (dict, list)):
            return f" {tag} {self.flow(arg)}"
        return f" {tag} {scalar_text(arg, self.style, flow=False)}"

    def mapping_lines(self, value: dict[str, Any], col: int) -> str:
        """A block mapping at column ``col``; the first line is indented too."""
        pad = " " * col
        return self.eol.join(f"{pad}{self.key(k)}:{self.after_key(v, col)}" for k, v in value.items())

    def sequence_lines(self, value: list[Any], col: int) -> str:
        """A block sequence whose dashes sit at column ``col``; the first line is indented too."""
        pad = " " * col
        return self.eol.join(f"{pad}-{self.after_dash(v, col)}" for v in value)

    def block(self, value: Any, col: int) -> str:
        """``value`` as a node starting at column ``col`` (first line not indented)."""
        if isinstance(value, dict) and value and _short_form(value, self.style) is None:
            return self.mapping_lines(value, col)[col:]
        if isinstance(value, list) and value:
            return self.sequence_lines(value, col)[col:]
        return self.after_key(value, col - self.style.indent)[1:]
