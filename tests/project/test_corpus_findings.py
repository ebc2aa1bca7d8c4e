"""Findings over the shared corpus are what the snapshot says (issue 25: speed work must not change
results). ``tests/data/corpus_findings.json`` holds ``cfnfix check --format json`` over the corpus,
by default and with everything on; a change meant to change findings (a new rule) rewrites it with
``python scripts/corpus_findings.py --update`` in a commit of its own."""

from __future__ import annotations

import json

import pytest

from devtools.corpus import CORPUS
from devtools.corpus_findings import SNAPSHOT, differences, snapshot

pytestmark = pytest.mark.corpus


def test_corpus_findings_match_the_snapshot() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    actual = snapshot(CORPUS)
    diff = differences(expected, actual)
    assert not diff, (
        "findings over the corpus changed (python scripts/corpus_findings.py --update, if meant):\n" + "\n".join(diff)
    )
    assert sum(len(e["findings"]) for e in actual["everything"].values()) > sum(
        len(e["findings"]) for e in actual["default"].values()
    ), "everything on finds more than the default selection"
