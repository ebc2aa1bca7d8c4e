"""Mistakes planted in the real corpus templates are repaired and restored (benchmarks/planted_mistakes.py).

To stay within about a minute, the test takes a deterministic sample: templates of at most
6,000 characters (cfn-lint's time grows with size) and the first 8 sites of each kind in the
script's fixed order. ``python benchmarks/planted_mistakes.py`` measures every site.
"""

from __future__ import annotations

import pytest

from benchmarks.corpus_fixes import load_corpus
from benchmarks.planted_mistakes import KINDS, run
from devtools.corpus import CORPUS

pytestmark = pytest.mark.corpus

PER_KIND = 8
MAX_BYTES = 6000


def test_planted_mistakes_meet_the_targets() -> None:
    problems: list[str] = []
    table = run(load_corpus(str(CORPUS)), PER_KIND, None, problems, MAX_BYTES)
    assert set(table) == set(KINDS)
    total = {
        k: sum(row[k] for row in table.values())
        for k in ("planted", "repaired", "restored", "new error", "second run changed")
    }
    for kind, row in table.items():
        assert row["planted"] >= PER_KIND // 2, (kind, row)
        assert row["repaired"] >= 0.7 * row["planted"], (kind, row, problems)
        assert row["restored"] >= 0.7 * row["planted"], (kind, row, problems)
    assert total["repaired"] >= 0.9 * total["planted"], (total, problems)
    assert total["restored"] >= 0.85 * total["planted"], (total, problems)
    assert total["new error"] == 0, problems
    assert total["second run changed"] == 0, problems
