"""The language server's positions (``cfnfix/server/positions.py``): offsets and LSP positions in every
encoding, and a map updated after an edit."""

from __future__ import annotations

import pytest

from cfnfix.server.positions import PositionMap
from devtools.paths import ROOT

SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"


@pytest.mark.parametrize(
    ("text", "offset", "encoding", "position"),
    [
        ("ab\ncd", 4, "utf-16", (1, 1)),
        ("ab\r\ncd", 5, "utf-16", (1, 1)),
        ("ab\rcd", 4, "utf-16", (1, 1)),  # a lone CR ends a line (LSP), as in YAML
        ("a\u2028b\nc", 4, "utf-16", (1, 0)),  # U+2028 does not (str.splitlines would split there)
        ("\U0001f680x", 1, "utf-16", (0, 2)),  # outside the BMP: two UTF-16 units
        ("\U0001f680x", 1, "utf-8", (0, 4)),
        ("\U0001f680x", 1, "utf-32", (0, 1)),
        ("é=1", 1, "utf-8", (0, 2)),
    ],
)
def test_positions_round_trip(text: str, offset: int, encoding: str, position: tuple[int, int]) -> None:
    positions = PositionMap(text, encoding)
    assert positions.position(offset) == position
    assert positions.offset(*position) == offset


def test_position_past_the_end_of_a_line_is_its_end() -> None:
    positions = PositionMap("ab\r\ncd\n")
    assert positions.offset(0, 99) == 2
    assert positions.offset(9, 0) == len("ab\r\ncd\n")
    assert positions.position(10_000) == (2, 0)


def test_positions_after_an_edit_equal_fresh_ones() -> None:
    import random

    rng = random.Random(5)
    text = SEED.read_text(encoding="utf-8")
    positions = PositionMap(text)
    for _ in range(500):
        at = rng.randrange(len(text) + 1)
        end = min(len(text), at + rng.choice([0, 0, 1, 3, 40]))
        new = "".join(rng.choice(["a", "\n", " ", "\n\n", "é"]) for _ in range(rng.randrange(3)))
        text = text[:at] + new + text[end:]
        positions = PositionMap.after_edit(positions, text)
        assert positions.starts == PositionMap(text).starts
    crlf = PositionMap.after_edit(PositionMap("a\r\nb"), "a\r\nbc\r\n")
    assert crlf.starts == [0, 3, 7]
