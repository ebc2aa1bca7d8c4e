"""The VPC peering rules on the shared corpus of real, working templates: every finding
there would be a false positive, and the templates that talk about peering must reach
the guards (so this test exercises them rather than passing on silence)."""

from __future__ import annotations

import pytest

from cfnfix.checking import findings_for
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.io.files import read_text
from cfnfix.rules.vpc._peering import parameter_signals, text_signals
from devtools.corpus import corpus_files

pytestmark = pytest.mark.corpus


def test_no_findings_on_the_corpus() -> None:
    settings = Settings(select=["CFX501", "CFX502"])
    signalled = []
    findings = []
    for path in corpus_files():
        doc = load(read_text(path), str(path))
        if parameter_signals(doc.data) or text_signals(doc.data):
            signalled.append(path.name)
        findings.extend(findings_for(doc, settings))
    assert findings == []
    assert len(signalled) >= 12, signalled
