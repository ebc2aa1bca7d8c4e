"""Hygiene rules (CFX8xx) over the shared corpus: every fix applies, is stable, and cfn-lint finds
no new error in the result (the hygiene findings' cfn-lint warnings go away)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.errors import CfnfixError
from devtools.corpus import corpus_files
from devtools.lint_oracle import new_lint_errors

pytestmark = pytest.mark.corpus

SETTINGS = Settings(select=["CFX8"], unsafe_fixes=True)


def _flagged() -> list[tuple[Path, str]]:
    found = []
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        try:
            if check(text, config=SETTINGS):
                found.append((path, text))
        except CfnfixError:
            continue
    return found


def test_hygiene_fixes_over_the_corpus() -> None:
    flagged = _flagged()
    assert len(flagged) >= 20, "the corpus has DependsOn/Sub/policy slips in dozens of templates"
    for path, text in flagged:
        result = fix(text, config=SETTINGS)
        assert not result.failed, (path, result.failed)
        assert result.changed and not [f for f in result.remaining if f.fixable], path
        assert fix(result.text, config=SETTINGS).text == result.text, f"{path}: a second run changes something"
        assert new_lint_errors(text, result.text) == set(), path
