"""Rules that declare the resource types they read (``Rule.resource_types`` / ``types_for``) are
skipped on templates without them (issue 25): the declaration must never hide a finding, and the
runner must really skip."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cfnfix.checking import _plan, run_rules
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.errors import CfnfixError
from cfnfix.findings import Finding, Severity
from cfnfix.rules import Rule, RuleContext, all_rules
from cfnfix.rules.base import TypeFilter
from cfnfix.template.model import type_index
from devtools.corpus import corpus_files
from devtools.golden_cases import discover


def _skipped_findings(text: str, settings: Settings) -> list[str]:
    """Findings that rules skipped by their declared types would have made on ``text``."""
    try:
        document = load(text)
    except CfnfixError:
        return []
    present = type_index(document.data)
    hidden = []
    for planned in _plan(settings):
        if planned.types.everything or planned.types.admits(present):
            continue
        ctx = RuleContext(document, settings, planned.options)
        hidden.extend(f"{f.rule_id} {f.path}: {f.message}" for f in planned.rule.check(ctx))
    return hidden


def _everything(base: Settings | None = None) -> Settings:
    """``base`` with every rule selected (opt-in ones too) and the destroyable profile on."""
    base = base or Settings()
    return base.model_copy(update={"select": [r.id for r in all_rules()], "profile": "destroyable"})


def test_some_rules_declare_types() -> None:
    declared = [p.rule.id for p in _plan(_everything()) if not p.types.everything]
    assert {"CFX252", "CFX301", "CFX401", "CFX601", "CFX707", "CFX960", "CFX255"} <= set(declared)
    # the principal, ordering, SSM and bucket-name rules read resources of a few types only
    assert {"CFX912", "CFX920", "CFX923", "CFX950", "CFX951", "CFX952", "CFX953", "CFX954", "CFX955"} <= set(declared)
    assert {"CFX970", "CFX971", "CFX972"} <= set(declared)


@pytest.mark.parametrize("case", discover(), ids=lambda c: c.id)
def test_declared_types_hide_no_golden_finding(case: Any) -> None:
    settings = _everything(case.settings())
    assert _skipped_findings(case.input_text(), settings) == []


@pytest.mark.corpus
def test_declared_types_hide_no_corpus_finding() -> None:
    settings = _everything()
    for path in corpus_files():
        hidden = _skipped_findings(path.read_text(encoding="utf-8"), settings)
        assert hidden == [], f"{path}: {hidden}"


def test_type_filter() -> None:
    assert TypeFilter.of(frozenset()).admits(frozenset())
    rds = TypeFilter.of(frozenset({"AWS::RDS::DBCluster"}))
    assert rds.admits(frozenset({"AWS::S3::Bucket", "AWS::RDS::DBCluster"}))
    assert not rds.admits(frozenset({"AWS::S3::Bucket"}))
    sam = TypeFilter.of(frozenset({"AWS::Serverless::*"}))
    assert sam.admits(frozenset({"AWS::Serverless::Function"}))
    assert not sam.admits(frozenset({"AWS::Lambda::Function", "AWS::ServerlessRepo::Application"}))


class _Counting(Rule):
    """Reports every bucket; counts its calls."""

    id = "CFX989"
    name = "test-counting-buckets"
    severity = Severity.LOW
    summary = "Test rule."
    explanation = "Test rule."
    doc_url = "https://example.com"
    resource_types = frozenset({"AWS::S3::Bucket"})
    calls = 0

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        type(self).calls += 1
        for name in ctx.data.get("Resources", {}):
            yield self.finding(ctx, f"/Resources/{name}", "a bucket")


def test_the_runner_calls_a_rule_only_on_templates_with_its_types(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = _Counting()
    monkeypatch.setattr("cfnfix.checking.all_rules", lambda: (rule,))
    settings = Settings()
    bucket = load("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    queue = load("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    looped = load(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::X:\n  - N\n  - [a, b]\n"
        "  - B${N}:\n      Type: AWS::S3::Bucket\n"
    )
    assert [f.path for f in run_rules(bucket, settings)] == ["/Resources/B"]
    assert run_rules(queue, settings) == []
    assert _Counting.calls == 1, "not called on the template without a bucket"
    run_rules(looped, settings)
    assert _Counting.calls == 2, "types inside Fn::ForEach count"
