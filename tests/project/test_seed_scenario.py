"""The seed scenario (golden/seed-scenario/): the whole generated Aurora-replication template
with every failure, fixed by one `cfnfix apply --write` run, linting clean, stable on a second run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from devtools.golden_cases import GOLDEN, Case
from devtools.lint_oracle import lint_errors

CASES = [Case(p) for p in sorted((GOLDEN / "seed-scenario").iterdir()) if p.is_dir()]


def test_the_seed_cases_are_there() -> None:
    assert [c.root.name for c in CASES] == [
        "aurora-replication-json",
        "aurora-replication-yaml",
        "literal-fixes-pinned",
    ]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_seed_output_lints_clean(case: Case) -> None:
    # every cfn-lint error of the output is documented (none, but for the pinned literal fixes)
    assert lint_errors(case.output.read_text(encoding="utf-8")) == case.expected_lint_errors()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_one_apply_write_run_fixes_everything(case: Case, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / case.input.name
    shutil.copyfile(case.input, target)
    config = case.root / "config.toml"
    first = cli("apply", "--write", "--config", str(config), str(target))
    assert target.read_bytes() == case.output.read_bytes()
    remaining = cli("check", "--config", str(config), str(target))
    if case.root.name == "literal-fixes-pinned":
        # the pinned target is itself deprecated: reported, nothing left to fix
        assert first.exit_code == 1 and remaining.exit_code == 1
        assert "CFX303" in remaining.stdout and "[*]" not in remaining.stdout
    else:
        assert first.exit_code == 0, first.stdout + first.stderr
        assert remaining.exit_code == 0, remaining.stdout
    second = cli("apply", "--write", "--config", str(config), str(target))
    assert target.read_bytes() == case.output.read_bytes(), "a second run must change nothing"
    assert second.exit_code == first.exit_code
