"""Local verification (``cfnfix/patch/local_verify.py``) is sound: whenever it accepts an
output, its data is what a parse of the whole output gives, key order included."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from cfnfix.document import parse_text
from cfnfix.errors import CfnfixError
from cfnfix.findings import TextEdit
from cfnfix.io.files import read_text
from cfnfix.patch import engine
from cfnfix.patch.edits import splice
from cfnfix.patch.engine import Planner
from cfnfix.patch.local_verify import verify_islands
from devtools.corpus import corpus_files
from devtools.engine_patches import generated_patches

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env:
    Type: String
Resources:
  Alpha:
    Type: AWS::Lambda::Function
    Properties:
      Code:
        ZipFile: |
          def handler(e, c):
              return 1
      Tags: [{Key: a, Value: b}]
        # a comment deeper than the next key
  Beta:
    Type: AWS::S3::Bucket
    Properties: {BucketName: beta}
  # a comment between entries
  Gamma:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: "gamma"
      TopicName: >
        folded
        text
Outputs:
  Out:
    Value: !Ref Alpha
"""


def _ordered(data: Any) -> Any:
    """Data with dict key order made visible (lists of pairs)."""
    if isinstance(data, dict):
        return [(k, _ordered(v)) for k, v in data.items()]
    if isinstance(data, list):
        return [_ordered(v) for v in data]
    return (type(data).__name__, data)


def _full(text: str) -> Any | None:
    try:
        return parse_text(text, fmt="yaml", nodes=False)[2]
    except CfnfixError:
        return None


def _check(text: str, edits: list[TextEdit]) -> bool:
    """Local verification of ``edits`` on ``text`` against the full parse; True when it was used."""
    _, root, data = parse_text(text)
    out = splice(text, sorted(edits, key=lambda e: (e.start, e.end)))
    full = _full(out)
    expected = full if isinstance(full, dict) else copy.deepcopy(data)
    local = verify_islands(text, out, root, data, expected, edits, None)  # type: ignore[arg-type]
    if local is None:
        return False
    assert full is not None, f"accepted an output that does not parse:\n{out}"
    assert _ordered(local[2]) == _ordered(full), out
    return True


@pytest.mark.parametrize(
    ("needle", "skip", "length", "new", "used"),
    [
        ("  Beta:", 2, 4, "Beta2", True),  # a rename: the key's text
        ("BucketName: beta", 12, 4, "[beta", False),  # an unclosed flow sequence
        ('DisplayName: "gamma"', 13, 7, "|\n        x", True),  # a new literal
        ("Tags: [{Key: a, Value: b}]", 6, 20, "|\n        x", True),  # the deeper comment joins the literal
        ("  Beta:", 0, 0, "  Extra: 1\n", True),  # at the end of the island before
        ("  # a comment between", 0, 0, "  Delta: 1\n", True),  # a new entry at the end of Beta's island
        ("  # a comment between", 0, 0, "  Gamma: 1\n", False),  # a duplicate of another entry
        ("  # a comment between", 0, 0, "Top: 1\n", False),  # dedents below the entries
        ("  Beta:", 2, 4, "Alpha", False),  # duplicates an untouched entry
        ("    Type: String", 10, 6, "String2", True),  # Parameters is a section too
        ("Value: !Ref Alpha", 12, 5, "Beta", True),
        ("'2010-09-09'", 1, 10, "2010-09-10", False),  # a root-level value
        ("Resources:", 0, 9, "Resource", False),  # a section's key
    ],
)
def test_crafted_edits(needle: str, skip: int, length: int, new: str, used: bool) -> None:
    start = TEMPLATE.index(needle) + skip
    assert _check(TEMPLATE, [TextEdit(start=start, end=start + length, new=new)]) is used


_SNIPPETS = [
    "x",
    " ",
    "\n",
    "  ",
    "    ",
    ": ",
    "- ",
    "|\n",
    ">-\n",
    "#",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "!Ref ",
    "&a ",
    "*a",
    "\n  K: v",
    "\n    - i",
    "---\n",
    "\t",
]


def test_random_edits_are_never_accepted_wrongly() -> None:
    rng = random.Random(20261201)
    _, root, data = parse_text(TEMPLATE)
    used = 0
    for _ in range(1500):
        edits: list[TextEdit] = []
        taken: list[tuple[int, int]] = []
        for _ in range(rng.randint(1, 3)):
            start = rng.randrange(len(TEMPLATE))
            end = min(len(TEMPLATE), start + rng.choice([0, 0, 1, 2, 5, 12]))
            if any(start <= b and a <= end for a, b in taken):
                continue
            taken.append((start, end))
            new = "".join(rng.choice(_SNIPPETS) for _ in range(rng.randint(0, 4)))
            edits.append(TextEdit(start=start, end=end, new=new))
        used += _check(TEMPLATE, edits)
    assert used > 100, "local verification should accept many of these"


@pytest.fixture
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "LOCAL_VERIFY", True)


@pytest.mark.corpus
@pytest.mark.usefixtures("_local")
def test_corpus_patches_verified_locally_equal_the_full_parse() -> None:
    files = corpus_files()[::3]
    assert files
    used = 0
    for path in files:
        text = read_text(path)
        _, _, data = parse_text(text, nodes=False)
        if not isinstance(data, dict) or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
            continue
        for patch in generated_patches(data).values():
            planner = Planner(text, str(path))
            out = planner.run(patch)
            local = verify_islands(
                text, out, planner.orig_root, planner.orig_data, planner.data, [p.edit for p in planner.edits], None
            )
            if local is not None and not planner.flushes:
                used += 1
                assert _ordered(local[2]) == _ordered(parse_text(out, fmt="yaml", nodes=False)[2]), (path, patch)
    assert used > 100
