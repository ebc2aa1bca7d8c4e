"""The language server's fixes (``cfnfix/server/fixes.py``): minimal text edits, quick fixes and
fix-all."""

from __future__ import annotations

import pytest

from cfnfix.api import check
from cfnfix.config import Settings
from cfnfix.patch import apply_patch
from cfnfix.patch.edits import splice
from cfnfix.server.fixes import diff_edits, fix_all, quick_fix
from devtools.paths import ROOT

SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb\nc\n", "a\nb\nb2\nc\n"),
        ("a\r\nb\r\n", "a\r\nb\r\nc"),
        ("x", ""),
        ("", "y\n"),
        ("same\n", "same\n"),
    ],
)
def test_diff_edits_rebuild_the_new_text(old: str, new: str) -> None:
    edits = diff_edits(old, new)
    assert splice(old, edits) == new
    assert all(a.end <= b.start for a, b in zip(edits, edits[1:]))


def test_quick_fix_edits_are_the_engines_and_minimal() -> None:
    text = SEED.read_text(encoding="utf-8")
    (rename,) = [f for f in check(text) if f.rule_id == "CFX101"]
    result = quick_fix(text, None, rename)
    assert result.from_engine
    assert result.text == apply_patch(text, rename.fix.patch)  # type: ignore[union-attr]
    assert splice(text, result.edits) == result.text
    assert len(result.edits) == 4 and sum(e.end - e.start for e in result.edits) < 120


def test_fix_all_is_apply() -> None:
    text = SEED.read_text(encoding="utf-8")
    settings = Settings.model_validate({"rules": {"lambda-runtime-deprecated": {"today": "2026-11-28"}}})
    result, edits = fix_all(text, None, settings)
    assert result.text != text and splice(text, edits) == result.text
    assert max(e.end - e.start for e in edits) < len(text) // 10  # never a whole-document replace


def test_quick_fix_of_a_comment_is_the_rules_text_edit() -> None:
    """A fix made of text edits (an unused suppression comment) is sent as those edits."""
    from cfnfix.patch.text_edits import apply_fix

    text = "Resources:\n  Bucket:  # cfnfix: ignore[CFX201]\n    Type: AWS::S3::Bucket\n"
    (finding,) = [
        f for f in check(text, config=Settings(show_unused_suppressions=True)) if f.fix is not None and f.fix.edits
    ]
    result = quick_fix(text, None, finding)
    assert result.text == apply_fix(text, finding.fix) == splice(text, result.edits)  # type: ignore[arg-type]
    assert "cfnfix: ignore" not in result.text and "Bucket:" in result.text
