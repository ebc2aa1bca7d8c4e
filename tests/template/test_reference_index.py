"""The shared reference index (``cfnfix/template/references.py``) gives the results a plain walk gives:
built from resources kept by identity, its name lookup and mention search, one index per data
object."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

import cfnfix.template.references as references
from cfnfix.document import load
from cfnfix.template.references import ReferenceIndex
from devtools.paths import ROOT

INPUTS = sorted(p for p in (ROOT / "golden").glob("*/*/input.*") if p.suffix in (".yaml", ".yml", ".json"))


def _data(path: Path) -> Any:
    try:
        return load(path.read_text(encoding="utf-8"), str(path)).data
    except Exception:
        return None


TEMPLATES = [(p, d) for p in INPUTS if isinstance(d := _data(p), dict)]


def _state(index: ReferenceIndex) -> tuple[Any, ...]:
    return (index.occurrences, list(index._texts.items()), index._consumed, index.pseudo, index.subs, index.declared)


def test_there_are_golden_templates_to_compare_on() -> None:
    assert len(TEMPLATES) > 100


@pytest.mark.parametrize("path,data", TEMPLATES, ids=[str(p.relative_to(ROOT / "golden")) for p, _ in TEMPLATES])
def test_index_from_kept_resources_equals_a_fresh_walk(path: Path, data: dict[str, Any]) -> None:
    references._KEPT.clear()
    fresh = ReferenceIndex(copy.deepcopy(data))  # every body new: nothing kept is reused
    first = ReferenceIndex(data)
    shared = dict(data)  # a fixed template: the same bodies in a new top-level mapping
    if isinstance(data.get("Resources"), dict):
        shared["Resources"] = dict(data["Resources"])
    again = ReferenceIndex(shared)
    assert _state(first) == _state(fresh)
    assert _state(again) == _state(fresh)


@pytest.mark.parametrize("path,data", TEMPLATES, ids=[str(p.relative_to(ROOT / "golden")) for p, _ in TEMPLATES])
def test_name_lookup_and_mentions_equal_a_scan(path: Path, data: dict[str, Any]) -> None:
    index = ReferenceIndex(data)
    names = {occ.text for occ in index.occurrences} | {n for ns in index.declared.values() for n in ns}
    names |= {occ.text.split(".", 1)[0] for occ in index.occurrences} | {"Bucket", "Ref", "a", "-"}
    for name in sorted(names):
        scanned = [o for o in index.occurrences if o.text == name or (o.kind.dotted and o.text.startswith(name + "."))]
        assert index.named(name) == scanned, name
        if name:
            pattern = re.compile(r"(?<![A-Za-z0-9:])" + re.escape(name) + r"(?![A-Za-z0-9:])")
            naive = [
                p
                for p, text in index._texts.items()
                if name in text and p not in index._consumed and pattern.search(text)
            ]
            assert index.mentions(name) == naive, name


def test_shared_index_is_one_per_data_object() -> None:
    data = {
        "Resources": {
            "A": {"Type": "AWS::SNS::Topic"},
            "B": {"Type": "AWS::SQS::Queue", "Properties": {"X": {"Ref": "A"}}},
        }
    }
    assert ReferenceIndex.of(data) is ReferenceIndex.of(data)
    other = copy.deepcopy(data)
    assert ReferenceIndex.of(other) is not ReferenceIndex.of(data)
    assert [r.pointer for r in ReferenceIndex.of(other).references("Resources", "A")] == [
        "/Resources/B/Properties/X/Ref"
    ]
