"""Engine golden cases (golden/engine/): apply ops.json to the input and compare byte for byte."""

from __future__ import annotations

from typing import Any

import pytest

from cfnfix import apply_patch as _apply_patch
from cfnfix.document import load
from devtools.golden_cases import Case, discover_engine, engine_ops
from devtools.touched import untouched_violations

CASES = discover_engine()


def apply_patch(text: str, patch: list[dict[str, Any]], **kw: Any) -> str:
    """The fast planner alone: a verification failure is an error, not retried step by step."""
    return _apply_patch(text, patch, strict=True, **kw)


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


def test_apply_patch_leaves_the_cached_parse_untouched() -> None:
    """The engine plans on the shared parse of the document cache by copying what it changes."""
    import copy

    from cfnfix.document import parse_cached

    text = "Resources:\n  A:\n    Type: X\n    Properties:\n      L: [1, 2]\n  B:\n    Type: Y\n"
    _, root, data = parse_cached(text)
    before = copy.deepcopy(data)
    items_before = [(k.value, v) for k, v in root.items]
    out = apply_patch(
        text,
        [
            {"op": "add", "path": "/Resources/A/Properties/L/-", "value": 3},
            {"op": "move", "from": "/Resources/B", "path": "/Resources/C"},
            {"op": "remove", "path": "/Resources/A/Type"},
            {"op": "replace", "path": "/Resources/A/Properties/L/0", "value": 0},
        ],
    )
    assert load(out).data == {"Resources": {"A": {"Properties": {"L": [0, 2, 3]}}, "C": {"Type": "Y"}}}
    assert data == before
    assert [(k.value, v) for k, v in root.items] == items_before
    assert [k.value for k, _ in root.items[0][1].items] == ["A", "B"]
