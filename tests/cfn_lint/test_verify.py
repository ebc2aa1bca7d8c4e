"""``cfnfix apply --verify``: cfn-lint must find no new error in a fixed template."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from cfnfix.cfn_lint.verify import LintError, lint_errors, new_errors, refusal
from cfnfix.document.pointer import make_pointer
from cfnfix.findings import Applicability, Finding, Fix, Severity
from cfnfix.rules import Rule, RuleContext, all_rules
from tests.cli.test_console_script import _script
from tests.project.test_hostile_input import Untouched, assert_one_error

GOOD = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Metadata:
      Demo: good
"""
BAD = GOOD.replace("Demo: good", "Demo: bad")
GOOD_FIXED = GOOD + "    DeletionPolicy: Retain\n"


@pytest.fixture
def verify_rule() -> Iterator[None]:
    """CFX981: on a bucket with ``Metadata: {Demo: good}`` adds a valid DeletionPolicy; with
    ``Demo: bad`` adds a property S3 buckets do not have (cfn-lint E3002)."""

    class DemoVerify(Rule):
        id = "CFX981"
        name = "demo-verify"
        severity = Severity.LOW
        summary = "Demo for --verify."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            for name, res in ctx.data.get("Resources", {}).items():
                demo = (res.get("Metadata") or {}).get("Demo") if isinstance(res, dict) else None
                if demo == "good" and "DeletionPolicy" not in res:
                    patch = [
                        {"op": "add", "path": make_pointer(["Resources", name, "DeletionPolicy"]), "value": "Retain"}
                    ]
                elif demo == "bad" and "Properties" not in res:
                    patch = [
                        {
                            "op": "add",
                            "path": make_pointer(["Resources", name, "Properties"]),
                            "value": {"NotAProperty": 1},
                        }
                    ]
                else:
                    continue
                fix = Fix(applicability=Applicability.SAFE, message="demo", patch=patch)
                yield self.finding(ctx, make_pointer(["Resources", name]), f"demo {demo}", fix=fix, at_key=True)

    DemoVerify.__module__ = "cfnfix.rules._demo_verify"
    all_rules.cache_clear()
    try:
        yield
    finally:
        DemoVerify.__abstractmethods__ = frozenset({"check"})  # retire it (see tests/support/demo_rules.py)
        del DemoVerify
        gc.collect()
        all_rules.cache_clear()
        assert "CFX981" not in {r.id for r in all_rules()}


def _files(tmp_path: Path) -> tuple[Path, Path]:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    return good, bad


NEW_ERROR = "not fixed (--verify): cfn-lint reports a new error in the fixed template: E3002 Additional properties are not allowed ('NotAProperty' was unexpected) (line 8)"


@pytest.mark.usefixtures("verify_rule")
def test_without_verify_the_bad_fix_would_be_written(cli: Callable[..., Result], tmp_path: Path) -> None:
    _, bad = _files(tmp_path)
    result = cli("apply", "--write", "--select", "CFX981", str(bad))
    assert result.exit_code == 0
    assert "NotAProperty: 1" in bad.read_text(encoding="utf-8")


@pytest.mark.usefixtures("verify_rule")
def test_verify_dry_run_refuses_the_file_with_a_new_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    result = cli("apply", "--verify", "--select", "CFX981", str(good), str(bad))
    assert result.exit_code == 2
    assert result.stdout.startswith(f"--- {good}\n") and str(bad) not in result.stdout, "only the good file's diff"
    assert result.stderr.splitlines() == [
        f"error: {bad}: {NEW_ERROR}",
        "Impact on a deployed stack:",
        f"{good}:",
        "  Bucket (AWS::S3::Bucket): updated in place — DeletionPolicy only: the resource itself is not touched",
        "Would fix 1 finding in 1 file; 0 would remain. Run with --write to apply. 1 file could not be fixed.",
    ]


