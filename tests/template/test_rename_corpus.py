"""A forced rename of the first resource of every corpus template.

For each file the rename machinery of CFX101 renames the first resource to a free name
(``<Old>Renamed``) with every reference, the engine applies the patch, and:
- the text equals jsonpatch's result on the data, and the diff touches only the key's line
  and the lines of the rewritten references (devtools/touched.py);
- re-indexing the output finds no reference left to the old name and as many references to
  the new one as were rewritten;
- cfn-lint reports no new error (an existing error whose message lists resource names is
  not new because one of them changed). It runs on every template, also where the rename
  rewrote no reference: that is where a reference site the index missed would show up.
  With one cached cfn-lint runner per process and the "before" text linted only when the
  "after" text has errors, this costs ≈0.16 s of CPU per template.
Templates whose resources all come from ``Fn::ForEach`` have nothing to rename; for them the
loop identifiers must not be indexed as references.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import pytest

from cfnfix import apply_patch as _apply_patch
from cfnfix.document import load
from cfnfix.io.files import read_text
from cfnfix.template.naming import NameAllocator, sam_suffixes
from cfnfix.template.references import FOREACH_PREFIX, ReferenceIndex
from cfnfix.template.rename import rename_plan
from devtools.corpus import corpus_files
from devtools.lint_oracle import new_lint_errors
from devtools.touched import untouched_violations

pytestmark = pytest.mark.corpus

FILES = corpus_files()


def apply_patch(text: str, patch: list[dict[str, Any]], **kw: Any) -> str:
    """The fast planner alone: a verification failure is an error, not retried step by step."""
    return _apply_patch(text, patch, strict=True, **kw)


def _first_resource(data: dict[str, Any]) -> str | None:
    resources = data.get("Resources")
    if not isinstance(resources, dict):
        return None
    return next((k for k in resources if not k.startswith(FOREACH_PREFIX)), None)


def _loop_identifiers(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith(FOREACH_PREFIX) and isinstance(item, list) and item and isinstance(item[0], str):
                found.add(item[0])
            found |= _loop_identifiers(item)
    elif isinstance(value, list):
        for item in value:
            found |= _loop_identifiers(item)
    return found


def test_corpus_is_there() -> None:
    assert len(FILES) >= 290


@pytest.mark.parametrize(
    "path", FILES or [None], ids=[str(p.relative_to(p.parents[1])) for p in FILES] or ["no-corpus"]
)
def test_forced_rename_of_first_resource(path) -> None:  # type: ignore[no-untyped-def]
    text = read_text(path)
    doc = load(text, str(path))
    old = _first_resource(doc.data)
    if old is None:
        idents = _loop_identifiers(doc.data)
        assert idents, "a template without plain resources should be made of Fn::ForEach loops"
        assert not [o for o in ReferenceIndex(doc.data).occurrences if o.text.split(".")[0] in idents]
        return
    new = NameAllocator(doc.data).allocate(old + "Renamed", sam_suffixes(doc.data, "Resources", old))
    plan = rename_plan(doc.data, "Resources", old, new)
    out = apply_patch(text, plan.patch, file=str(path))
    after = load(out)
    assert after.data == jsonpatch.apply_patch(copy.deepcopy(doc.data), plan.patch)
    assert list(after.data["Resources"]).index(new) == list(doc.data["Resources"]).index(old)
    problems = untouched_violations(doc, out, plan.patch)
    assert not problems, problems[:3]
    index = ReferenceIndex(after.data)
    assert index.references("Resources", old) == []
    assert len(index.references("Resources", new)) == len(plan.references)
    assert new_lint_errors(text, out, renamed={new: old}) == set()
