"""Every golden case: findings, fixed text and patch compared byte for byte; no fix is better
than its rule says its fixes can be; the fix is idempotent, and cfn-lint finds no new error in
the output."""

from __future__ import annotations

import pytest

from cfnfix import fix
from cfnfix.cfn_lint.verify import renames
from cfnfix.findings import Applicability, Finding
from cfnfix.rules import get_rule
from devtools.golden_cases import (
    Case,
    discover,
    discover_markdown,
    errors_text,
    findings_json,
    markdown_report,
    patch_json,
    run,
    run_markdown,
    run_refused,
)
from devtools.lint_oracle import new_lint_errors

CASES = discover()
MARKDOWN_CASES = discover_markdown()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(case: Case) -> None:
    if case.refusal.exists():
        findings, error = run_refused(case)
        assert findings_json(findings) == (case.root / "findings.json").read_text(encoding="utf-8")
        assert not fixes_better_than_their_rule(findings)
        assert error + "\n" == case.refusal.read_text(encoding="utf-8"), "fix must refuse the file with this error"
        return
    findings, result = run(case)
    assert findings_json(findings) == (case.root / "findings.json").read_text(encoding="utf-8")
    assert not fixes_better_than_their_rule(findings)
    assert result.text == case.output.read_bytes().decode("utf-8")
    assert patch_json(result.patch) == (case.root / "patch.json").read_text(encoding="utf-8")
    assert not result.failed, result.failed
    report = case.root / "report.md"
    if report.exists():
        assert markdown_report(case, findings) == report.read_text(encoding="utf-8")
    settings = case.settings()
    again = fix(result.text, config=settings, unsafe=settings.unsafe_fixes)
    assert again.text == result.text, "a second run must change nothing"
    assert not [
        f for f in again.remaining if f.fixable and (settings.unsafe_fixes or f.fix.applicability.value == "safe")
    ]
    if result.changed:
        # as `apply --verify`: an error that was there before is not new because it names a renamed ID
        renamed = renames(result.patch)
        assert new_lint_errors(result.original, result.text, renamed=renamed) == case.expected_lint_errors()


#: Applicabilities from best to worst (a rule's ``fix_applicability`` is the best its fixes may have).
ORDER = (Applicability.SAFE, Applicability.UNSAFE, Applicability.NONE)


def fixes_better_than_their_rule(findings: list[Finding]) -> list[str]:
    """``rule id: fix applicability > rule's`` for each fix that is better than its rule allows."""
    wrong = []
    for f in findings:
        rule = get_rule(f.rule_id)
        if f.fix is not None and rule is not None:
            if ORDER.index(f.fix.applicability) < ORDER.index(rule.fix_applicability):
                wrong.append(f"{f.rule_id}: {f.fix.applicability.value} fix, rule says {rule.fix_applicability.value}")
    return wrong


def test_the_applicability_check_sees_a_better_fix() -> None:
    from cfnfix.findings import Fix

    rule = get_rule("CFX301")
    assert rule is not None and rule.fix_applicability is Applicability.UNSAFE
    base = {
        "rule_name": rule.name,
        "severity": "high",
        "path": "",
        "line": 1,
        "column": 1,
        "message": "m",
        "doc_url": "u",
    }
    safe = Finding(rule_id=rule.id, fix=Fix.safe("m"), **base)  # type: ignore[arg-type]
    unsafe = Finding(rule_id=rule.id, fix=Fix.unsafe("m"), **base)  # type: ignore[arg-type]
    assert fixes_better_than_their_rule([safe]) and not fixes_better_than_their_rule([unsafe])


def test_there_are_golden_cases() -> None:
    assert CASES, "golden/ holds no cases"


@pytest.mark.parametrize("case", MARKDOWN_CASES, ids=[c.id for c in MARKDOWN_CASES])
def test_markdown_golden(case: Case) -> None:
    """Templates in Markdown fences: findings placed in the .md file, the fixed text byte for
    byte, the patch addressed by fence, the fences left alone; a second run changes nothing and
    cfn-lint finds no new error in any fixed fence."""
    from cfnfix.markdown import fences, fix_markdown

    checked, result = run_markdown(case)
    name = case.input.name
    assert findings_json(checked.findings) == (case.root / "findings.json").read_text(encoding="utf-8")
    assert result.text == case.output.read_bytes().decode("utf-8")
    assert patch_json(result.patch) == (case.root / "patch.json").read_text(encoding="utf-8")
    expected_errors = case.root / "errors.txt"
    errors = expected_errors.read_text(encoding="utf-8") if expected_errors.exists() else ""
    assert errors_text(result.errors, name) == errors
    assert errors_text(checked.errors, name) == errors
    assert not result.failed, result.failed
    settings = case.settings()
    again = fix_markdown(result.text, name, settings)
    assert again.text == result.text, "a second run must change nothing"
    before, after = fences(result.original), fences(result.text)
    assert len(before) == len(after)
    for old, new in zip(before, after):
        if old.text != new.text:
            renamed = renames([op for op in result.patch if op["path"].startswith(f"/{old.index}/")])
            assert new_lint_errors(old.text, new.text, renamed=renamed) == set()


def test_there_are_markdown_golden_cases() -> None:
    assert len(MARKDOWN_CASES) >= 6
