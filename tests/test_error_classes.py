"""The two ways a fix fails verification have their own classes under one base."""

from __future__ import annotations

from pathlib import Path

import pytest

import cfnfix
from cfnfix import LintRefusalError, PatchError, PatchVerificationError, VerificationError
from cfnfix.patch import engine


def test_hierarchy() -> None:
    assert issubclass(PatchVerificationError, VerificationError)
    assert issubclass(LintRefusalError, VerificationError)
    assert issubclass(VerificationError, PatchError)
    assert not issubclass(LintRefusalError, PatchVerificationError)
    assert {"PatchVerificationError", "LintRefusalError", "AnchoredEditError"} <= set(cfnfix.__all__)


def test_the_engine_raises_patch_verification_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "first_difference", lambda a, b: "/Resources")  # a planner bug, simulated
    monkeypatch.setattr(engine, "LOCAL_VERIFY", False)
    with pytest.raises(PatchVerificationError, match="differs from the patch's meaning"):
        cfnfix.apply_patch("Resources: {}\n", [{"op": "add", "path": "/Outputs", "value": {}}], strict=True)


def test_a_cfn_lint_refusal_is_a_lint_refusal_error(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.cfn_lint.runner as lint
    from cfnfix.batch import jobs, outcome

    path = tmp_path / "stack.yaml"
    path.write_text("Resources:\n  My_Bucket:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
    import cfnfix.cfn_lint.unmasking as unmasking

    invented = lint.LintMatch("E3002", "invented", 3, 5, "/Resources/MyBucket/Properties", "error")
    monkeypatch.setattr(unmasking, "judge", lambda *a, **k: unmasking.Verdict(new=[invented]))
    out = outcome.FileOutcome(str(path), unsafe=False)
    out.result = cfnfix.fix(path, select=["CFX101"])
    with pytest.raises(LintRefusalError) as info:
        jobs._verify(out, ("us-east-1",))
    assert isinstance(info.value, VerificationError)
    assert "E3002" in info.value.reason
