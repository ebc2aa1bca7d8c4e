"""Dependency cycles planted in the real corpus templates are found and broken (benchmarks/planted_cycles.py).

For each main shape, at every site of ``../shared/corpus`` where it can exist: CFX740 flags
the cycle, the fix (unsafe) leaves no cycle, every group keeps the same ingress/egress
rules and every role the same policy statements (compared as data), a second run changes
nothing, and no fix is dropped. cfn-lint checks the first few fixed templates of each shape
(the whole corpus: ``python benchmarks/planted_cycles.py --lint``).
"""

from __future__ import annotations

import pytest

from benchmarks.corpus_fixes import load_corpus
from benchmarks.planted_cycles import PLANTERS, run_shape
from devtools.corpus import CORPUS

pytestmark = pytest.mark.corpus

#: Fixed templates per shape that cfn-lint checks here (about 0.3 s each).
LINT_SAMPLE = 3


@pytest.fixture(scope="module")
def docs() -> list:
    return load_corpus(str(CORPUS))


@pytest.mark.parametrize("shape", list(PLANTERS))
def test_planted_cycles_are_broken_with_the_same_permissions(shape: str, docs: list) -> None:
    row, problems = run_shape(shape, docs, lint=True, lint_sample=LINT_SAMPLE)
    assert problems == []
    assert row["planted"] > 0
    assert row["flagged"] == row["planted"]
    assert row["broken"] == row["planted"]
    assert row["same permissions"] == row["broken"]
    assert row["second run changed"] == 0 and row["dropped"] == 0
    assert row["linted"] == min(LINT_SAMPLE, row["broken"]) and row["new lint errors"] == 0
