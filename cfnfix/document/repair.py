"""Text-level repair before parsing: JSON with trailing commas or comments (rule CFX801).

JSON has neither trailing commas nor comments, yet templates written by hand or by a model
often have both (``"a": 1,}``, ``// networking``, ``/* … */``). CloudFormation rejects them
(cfn-lint E0000). When removing exactly those characters makes the text parse, that is the
one obvious repair; any other syntax error stays an error with its position.

The repair has two views of the text:

* ``masked``: the same text with each removed character replaced by a space (line breaks
  kept), so it parses and every position in it is the position in the original. Rules run
  on it, and their findings point at the original's lines and columns.
* ``repaired``: the text with the characters removed, plus the blanks they leave at the end
  of a line, and a line that held nothing but a comment. Fixing starts from it.

Nothing else changes: strings (``"http://x"``, ``"a,]"``) are skipped by the scanner, and
the masked and repaired texts parse to the same data, which is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..errors import CfnfixError, ParseError
from . import Document, detect_format, load

__all__ = ["JsonRepair", "Removal", "RepairedDocument", "load_document", "repair_json"]

Kind = Literal["trailing comma", "line comment", "block comment"]


@dataclass(frozen=True)
class Removal:
    """Characters ``[start, end)`` of the original text that JSON does not allow."""

    start: int
    end: int
    kind: Kind


@dataclass(frozen=True)
class JsonRepair:
    """The removals, and the masked and repaired texts (see the module doc)."""

    original: str
    removals: tuple[Removal, ...]
    masked: str
    repaired: str


@dataclass
class RepairedDocument(Document):
    """A document parsed from the masked text of a :class:`JsonRepair` (positions are the original's)."""

    repair: JsonRepair | None = field(default=None, repr=False)


def _scan(text: str) -> list[Removal] | None:
    """Comments and trailing commas outside strings; None when a comment or string never ends."""
    found: list[Removal] = []
    i, n = 0, len(text)
    last_comma: int | None = None  # a comma followed so far only by blanks and comments
    while i < n:
        c = text[i]
        if c == '"':
            last_comma = None
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= n:
                return None
            i += 1
        elif c == "/" and text.startswith("//", i):
            end = i + 2
            while end < n and text[end] not in "\r\n":
                end += 1
            found.append(Removal(i, end, "line comment"))
            i = end
        elif c == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return None
            found.append(Removal(i, end + 2, "block comment"))
            i = end + 2
        elif c == ",":
            last_comma = i
            i += 1
        elif c in "}]":
            if last_comma is not None:
                found.append(Removal(last_comma, last_comma + 1, "trailing comma"))
            last_comma = None
            i += 1
        elif c in " \t\r\n\ufeff":
            i += 1
        else:
            last_comma = None
            i += 1
    return sorted(found, key=lambda r: r.start)


def _mask(text: str, removals: tuple[Removal, ...]) -> str:
    chars = list(text)
    for r in removals:
        for k in range(r.start, r.end):
            if chars[k] not in "\r\n":
                chars[k] = " "
    return "".join(chars)


def _remove(text: str, removals: tuple[Removal, ...]) -> str:
    """``text`` without the removals. On a line that loses its last non-blank character the
    blanks before it go too; a line left with nothing (that had something) goes whole."""
    removed = bytearray(len(text))
    for r in removals:
        removed[r.start : r.end] = b"\x01" * (r.end - r.start)
    out: list[str] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        gone = removed[offset : offset + len(body)]
        offset += len(line)
        if not any(gone):
            out.append(line)
            continue
        kept = "".join(ch for ch, g in zip(body, gone) if not g)
        if kept.strip(" \t\ufeff") == "":
            out.append("\ufeff" if kept.startswith("\ufeff") else "")  # the line goes (a BOM stays)
            continue
        last = len(body.rstrip(" \t")) - 1
        if last >= 0 and gone[last]:
            kept = kept.rstrip(" \t")
        out.append(kept + ending)
    return "".join(out)


_LEADING = re.compile(r"(?:[\s\ufeff]+|//[^\r\n]*|/\*.*?\*/)*", re.DOTALL)


def _looks_like_json(text: str) -> bool:
    """JSON by its first significant character, comments before it skipped."""
    return text[_LEADING.match(text).end() :][:1] in ("{", "[")  # type: ignore[union-attr]


def repair_json(text: str) -> JsonRepair | None:
    """The repair of JSON ``text`` whose only faults are trailing commas and comments, else None."""
    if not _looks_like_json(text):
        return None
    found = _scan(text)
    if not found:
        return None
    removals = tuple(found)
    masked = _mask(text, removals)
    repaired = _remove(text, removals)
    try:
        masked_data = load(masked).data
        repaired_data = load(repaired).data
    except CfnfixError:
        return None
    if masked_data != repaired_data or detect_format(repaired) != "json":
        return None
    return JsonRepair(text, removals, masked, repaired)


def load_document(text: str, file: str | None = None, *, repair: bool = True, nodes: bool = False) -> Document:
    """:func:`~cfnfix.document.load` (``nodes``: with positions at once), or, for JSON that only
    a trailing comma or a comment keeps from parsing (and ``repair``), a
    :class:`RepairedDocument` of the masked text. Any other parse error is raised as it is."""
    try:
        return load(text, file, nodes=nodes)
    except ParseError as exc:
        fixed = repair_json(text) if repair else None
        if fixed is None:
            raise
        try:
            doc = load(fixed.masked, file)
        except CfnfixError:
            raise exc from None
        return RepairedDocument(doc.text, doc.format, None, doc.data, file, repair=fixed)
