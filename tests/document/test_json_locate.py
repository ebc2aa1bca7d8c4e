"""Positions in JSON read off the text (:mod:`cfnfix.document.json_locate`) are the node tree's:
``Document.locate`` / ``locate_key`` give the same line and column either way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfnfix.document import Document, load
from cfnfix.document.json_locate import path_offsets
from cfnfix.document.pointer import escape_token
from devtools.corpus import corpus_files


def _pointers(value: Any, prefix: str = "", depth: int = 6) -> list[str]:
    """Every pointer into ``value`` (to ``depth``), plus one missing child of each container."""
    out = [prefix]
    if depth == 0:
        return out
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_pointers(item, f"{prefix}/{escape_token(key)}", depth - 1))
        out.append(f"{prefix}/NotThere/Below")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_pointers(item, f"{prefix}/{i}", depth - 1))
        out.extend([f"{prefix}/{len(value)}", f"{prefix}/01", f"{prefix}/-"])
    else:
        out.append(f"{prefix}/0")
    return out


def _same(text: str, pointers: list[str]) -> None:
    slow = load(text, nodes=True)
    fast = Document(text, "json", None, slow.data)  # data only: no node tree yet
    assert slow._root is not None
    for p in pointers:
        assert fast.locate(p) == slow.locate(p), p
        assert fast.locate_key(p) == slow.locate_key(p), p
    assert fast._root is None, "the text alone answered"


CASES = [
    '{"Resources": {"A": {"Type": "X", "Properties": {"L": [1, [2, 3], {"k": "v"}], "E": {}, "N": []}}}}',
    '\ufeff{\n  "Resources" : {\n\t"A\\u0042" : { "Type" : "AWS::S3::Bucket" } ,\n  "C~D/E": {"x": null}\n }\n}\n',
    '{"a": "with \\"quotes\\" and , and } inside", "b": [ "]", {"}": 1} ], "c": -1.5e3, "d": true}',
    "{}",
]


@pytest.mark.parametrize("text", CASES)
def test_crafted_texts(text: str) -> None:
    _same(text, _pointers(json.loads(text.lstrip("\ufeff"))) + ["/Resources/AB/Type", "/Resources/C~0D~1E/x"])


def test_text_that_does_not_read_as_json_gives_up() -> None:
    assert path_offsets('{"x": 1 "a": 2}', ["a"]) is None
    assert path_offsets('{"a" 1}', ["a"]) is None
    assert path_offsets('{"a": 1', ["b"]) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@given(value=st.dictionaries(st.text(max_size=4), json_values, max_size=4), indent=st.sampled_from([None, 0, 1, "\t"]))
def test_any_json(value: dict[str, Any], indent: Any) -> None:
    _same(json.dumps(value, indent=indent, ensure_ascii=False), _pointers(value))


@pytest.mark.corpus
def test_corpus_json_templates() -> None:
    files = [p for p in corpus_files() if p.suffix == ".json"][::7]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        _same(text, _pointers(json.loads(text.lstrip("\ufeff")), depth=5))
