"""An unknown rule in ``--select``/``--ignore`` or in a configuration's ``select``/``ignore`` is an
error (exit 2) naming the closest rules, as ruff does: a typo must never turn the gate off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import cfnfix
from cfnfix.errors import ConfigError
from cfnfix.rules import selector_problem

CLEAN = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n'


@pytest.mark.parametrize("token", ["CFX101", "CFX1", "CFX", "invalid-logical-id", "E3002", "W", "I3", "E"])
def test_known_selectors(token: str) -> None:
    assert selector_problem(token) is None


@pytest.mark.parametrize(
    ("token", "closest"),
    [
        ("CFX10l", "CFX101 (invalid-logical-id)"),
        ("cfx101", "CFX101 (invalid-logical-id)"),
        ("CFX1O1", "CFX101 (invalid-logical-id)"),
        ("invalid-logical-ids", "CFX101 (invalid-logical-id)"),
        ("rds-deletion-snapshots", "CFX201 (rds-deletion-snapshot)"),
        ("unused-supression", "CFX900 (unused-suppression)"),
    ],
)
def test_unknown_selectors_name_the_closest(token: str, closest: str) -> None:
    problem = selector_problem(token)
    assert problem is not None and problem.startswith(f"unknown rule id, prefix or name {token!r}")
    assert problem.split("the closest: ")[1].startswith(closest), problem


@pytest.mark.parametrize("option", ["--select", "--ignore"])
@pytest.mark.parametrize("command", ["check", "apply"])
def test_an_unknown_rule_on_the_command_line_exits_2(
    cli: Callable[..., Result], tmp_path: Path, option: str, command: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    result = cli(command, option, "CFX101,CFX10l", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {option}: unknown rule id, prefix or name 'CFX10l' (see `cfnfix rules`)")
    assert "the closest: CFX101 (invalid-logical-id)" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("key", ["select", "ignore"])
def test_an_unknown_rule_in_a_configuration_file_exits_2_with_its_line(
    cli: Callable[..., Result], tmp_path: Path, key: str
) -> None:
    (tmp_path / "t.yaml").write_text(CLEAN, encoding="utf-8")
    (tmp_path / ".cfnfix.toml").write_text(f'{key} = [\n  "CFX1",\n  "rds-deletion-snapshots",\n]\n', encoding="utf-8")
    result = cli("check", str(tmp_path / "t.yaml"))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {tmp_path / '.cfnfix.toml'}:3: {key}: unknown rule id, prefix or name 'rds-deletion-snapshots'"
    ), result.stderr
    (tmp_path / "pyproject.toml").write_text(f'[tool.cfnfix]\n{key} = ["CFX10l"]\n', encoding="utf-8")
    (tmp_path / ".cfnfix.toml").unlink()
    result = cli("check", str(tmp_path / "t.yaml"))
    assert result.stderr.startswith(f"error: {tmp_path / 'pyproject.toml'}:2: tool.cfnfix.{key}: unknown rule"), (
        result.stderr
    )


def test_the_api_refuses_an_unknown_rule() -> None:
    with pytest.raises(ConfigError, match="unknown rule id, prefix or name 'CFX10l'"):
        cfnfix.check(CLEAN, select=["CFX10l"])
    with pytest.raises(ConfigError, match="ignore: unknown rule"):
        cfnfix.fix(CLEAN, ignore=["nope"])


def test_selecting_only_cfn_lint_rules_needs_cfn_lint(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    result = cli("check", "--select", "E3002", str(path))
    assert result.exit_code == 2
    assert "--select: E3002 is a cfn-lint rule, and cfn-lint does not run" in result.stderr
    assert cli("check", "--ignore", "E3002", str(path)).exit_code == 0  # ignoring one is harmless


def test_an_unknown_cfn_lint_rule_exits_2_when_cfn_lint_runs(cli: Callable[..., Result], tmp_path: Path) -> None:
    pytest.importorskip("cfnlint")
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    result = cli("check", "--cfn-lint", "--select", "E3999", str(path))
    assert result.exit_code == 2 and "--select: unknown cfn-lint rule 'E3999'" in result.stderr
    assert cli("check", "--cfn-lint", "--select", "E3002", str(path)).exit_code == 0


def test_a_misspelt_name_on_the_command_line_exits_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    result = cli("check", "--select", "unused-conditions", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --select: unknown rule id, prefix or name 'unused-conditions'")
    assert "the closest: CFX805 (unused-condition)" in result.stderr
