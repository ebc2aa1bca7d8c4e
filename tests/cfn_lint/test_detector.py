"""``--cfn-lint`` / ``cfn-lint = true``: cfn-lint's matches as findings, shown once, lazily imported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cfnfix import check, fix
from cfnfix.config import Settings
from devtools.paths import ROOT, TEST_DATA
from tests.cli.test_console_script import _script

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Conditions:
  Never: !Equals [a, b]
Resources:
  Orders DB:
    Type: AWS::SQS::Queue
    Properties: {Nope: 1}
  Volume:
    Type: AWS::EC2::Volume
    Condition: Never
    Properties:
      AvailabilityZone: my-zone-a
      Size: 10
  Q:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: !Sub "abc"
  F:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.7
      Handler: index.handler
      Role: arn:aws:iam::210987654321:role/r
      Code: {ZipFile: "def handler(e, c): pass"}
"""
#: cfnfix's findings and cfn-lint's that no cfnfix rule reports, in order. (The zone is not a real
#: zone name, so that CFX931, which reports real ones in W3010's place, leaves W3010 to cfn-lint;
#: the role's account is not one of the documentation's examples, which CFX934 would report.)
MIXED = ["W8003", "CFX101", "CFX701", "W3010", "CFX807", "CFX601"]
LINTED = Settings(cfn_lint=True)


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return path


def _ids(findings: list) -> list[str]:
    return [f.rule_id for f in findings]


def test_cfn_lint_matches_become_findings_with_their_own_ids() -> None:
    findings = check(TEMPLATE, config=LINTED)
    assert _ids(findings) == MIXED
    w3010 = findings[3]
    assert (w3010.rule_name, w3010.severity.value, w3010.path, w3010.line, w3010.column) == (
        "availability-zone-properties-should-not-be-hardcoded",
        "medium",
        "/Resources/Volume/Properties/AvailabilityZone",
        12,
        7,
    )
    assert w3010.message == "Avoid hardcoding availability zones 'my-zone-a'"
    assert w3010.fix is None and w3010.doc_url.startswith("https://")


def test_one_problem_one_finding() -> None:
    """E3001 (the name) goes with CFX101, W1020 with CFX807, E2531 (the runtime) with CFX601;
    without those rules cfn-lint's show."""
    assert {"E3001", "W1020", "E2531"}.isdisjoint(_ids(check(TEMPLATE, config=LINTED)))
    without = check(TEMPLATE, config=LINTED, ignore=["CFX"])
    assert _ids(without) == ["W8003", "E3001", "W3010", "W1020", "E2531"]
    # 'Nope' is masked by the invalid name; renaming it unmasks it
    assert "/Resources/OrdersDB/Properties" in {f.path[:30] for f in fix(TEMPLATE, config=LINTED).remaining}


def test_without_the_option_nothing_of_cfn_lint_runs() -> None:
    assert _ids(check(TEMPLATE)) == ["CFX101", "CFX701", "CFX807", "CFX601"]


def test_select_and_ignore_take_cfn_lint_ids_and_prefixes() -> None:
    assert _ids(check(TEMPLATE, config=LINTED, select=["W"])) == ["W8003", "W3010", "W1020"]  # no CFX807 ran
    assert _ids(check(TEMPLATE, config=LINTED, ignore=["W1", "CFX"])) == ["W8003", "E3001", "W3010", "E2531"]
    name = "availability-zone-properties-should-not-be-hardcoded"
    assert _ids(check(TEMPLATE, config=LINTED, select=[name])) == ["W3010"]


def test_suppressions_in_the_template_silence_cfn_lint_findings() -> None:
    text = (
        TEMPLATE
        + "Metadata:\n  cfn-lint:\n    config:\n      ignore_checks: [W8003]\n  cfnfix:\n    ignore: [W3010, E9]\n"
    )
    findings = check(text, config=LINTED.model_copy(update={"show_unused_suppressions": True}))
    assert _ids(findings) == ["CFX101", "CFX701", "CFX807", "CFX601", "CFX900"]
    assert findings[-1].message == "suppression 'E9' in this template silences nothing"
    # without cfn-lint, entries naming cfn-lint ids cannot be judged
    assert _ids(check(text, config=Settings(show_unused_suppressions=True))) == ["CFX101", "CFX701", "CFX807", "CFX601"]


