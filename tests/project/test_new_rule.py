"""``scripts/new_rule.py`` scaffolds a rule that imports, registers, passes the rule-module checks
and comes with golden cases (a finding and a near miss), in a temporary copy of the repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cfnfix.findings import Applicability
from cfnfix.rules import all_rules
from devtools.paths import ROOT
from tests.rules.test_fix_vocabulary import raw_fix_sites
from tests.rules.test_rule_modules import explanation_problems


def _copy(tmp: Path) -> Path:
    root = tmp / "repo"
    for part in ("cfnfix", "scripts", "devtools"):
        shutil.copytree(ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "golden").mkdir()
    return root


def _scaffold(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "new_rule.py"), *args], cwd=root, capture_output=True, text=True
    )


def test_new_rule_scaffolds_a_registered_rule_with_golden_cases(tmp_path: Path) -> None:
    taken = {r.id for r in all_rules()}
    rule_id = next(f"CFX{n}" for n in range(999, 900, -1) if f"CFX{n}" not in taken)
    root = _copy(tmp_path)
    done = _scaffold(root, "scaffolded", "scaffolded-check", rule_id)
    assert done.returncode == 0, done.stderr
    module = root / "cfnfix" / "rules" / "scaffolded" / "scaffolded_check.py"
    assert (module.parent / "__init__.py").read_text(encoding="utf-8").startswith('"""')
    assert not raw_fix_sites(module.read_text(encoding="utf-8"))

    code = (
        "import inspect, json\n"
        "from cfnfix.rules import get_rule\n"
        f"rule = get_rule({rule_id!r})\n"
        "print(json.dumps([rule.name, inspect.getfile(type(rule)), rule.explanation, rule.fix_applicability.value]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    name, path, explanation, applicability = json.loads(out.stdout)
    assert name == "scaffolded-check" and Path(path) == module
    assert not explanation_problems(explanation, Applicability(applicability))

    cases = root / "golden" / "scaffolded-check"
    found = json.loads((cases / "finding" / "findings.json").read_text(encoding="utf-8"))
    assert [f["rule_id"] for f in found] == [rule_id] and found[0]["fix"]["patch"]
    assert (cases / "finding" / "output.yaml").read_text(encoding="utf-8") != (
        cases / "finding" / "input.yaml"
    ).read_text(encoding="utf-8")
    assert json.loads((cases / "near-miss" / "findings.json").read_text(encoding="utf-8")) == []

    again = _scaffold(root, "scaffolded", "scaffolded-check", rule_id)
    assert again.returncode == 2 and again.stderr == f"error: {rule_id} is the id of a rule already\n"


def test_new_rule_refuses_bad_arguments_before_writing(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    for args, error in (
        (("Bad-Family", "some-rule", "CFX999"), "error: family 'Bad-Family': expected a package name"),
        (("fam", "SomeRule", "CFX999"), "error: rule name 'SomeRule': expected kebab-case words"),
        (("fam", "some-rule", "X1"), "error: rule id 'X1': expected CFX and three digits"),
        (("fam", "invalid-logical-id", "CFX999"), "error: invalid-logical-id is the name of a rule already"),
    ):
        done = _scaffold(root, *args)
        assert done.returncode == 2 and done.stderr.startswith(error), done.stderr
    assert not (root / "cfnfix" / "rules" / "fam").exists() and not any((root / "golden").iterdir())
