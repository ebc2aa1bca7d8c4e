"""``benchmarks/deploy_blockers.py`` on two golden inputs: it finds the issue-23 rules by id, counts
findings and applied fixes per rule, lints the fixed output and re-fixes it."""

from __future__ import annotations

from pathlib import Path

from benchmarks.deploy_blockers import class_of, issue_rules, measure, report

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [
    ROOT / "golden" / "log-delivery-before-bucket-policy" / "fix" / "input.yaml",
    ROOT / "golden" / "logs-key-principal" / "global-principal" / "input.yaml",
]


def test_rules_are_found_by_id_range() -> None:
    ids = [rule.id for rule in issue_rules()]
    assert {"CFX950", "CFX954", "CFX970", "CFX972"} <= set(ids)
    assert all(class_of(i) for i in ids)
    assert class_of("CFX259") == "deletion" and class_of("CFX958") == "service principals"
    assert class_of("CFX301") is None and class_of("CFX980") is None


def test_measure_counts_findings_fixes_lint_and_stability() -> None:
    out = measure(INPUTS, "golden", lint=True, root=ROOT)
    assert out.templates == 2 and out.unreadable == 0
    ordering, logs = out.counts["CFX970"], out.counts["CFX954"]
    assert (ordering.findings, ordering.safe_fixes, ordering.applied_safe, ordering.applied_unsafe) == (3, 3, 3, 3)
    assert (logs.findings, logs.safe_fixes, logs.applied_safe) == (1, 1, 1)
    assert out.changed == {"safe": 2, "unsafe": 2} and out.linted == 4
    assert out.ok, report(out, lint=True)
    text = report(out, lint=True)
    assert "| ordering | CFX970 `log-delivery-before-bucket-policy` | 1 | 3 | 3 | 0 | 3 | 3 | 0 | 0 | 0 |" in text
