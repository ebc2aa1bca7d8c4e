"""Fixtures for the command-line, API and report tests: the CLI runner, demo rules, sample templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cfnfix.cli.app import app

from .demo_rules import demo_rules  # noqa: F401  (fixture)

#: A template the demo rules find three things in (one safe fix, one unsafe, one report-only).
TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
# a comment that must survive
Resources:
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      DeletionProtection: false
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        ZipFile: |
          import pymysql
"""

#: A template none of the demo rules has anything to say about.
CLEAN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
"""


@pytest.fixture
def runner() -> CliRunner:
    """typer's runner; stdout and stderr are kept apart."""
    return CliRunner()


@pytest.fixture
def cli(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``cfnfix ARGS`` in-process (no colour-forcing environment)."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)

    return run


@pytest.fixture
def template(tmp_path: Path) -> Path:
    """TEMPLATE written to a file."""
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """CLEAN written to a file."""
    path = tmp_path / "clean.yaml"
    path.write_text(CLEAN, encoding="utf-8")
    return path