@pytest.mark.usefixtures("verify_rule")
def test_verify_write_leaves_the_refused_file_untouched(cli: Callable[..., Result], tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    before = Untouched(bad)
    result = cli(
        "apply", "--write", "--verify", "--regions", "us-east-1,eu-west-1", "--select", "CFX981", str(good), str(bad)
    )
    assert result.exit_code == 2
    assert result.stderr == f"error: {bad}: {NEW_ERROR}\n"
    assert good.read_text(encoding="utf-8") == GOOD_FIXED
    before.check()


@pytest.mark.usefixtures("verify_rule")
def test_errors_the_original_already_has_do_not_count(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    broken = GOOD.replace("  Bucket:\n", "  Queue:\n    Type: AWS::SQS::Queue\n    Properties: {Nope: 1}\n  Bucket:\n")
    path.write_text(broken, encoding="utf-8")
    assert [e.rule_id for e in lint_errors(broken)] == ["E3002"]
    result = cli("apply", "--write", "--verify", "--select", "CFX981", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == broken + "    DeletionPolicy: Retain\n"


def test_verify_without_cfn_lint_is_a_clear_error(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, _ = _files(tmp_path)
    before = Untouched(good)
    for name in [m for m in sys.modules if m == "cfnlint" or m.startswith("cfnlint.")] + ["cfnlint"]:
        monkeypatch.setitem(sys.modules, name, None)  # "import cfnlint" now fails
    result = cli("apply", "--write", "--verify", str(good))
    assert result.exit_code == 2
    assert result.stderr == "error: --verify needs cfn-lint, which is not installed: pip install 'cfnfix[lint]'\n"
    assert result.stdout == ""
    before.check()


def test_region_options_are_checked_before_any_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    result = cli("apply", "--verify", "--regions", "us-east-1,mars-north-1", str(good))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("error: --regions: unknown AWS region 'mars-north-1' (cfn-lint knows ")
    result = cli("apply", "--regions", "us-east-1", str(good))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --regions is for cfn-lint: use it with --cfn-lint or --verify\n",
    )


def test_new_errors_compare_rule_and_message_as_a_multiset() -> None:
    one = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {Nope: 1}\n"
    two = one + "  R:\n    Type: AWS::SQS::Queue\n    Properties: {Nope: 1}\n"
    moved = "# a comment that shifts every line\n\n" + one
    assert new_errors(one, moved) == [], "positions do not matter"
    (extra,) = new_errors(one, two)
    assert (extra.rule_id, extra.line) == ("E3002", 7), "the second identical error is new"
    assert new_errors(two, one) == []
    parse = new_errors(one, "Resources: [")
    assert [e.rule_id for e in parse] == ["E0000"]
    many = [LintError("E1", f"m{i}", i, 1) for i in range(5)]
    assert refusal(many) == (
        "not fixed (--verify): cfn-lint reports 5 new errors in the fixed template: "
        "E1 m0 (line 0); E1 m1 (line 1); E1 m2 (line 2); and 2 more"
    )


def test_cfn_lint_is_imported_only_for_verify(tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    probe = (
        "import sys\n"
        "import cfnfix.cfn_lint.unmasking\n"
        "from cfnfix.cli.app import main\n"
        "sys.argv = ['cfnfix', 'apply', sys.argv[1]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('cfnlint' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(good)], capture_output=True, text=True, timeout=60)
    assert result.stderr.splitlines()[-1] == "False"


def test_verify_through_the_console_script(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    result = subprocess.run(
        [_script(), "apply", "--write", "--verify", "--show-unused-suppressions", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == GOOD


def test_a_cfn_lint_failure_is_an_error_for_that_file(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cfnlint.runner

    path = tmp_path / "t.yaml"
    path.write_text(GOOD + "Metadata:\n  cfnfix:\n    ignore: [CFX9XX]\n", encoding="utf-8")
    before = Untouched(path)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("cfn-lint broke")

    monkeypatch.setattr(cfnlint.runner, "run_template_by_data", boom)
    result = cli("apply", "--write", "--verify", "--show-unused-suppressions", str(path))
    assert_one_error(result, f"error: {path}: --verify: cfn-lint failed: RuntimeError: cfn-lint broke", "")
    before.check()


def test_renamed_logical_ids_are_read_under_their_old_names(cli: Callable[..., Result], tmp_path: Path) -> None:
    """A cycle cfn-lint reports by name (E3004) is not new because the fix renamed one of them."""
    from cfnfix.cfn_lint.verify import rename_names, renames

    path = tmp_path / "cycle.yaml"
    text = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
        "  Queue A:\n    Type: AWS::SQS::Queue\n    DependsOn: QueueB\n"
        "  QueueB:\n    Type: AWS::SQS::Queue\n    DependsOn: Queue A\n"
    )
    path.write_text(text, encoding="utf-8")
    result = cli("apply", "--write", "--verify", "--select", "CFX101", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == text.replace("Queue A", "QueueA")
    fixed = path.read_text(encoding="utf-8")
    assert [e.rule_id for e in new_errors(text, fixed)] == ["E3004", "E3004"], "without the renames they look new"
    patch = [
        {"op": "move", "from": "/Resources/Queue A", "path": "/Resources/QueueA"},
        {"op": "move", "from": "/Resources/QueueA", "path": "/Resources/QueueZ"},
        {"op": "move", "from": "/Resources/X/Properties", "path": "/Resources/Y/Properties"},
        {"op": "replace", "path": "/Resources/QueueZ/DependsOn", "value": "QueueB"},
    ]
    assert renames(patch) == {"QueueZ": "Queue A"}
    assert rename_names("QueueZ, QueueZZ and [QueueZ]", {"QueueZ": "Queue A"}) == "Queue A, QueueZZ and [Queue A]"


UNMASKING = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Web Server:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123
      InstanceType: t3.micro
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Ref "Web Server"
"""


def test_errors_the_fix_only_unmasked_do_not_refuse_the_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    """cfn-lint does not look inside a resource whose logical ID it rejects: after the rename it
    sees the AMI id pattern error, which was there all along. The fix is kept and the note says so."""
    path = tmp_path / "t.yaml"
    path.write_text(UNMASKING, encoding="utf-8")
    result = cli("apply", "--write", "--verify", str(path))
    assert result.exit_code == 0, result.stderr
    assert "  WebServer:\n" in path.read_text(encoding="utf-8")
    assert result.stderr.splitlines()[0] == (
        f"note: {path}: the fix unmasked an error cfn-lint could not see before (not caused by the fix): "
        "E1152 'ami-123' is not a 'AWS::EC2::Image.Id' with pattern '^ami-([0-9a-z]{8}|[0-9a-z]{17})$' (line 6)"
    )


def test_judge_follows_renames_and_sees_changed_nodes() -> None:
    from cfnfix.cfn_lint.unmasking import judge

    renamed = UNMASKING.replace("Web Server", "WebServer")
    patch = [
        {"op": "move", "from": "/Resources/Web Server", "path": "/Resources/WebServer"},
        {"op": "replace", "path": "/Resources/Bucket/Properties/BucketName/Ref", "value": "WebServer"},
    ]
    verdict = judge(UNMASKING, renamed, patch)
    assert ([e.rule_id for e in verdict.unmasked], verdict.new) == (["E1152"], [])
    # the same text, but the fix is said to have written the ImageId: then the error is the fix's
    touched = [*patch, {"op": "replace", "path": "/Resources/WebServer/Properties/ImageId", "value": "ami-123"}]
    changed = renamed.replace("ami-123", "ami-456")
    verdict = judge(UNMASKING, changed, touched)
    assert ([e.rule_id for e in verdict.new], verdict.unmasked) == (["E1152"], [])


def test_verify_accepts_a_repaired_json_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(
        '{\n  // c\n  "Resources": {"Web Server": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}},}\n}\n',
        encoding="utf-8",
    )
    result = cli("apply", "--write", "--verify", str(path))
    assert result.exit_code == 0, result.stderr
    assert (
        path.read_text(encoding="utf-8")
        == '{\n  "Resources": {"WebServer": {"Type": "AWS::EC2::Instance", "Properties": {"ImageId": "ami-1"}}}\n}\n'
    )
    assert "the fix unmasked an error" in result.stderr
