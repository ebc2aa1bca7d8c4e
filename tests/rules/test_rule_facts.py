"""Rules own their facts: tags and "repairs text" are rule attributes that the language server and
the reporters read (no rule id listed outside ``rules/``), and a rule reads another rule's options
through that rule."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from cfnfix.api import check
from cfnfix.config import Settings
from cfnfix.findings import Finding, Fix
from cfnfix.report import applies
from cfnfix.rules import Rule, Tag, all_rules, get_rule, repairs_text, rule_tags, text_repair_rules
from cfnfix.server.convert import finding_diagnostic
from devtools.paths import ROOT

PACKAGE = ROOT / "cfnfix"
#: Where rule ids must not be written: the consumers of rule facts.
CONSUMERS = ["server", "report", "api.py", "checking.py", "fixing.py", "batch.py", "batch"]


def _finding(rule: Rule | str, fix: Fix | None = None) -> Finding:
    rule_id, name = (rule, "x") if isinstance(rule, str) else (rule.id, rule.name)
    return Finding(
        rule_id=rule_id,
        rule_name=name,
        severity="low",  # type: ignore[arg-type]
        path="",
        line=1,
        column=1,
        message="m",
        doc_url="https://example.com",
        fix=fix,
    )


def test_tags_are_rule_attributes() -> None:
    tagged = {r.id: r.tags for r in all_rules() if r.tags}
    assert tagged == {
        "CFX303": {Tag.DEPRECATED},
        "CFX310": {Tag.DEPRECATED},
        "CFX601": {Tag.DEPRECATED},
        "CFX900": {Tag.UNNECESSARY},
    }
    assert rule_tags("E3002") == frozenset() and rule_tags("CFX101") == frozenset()


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.id)
def test_diagnostic_tags_come_from_the_rule(rule: Rule) -> None:
    rng = lsp.Range(start=lsp.Position(line=0, character=0), end=lsp.Position(line=0, character=1))
    diagnostic = finding_diagnostic(_finding(rule), rng, 0, None)
    expected = [
        lsp_tag
        for tag, lsp_tag in (
            (Tag.UNNECESSARY, lsp.DiagnosticTag.Unnecessary),
            (Tag.DEPRECATED, lsp.DiagnosticTag.Deprecated),
        )
        if tag in rule.tags
    ]
    assert diagnostic.tags == (expected or None)


def test_a_text_repair_counts_as_applicable_without_a_patch() -> None:
    assert [r.id for r in text_repair_rules()] == ["CFX801"] and repairs_text("CFX801")
    repair = get_rule("CFX801")
    other = get_rule("CFX805")
    assert repair is not None and other is not None
    assert applies(_finding(repair, Fix.safe("remove the comment")), unsafe=False)
    assert not applies(_finding(other, Fix.safe("nothing to apply")), unsafe=False)
    assert not repairs_text("E0000") and not repairs_text("CFX805")


def _rule_id_literals(path: Path) -> list[str]:
    """``file:line: 'CFX…'`` for each string constant (docstrings aside) that is a rule id."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.fullmatch(r"CFX\d{3}", node.value)
    ]


def test_no_rule_id_is_written_where_rule_facts_are_read() -> None:
    files = [
        p for part in CONSUMERS for p in ([PACKAGE / part] if part.endswith(".py") else (PACKAGE / part).rglob("*.py"))
    ]
    files = [p for p in files if p.exists()]
    assert len(files) > 10
    found = [hit for p in files for hit in _rule_id_literals(p)]
    assert not found, "read the rule's attribute instead:\n" + "\n".join(found)


def test_the_id_scan_sees_a_listed_id(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""About CFX900."""\n_UNNECESSARY = {"CFX900"}\n', encoding="utf-8")
    assert _rule_id_literals(sample) == ["sample.py:2: 'CFX900'"]


TEMPLATE = "Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      SkipFinalSnapshot: true\n"


@pytest.mark.parametrize(
    ("settings", "reported"),
    [
        ({}, True),
        ({"rules": {"CFX201": {"rds-deletion-style": "skip-final-snapshot-property"}}}, False),
        ({"rules": {"rds-deletion-snapshot": {"rds_deletion_style": "skip-final-snapshot-property"}}}, False),
        ({"rds_deletion_style": "skip-final-snapshot-property"}, False),
        (
            {
                "rules": {
                    "rds-deletion-snapshot": {"rds-deletion-style": "skip-final-snapshot-property"},
                    "CFX201": {"rds-deletion-style": "deletion-policy"},  # the id's table wins, as for CFX201
                }
            },
            True,
        ),
    ],
)
def test_cfx701_reads_cfx201s_style_through_cfx201(settings: dict, reported: bool) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        config = Settings(**settings)
    found = [f.rule_id for f in check(TEMPLATE, config=config, select=["CFX701"])]
    assert found == (["CFX701"] if reported else [])