def test_every_output_format(cli: Callable[..., Result], stack: Path) -> None:
    import jsonschema

    text = cli("check", "--cfn-lint", str(stack))
    assert text.exit_code == 1
    assert f"{stack}:12:7: W3010 Avoid hardcoding availability zones 'my-zone-a'" in text.stdout.splitlines()
    doc = json.loads(cli("check", "--cfn-lint", "-f", "json", str(stack)).stdout)
    assert [f["rule_id"] for f in doc["findings"]] == MIXED
    documented = json.loads((ROOT / "docs" / "json-output.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, documented)
    sarif = json.loads(cli("check", "--cfn-lint", "-f", "sarif", str(stack)).stdout)
    schema = json.loads((TEST_DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(sarif, schema)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == MIXED
    github = cli("check", "--cfn-lint", "-f", "github", str(stack)).stdout
    assert f"file={stack},line=12,col=7" in github and "W3010" in github
    markdown = cli("check", "--cfn-lint", "-f", "markdown", str(stack)).stdout
    assert "W3010 availability-zone-properties-should-not-be-hardcoded" in markdown


def test_configuration_turns_it_on_with_regions(cli: Callable[..., Result], stack: Path) -> None:
    (stack.parent / ".cfnfix.toml").write_text('cfn-lint = true\ncfn-lint-regions = ["eu-west-1"]\n', encoding="utf-8")
    result = cli("check", "-f", "json", str(stack))
    assert "W3010" in {f["rule_id"] for f in json.loads(result.stdout)["findings"]}
    (stack.parent / ".cfnfix.toml").write_text('cfn-lint = true\ncfn-lint-regions = ["mars-1"]\n', encoding="utf-8")
    bad = cli("check", str(stack))
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr.startswith("error: cfn-lint-regions: unknown AWS region 'mars-1'")
    bad = cli("check", "--regions", "us-east-1,pluto-2", str(stack))
    assert bad.stderr.startswith("error: --regions: unknown AWS region 'pluto-2'")


def test_regions_without_cfn_lint_is_an_error(cli: Callable[..., Result], stack: Path) -> None:
    result = cli("check", "--regions", "eu-west-1", str(stack))
    assert (result.exit_code, result.stderr) == (
        2,
        "error: --regions is for cfn-lint: use it with --cfn-lint or --verify\n",
    )


def test_missing_cfn_lint_is_one_line_naming_the_extra(
    cli: Callable[..., Result], stack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stack.read_bytes()
    for name in [m for m in sys.modules if m == "cfnlint" or m.startswith("cfnlint.")] + ["cfnlint"]:
        monkeypatch.setitem(sys.modules, name, None)
    result = cli("check", "--cfn-lint", str(stack))
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --cfn-lint needs cfn-lint, which is not installed: pip install 'cfnfix[lint]'\n"
    (stack.parent / ".cfnfix.toml").write_text("cfn-lint = true\n", encoding="utf-8")
    result = cli("apply", "--write", str(stack))
    assert (
        result.stderr == "error: cfn-lint = true needs cfn-lint, which is not installed: pip install 'cfnfix[lint]'\n"
    )
    assert stack.read_bytes() == before


def test_cold_start_does_not_import_cfn_lint(stack: Path) -> None:
    probe = (
        "import sys\n"
        "from cfnfix.cli.app import main\n"
        "sys.argv = ['cfnfix', 'check', sys.argv[1]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('cfnlint', 'cfnfix.cfn_lint'))), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(stack)], capture_output=True, text=True, timeout=60)
    assert result.stderr.splitlines()[-1] == "[]"


def test_rules_and_explain_know_cfn_lint_rules(cli: Callable[..., Result]) -> None:
    listed = json.loads(cli("rules", "--cfn-lint", "-f", "json").stdout)
    ids = [r["id"] for r in listed]
    assert ids[0].startswith("CFX") and "E3002" in ids and "W1020" in ids
    assert "E3002" not in {r["id"] for r in json.loads(cli("rules", "-f", "json").stdout)}
    explained = cli("explain", "w2531")
    assert explained.exit_code == 0
    assert explained.stdout.startswith("# W2531 check-if-eol-lambda-function-runtimes-are-used\n")
    assert "- CFX601 `lambda-runtime-deprecated` (unsafe fix)" in explained.stdout
    unknown = cli("explain", "E9999")
    assert (unknown.exit_code, unknown.stderr) == (2, "error: unknown rule 'E9999' (see `cfnfix rules --cfn-lint`)\n")


def test_apply_lints_the_fixed_text(cli: Callable[..., Result], stack: Path) -> None:
    result = cli("apply", "--write", "--cfn-lint", str(stack))
    assert result.exit_code == 1
    fixed = stack.read_text(encoding="utf-8")
    assert "  OrdersDB:\n" in fixed
    remaining = [line.split(": ")[1].split()[0] for line in result.stdout.splitlines() if line.startswith(str(stack))]
    assert remaining[0] == "W8003" and remaining[2:] == ["W3010", "CFX601"], result.stdout
    assert "'Nope'" in result.stdout.splitlines()[1], "unmasked by the rename, found by the final lint"


def test_parallel_jobs_give_the_same_findings(cli: Callable[..., Result], tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"t{i}.yaml").write_text(TEMPLATE, encoding="utf-8")
    one = cli("check", "--cfn-lint", "-j", "1", "-f", "json", str(tmp_path)).stdout
    two = cli("check", "--cfn-lint", "-j", "2", "-f", "json", str(tmp_path)).stdout
    assert json.loads(one)["findings"] == json.loads(two)["findings"]
    assert len(json.loads(one)["findings"]) == 18  # 6 per template, CFX701 (the masked Nope) included


def test_console_script(stack: Path) -> None:
    result = subprocess.run(
        [_script(), "check", "--cfn-lint", "-q", str(stack)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()] == MIXED
