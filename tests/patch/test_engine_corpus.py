"""The engine over every template of the shared corpus.

For each file: it loads; the empty patch returns the input byte for byte; and each
generated patch (replace a leaf, add a property, remove a key, add to a list, rename a
resource) gives text whose plain data equals jsonpatch's result and whose diff touches
only the patched nodes' lines.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import pytest

from cfnfix import apply_patch as _apply_patch
from cfnfix.document import load, parse_text
from cfnfix.io.files import read_text
from devtools.corpus import corpus_files
from devtools.engine_patches import generated_patches
from devtools.touched import untouched_violations

pytestmark = pytest.mark.corpus

FILES = corpus_files()


def apply_patch(text: str, patch: list[dict[str, Any]], **kw: Any) -> str:
    """The fast planner alone: a verification failure is an error, not retried step by step."""
    return _apply_patch(text, patch, strict=True, **kw)


def test_corpus_is_there() -> None:
    assert len(FILES) >= 290


@pytest.mark.parametrize(
    "path", FILES or [None], ids=[str(p.relative_to(p.parents[1])) for p in FILES] or ["no-corpus"]
)
def test_corpus_template(path) -> None:  # type: ignore[no-untyped-def]
    text = read_text(path)
    doc = load(text, str(path))
    assert apply_patch(text, []) == text
    for kind, patch in generated_patches(doc.data).items():
        expected = jsonpatch.apply_patch(copy.deepcopy(doc.data), patch)
        out = apply_patch(text, patch, file=str(path))
        _, _, data = parse_text(out)
        assert data == expected, kind
        problems = untouched_violations(doc, out, patch)
        assert not problems, (kind, problems[:3])
