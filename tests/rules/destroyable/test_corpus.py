"""The destroyable profile over the shared corpus: every fix applies, a second run changes
nothing, fixed templates gain no cfn-lint error (a few of them: cfn-lint is slow; the
benchmark ``benchmarks/destroyable_corpus.py --lint`` lints them all), and the fixes leave
no fixable finding behind."""

from __future__ import annotations

import pytest

from benchmarks.corpus_fixes import load_corpus
from benchmarks.destroyable_corpus import BLOCKING, measure
from devtools.corpus import CORPUS

pytestmark = pytest.mark.corpus

#: Fixed templates linted here (each costs two cfn-lint runs).
LINTED = 4


def test_profile_fixes_over_the_corpus_are_stable_and_lint_clean() -> None:
    result = measure(load_corpus(CORPUS), lint=True, lint_limit=LINTED)
    assert result.templates >= 290
    assert not result.failed, result.failed
    assert not result.unstable, result.unstable
    assert result.linted == LINTED and not result.lint_bad, result.lint_bad
    assert result.changed, "the corpus has retained resources the profile fixes"
    # what a fix can repair is repaired: only the report-only rules remain
    fixable = {"CFX250", "CFX251", "CFX252", "CFX253", "CFX256"}
    assert not fixable & set(result.after), result.after
    assert result.not_destroyable_after["blocking"] < result.not_destroyable_before["blocking"]
    assert set(BLOCKING) >= fixable
