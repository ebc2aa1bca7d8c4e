"""The server's re-parse of one edited entry equals a full parse (``cfnfix/server/reparse.py``), YAML and JSON.

Many random edits (characters YAML gives meaning to included) of real templates: whenever
:func:`reparse` returns a parse, a full parse of the edited text succeeds and has the same
data (key order included) and the same nodes (every offset, style and tag); when the full
parse fails, :func:`reparse` has returned None.
"""

from __future__ import annotations

import os
import random
import sys
from typing import Any

import pytest

from cfnfix.document import parse_text
from cfnfix.document.nodes import MappingNode, ScalarNode
from cfnfix.errors import CfnfixError
from cfnfix.server.reparse import edit_region, reparse
from devtools.corpus import corpus_files
from devtools.paths import ROOT

sys.path.insert(0, str(ROOT))
SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"

#: What an edit inserts: plain text, and the characters that change YAML's structure.
PIECES = [
    "a",
    "Z9",
    " ",
    "  ",
    "\n",
    "\n    ",
    ": ",
    ":",
    "- ",
    "#",
    "'",
    '"',
    "{",
    "}",
    "[",
    "]",
    ",",
    "!Ref ",
    "&x ",
    "*x",
    "|",
    ">",
    "\t",
    "---",
    "\ufeff",
]
PIECES += ['"k": 1', ', "x"', "true", "\\", "-1e5", "null"]  # JSON's own


def _same_nodes(a: Any, b: Any, path: str = "") -> None:
    assert type(a) is type(b), path
    for name in type(a).__slots__:
        if name != "items":
            assert getattr(a, name) == getattr(b, name), f"{path}: {name}"
    if isinstance(a, ScalarNode):
        return
    assert len(a.items) == len(b.items), path
    if isinstance(a, MappingNode):
        for (ka, va), (kb, vb) in zip(a.items, b.items):
            _same_nodes(ka, kb, f"{path}/{ka.value}")
            _same_nodes(va, vb, f"{path}/{ka.value}")
    else:
        for i, (x, y) in enumerate(zip(a.items, b.items)):
            _same_nodes(x, y, f"{path}/{i}")


