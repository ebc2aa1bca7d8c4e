"""``apply_patch``'s second opinion: when the fast planner's output fails verification, the patch
is planned again step by step (re-parse after every operation); ``strict=True`` turns that off."""

from __future__ import annotations

import pytest

from cfnfix import apply_patch
from cfnfix.errors import VerificationError
from cfnfix.patch.engine import Planner

TEXT = "Resources:\n  A:\n    Type: AWS::S3::Bucket  # keep me\n  B:\n    Type: AWS::SNS::Topic\n"
PATCH = [
    {"op": "add", "path": "/Resources/A/DeletionPolicy", "value": "Retain"},
    {"op": "replace", "path": "/Resources/B/Type", "value": "AWS::SQS::Queue"},
]
EXPECTED = (
    "Resources:\n  A:\n    Type: AWS::S3::Bucket  # keep me\n    DeletionPolicy: Retain\n"
    "  B:\n    Type: AWS::SQS::Queue\n"
)


@pytest.fixture
def broken_fast_planner(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A planner bug on the fast path only: its text loses the last line. Records each planner's mode."""
    modes: list[bool] = []
    real = Planner.current_text

    def current_text(self: Planner) -> str:
        modes.append(self.fast)
        text = real(self)
        return text[: text.rstrip("\n").rfind("\n") + 1] if self.fast else text

    monkeypatch.setattr(Planner, "current_text", current_text)
    return modes


def test_both_planners_agree_without_a_bug() -> None:
    assert apply_patch(TEXT, PATCH) == apply_patch(TEXT, PATCH, strict=True) == EXPECTED


def test_a_fast_path_verification_failure_is_retried_step_by_step(broken_fast_planner: list[bool]) -> None:
    assert apply_patch(TEXT, PATCH) == EXPECTED
    assert broken_fast_planner[0] is True and broken_fast_planner[-1] is False


def test_strict_raises_instead_of_retrying(broken_fast_planner: list[bool]) -> None:
    with pytest.raises(VerificationError, match="differs from the patch's meaning"):
        apply_patch(TEXT, PATCH, strict=True)
    assert set(broken_fast_planner) == {True}
