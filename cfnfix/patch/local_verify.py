"""Verification by re-parsing only the entries a patch edited (YAML block templates).

The engine verifies its output by parsing it and comparing the data with what jsonpatch
produced. For a 1 MB template that parse costs as much as reading the input did, although
a fix usually edits a few resources. When every edit lies inside entries of a top-level
section (``/Resources/X``, ``/Outputs/Y`` …) written in block style, only those entries
("islands") are re-parsed, each as a document of its own, and the output's data is the
input's data with the islands' data in their place. That is exactly what a parse of the
whole output gives, because (see ``docs/design.md``, "Local verification"):

* outside the islands the output is the input, byte for byte;
* an island starts where the input had an entry's key line at the section's indentation
  ``k``, and its output still starts with a key at column ``k`` (checked), so the text
  before it is read as before and the island is read as entries of the same mapping;
* an island ends just before the next line whose content is at an indentation ``<= k``
  (the next entry's key, or the next top-level key), and its output ends with a line
  break, so nothing in the island (a block scalar, a plain multi-line scalar) can run on
  into the text after it; a flow collection or quoted scalar left open, or a line that
  dedents below ``k``, fails the island's own parse;
* a key an island defines twice, or that another island or an untouched entry also
  defines, would be a duplicate: it is checked.

Whenever one of these conditions cannot be shown (an edit outside every entry, a flow
section, anchors or aliases, ``%`` directives, lone CR line endings, an edit that reaches
an island's first character, a flush during planning), :func:`verify_islands` returns None
and the engine parses the whole output as before. Where an entry's text lies, how it is
parsed alone and how the result is put in place is :mod:`cfnfix.document.entry`'s, shared
with the language server's incremental re-parse.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..document import Parsed
from ..document.entry import block_entries, parse_region, splice_data
from ..document.nodes import MappingNode, Node
from ..findings import TextEdit
from .verify import first_difference

_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


def verify_islands(
    original: str, output: str, root: Node, data: Any, expected: Any, edits: list[TextEdit], file: str | None
) -> Parsed | None:
    """The parse of ``output`` (data only) when re-parsing the edited entries proves it equals
    ``expected``; None when this cannot be shown (the caller then parses all of ``output``).

    ``original`` was parsed as ``root``/``data`` (the engine's input, no flush since), and
    ``edits`` (original coordinates) turn it into ``output``.
    """
    if not edits or not isinstance(root, MappingNode) or root.flow or root.tag is not None:
        return None
    if not isinstance(data, dict) or not isinstance(expected, dict):
        return None
    if "\r" in original and original.count("\r") != original.count("\r\n"):
        return None
    if "%" in original and _DIRECTIVE.search(original):
        return None
    entries = block_entries(original, root)
    if not entries:
        return None
    starts = [e.start for e in entries]
    touched: dict[int, list[TextEdit]] = {}
    for edit in edits:
        i = bisect.bisect_left(starts, edit.start) - 1  # the entry whose start is strictly before the edit
        if i < 0 or not (entries[i].start < edit.start and edit.end <= entries[i].end):
            return None
        touched.setdefault(i, []).append(edit)
    # output offsets of the island boundaries: shift by every edit that ends at or before them
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    ends = [e.end for e in ordered]
    shifts = [0]
    for e in ordered:
        shifts.append(shifts[-1] + len(e.new) - (e.end - e.start))

    def out_offset(offset: int) -> int:
        return offset + shifts[bisect.bisect_right(ends, offset)]

    islands: dict[int, dict[str, Any]] = {}
    for i in touched:
        entry = entries[i]
        a, b = out_offset(entry.start), out_offset(entry.end)
        island = output[a:b]
        last = b == len(output)
        if not last and island and not island.endswith("\n"):
            return None  # the next entry's key would join the island's last line
        if island.strip(" \t\r\n") == "" or all(
            not line.strip(" \t") or line.lstrip(" \t").startswith("#") for line in island.splitlines()
        ):
            islands[i] = {}  # the entry was removed (comments may stay)
            continue
        parsed = parse_region(entry, island, file, last=last, nodes=False)
        if parsed is None:
            return None
        islands[i] = parsed.data
    rebuilt = splice_data(data, entries, islands)
    if rebuilt is None or first_difference(rebuilt, expected) is not None:
        return None
    return Parsed("yaml", None, rebuilt, ())