def _same_data(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            _same_data(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _same_data(x, y)
    else:
        assert a == b or (a != a and b != b)  # NaN


def _edit(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    if rng.random() < 0.3:  # a replacement or deletion
        end = min(len(text), at + rng.randrange(1, 8))
    else:
        end = at
    new = "".join(rng.choice(PIECES) for _ in range(rng.randrange(0 if end > at else 1, 3)))
    return text[:at] + new + text[end:]


def _check_edits(text: str, rng: random.Random, count: int) -> int:
    """Apply ``count`` random edits one after the other (each to the last text that parsed); how many were re-parsed."""
    parsed = parse_text(text, nodes=True)
    reparsed = 0
    for _ in range(count):
        new = _edit(rng, text)
        found = reparse(text, parsed, new)
        try:
            full = parse_text(new, nodes=True)
        except CfnfixError:
            assert found is None, (
                f"re-parsed a text the full parse refuses: {new[edit_region(text, new)[0] - 40 : edit_region(text, new)[2] + 40]!r}"
            )
            continue
        if found is not None:
            reparsed += 1
            assert found[0] == full[0] and found.expansions == full.expansions
            _same_data(found[2], full[2])
            _same_nodes(found[1], full[1])
        text, parsed = new, full
    return reparsed


def test_random_edits_of_the_seed_template() -> None:
    assert _check_edits(SEED.read_text(encoding="utf-8"), random.Random(14), 1500) > 100


def test_random_edits_of_the_seed_template_in_json() -> None:
    text = (SEED.parent.parent / "aurora-replication-json" / "input.json").read_text(encoding="utf-8")
    assert _check_edits(text, random.Random(15), 1500) > 100


def test_edits_of_the_large_json_template() -> None:
    from benchmarks.generate_large import generate_json

    text = generate_json(15)
    assert _check_edits(text, random.Random(8), 200) > 50
    at = text.index('"ExpirationInDays": 365') + len('"ExpirationInDays": 36')
    parsed = parse_text(text, nodes=True)
    for new in (text[:at] + "6" + text[at + 1 :], text[:at] + "66" + text[at + 1 :], text[:at] + text[at + 1 :]):
        found = reparse(text, parsed, new)
        assert found is not None
        full = parse_text(new, nodes=True)
        _same_data(found[2], full[2])
        _same_nodes(found[1], full[1])


def test_edits_of_the_large_template_are_reparsed() -> None:
    from benchmarks.generate_large import generate_yaml

    text = generate_yaml(15)
    rng = random.Random(7)
    assert _check_edits(text, rng, 200) > 50
    # the benchmark's edit: a digit for a digit, and typing a character inside a resource
    at = text.index("ExpirationInDays: 365") + len("ExpirationInDays: 36")
    parsed = parse_text(text, nodes=True)
    for new in (text[:at] + "6" + text[at + 1 :], text[:at] + "66" + text[at + 1 :], text[:at] + text[at + 1 :]):
        found = reparse(text, parsed, new)
        assert found is not None
        full = parse_text(new, nodes=True)
        _same_data(found[2], full[2])
        _same_nodes(found[1], full[1])
        # the other resources are the same objects: checks kept by identity are reused
        same = [name for name, body in found[2]["Resources"].items() if body is parsed[2]["Resources"].get(name)]
        assert len(same) == len(parsed[2]["Resources"]) - 1


def test_what_is_not_reparsed() -> None:
    text = "Parameters:\n  P:\n    Type: String\nResources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n"
    parsed = parse_text(text, nodes=True)
    at = text.index("  B:")
    assert reparse(text, parsed, text.replace("A:\n", "B:\n")) is None  # a duplicate key
    assert reparse(text, parsed, text.replace("S3::Bucket\n  B", "S3::Bucketx\n  B")) is not None  # typing inside A
    assert reparse(text, parsed, text[:at] + "  C: 1\n" + text[at:]) is None  # a new entry
    assert reparse(text, parsed, text[: at - 1] + text[at:]) is None  # A's last line break deleted: B joins its line
    assert reparse(text, parsed, text.replace("Type: String", "Type: String\nOutputs: {}")) is None  # a new section
    assert reparse(text, parsed, text.replace("  A:", "   A:")) is None  # another column
    assert reparse(text, parsed, text.replace("Parameters:", "Parameterz:")) is None  # a section's key
    assert (
        reparse(
            text.replace("\n", "\r\n"),
            parse_text(text.replace("\n", "\r\n")),
            text.replace("\n", "\r\n").replace("A:", "AA:"),
        )
        is None
    )
    anchored = text.replace("Type: String", "Type: &s String") + "  C:\n    Type: *s\n"
    assert reparse(anchored, parse_text(anchored), anchored.replace("AWS::S3::Bucket", "AWS::SQS::Queue", 1)) is None


@pytest.mark.corpus
def test_random_edits_of_corpus_templates() -> None:
    """60 corpus templates, 40 edits each; ``CFNFIX_REPARSE_FULL=SEED`` (e.g. 1): every YAML
    template of the corpus, 150 edits each, from that seed (a few minutes; docs/server.md)."""
    full = os.environ.get("CFNFIX_REPARSE_FULL")
    rng = random.Random(int(full) if full else 2026)
    files = [p for p in corpus_files() if p.suffix in (".yaml", ".yml", ".json", ".template")]
    reparsed = 0
    for path in files if full else rng.sample(files, 60):
        text = path.read_text(encoding="utf-8")
        try:
            parse_text(text, nodes=True)
        except CfnfixError:
            continue
        reparsed += _check_edits(text, rng, 150 if full else 40)
    if full:
        print(f"re-parsed {reparsed} edits, each equal to a full parse")
    assert reparsed > (5000 if full else 600)
