"""``cfnfix apply``: dry-run diff, --write, --patch, --unsafe-fixes, failed fixes, exit codes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from cfnfix import apply_patch

from .support.cli_fixtures import CLEAN, TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")

SAFE_FIXED = TEMPLATE.replace(
    "      DeletionProtection: false\n", "      DeletionProtection: false\n    DeletionPolicy: Snapshot\n"
)
ALL_FIXED = SAFE_FIXED.replace("DeletionProtection: false", "DeletionProtection: true")


def test_dry_run_prints_only_the_diff_and_exits_1(cli, template: Path) -> None:
    result = cli("apply", str(template))
    assert result.exit_code == 1
    assert result.stdout == (
        f"--- {template}\n"
        f"+++ {template}\n"
        "@@ -6,6 +6,7 @@\n"
        "     Properties:\n"
        "       Engine: aurora-mysql\n"
        "       DeletionProtection: false\n"
        "+    DeletionPolicy: Snapshot\n"
        "   Fn:\n"
        "     Type: AWS::Lambda::Function\n"
        "     Properties:\n"
    )
    assert result.stderr == (
        "Impact on a deployed stack:\n"
        f"{template}:\n"
        "  Cluster (AWS::RDS::DBCluster): updated in place — DeletionPolicy only: the resource itself is not touched\n"
        "Would fix 1 finding in 1 file; 2 would remain. Run with --write to apply.\n"
    )
    assert template.read_text(encoding="utf-8") == TEMPLATE, "a dry run writes nothing"


def test_dry_run_with_nothing_to_change_exits_0(cli, clean: Path) -> None:
    result = cli("apply", str(clean))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Nothing to fix.\n"


def test_dry_run_quiet(cli, template: Path) -> None:
    result = cli("apply", "--quiet", str(template))
    assert result.exit_code == 1
    assert result.stderr == ""
    assert result.stdout.startswith(f"--- {template}\n")


def test_relative_paths_get_git_style_prefixes(cli, template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(template.parent)
    result = cli("apply", "stack.yaml")
    assert result.stdout.startswith("--- a/stack.yaml\n+++ b/stack.yaml\n")


def test_write_fixes_in_place_and_exits_1_while_findings_remain(cli, template: Path) -> None:
    os.chmod(template, 0o640)
    result = cli("apply", "--write", str(template))
    assert result.exit_code == 1
    assert template.read_text(encoding="utf-8") == SAFE_FIXED
    assert stat.S_IMODE(template.stat().st_mode) == 0o640, "permissions are kept"
    assert result.stdout.splitlines() == [
        f"{template}:8:27: CFX992 DeletionProtection is false",
        f"{template}:17:18: CFX993 inline code imports pymysql, which the runtime lacks",
        "Fixed 1 finding in 1 file; 2 remaining.",
    ]
    assert [p.name for p in template.parent.iterdir()] == ["stack.yaml"], "no temporary file is left"


def test_write_exits_0_when_no_finding_remains(cli, template: Path) -> None:
    result = cli("apply", "--write", "--unsafe-fixes", "--ignore", "CFX993", str(template))
    assert result.exit_code == 0
    assert template.read_text(encoding="utf-8") == ALL_FIXED
    assert result.stdout == "Fixed 2 findings in 1 file; 0 remaining.\n"
    again = cli("apply", "--write", "--unsafe-fixes", "--ignore", "CFX993", str(template))
    assert again.exit_code == 0
    assert again.stdout == "Fixed 0 findings in 0 files; 0 remaining.\n"
    assert template.read_text(encoding="utf-8") == ALL_FIXED


def test_write_leaves_unchanged_files_alone(cli, clean: Path) -> None:
    before = clean.stat().st_mtime_ns
    result = cli("apply", "--write", str(clean))
    assert result.exit_code == 0
    assert clean.stat().st_mtime_ns == before


def test_unsafe_fixes_in_the_dry_run(cli, template: Path) -> None:
    result = cli("apply", "--unsafe-fixes", str(template))
    assert result.exit_code == 1
    assert "-      DeletionProtection: false\n+      DeletionProtection: true\n" in result.stdout


def test_unsafe_fixes_from_the_configuration(cli, template: Path) -> None:
    (template.parent / ".cfnfix.toml").write_text("unsafe-fixes = true\n", encoding="utf-8")
    result = cli("apply", str(template))
    assert "+      DeletionProtection: true\n" in result.stdout


def test_patch_prints_rfc6902_per_file_and_round_trips_through_cfnfix_patch(cli, template: Path, clean: Path) -> None:
    result = cli("apply", "--patch", "--unsafe-fixes", str(template), str(clean))
    assert result.exit_code == 1
    patches = json.loads(result.stdout)
    assert patches == {
        str(template): [
            {"op": "add", "path": "/Resources/Cluster/DeletionPolicy", "value": "Snapshot"},
            {"op": "replace", "path": "/Resources/Cluster/Properties/DeletionProtection", "value": True},
        ]
    }
    assert apply_patch(TEMPLATE, patches[str(template)]) == ALL_FIXED
    patch_file = template.parent / "fix.json"
    patch_file.write_text(result.stdout, encoding="utf-8")
    applied = cli("patch", str(template), str(patch_file))
    assert applied.exit_code == 0
    assert applied.stdout == ALL_FIXED


def test_patch_with_nothing_to_change(cli, clean: Path) -> None:
    result = cli("apply", "--patch", str(clean))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {}


def test_write_and_patch_together_is_a_usage_error(cli, template: Path) -> None:
    result = cli("apply", "--write", "--patch", str(template))
    assert result.exit_code == 2
    assert result.stderr == "error: --write and --patch cannot be combined\n"
    assert template.read_text(encoding="utf-8") == TEMPLATE


def test_a_fix_that_cannot_apply_is_dropped_and_reported(cli, tmp_path: Path) -> None:
    path = tmp_path / "broken-fix.yaml"
    path.write_text("Metadata:\n  DemoBroken: yes\n" + TEMPLATE.split("\n", 1)[1], encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    result = cli("apply", "--write", str(path))
    assert result.exit_code == 1
    assert f"warning: {path}:2:3: CFX994 fix not applied: " in result.stderr
    after = path.read_text(encoding="utf-8")
    assert after == before.replace(
        "      DeletionProtection: false\n", "      DeletionProtection: false\n    DeletionPolicy: Snapshot\n"
    )
    assert f"{path}:2:3: CFX994 [*] demo broken fix" in result.stdout


def test_errors_exit_2_and_leave_files_untouched(cli, template: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources:\n  A: 1\n  A: 2\n", encoding="utf-8")
    result = cli("apply", "--write", str(template), str(bad))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"error: {bad}:3:3: duplicate key 'A'"
    assert bad.read_text(encoding="utf-8") == "Resources:\n  A: 1\n  A: 2\n"
    assert template.read_text(encoding="utf-8") == SAFE_FIXED, "the good file is still fixed"


def test_read_only_file_is_refused(cli, template: Path) -> None:
    os.chmod(template, 0o444)
    try:
        result = cli("apply", "--write", str(template))
    finally:
        os.chmod(template, 0o644)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {template}: cannot write: the file is read-only (permission denied)"]
    assert template.read_text(encoding="utf-8") == TEMPLATE
    assert result.stdout.splitlines()[-1] == "Fixed nothing. 1 file could not be fixed.", 'no "0 remaining" for it'


def test_symlink_target_is_written_and_the_link_kept(cli, template: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(template)
    result = cli("apply", "--write", str(link))
    assert result.exit_code == 1
    assert link.is_symlink()
    assert template.read_text(encoding="utf-8") == SAFE_FIXED


def test_stdin_dry_run_and_write(cli) -> None:
    dry = cli("apply", "-", input=TEMPLATE)
    assert dry.exit_code == 1
    assert dry.stdout.startswith("--- a/<stdin>\n+++ b/<stdin>\n")
    written = cli("apply", "--write", "-", input=TEMPLATE)
    assert written.exit_code == 1
    assert written.stdout == SAFE_FIXED, "with stdin, --write prints the fixed text and nothing else"
    assert "Fixed 1 finding in 1 file; 2 remaining." in written.stderr


def test_crlf_and_no_final_newline_survive(cli, tmp_path: Path) -> None:
    path = tmp_path / "crlf.yaml"
    text = TEMPLATE.replace("\n", "\r\n").rstrip("\r\n")
    path.write_bytes(text.encode("utf-8"))
    result = cli("apply", "--write", str(path))
    assert result.exit_code == 1
    out = path.read_bytes().decode("utf-8")
    assert out == SAFE_FIXED.replace("\n", "\r\n").rstrip("\r\n")


def test_diff_marks_a_missing_final_newline(cli, tmp_path: Path) -> None:
    path = tmp_path / "nonl.yaml"
    path.write_text(CLEAN.rstrip("\n") + "\n  Cluster:\n    Type: AWS::RDS::DBCluster", encoding="utf-8")
    result = cli("apply", str(path))
    assert result.exit_code == 1
    assert result.stdout.endswith(
        "-    Type: AWS::RDS::DBCluster\n\\ No newline at end of file\n"
        "+    Type: AWS::RDS::DBCluster\n+    DeletionPolicy: Snapshot\n\\ No newline at end of file\n"
    )


def test_apply_many_files_with_jobs(cli, tmp_path: Path) -> None:
    unused = CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n"
    for i in range(4):
        (tmp_path / f"t{i}.yaml").write_text(unused, encoding="utf-8")
    result = cli("apply", "--write", "--show-unused-suppressions", "--jobs", "2", str(tmp_path))
    assert result.exit_code == 0
    assert all((tmp_path / f"t{i}.yaml").read_text(encoding="utf-8") == CLEAN for i in range(4))
    assert result.stdout.splitlines()[-1] == "Fixed 4 findings in 4 files; 0 remaining."


def test_diff_is_coloured_only_when_asked(cli, template: Path) -> None:
    from cfnfix.report.diff import colorize

    forced = cli("apply", str(template), env={"FORCE_COLOR": "1"})
    assert "\x1b[32m+    DeletionPolicy: Snapshot\x1b[0m\n" in forced.stdout
    assert "\x1b[1m--- " in forced.stdout and "\x1b[36m@@ " in forced.stdout
    assert "\x1b[" not in cli("apply", "--no-color", str(template), env={"FORCE_COLOR": "1"}).stdout
    assert colorize("-a\r\n+b\r\n c\r\n", True) == "\x1b[31m-a\x1b[0m\r\n\x1b[32m+b\x1b[0m\r\n c\r\n"
    assert colorize("-a\n", False) == "-a\n"
