"""``cfnfix check``: exit codes, every output format, common options, files and folders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cfnfix import Finding

from .support.cli_fixtures import CLEAN, TEMPLATE

pytestmark = pytest.mark.usefixtures("demo_rules")

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ----------------------------------------------------------------------------- exit codes
def test_exit_0_when_nothing_is_found(cli, clean: Path) -> None:
    result = cli("check", str(clean))
    assert result.exit_code == 0
    assert result.stdout == "No findings in 1 template.\n"
    assert result.stderr == ""


def test_exit_1_with_findings_in_text_format(cli, template: Path) -> None:
    result = cli("check", str(template))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        f"{template}:4:3: CFX991 [*] DB cluster 'Cluster' has no DeletionPolicy",
        f"{template}:8:27: CFX992 DeletionProtection is false",
        f"{template}:16:18: CFX993 inline code imports pymysql, which the runtime lacks",
    ]
    assert lines[3] == ""
    assert lines[4] == "Found 3 findings in 1 template (1 fixable with `cfnfix apply`; 1 more with `--unsafe-fixes`)."
    assert not ANSI.search(result.stdout), "no colour when stdout is not a terminal"


def test_unsafe_fixes_marks_unsafe_fixes_as_fixable(cli, template: Path) -> None:
    result = cli("check", "--unsafe-fixes", str(template))
    assert f"{template}:8:27: CFX992 [*] DeletionProtection is false" in result.stdout
    assert "(2 fixable with `cfnfix apply`)." in result.stdout


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        ("Resources: [\n", ":2:1:", "invalid YAML"),
        ("Resources:\n  A: 1\n  A: 2\n", ":3:3:", "duplicate key 'A'"),
        ('{"Resources": {},} x', ":1:18:", "trailing comma"),
        ("", ":1:1:", "empty template"),
        ("Resources:\n  A: !!python/object:os.system x\n", ":2:6:", "unsupported tag"),
        ("Resources:\n\tA: 1\n", ":2:1:", "invalid YAML"),
        (
            "Resources:\n  X: 1\na: &a [x, x]\n"
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)),
            ":18:12:",
            "YAML aliases expand to more than 250,000 nodes",
        ),
        ('{"Resources": ' + "[" * 5000 + "]" * 5000 + "}", ":1:", "nesting deeper than"),
        ("Resources: " + "[" * 5000 + "]" * 5000 + "\n", ":1:", "nesting depth"),
    ],
)
def test_exit_2_on_a_broken_file_with_one_line_error(
    cli, tmp_path: Path, content: str, where: str, reason: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    before = bad.read_bytes()
    result = cli("check", str(bad))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {bad}{where}"), line
    assert reason in line
    assert "Traceback" not in result.output
    assert bad.read_bytes() == before


def test_exit_2_wins_over_findings_and_other_files_are_still_checked(cli, template: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"Resources": ', encoding="utf-8")
    result = cli("check", str(template), str(bad))
    assert result.exit_code == 2
    assert "CFX991" in result.stdout
    assert "1 file could not be checked." in result.stdout
    assert result.stderr.startswith(f"error: {bad}:1:15: invalid JSON")


def test_missing_path_and_binary_and_non_utf8(cli, tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"Resources:\x00\x01")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"Resources:\n  A: caf\xe9\n")
    result = cli("check", str(tmp_path / "nope.yaml"), str(binary), str(latin))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'nope.yaml'}: no such file or directory",
        f"error: {binary}: binary file (contains NUL bytes), not a template",
        f"error: {latin}:2:9: not UTF-8 text: invalid byte 0xe9",
    ]


def test_usage_error_exits_2(cli, template: Path) -> None:
    result = cli("check", "--format", "xml", str(template))
    assert result.exit_code == 2
    assert "xml" in result.stderr


# ----------------------------------------------------------------------------- formats
def test_json_format_follows_the_documented_schema(cli, template: Path, tmp_path: Path) -> None:
    import jsonschema

    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [", encoding="utf-8")
    result = cli("check", "--format", "json", str(template), str(bad))
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    schema = json.loads((Path(__file__).parent.parent / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    assert doc["schema_version"] == 1
    assert [f["rule_id"] for f in doc["findings"]] == ["CFX991", "CFX992", "CFX993"]
    first = doc["findings"][0]
    assert first == {
        "rule_id": "CFX991",
        "rule_name": "demo-deletion-policy",
        "severity": "high",
        "path": "/Resources/Cluster",
        "line": 4,
        "column": 3,
        "message": "DB cluster 'Cluster' has no DeletionPolicy",
        "doc_url": "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html",
        "file": str(template),
        "fix": {
            "applicability": "safe",
            "message": "add DeletionPolicy: Snapshot",
            "patch": [{"op": "add", "path": "/Resources/Cluster/DeletionPolicy", "value": "Snapshot"}],
            "impact": [
                {
                    "logical_id": "Cluster",
                    "resource_type": "AWS::RDS::DBCluster",
                    "change": "updated in place",
                    "cause": "DeletionPolicy only: the resource itself is not touched",
                    "properties": [],
                    "renamed_from": None,
                    "refactor_avoids_replacement": False,
                    "stateful": True,
                    "holds": "database storage",
                }
            ],
            "unsafe_reason": None,
        },
    }
    assert Finding.model_validate(first).model_dump(mode="json") == first, "findings round-trip"
    assert doc["errors"] == [{"file": str(bad), "line": 2, "column": 1, "message": doc["errors"][0]["message"]}]
    assert doc["errors"][0]["message"].startswith("invalid YAML")
    assert doc["files"] == [
        {"file": str(template), "status": "checked", "findings": 3},
        {"file": str(bad), "status": "error", "findings": 0},
    ]
    assert doc["summary"]["findings"] == 3
    assert doc["summary"]["fixable"] == 1
    assert doc["summary"]["unsafe_only"] == 1
    assert doc["summary"]["by_severity"] == {"critical": 0, "high": 1, "medium": 1, "low": 1}


def test_github_format_emits_workflow_commands(cli, template: Path) -> None:
    result = cli("check", "--format", "github", str(template))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"::error file={template},line=4,col=3,title=CFX991 demo-deletion-policy::")
    assert lines[0].endswith(
        "(fix: cfnfix apply)%0Ahttps://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
    )
    assert lines[1].startswith(f"::warning file={template},line=8,col=27,")
    assert "(fix: cfnfix apply --unsafe-fixes)" in lines[1]
    assert lines[2].startswith(f"::notice file={template},line=16,col=18,")


def test_github_format_escapes_and_reports_errors(cli, tmp_path: Path) -> None:
    from cfnfix.report.github import escape_data, escape_property

    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
    bad = tmp_path / "a,b.yaml"
    bad.write_text("Resources: [", encoding="utf-8")
    result = cli("check", "--format", "github", str(bad))
    assert result.exit_code == 2
    assert result.stdout.startswith(
        f"::error file={str(bad).replace(',', '%2C')},line=2,col=1,title=cfnfix%3A cannot check::invalid YAML"
    )


def test_markdown_format_is_a_failure_analysis_per_template(cli, template: Path, clean: Path) -> None:
    result = cli("check", "--format", "markdown", str(template), str(clean))
    assert result.exit_code == 1
    md = result.stdout
    assert md.startswith("# cfnfix failure analysis\n")
    assert "2 templates checked, 3 findings, 1 fixable with `cfnfix apply`, 1 more with `--unsafe-fixes`." in md
    assert f"| `{template}` | High | 0 | 1 | 1 | 1 | 1 |" in md
    assert f"| `{clean}` | None | 0 | 0 | 0 | 0 | 0 |" in md
    assert "**Impact level:** High · 3 findings (1 high, 1 medium, 1 low)" in md
    for heading in (
        "**What is wrong:**",
        "**The fix",
        "**Root cause:**",
        "**Documentation:**",
        "**Deployment impact:**",
    ):
        assert md.count(heading) == 3, heading
    assert "**Root cause:** Demo root cause." in md  # the rule's own
    assert "**Root cause:** Demo: inline code imports pymysql." in md  # falls back to the summary
    assert "**Deployment impact:** Demo deployment impact." in md
    assert "**Deployment impact:** The deployment, or the deployed application, is likely to fail." in md
    assert '"path": "/Resources/Cluster/DeletionPolicy"' in md
    assert md.count("<summary>RFC 6902 patch</summary>") == 2, "the patch is folded"
    assert "**Before** (the fix only adds lines):" in md and "8 |       DeletionProtection: false" in md
    assert "**The fix:** No automatic fix" in md
    assert "**Impact level:** None. No findings." in md


def test_markdown_reports_unreadable_templates(cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [", encoding="utf-8")
    result = cli("check", "-f", "markdown", str(bad))
    assert result.exit_code == 2
    assert f"| `{bad}` | Not checked |" in result.stdout
    assert "**Not checked:** invalid YAML" in result.stdout


# ----------------------------------------------------------------------------- options
def test_select_and_ignore(cli, template: Path) -> None:
    only = cli("check", "--select", "CFX991,demo-pymysql", str(template))
    assert [line.split()[1] for line in only.stdout.splitlines()[:-2]] == ["CFX991", "CFX993"]
    skipped = cli("check", "--ignore", "CFX99", "--ignore", "CFX900", str(template))
    assert skipped.exit_code == 0
    prefix = cli("check", "--select", "CFX99", "--ignore", "CFX992", str(template))
    assert [line.split()[1] for line in prefix.stdout.splitlines()[:-2]] == ["CFX991", "CFX993"]


def test_quiet_prints_findings_only(cli, template: Path, clean: Path) -> None:
    result = cli("check", "-q", str(template))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert "Found" not in result.stdout
    quiet_clean = cli("check", "--quiet", str(clean))
    assert quiet_clean.exit_code == 0
    assert quiet_clean.stdout == ""


def test_colour_only_when_forced_or_on_a_terminal(cli, template: Path) -> None:
    forced = cli("check", str(template), env={"FORCE_COLOR": "1"})
    assert ANSI.search(forced.stdout)
    assert ANSI.sub("", forced.stdout) == cli("check", str(template)).stdout
    assert not ANSI.search(cli("check", "--no-color", str(template), env={"FORCE_COLOR": "1"}).stdout)
    assert not ANSI.search(cli("check", str(template), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)


def test_use_color_follows_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from cfnfix.cli.app import use_color

    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert use_color(False, Tty()) is True
    assert use_color(True, Tty()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(False, Tty()) is False
    monkeypatch.setenv("NO_COLOR", "")
    assert use_color(False, Tty()) is True, "an empty NO_COLOR does not count"


def test_version(cli) -> None:
    from cfnfix import __version__

    for flag in ("--version", "-V"):
        result = cli(flag)
        assert result.exit_code == 0
        assert result.stdout == f"cfnfix {__version__}\n"


UNUSED = CLEAN + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n"


@pytest.mark.parametrize("jobs", ["1", "2", "0"])
def test_jobs_give_the_same_result(cli, tmp_path: Path, jobs: str) -> None:
    # CFX900 is a registered rule, so worker processes know it whatever their start method.
    for i in range(6):
        (tmp_path / f"t{i}.yaml").write_text(UNUSED if i % 2 else CLEAN, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("Resources: [", encoding="utf-8")
    args = ("check", "--show-unused-suppressions", "-f", "json", str(tmp_path))
    serial = cli(args[0], "--jobs", "1", *args[1:])
    result = cli(args[0], "--jobs", jobs, *args[1:])
    assert result.exit_code == 2
    assert result.stdout == serial.stdout
    doc = json.loads(result.stdout)
    assert doc["summary"]["findings"] == 3
    assert {f["rule_id"] for f in doc["findings"]} == {"CFX900"}


def test_parallel_workers_see_the_same_files(tmp_path: Path) -> None:
    from cfnfix.batch.jobs import Job
    from cfnfix.batch.pool import run_jobs
    from cfnfix.batch.targets import Target
    from cfnfix.config import Settings

    files = []
    for i in range(5):
        path = tmp_path / f"t{i}.yaml"
        path.write_text(CLEAN if i != 3 else "Resources: [", encoding="utf-8")
        files.append(path)
    jobs = [Job(Target(str(p), True), Settings(), "check") for p in files]
    ticks: list[int] = []
    outcomes = run_jobs(jobs, processes=2, progress=lambda: ticks.append(1))
    assert [o.file for o in outcomes] == [str(p) for p in files]
    assert [o.error is not None for o in outcomes] == [False, False, False, True, False]
    assert outcomes[3].error.line == 2  # type: ignore[union-attr]
    assert len(ticks) == 5


# ----------------------------------------------------------------------------- files and folders
def test_folders_are_searched_for_templates_only(cli, tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "stack.template").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "sub" / "stack.json").write_text(
        '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}', encoding="utf-8"
    )
    (tmp_path / "workflow.yml").write_text("on: push\njobs: {a: &x {b: 1}, c: *x}\n", encoding="utf-8")
    (tmp_path / "k8s.yaml").write_text("kind: Pod\n---\nkind: Service\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text("services:\n  db:\n    deploy:\n      resources: {}\n", encoding="utf-8")
    (tmp_path / "notcfn.yaml").write_text(
        "Resources: [a, b]\n", encoding="utf-8"
    )  # mentions the key, is not a template
    (tmp_path / "notes.txt").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    result = cli("check", "-f", "json", str(tmp_path))
    doc = json.loads(result.stdout)
    checked = [f["file"] for f in doc["files"] if f["status"] == "checked"]
    assert checked == [str(tmp_path / "sub" / "deeper" / "stack.template"), str(tmp_path / "sub" / "stack.json")]
    assert result.exit_code == 1
    assert doc["summary"]["skipped"] == 4


def test_a_broken_template_found_in_a_folder_is_an_error(cli, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n", encoding="utf-8"
    )
    result = cli("check", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path / 'broken.yaml'}:")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("workflow.yml", "on: push\njobs: {a: {b: 1}, a: {b: 2}}\n"),  # does not even parse as a template
        ("k8s.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: []\n"),
        ("top-list.json", "[]"),
        ("top-scalar.yaml", "just text\n"),
        ("list.yaml", "- Resources\n"),
    ],
)
def test_explicit_files_that_are_not_templates_are_skipped_with_a_note(
    cli, tmp_path: Path, name: str, content: str
) -> None:
    """Only templates get rules: a file named explicitly that is not one (no AWSTemplateFormatVersion
    or Resources key) is skipped with a note, never fixed ("metadata:" is not "Metadata:")."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    for command in (("check",), ("apply",), ("apply", "--write"), ("apply", "--unsafe-fixes", "--write")):
        result = cli(*command, str(path))
        assert result.exit_code == 0, (command, result.output)
        assert result.stderr.splitlines()[0] == (
            f"note: {path}: skipped: not a CloudFormation template "
            "(no AWSTemplateFormatVersion, no Resources mapping): no rule applies"
        )
        assert path.read_text(encoding="utf-8") == content
    assert cli("check", str(path)).stdout == "No findings in 0 templates.\n"
    quiet = cli("check", "--templates-only", str(path))  # what the pre-commit hooks pass: no note
    assert quiet.exit_code == 0 and quiet.stderr == ""
    doc = json.loads(cli("check", "--format", "json", str(path)).stdout)
    assert doc["files"] == [{"file": str(path), "status": "skipped", "findings": 0}]


