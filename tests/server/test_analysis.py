"""The language server's analysis (``cfnfix/server/analysis.py``): finding spans, broken and foreign
texts, findings carried over an edit."""

from __future__ import annotations

from cfnfix.api import check
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.server.analysis import analyse, carry_over, finding_span
from devtools.paths import ROOT

SEED = ROOT / "golden" / "seed-scenario" / "aurora-replication-yaml" / "input.yaml"


def test_finding_spans_cover_the_key_or_the_first_line() -> None:
    text = SEED.read_text(encoding="utf-8")
    document = load(text, None)
    spans = {f.rule_id: text[slice(*finding_span(document, f))] for f in check(text)}
    assert spans["CFX101"] == "SchemaSync Lambda"  # the key
    assert spans["CFX201"] == "ReplicaCluster"  # the resource's key, not its whole body
    assert spans["CFX301"] == "5.7.mysql_aurora.2.11.2"
    assert spans["CFX401"] == "|"  # a block literal: its first line only


def test_analysis_of_broken_and_foreign_texts() -> None:
    settings = Settings()
    broken = analyse("Resources:\n  A: [1, 2\n", None, settings)
    assert broken.template and broken.problem is not None and not broken.findings
    assert broken.problem.span[0] > 0
    assert not analyse("on: [push]\n", None, settings).template  # not a template: nothing to say
    assert not analyse("jobs: {a: [1\n", None, settings).template  # not even a broken one


def test_carry_over_moves_spans_around_the_edit() -> None:
    text = SEED.read_text(encoding="utf-8")
    good = analyse(text, None, Settings())
    at = text.index("Resources:")
    edited = text[:at] + "X: [\n" + text[at:]
    findings, spans = carry_over(good, edited)
    assert findings == good.findings
    for (s0, e0), (s1, e1) in zip(good.spans, spans):
        assert edited[s1:e1] == text[s0:e0]
    # an edit inside a span shrinks it to the edit's start
    s0, e0 = good.spans[0]
    findings, spans = carry_over(good, text[: s0 + 1] + text[s0 + 2 :])
    assert spans[0] == (s0, e0 - 1)
