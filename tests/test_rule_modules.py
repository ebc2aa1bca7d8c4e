"""Every rule module follows README's "Adding a rule": named after its rule, in a family or at the
top of ``rules/``, with an explanation, and with golden cases (a finding and a near miss)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from cfnfix.rules import Rule, all_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "cfnfix" / "rules"
GOLDEN = ROOT / "golden"


def _module_file(rule: Rule) -> Path:
    return Path(inspect.getfile(type(rule))).resolve()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_module_is_named_after_its_rule(rule: Rule) -> None:
    path = _module_file(rule)
    assert path.stem == rule.name.replace("-", "_"), f"{rule.id}: move {path.name} to {rule.name.replace('-', '_')}.py"
    assert path.parent == RULES or path.parent.parent == RULES, f"{rule.id}: rules live in rules/ or rules/<family>/"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_has_an_explanation(rule: Rule) -> None:
    text = rule.explanation.strip()
    assert len(text) >= 200, f"{rule.id}: the explanation (`cfnfix explain {rule.id}`) says too little"
    assert rule.summary.strip() and rule.doc_url.startswith("https://"), rule.id


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_rule_has_golden_cases_with_a_finding_and_a_near_miss(rule: Rule) -> None:
    folder = GOLDEN / rule.name
    cases = sorted(p.parent for p in folder.glob("*/findings.json"))
    assert cases, f"{rule.id}: no golden cases in golden/{rule.name}/ (see README, 'Adding a rule')"
    found = [
        c for c in cases if any(f["rule_id"] == rule.id for f in json.loads((c / "findings.json").read_text("utf-8")))
    ]
    quiet = [c for c in cases if not json.loads((c / "findings.json").read_text("utf-8"))]
    assert found, f"{rule.id}: no golden case in golden/{rule.name}/ has a {rule.id} finding"
    assert quiet, f"{rule.id}: no near miss (a case with no finding) in golden/{rule.name}/"


def test_every_golden_folder_belongs_to_a_rule() -> None:
    names = {r.name for r in all_rules()} | {"engine", "seed-scenario", "markdown"}
    assert {p.name for p in GOLDEN.iterdir() if p.is_dir()} <= names
