"""Every rule module follows README's "Adding a rule": named after its rule, in a family or at the
top of ``rules/``, with an explanation in the one heading scheme, and with golden cases (a finding
and a near miss)."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from cfnfix.findings import Applicability
from cfnfix.rules import Rule, all_rules
from devtools.paths import ROOT

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


def explanation_problems(text: str, applicability: Applicability) -> list[str]:
    """How ``text`` departs from the one heading scheme of every explanation: ``## What``, ``## Why``,
    ``## Fix`` (``## Not fixed`` for a rule without fixes), ``## Fix safety`` opening with the
    rule's best applicability in bold; ``###`` inside them; fenced code blocks do not count."""
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    headings = re.findall(r"^(#+) (.+)$", prose, flags=re.M)
    problems = [f"'{h} {t}': only ## and ### headings" for h, t in headings if h not in ("##", "###")]
    fix = "Not fixed" if applicability is Applicability.NONE else "Fix"
    sections = [t for h, t in headings if h == "##"]
    if sections != ["What", "Why", fix, "Fix safety"]:
        problems.append(f"## sections {sections}, expected ['What', 'Why', '{fix}', 'Fix safety']")
    if not prose.lstrip().startswith("## What"):
        problems.append("the text starts before '## What'")
    safety = prose.split("## Fix safety", 1)[-1].lstrip()
    if not safety.startswith(f"**{applicability.value.capitalize()}**"):
        problems.append(f"'## Fix safety' does not open with **{applicability.value.capitalize()}**")
    return problems


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_explanation_follows_the_heading_scheme(rule: Rule) -> None:
    problems = explanation_problems(rule.explanation, rule.fix_applicability)
    assert not problems, f"{rule.id}: " + "; ".join(problems)


@pytest.mark.parametrize(
    ("text", "applicability"),
    [
        ("## What\nx\n## Why\ny\n## Fix\nz\n## Safety\n**Safe**: w\n", Applicability.SAFE),
        ("## What\nx\n## Fix\nz\n## Fix safety\n**Safe**: w\n", Applicability.SAFE),
        ("## What\nx\n## Why\ny\n## Fix\nz\n## Fix safety\n**Safe**: w\n", Applicability.NONE),
        ("## What\nx\n## Why\ny\n## Fix\nz\n## Fix safety\n**Safe**: w\n", Applicability.UNSAFE),
        ("Intro\n## What\nx\n## Why\ny\n## Fix\nz\n## Fix safety\n**Safe**: w\n", Applicability.SAFE),
        ("## What\n# x\n## Why\ny\n## Fix\nz\n## Fix safety\n**Safe**: w\n", Applicability.SAFE),
    ],
)
def test_the_heading_check_sees_departures(text: str, applicability: Applicability) -> None:
    assert explanation_problems(text, applicability)


def test_the_heading_check_passes_the_scheme() -> None:
    text = "## What\nx\n### Not reported\nq\n```yaml\n# a comment\n```\n## Why\ny\n## Not fixed\nz\n"
    assert not explanation_problems(text + "## Fix safety\n**None**: w\n", Applicability.NONE)


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
