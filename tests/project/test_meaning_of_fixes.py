"""What the meaning checker (``cfnfix/template/meaning.py``) proves of the fixes: for every golden
input and every template of the shared corpus, ``apply`` (safe fixes only) means the same as the
input outside the nodes the applied fixes declare, and no fix re-reads text that an earlier fix of
the run wrote; unsafe fixes too change only what they declare."""

from __future__ import annotations

import pytest

from cfnfix import fix
from cfnfix.config import Settings
from cfnfix.errors import CfnfixError
from devtools.corpus import corpus_files
from devtools.golden_cases import discover
from devtools.meaning_oracle import meaning_report


def _check_run(text: str, settings: Settings, changed: list[int] | None = None) -> list[str]:
    try:
        result = fix(text, config=settings)
    except CfnfixError:  # refused (an anchored edit): nothing written
        return []
    if not result.changed:
        return []
    if changed is not None:
        changed.append(len(result.fixed))
    report = meaning_report(result, settings)
    return report.unexplained + [f"{rule} re-read {pointer}" for rule, pointer in report.reread]


GOLDEN = discover()


@pytest.mark.parametrize("case", GOLDEN, ids=[c.id for c in GOLDEN])
def test_safe_fixes_of_every_golden_input_keep_the_meaning_outside_declared_nodes(case) -> None:  # type: ignore[no-untyped-def]
    settings = case.settings().model_copy(update={"unsafe_fixes": False})
    assert _check_run(case.input_text(), settings) == []


def test_unsafe_fixes_too_declare_what_they_change() -> None:
    """Unsafe fixes change behaviour, but still only where they say (over the golden inputs)."""
    problems = {}
    for case in GOLDEN:
        settings = case.settings().model_copy(update={"unsafe_fixes": True})
        found = _check_run(case.input_text(), settings)
        if found:
            problems[case.id] = found
    assert problems == {}


@pytest.mark.corpus
def test_safe_fixes_keep_the_meaning_over_the_corpus() -> None:
    problems = {}
    changed: list[int] = []
    for path in corpus_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = _check_run(text, Settings(), changed)
        if found:
            problems[path.name] = found
    assert problems == {}
    assert len(changed) >= 30 and sum(changed) >= 50, "the corpus has dozens of safe fixes to hold to their meaning"
