"""Defects planted in the real corpus templates are found and fixed (benchmarks/injected_defects.py).

For each defect kind, at every site of ``../shared/corpus`` where it can exist: the rule
flags it; the fix (unsafe fixes included) changes the template unless the rule explains
why it offers none; afterwards the rule is quiet, a second run changes nothing, no fix is
dropped, and cfn-lint reports no error the injected template did not have.
"""

from __future__ import annotations

import pytest

from benchmarks.corpus_fixes import load_corpus
from benchmarks.injected_defects import INJECTIONS, SETTINGS, run_kind
from devtools.corpus import CORPUS

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def docs() -> list:
    return load_corpus(str(CORPUS))


@pytest.mark.parametrize("rule_id", sorted(INJECTIONS))
def test_injected_defects_are_flagged_and_fixed(rule_id: str, docs: list) -> None:
    row, problems = run_kind(rule_id, docs, SETTINGS, lint=True)
    assert problems == []
    assert row["injected"] > 0
    assert row["flagged"] == row["injected"]
    assert row["fixed"] + row["without a fix"] == row["flagged"]
    assert row["dropped"] == 0
