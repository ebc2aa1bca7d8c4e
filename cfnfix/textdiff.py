"""Line diffs that stay fast on large templates.

``difflib.SequenceMatcher`` compares two 1 MB templates with a rename applied in 3–9 s:
its longest-match search revisits the thousands of identical lines (``},``, ``Type:
String``) over and over. A fix changes few, scattered lines, so this module matches lines
the *patience* way instead (as bzr and ``git diff --patience``): after the common prefix and
suffix, lines that occur exactly once on each side are anchors, matched in order (a
longest increasing subsequence); the gaps between anchors are diffed the same way,
recursively; a gap without anchors goes to difflib when it is small and is one replaced
block otherwise. The unified format is ``difflib.unified_diff``'s, byte for byte.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterator, Sequence

__all__ = ["matching_blocks", "opcodes", "unified_diff"]

#: Gaps without anchors up to this many line pairs (len(a) * len(b)) are left to difflib.
_SMALL_GAP = 250_000

Opcode = tuple[str, int, int, int, int]


def _anchors(a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int) -> list[tuple[int, int]]:
    """Lines unique in ``a[alo:ahi]`` and in ``b[blo:bhi]``, paired, longest run in order on both sides."""
    in_a: dict[str, int] = {}
    for i in range(alo, ahi):
        in_a[a[i]] = -1 if a[i] in in_a else i
    in_b: dict[str, int] = {}
    for j in range(blo, bhi):
        in_b[b[j]] = -1 if b[j] in in_b else j
    pairs = [(i, in_b[line]) for line, i in in_a.items() if i >= 0 and in_b.get(line, -1) >= 0]
    if not pairs:
        return []
    pairs.sort()
    # longest increasing subsequence of the b-indices (patience sorting)
    tails: list[int] = []  # b-index ending the best run of each length
    tail_at: list[int] = []  # its position in pairs
    back = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        n = bisect.bisect_left(tails, j)
        if n == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[n] = j
            tail_at[n] = k
        back[k] = tail_at[n - 1] if n else -1
    run = []
    k = tail_at[-1]
    while k >= 0:
        run.append(pairs[k])
        k = back[k]
    run.reverse()
    return run


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Triples ``(i, j, n)`` with ``a[i:i+n] == b[j:j+n]``, increasing, ending with ``(len(a), len(b), 0)``
    (what ``SequenceMatcher.get_matching_blocks`` returns)."""
    found: list[tuple[int, int, int]] = []
    stack = [(0, len(a), 0, len(b))]
    while stack:
        alo, ahi, blo, bhi = stack.pop()
        k = 0
        while alo + k < ahi and blo + k < bhi and a[alo + k] == b[blo + k]:
            k += 1
        if k:
            found.append((alo, blo, k))
            alo, blo = alo + k, blo + k
        k = 0
        while alo < ahi - k and blo < bhi - k and a[ahi - 1 - k] == b[bhi - 1 - k]:
            k += 1
        if k:
            found.append((ahi - k, bhi - k, k))
            ahi, bhi = ahi - k, bhi - k
        if alo == ahi or blo == bhi:
            continue
        anchors = _anchors(a, alo, ahi, b, blo, bhi)
        if anchors:
            i0, j0 = alo, blo
            for i, j in anchors:
                stack.append((i0, i, j0, j))
                found.append((i, j, 1))
                i0, j0 = i + 1, j + 1
            stack.append((i0, ahi, j0, bhi))
        elif (ahi - alo) * (bhi - blo) <= _SMALL_GAP:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            found.extend((alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n)
    found.sort()
    merged: list[tuple[int, int, int]] = []
    for i, j, n in found:
        if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
            pi, pj, pn = merged[-1]
            merged[-1] = (pi, pj, pn + n)
        else:
            merged.append((i, j, n))
    merged.append((len(a), len(b), 0))
    return merged


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """``(tag, i1, i2, j1, j2)`` turning ``a`` into ``b``, as ``SequenceMatcher.get_opcodes``."""
    out: list[Opcode] = []
    i = j = 0
    for ai, bj, size in matching_blocks(a, b):
        tag = "replace" if i < ai and j < bj else "delete" if i < ai else "insert" if j < bj else ""
        if tag:
            out.append((tag, i, ai, j, bj))
        i, j = ai + size, bj + size
        if size:
            out.append(("equal", ai, i, bj, j))
    return out


def _grouped(codes: list[Opcode], n: int) -> Iterator[list[Opcode]]:
    """Hunks with ``n`` lines of context (``SequenceMatcher.get_grouped_opcodes``)."""
    if not codes:
        codes = [("equal", 0, 1, 0, 1)]
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


def _range(start: int, stop: int) -> str:
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def unified_diff(a: Sequence[str], b: Sequence[str], fromfile: str = "", tofile: str = "", n: int = 3) -> Iterator[str]:
    """Unified diff of two lists of lines (kept with their endings), as ``difflib.unified_diff``."""
    started = False
    for group in _grouped(opcodes(a, b), n):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])
