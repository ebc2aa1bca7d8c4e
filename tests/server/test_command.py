"""``cfnfix server`` as a command (``cfnfix/server/__init__.py``): one line without its extra, and no
server library imported by the other commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devtools.paths import ROOT


def test_server_command_without_the_extra_is_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.server

    monkeypatch.setattr(cfnfix.server, "missing_dependency", lambda: "pygls")
    result = cli("server")
    assert result.exit_code == 2
    assert result.stderr == "error: cfnfix server needs pygls, which is not installed: pip install 'cfnfix[server]'\n"


def test_other_commands_do_not_import_the_server_libraries(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n  B:\n    Type: AWS::S3::Bucket\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from cfnfix.cli.app import app\n"
        f"for args in (['check', {str(template)!r}], ['apply', {str(template)!r}], ['rules']):\n"
        "    CliRunner().invoke(app, args)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs') or m.startswith('cfnfix.server')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
