"""``cfnfix check`` without typer (:mod:`cfnfix.cli.fast`) reads its options as typer does."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

import cfnfix.cli.app as app_module
from cfnfix.cli.fast import CHECK_OPTIONS, parse_check
from cfnfix.cli.running import CHECK_FORMATS, check_command

from .support.cli_fixtures import CLEAN


def _check_command() -> Any:
    return get_command(app_module.app).commands["check"]  # type: ignore[attr-defined]


def test_the_table_is_typers_check_command() -> None:
    command = _check_command()
    typer_options: dict[str, tuple[str, str]] = {}
    for param in command.params:
        if param.param_type_name != "option":
            assert param.name == "paths"
            continue
        if param.is_flag:
            kind = "flag"
        elif param.multiple:
            kind = "list"
        elif param.name == "jobs":
            kind = "int"
        elif param.name == "output_format":
            kind = "format"
        else:
            kind = "value"
        for opt in [*param.opts, *param.secondary_opts]:
            typer_options[opt] = (param.name, kind)
    assert CHECK_OPTIONS == typer_options
    assert CHECK_FORMATS == tuple(f.value for f in app_module.OutputFormat)


CASES = [
    [],
    ["a.yaml"],
    ["a.yaml", "b.json", "-"],
    ["-q", "a.yaml"],
    ["a.yaml", "--quiet", "--no-color", "--unsafe-fixes", "--show-unused-suppressions", "--templates-only"],
    ["--format", "json", "a.yaml"],
    ["--format=sarif", "a.yaml"],
    ["-f", "github", "a.yaml"],
    ["--select", "CFX1,CFX2", "--select=CFX3", "--ignore", "CFX101", "a.yaml"],
    ["--jobs", "2", "a.yaml"],
    ["-j", "0", "a.yaml"],
    ["--jobs=007", "a.yaml"],
    ["--config", "x.toml", "--profile", "destroyable", "a.yaml"],
    ["--cfn-lint", "--regions", "us-east-1,eu-west-1", "--regions", "us-west-2", "a.yaml"],
    ["a.yaml", "-q", "b.yaml", "--format", "markdown", "c.yaml"],
    ["--quiet", "--quiet", "a.yaml"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a) or "no-args")
def test_same_arguments_as_typer(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    signature = inspect.signature(check_command)
    seen: list[dict[str, Any]] = []

    def spy(*positional: Any) -> int:
        seen.append(dict(signature.bind(*positional).arguments))
        return 0

    monkeypatch.setattr(app_module, "check_command", spy)
    result = CliRunner().invoke(app_module.app, ["check", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    fast = parse_check(args)
    assert fast is not None
    bound = signature.bind(**fast)
    bound.apply_defaults()
    assert dict(bound.arguments) == seen[0]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h", "a.yaml"],
        ["--format", "xml", "a.yaml"],
        ["--format"],
        ["--format", "json", "-f", "text", "a.yaml"],
        ["--jobs", "-1", "a.yaml"],
        ["--jobs", "two", "a.yaml"],
        ["-qj", "2", "a.yaml"],
        ["-fjson", "a.yaml"],
        ["--", "-odd.yaml"],
        ["--unknown", "a.yaml"],
        ["--quiet=yes", "a.yaml"],
        ["--select", "--quiet", "a.yaml"],
        [""],
    ],
)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert parse_check(args) is None


def test_the_console_script_checks_without_typer(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(CLEAN + "  bad_id:\n    Type: AWS::SNS::Topic\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "cfnfix", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    fast = run("check", str(template))
    assert " typer" not in fast.stderr, "check imported typer"
    typer_read = run("check", "--jobs", "1", "--", str(template))  # `--` is left to typer
    assert " typer" in typer_read.stderr
    assert (fast.returncode, fast.stdout) == (typer_read.returncode, typer_read.stdout)
    assert fast.returncode == 1 and "CFX101" in fast.stdout


def test_errors_that_stop_the_run_exit_2(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(CLEAN, encoding="utf-8")
    from cfnfix.cli.fast import run_check

    assert run_check(["--profile", "nonsense", str(template)]) == 2
    assert run_check([str(tmp_path / "missing.yaml")]) == 2
    assert run_check([str(template)]) == 0
