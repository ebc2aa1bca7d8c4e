"""Engine golden cases (golden/engine/): apply ops.json to the input and compare byte for byte."""

from __future__ import annotations

import pytest

from cfnfix import apply_patch
from cfnfix.document import load
from cfnfix.patch import engine

from .golden_cases import Case, discover_engine, engine_ops
from .touched import untouched_violations

CASES = discover_engine()


@pytest.fixture(autouse=True)
def _strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "STRICT", True)


def test_there_are_engine_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_engine_golden(case: Case) -> None:
    text = case.input_text()
    ops = engine_ops(case)
    out = apply_patch(text, ops)
    assert out == case.output.read_bytes().decode("utf-8")
    assert untouched_violations(load(text), out, ops) == []
    assert apply_patch(out, []) == out