def test_explicit_files_that_look_like_templates_are_judged_as_templates(cli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  A: 1\n  A: 2\n", encoding="utf-8")
    assert cli("check", str(broken)).exit_code == 2  # duplicate keys are refused in templates
    empty = tmp_path / "empty.yaml"
    empty.write_text("# Resources: to come\n", encoding="utf-8")
    result = cli("check", str(empty))
    assert result.exit_code == 2 and "empty template" in result.stderr  # an emptied template does not pass


def test_default_path_is_the_current_folder(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout.startswith("stack.yaml:4:3: CFX991")


def test_stdin(cli) -> None:
    result = cli("check", "-", input=TEMPLATE)
    assert result.exit_code == 1
    assert result.stdout.startswith("<stdin>:4:3: CFX991 [*] ")
    bad = cli("check", "-", input="Resources: [")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("error: <stdin>:2:1: invalid YAML")


def test_progress_bar_only_on_a_terminal(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.cli.app as cli_module

    for i in range(cli_module.PROGRESS_THRESHOLD):
        (tmp_path / f"t{i}.yaml").write_text(CLEAN, encoding="utf-8")
    calls: list[tuple[int, bool]] = []
    real = cli_module._progress

    def spy(total: int, enabled: bool):  # type: ignore[no-untyped-def]
        calls.append((total, enabled))
        return real(total, False)

    monkeypatch.setattr(cli_module, "_progress", spy)
    cli("check", str(tmp_path))
    assert calls == [(cli_module.PROGRESS_THRESHOLD, False)], "stderr is not a terminal under the runner"

    calls.clear()
    monkeypatch.setattr(cli_module, "_isatty", lambda stream: True)
    cli("check", str(tmp_path))
    cli("check", "--quiet", str(tmp_path))
    cli("check", str(tmp_path / "t0.yaml"))
    assert calls == [(cli_module.PROGRESS_THRESHOLD, True), (cli_module.PROGRESS_THRESHOLD, False), (1, False)]
    with real(3, True) as advance:
        assert advance is not None
        advance()
    with real(3, False) as advance:
        assert advance is None


def test_automatic_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    import cfnfix.batch.pool as batch

    monkeypatch.setattr(batch.os, "cpu_count", lambda: 16)
    assert batch._workers(0, batch.PARALLEL_THRESHOLD - 1) == 1
    assert batch._workers(0, batch.PARALLEL_THRESHOLD) == 8
    assert batch._workers(3, 2) == 2 and batch._workers(1, 100) == 1 and batch._workers(5, 1) == 1
    monkeypatch.setattr(batch.os, "cpu_count", lambda: 2)
    assert batch._workers(0, 1000) == 1
    assert batch._workers(2, 1000) == 2


def test_a_crashing_rule_is_a_one_line_error_for_that_file_only(cli, template: Path, tmp_path: Path) -> None:
    crash = tmp_path / "crash.yaml"
    crash.write_text("Metadata:\n  DemoCrash: 1\n" + CLEAN.split("\n", 1)[1], encoding="utf-8")
    result = cli("check", str(crash), str(template))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {crash}: internal error in support/demo_rules.py:")
    assert line.endswith("KeyError: 'boom' (please report this)")
    assert "CFX991" in result.stdout, "the other file is still checked"
