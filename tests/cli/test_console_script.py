"""The installed ``cfnfix`` console script, run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from devtools.paths import ROOT
from tests.support.cli_fixtures import CLEAN


def _script() -> str:
    found = Path(sys.executable).parent / "cfnfix"
    if found.exists():
        return str(found)
    which = shutil.which("cfnfix")
    assert which, "the cfnfix console script is not installed (pip install -e .)"
    return which


def run(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([_script(), *args], input=input, capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


def test_version_and_help() -> None:
    import cfnfix

    assert run("--version").stdout == f"cfnfix {cfnfix.__version__}\n"
    help_text = run("--help").stdout
    for command in ("check", "apply", "rules", "explain", "patch"):
        assert command in help_text


def test_exit_codes_end_to_end(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(CLEAN, encoding="utf-8")
    ok = run("check", str(clean))
    assert (ok.returncode, ok.stdout) == (0, "No findings in 1 template.\n")

    unused = tmp_path / "unused.yaml"
    unused.write_text(CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    found = run("check", "--show-unused-suppressions", "--format", "json", str(unused))
    assert found.returncode == 1
    assert json.loads(found.stdout)["findings"][0]["rule_id"] == "CFX900"

    fixed = run("apply", "--write", "--show-unused-suppressions", str(unused))
    assert fixed.returncode == 0
    assert unused.read_text(encoding="utf-8") == CLEAN

    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: !!python/object/apply:os.system [echo hi]\n", encoding="utf-8")
    broken = run("check", str(bad))
    assert broken.returncode == 2
    assert broken.stderr.count("\n") == 1 and "Traceback" not in broken.stderr
    assert broken.stderr.startswith(f"error: {bad}:2:6: ")


def test_patch_from_stdin(tmp_path: Path) -> None:
    clean = tmp_path / "clean.yaml"
    clean.write_text(CLEAN, encoding="utf-8")
    result = run(
        "patch",
        str(clean),
        "-",
        input='[{"op": "replace", "path": "/Resources/Bucket/Type", "value": "AWS::SQS::Queue"}]',
    )
    assert result.returncode == 0
    assert result.stdout == CLEAN.replace("AWS::S3::Bucket", "AWS::SQS::Queue")


def test_bundled_example_runs(tmp_path: Path) -> None:
    result = run("apply", "examples/orders-stack.yaml", cwd=ROOT)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_cold_start_is_fast() -> None:
    run("--version")  # warm the file system cache
    best = min(_timed() for _ in range(3))
    assert best < 0.5, f"cfnfix --version took {best:.3f}s"


def _timed() -> float:
    start = time.perf_counter()
    run("--version")
    return time.perf_counter() - start


def test_version_imports_neither_typer_nor_pydantic() -> None:
    """The cold-start path: ``cfnfix --version`` is answered by ``cfnfix.__main__`` alone."""
    probe = (
        "import sys\n"
        "sys.argv = ['cfnfix', '--version']\n"
        "from cfnfix.__main__ import main\n"
        "main()\n"
        "print(sorted(m for m in ('typer', 'pydantic', 'yaml', 'cfnfix.cli', 'cfnfix.rules') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    import cfnfix

    assert result.stdout == f"cfnfix {cfnfix.__version__}\n[]\n"
    module = subprocess.run([sys.executable, "-m", "cfnfix", "--version"], capture_output=True, text=True, timeout=60)
    assert module.stdout == f"cfnfix {cfnfix.__version__}\n"
    rules = subprocess.run(
        [sys.executable, "-m", "cfnfix", "rules", "--format", "json"], capture_output=True, text=True, timeout=60
    )
    assert rules.returncode == 0 and json.loads(rules.stdout)
