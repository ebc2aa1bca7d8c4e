"""Property tests: generated templates (comments, tags, flow/block, CRLF, BOM) and patches.

The engine's output always parses, its data equals jsonpatch's result, and for a
single operation nothing changes outside the touched lines.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
from hypothesis import example, given
from hypothesis import strategies as st

from cfnfix import apply_patch as _apply_patch
from cfnfix.document import load, parse_text
from devtools.touched import untouched_violations
from tests.support.strategies import json_documents, operations, yaml_documents


def apply_patch(text: str, patch: list[dict[str, Any]], **kw: Any) -> str:
    """The fast planner alone: a verification failure is an error, not retried step by step."""
    return _apply_patch(text, patch, strict=True, **kw)


def _check(text: str, patch: list[dict[str, Any]], *, confined: bool) -> None:
    doc = load(text)
    expected = jsonpatch.apply_patch(copy.deepcopy(doc.data), patch)
    out = apply_patch(text, patch)
    _, _, data = parse_text(out, fmt=doc.format)
    assert data == expected
    assert apply_patch(out, []) == out
    if confined:
        assert untouched_violations(doc, out, patch) == []


@st.composite
def single(draw: Any, documents: Any) -> tuple[str, list[dict[str, Any]]]:
    text, data = draw(documents)
    return text, [draw(operations(load(text).data))]


@st.composite
def several(draw: Any, documents: Any) -> tuple[str, list[dict[str, Any]]]:
    text, _ = draw(documents)
    data = load(text).data
    patch = []
    for _ in range(draw(st.integers(2, 5))):
        op = draw(operations(data))
        data = jsonpatch.apply_patch(data, [op])
        patch.append(op)
    return text, patch


@given(yaml_documents())
def test_yaml_loads_and_empty_patch_is_identity(doc: tuple[str, Any]) -> None:
    text, data = doc
    assert load(text).data == data
    assert apply_patch(text, []) == text


@given(single(yaml_documents()))
def test_yaml_single_operation(case: tuple[str, list[dict[str, Any]]]) -> None:
    _check(*case, confined=True)


@example(  # found by this test: the removed entry's blank line (a pending add's) joined the |+ literal before it
    (
        '\ufeff---\n"00": |+\n  trailing\n\n"A": []\n',
        [{"op": "add", "path": "/0", "value": "0"}, {"op": "remove", "path": "/A"}],
    )
)
@given(several(yaml_documents()))
def test_yaml_several_operations(case: tuple[str, list[dict[str, Any]]]) -> None:
    _check(*case, confined=False)


@given(single(json_documents()))
def test_json_single_operation(case: tuple[str, list[dict[str, Any]]]) -> None:
    _check(*case, confined=True)


@given(several(json_documents()))
def test_json_several_operations(case: tuple[str, list[dict[str, Any]]]) -> None:
    _check(*case, confined=False)


def test_removing_an_entry_after_a_kept_literal_leaves_its_value() -> None:
    """The blank lines after a removed entry would become the value of a ``|+`` scalar before it:
    they go with the entry, also when they are a pending add's separator (the planner flushes
    first)."""
    text = "a: |+\n  x\n\nb: 1\n\nc: 2\n"
    assert apply_patch(text, [{"op": "remove", "path": "/b"}]) == "a: |+\n  x\n\nc: 2\n"
    text = '"00": |+\n  trailing\n\n"A": []\n'
    patch = [{"op": "add", "path": "/0", "value": "0"}, {"op": "remove", "path": "/A"}]
    assert apply_patch(text, patch) == '"00": |+\n  trailing\n\n"0": "0"\n'
