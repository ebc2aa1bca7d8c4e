"""For CI: ``--exit-zero``, ``--fail-on SEVERITY`` (cfn-lint's ``--non-zero-exit-code`` levels in
cfnfix's severities) and ``apply --format json``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

#: CFX807 (low, safe fix) and CFX101 (critical, safe fix: a rename).
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  My Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Sub plain-name
"""
#: Only a low finding (CFX807).
LOW_ONLY = TEMPLATE.replace("My Topic", "MyTopic")


@pytest.fixture
def low(tmp_path: Path) -> Path:
    path = tmp_path / "low.yaml"
    path.write_text(LOW_ONLY, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 1),
        (("--fail-on", "low"), 1),
        (("--fail-on", "medium"), 0),
        (("--fail-on", "critical"), 0),
        (("--fail-on", "none"), 0),
        (("--exit-zero",), 0),
    ],
)
def test_check_fails_only_at_the_threshold(
    cli: Callable[..., Result], low: Path, args: tuple[str, ...], code: int
) -> None:
    result = cli("check", *args, str(low))
    assert result.exit_code == code, result.output
    assert "CFX807" in result.stdout  # reported either way


def test_a_critical_finding_fails_every_threshold_but_none(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    for level in ("critical", "high", "medium", "low"):
        assert cli("check", "--fail-on", level, str(path)).exit_code == 1
    assert cli("check", "--fail-on", "none", str(path)).exit_code == 0


def test_errors_still_exit_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("Resources: [\n", encoding="utf-8")
    assert cli("check", "--exit-zero", str(path)).exit_code == 2
    assert cli("apply", "--exit-zero", "--write", str(path)).exit_code == 2


def test_an_unknown_threshold_is_a_usage_error(cli: Callable[..., Result], low: Path) -> None:
    result = cli("check", "--fail-on", "error", str(low))
    assert result.exit_code == 2 and "--fail-on" in result.stderr


def test_apply_thresholds(cli: Callable[..., Result], low: Path) -> None:
    assert cli("apply", str(low)).exit_code == 1  # would change
    assert cli("apply", "--fail-on", "high", str(low)).exit_code == 0  # only a low finding would be fixed
    assert cli("apply", "--exit-zero", str(low)).exit_code == 0
    assert low.read_text(encoding="utf-8") == LOW_ONLY
    assert cli("apply", "--write", "--fail-on", "medium", str(low)).exit_code == 0
    assert "!Sub" not in low.read_text(encoding="utf-8")


def test_apply_format_json_dry_run_and_write(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources: [\n", encoding="utf-8")
    other = tmp_path / "k8s.yaml"
    other.write_text("kind: Pod\nmetadata: {name: x}\n", encoding="utf-8")
    dry = cli("apply", "--format", "json", str(path), str(broken), str(other))
    assert dry.exit_code == 2
    doc = json.loads(dry.stdout)
    assert doc["schema_version"] == 1 and doc["mode"] == "dry-run"
    by_file = {Path(f["file"]).name: f for f in doc["files"]}
    fixed = by_file["t.yaml"]
    assert fixed["status"] == "would-fix" and not fixed["written"]
    assert sorted(f["rule_id"] for f in fixed["fixed"]) == ["CFX101", "CFX807"]
    assert fixed["remaining"] == [] and fixed["patch"] and fixed["impact"]
    assert by_file["broken.yaml"]["status"] == "error"
    assert (
        by_file["k8s.yaml"]["status"] == "skipped"
        and "not a CloudFormation template" in by_file["k8s.yaml"]["notes"][0]
    )
    assert doc["errors"] == [{"file": str(broken), "line": 2, "column": 1, "message": doc["errors"][0]["message"]}]
    assert doc["summary"] == {
        "files": 3,
        "changed": 1,
        "written": 0,
        "fixed": 2,
        "remaining": 0,
        "not_applied": 0,
        "errors": 1,
        "skipped": 1,
        "unsafe_fixes": False,
    }
    assert path.read_text(encoding="utf-8") == TEMPLATE
    written = cli("apply", "--write", "--format", "json", str(path))
    assert written.exit_code == 0
    entry = json.loads(written.stdout)["files"][0]
    assert entry["status"] == "fixed" and entry["written"] is True
    assert "MyTopic" in path.read_text(encoding="utf-8")
    again = json.loads(cli("apply", "--write", "-f", "json", str(path)).stdout)["files"][0]
    assert again["status"] == "unchanged" and not again["written"]


def test_apply_format_json_from_standard_input(cli: Callable[..., Result]) -> None:
    result = cli("apply", "--write", "--format", "json", "-", input=TEMPLATE)
    assert result.exit_code == 0
    entry = json.loads(result.stdout)["files"][0]
    assert entry["file"] == "<stdin>" and entry["status"] == "fixed" and not entry["written"]
    assert "MyTopic" in entry["text"]


def test_apply_format_json_and_patch_do_not_combine(cli: Callable[..., Result], low: Path) -> None:
    result = cli("apply", "--patch", "--format", "json", str(low))
    assert result.exit_code == 2 and "cannot be combined" in result.stderr
