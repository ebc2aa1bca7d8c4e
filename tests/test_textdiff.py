"""The patience line diff behind ``cfnfix apply``'s output and SARIF replacements."""

from __future__ import annotations

import difflib
import re

from hypothesis import given
from hypothesis import strategies as st

from cfnfix.textdiff import matching_blocks, opcodes, unified_diff

LINES = st.lists(st.sampled_from(["a\n", "b\n", "}\n", "  },\n", "x: 1\n", "y: 2\r\n", "z"]), max_size=30)
HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")


def apply_unified(a: list[str], diff: list[str]) -> list[str]:
    """Rebuild the new side from the old one and a unified diff (checking context lines)."""
    out: list[str] = []
    i = 0
    k = 2
    while k < len(diff):
        m = HUNK.fullmatch(diff[k])
        assert m, diff[k]
        start = int(m.group(1)) - (0 if m.group(2) == "0" else 1)
        out.extend(a[i:start])
        i = start
        k += 1
        while k < len(diff) and not diff[k].startswith("@@"):
            tag, line = diff[k][0], diff[k][1:]
            if tag in " -":
                assert a[i] == line
                i += 1
            if tag in " +":
                out.append(line)
            k += 1
    return out + a[i:]


@given(LINES, LINES)
def test_blocks_are_real_matches_and_the_diff_rebuilds_the_new_side(a: list[str], b: list[str]) -> None:
    blocks = matching_blocks(a, b)
    assert blocks[-1] == (len(a), len(b), 0)
    i_end = j_end = 0
    for i, j, n in blocks:
        assert i >= i_end and j >= j_end and a[i : i + n] == b[j : j + n]
        i_end, j_end = i + n, j + n
    rebuilt: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(a, b):
        rebuilt.extend(a[i1:i2] if tag == "equal" else b[j1:j2])
    assert rebuilt == b
    diff = list(unified_diff(a, b, "a", "b"))
    assert (diff == []) == (a == b)
    if diff:
        assert diff[:2] == ["--- a\n", "+++ b\n"]
        assert apply_unified(a, diff) == b


@given(
    st.lists(st.text("abc", min_size=1, max_size=3).map(lambda s: s + "\n"), min_size=1, max_size=40, unique=True),
    st.data(),
)
def test_same_as_difflib_when_lines_are_unique(a: list[str], data: st.DataObject) -> None:
    """Where every line is unique the best alignment is unambiguous: the output is difflib's."""
    b = list(a)
    for _ in range(data.draw(st.integers(1, 4))):
        k = data.draw(st.integers(0, len(b) - 1)) if b else 0
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not b:
            b.insert(k, f"new {len(b)} {k}\n")
        elif action == "delete":
            del b[k]
        else:
            b[k] = f"changed {k}\n"
    assert list(unified_diff(a, b, "x", "y")) == list(difflib.unified_diff(a, b, "x", "y"))


def test_scattered_edits_in_a_large_repetitive_file() -> None:
    """30,000 lines, most of them `},`: 10 scattered renames diff exactly those lines, fast."""
    a = [f'"Res{i}": {{\n' if i % 3 == 0 else "  },\n" if i % 3 == 1 else '  "Type": "T",\n' for i in range(30_000)]
    b = list(a)
    for k in range(0, 30_000, 3000):
        b[k] = b[k].replace("Res", "Renamed")
    changed = [(tag, i1, i2) for tag, i1, i2, _, _ in opcodes(a, b) if tag != "equal"]
    assert changed == [("replace", k, k + 1) for k in range(0, 30_000, 3000)]
    diff = list(unified_diff(a, b, "a", "b"))
    assert sum(line.startswith("-") for line in diff[2:]) == 10
