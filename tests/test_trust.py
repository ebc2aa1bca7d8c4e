"""Security regressions (issue 21, items 1-5): a repository cfnfix checks runs no code of its own,
concurrent ``apply --write`` runs lose no update, ``--refactor-mapping`` writes only where it
should, folder walks stay inside the folder named and read each file once, and strings from a
template cannot drive the terminal or inject Markdown.

Each test plants what an unreviewed repository could hold and asserts the harm does not happen.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------ 1. no code from the repository runs

#: A cfn-lint rule module that writes a file when imported (what ``append_rules`` would load).
_EVIL_RULE = """\
import os, pathlib
pathlib.Path(os.environ["CFNFIX_PWNED"]).joinpath({name!r}).write_text("ran", encoding="utf-8")
from cfnlint.rules import CloudFormationLintRule
class Planted(CloudFormationLintRule):
    id = "E9{n}99"
    shortdesc = "planted"
    description = "planted"
    tags = []
"""

_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Metadata:
  cfn-lint:
    config:
      append_rules: [rules_from_metadata]
      custom_rules: custom_from_metadata.txt
      override_spec: spec_from_metadata.json
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Bogus: 1
"""


def _plant(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A repository whose ``.cfnlintrc`` (and the home folder's) loads rule code, with
    ``cfn-lint = true`` in its ``.cfnfix.toml``: (repository, home, marker folder)."""
    repo, home, marks = tmp_path / "repo", tmp_path / "home", tmp_path / "marks"
    for folder in (repo, home, marks):
        folder.mkdir()
    for where, name, n in ((repo, "project", 1), (home, "user", 2), (repo, "metadata", 3)):
        rules = where / (f"rules_{name}" if name != "metadata" else "rules_from_metadata")
        rules.mkdir()
        (rules / "planted.py").write_text(_EVIL_RULE.format(name=name, n=n), encoding="utf-8")
    # every setting of cfn-lint's configuration file that loads code or data from the checkout
    (repo / "spec.json").write_text('{"ResourceTypes": {}}', encoding="utf-8")
    (repo / "custom.txt").write_text("AWS::S3::Bucket BucketName == 'x' ERROR", encoding="utf-8")
    (repo / ".cfnlintrc").write_text(
        "append_rules: [rules_project]\ncustom_rules: custom.txt\noverride_spec: spec.json\nignore_checks: [E3002]\n",
        encoding="utf-8",
    )
    (home / ".cfnlintrc.yaml").write_text("append_rules: [" + str(home / "rules_user") + "]\n", encoding="utf-8")
    (repo / ".cfnfix.toml").write_text("cfn-lint = true\n", encoding="utf-8")
    (repo / "t.yaml").write_text(_TEMPLATE, encoding="utf-8")
    return repo, home, marks


def _isolated_env(home: Path, marks: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NO_COLOR", "FORCE_COLOR"))}
    env.update(HOME=str(home), CFNFIX_PWNED=str(marks), PYTHONPATH=str(ROOT))
    return env


@pytest.mark.parametrize(
    "args",
    [["check", "t.yaml"], ["apply", "--verify", "--unsafe-fixes", "t.yaml"]],
    ids=["check", "apply-verify"],
)
def test_a_planted_cfnlintrc_runs_no_code(tmp_path: Path, args: list[str]) -> None:
    pytest.importorskip("cfnlint")
    repo, home, marks = _plant(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "cfnfix", *args],
        cwd=repo,
        env=_isolated_env(home, marks),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert sorted(p.name for p in marks.iterdir()) == [], "code from the checked repository ran"
    if args[0] == "check":
        # the repository's ignore_checks is not read either: cfn-lint's E3002 is reported (by CFX701 or itself)
        assert "Bogus" in result.stdout, result.stdout


def test_cfn_lint_configuration_is_built_by_cfnfix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cfnlint")
    from cfnfix.cfn_lint.runner import isolated_config

    repo, home, _ = _plant(tmp_path)
    monkeypatch.chdir(repo)
    monkeypatch.setenv("HOME", str(home))
    config = isolated_config(("eu-west-1",))
    assert config.file_args == {}
    assert config.regions == ["eu-west-1"]
    assert (
        len(config.append_rules) == 1
        and Path(config.append_rules[0]).parent == Path(__import__("cfnlint").__file__).parent
    )
    assert not config.custom_rules and not config.override_spec and not config.registry_schemas
    assert config.ignore_checks == [] and config.mandatory_checks == [] and config.configure_rules == {}
    # a template's own Metadata cannot name rule code either
    import yaml

    config.set_template_args(yaml.safe_load(_TEMPLATE))
    assert len(config.append_rules) == 1 and not config.custom_rules and not config.override_spec


def test_the_language_servers_lint_worker_runs_no_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cfnlint")
    from cfnfix.config import Settings
    from cfnfix.server.linting import LintWorker

    repo, home, marks = _plant(tmp_path)
    monkeypatch.chdir(repo)  # an editor starts the server in the workspace
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CFNFIX_PWNED", str(marks))

    async def lint() -> list[object]:
        worker = LintWorker()
        try:
            return list(await worker.lint(_TEMPLATE, str(repo / "t.yaml"), Settings(cfn_lint=True)))
        finally:
            worker.close()

    findings = asyncio.run(lint())
    assert sorted(p.name for p in marks.iterdir()) == [], "code from the workspace ran in the lint worker"
    assert any(getattr(f, "rule_id", "") == "E3002" for f in findings)


# ------------------------------------------------------------------ 2. concurrent apply --write loses no update

_TWO_FIXES = """\
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  Unused: !Equals [a, b]
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub plain-name-{n}
"""


def _errors_by_file(stderr: str, folder: Path) -> dict[str, str]:
    """``error: FILE: reason`` lines of a run, by file name."""
    found: dict[str, str] = {}
    for line in stderr.splitlines():
        if line.startswith("error: ") and str(folder) in line:
            path, _, reason = line.removeprefix("error: ").partition(": ")
            found[Path(path.split(":")[0]).name] = reason
    return found


def test_two_concurrent_writes_lose_no_update(tmp_path: Path) -> None:
    """Two ``apply --write`` runs with different fixes over the same 320 files: every file ends
    with each run's fix, or that run names the file as a conflict (an error, exit 2). A run that
    says nothing about a file wrote its fix, and that fix is there at the end."""
    folder = tmp_path / "stacks"
    folder.mkdir()
    names = [f"s{n:03}.yaml" for n in range(320)]
    for n, name in enumerate(names):
        (folder / name).write_text(_TWO_FIXES.format(n=n), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = {
        rule: subprocess.Popen(
            [sys.executable, "-m", "cfnfix", "apply", "--write", "--quiet", "--select", rule, str(folder)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for rule in ("CFX805", "CFX807")
    }
    outputs = {rule: run.communicate(timeout=300)[1] for rule, run in runs.items()}
    effects = {"CFX805": lambda text: "Unused" not in text, "CFX807": lambda text: "!Sub" not in text}
    lost = []
    errors = {rule: _errors_by_file(stderr, folder) for rule, stderr in outputs.items()}
    for rule in runs:
        for name in names:
            if name not in errors[rule] and not effects[rule]((folder / name).read_text(encoding="utf-8")):
                lost.append((rule, name))
    assert lost == [], f"{len(lost)} fixes reported written but lost, e.g. {lost[:5]}"
    for rule, run in runs.items():
        assert all(reason.startswith("not written (conflict)") for reason in errors[rule].values()), errors[rule]
        assert (run.returncode == 2) == bool(errors[rule]), (rule, run.returncode, outputs[rule][-2000:])


# ------------------------------------------------------------------ 3. --refactor-mapping writes only where it should

_RENAMES = """\
Resources:
  Orders Topic:
    Type: AWS::SNS::Topic
"""

_MAPPING = [
    {
        "Source": {"StackName": "orders", "LogicalResourceId": "Orders"},
        "Destination": {"StackName": "orders", "LogicalResourceId": "OrdersTopic"},
    }
]


@pytest.fixture
def one_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run's renames need one mapping (no real rule renames an ID a stack can hold)."""
    import cfnfix.impact.refactor as refactor

    monkeypatch.setattr(refactor, "mapping_for_run", lambda results, stack: (list(_MAPPING), []))


def test_refactor_mapping_is_not_written_by_a_dry_run(
    cli: Callable[..., Result], tmp_path: Path, one_mapping: None
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(_RENAMES, encoding="utf-8")
    out = tmp_path / "mapping.json"
    result = cli("apply", str(path), "--refactor-mapping", str(out), "--stack-name", "orders")
    assert result.exit_code == 1, result.stderr
    assert not out.exists()
    assert f"Would write 1 resource mapping to {out} (with --write)" in result.stderr
    written = cli("apply", "--write", str(path), "--refactor-mapping", str(out), "--stack-name", "orders")
    assert written.exit_code == 0, written.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == _MAPPING


def test_refactor_mapping_is_not_written_without_a_mapping(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(_RENAMES, encoding="utf-8")
    out = tmp_path / "mapping.json"
    result = cli("apply", "--write", str(path), "--refactor-mapping", str(out), "--stack-name", "orders")
    assert result.exit_code == 0, result.stderr
    assert not out.exists() and "OrdersTopic" in path.read_text(encoding="utf-8")
    assert f"No renamed resource needs a mapping: {out} not written." in result.stderr


@pytest.mark.parametrize("where", ["symlink-to-template", "the-template", "hard-link", "no-folder", "a-folder"])
def test_a_bad_refactor_mapping_path_stops_the_run_before_any_write(
    cli: Callable[..., Result], tmp_path: Path, one_mapping: None, where: str
) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(_RENAMES, encoding="utf-8")
    out = tmp_path / "mapping.json"
    if where == "symlink-to-template":
        out.symlink_to(path)
    elif where == "the-template":
        out = path
    elif where == "hard-link":
        os.link(path, out)
    elif where == "no-folder":
        out = tmp_path / "missing" / "mapping.json"
    else:
        out.mkdir()
    result = cli("apply", "--write", str(path), "--refactor-mapping", str(out), "--stack-name", "orders")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {out}: --refactor-mapping: "), result.stderr
    assert path.read_text(encoding="utf-8") == _RENAMES  # nothing written, not even the fix
    assert not path.is_symlink()


# ------------------------------------------------------------------ 4. folder walks stay in the folder, read each file once

_FIXABLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: !Sub plain-name
"""


def test_a_walk_does_not_write_through_a_symlink_out_of_the_folder(cli: Callable[..., Result], tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(_FIXABLE, encoding="utf-8")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "own.yaml").write_text(_FIXABLE, encoding="utf-8")
    (folder / "link.yaml").symlink_to(outside)
    result = cli("apply", "--write", "--select", "CFX807", str(folder))
    assert result.exit_code == 0, result.output
    assert outside.read_text(encoding="utf-8") == _FIXABLE, "a file outside the folder named was rewritten"
    assert "!Sub" not in (folder / "own.yaml").read_text(encoding="utf-8")
    assert f"note: {folder / 'link.yaml'}: skipped: a symbolic link to a file outside {folder}" in result.stderr
    check = cli("check", "--select", "CFX807", "--format", "json", str(folder))
    files = {Path(f["file"]).name: f["status"] for f in json.loads(check.stdout)["files"]}
    assert files == {"link.yaml": "skipped", "own.yaml": "checked"}
    # with the flag, or named explicitly, the link is followed (as before)
    followed = cli("apply", "--write", "--select", "CFX807", "--follow-symlinks", str(folder))
    assert followed.exit_code == 0, followed.output
    assert "!Sub" not in outside.read_text(encoding="utf-8") and (folder / "link.yaml").is_symlink()


def test_an_explicit_symlink_out_of_the_folder_is_still_fixed(cli: Callable[..., Result], tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(_FIXABLE, encoding="utf-8")
    (tmp_path / "repo").mkdir()
    link = tmp_path / "repo" / "link.yaml"
    link.symlink_to(outside)
    result = cli("apply", "--write", "--select", "CFX807", str(link))
    assert result.exit_code == 0, result.output
    assert "!Sub" not in outside.read_text(encoding="utf-8") and link.is_symlink()


def test_a_file_reached_twice_is_read_once(cli: Callable[..., Result], tmp_path: Path) -> None:
    """A file, a symbolic link and a hard link to it in one folder, and the file named again:
    one file, its findings once, written once (not refused as "changed meanwhile")."""
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    real = folder / "b.yaml"
    real.write_text(_FIXABLE, encoding="utf-8")
    (folder / "a-link.yaml").symlink_to(real)
    os.link(real, folder / "sub" / "hard.yaml")
    check = cli("check", "--select", "CFX807", str(folder), str(real))
    assert check.exit_code == 1
    assert check.stdout.count("CFX807") == 1, check.stdout
    assert check.stdout.startswith(f"{real}:6:18: CFX807"), check.stdout
    result = cli("apply", "--write", "--select", "CFX807", str(folder))
    assert result.exit_code == 0, result.output
    assert "!Sub" not in real.read_text(encoding="utf-8") and (folder / "a-link.yaml").is_symlink()


# ------------------------------------------------------------------ 5. template strings cannot drive the terminal or the Markdown

#: A logical ID (in JSON, where escapes make any character) that erases its line, returns the
#: cursor and writes "No findings" over the finding; another with a right-to-left override.
_HIDING = (
    '{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {'
    '"A\\u001b[2K\\rNo findings in 1 template.\\n": {"Type": "AWS::SNS::Topic"}, '
    '"B\\u202eelif.evil": {"Type": "AWS::SNS::Topic"}}}\n'
)
#: A template whose strings are Markdown and HTML.
_INJECTING = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  "[click](https://evil.example) <img src=x onerror=alert(1)> ![p](https://evil.example/p.png) # *x*":
    Type: AWS::SNS::Topic
"""
_UNSAFE = [chr(c) for c in (*range(0x09), *range(0x0A, 0x20), *range(0x7F, 0xA0))] + [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


def _no_raw_controls(text: str, *, newlines: int) -> None:
    assert text.count("\n") == newlines, repr(text)
    assert not [c for c in _UNSAFE if c != "\n" and c in text], repr(text)


def test_text_output_escapes_control_characters(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t\x1b[1A\x1b[2K\r\u202e.json"  # the file's name is the repository's too
    path.write_text(_HIDING, encoding="utf-8")
    result = cli("check", "--select", "CFX101", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    _no_raw_controls(result.stdout, newlines=4)  # two findings, a blank line, the summary
    assert lines[0].startswith(str(tmp_path / "t\\x1b[1A\\x1b[2K\\r\\u202e.json") + ":1:"), lines[0]
    assert "\\x1b[2K\\rNo findings in 1 template.\\n" in lines[0] and "B\\u202eelif.evil" in lines[1]
    assert lines[-1] == "Found 2 findings in 1 template (2 fixable with `cfnfix apply`)."
    apply = cli("apply", "--select", "CFX101", str(path))
    _no_raw_controls(apply.stderr, newlines=apply.stderr.count("\n"))
    assert "\\x1b" in apply.stderr  # the impact lines name the resources, escaped


def test_error_lines_escape_control_characters(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "evil\x1b[2K\rname.yaml"
    path.write_text("Resources: [\n", encoding="utf-8")
    result = cli("check", str(path))
    assert result.exit_code == 2
    _no_raw_controls(result.stderr, newlines=1)
    assert "evil\\x1b[2K\\rname.yaml" in result.stderr


def test_the_diff_on_a_terminal_escapes_control_characters(tmp_path: Path) -> None:
    from cfnfix.batch.outcome import FileOutcome
    from cfnfix.fixing import FixResult
    from cfnfix.report import ReportContext
    from cfnfix.report.apply import render_apply

    result = FixResult(
        file="t.yaml",
        original="A: 'x\x1b[2Ky\u202e'\r\nB: 1\r\n",
        text="A: 'x\x1b[2Ky\u202e'\r\nB: 2\r\n",
        patch=[],
        fixed=[],
        remaining=[],
    )
    outcome = FileOutcome("t.yaml", result=result)
    raw = render_apply([outcome], "diff", ReportContext()).stdout
    assert "\x1b[2K" in raw and "\r\n" in raw  # piped: byte for byte what `patch` applies
    shown = render_apply([outcome], "diff", ReportContext(terminal=True)).stdout
    assert "\\x1b[2Ky\\u202e" in shown and "\x1b" not in shown and shown.count("\r\n") == raw.count("\r\n")


def test_markdown_output_escapes_html_and_markdown(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(_INJECTING, encoding="utf-8")
    result = cli("check", "--select", "CFX101", "--format", "markdown", str(path))
    assert result.exit_code == 1
    prose = "\n".join(
        line for line in result.stdout.splitlines() if line.startswith(("**What is wrong:**", "**The fix**", "- "))
    )
    assert "<img" not in prose, prose
    assert not re.search(r"(?<!\\)\]\(", prose) and not re.search(r"(?<!\\)!(?<!\\)\[", prose), prose
    assert "\\[click\\](https://evil.example) &lt;img src=x onerror=alert(1)&gt; !\\[p\\]" in prose
    assert "\\*x\\*" in prose
    hiding = tmp_path / "h.json"
    hiding.write_text(_HIDING, encoding="utf-8")
    md = cli("check", "--select", "CFX101", "--format", "markdown", str(hiding)).stdout
    assert not [c for c in _UNSAFE if c != "\n" and c in md]
