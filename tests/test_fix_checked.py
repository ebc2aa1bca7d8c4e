"""``fix_text(..., checked=True)``: the input's findings as ``check`` reports them, from the fix
loop's first pass (what ``cfnfix dataset apply`` puts in its findings column), with and without
cfn-lint; each text linted once."""

from __future__ import annotations

from typing import Any

import pytest

from cfnfix import Settings, check
from cfnfix.checking import findings_for, load_template
from cfnfix.fixing import fix_text

#: Fixed in one pass, nothing to fix, JSON read through the text repair (CFX801), a suppression
#: in Metadata (with unused entries reported, or not).
CASES = {
    "fixed.yaml": "Resources:\n  My Queue:\n    Type: AWS::SQS::Queue\n",
    "clean.yaml": "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n",
    "repaired.json": '{"Resources": {"My Queue": {"Type": "AWS::SQS::Queue"},},}\n',
    "suppressed.yaml": (
        "Metadata:\n  cfnfix:\n    ignore: [CFX101, CFX102]\nResources:\n  My Queue:\n    Type: AWS::SQS::Queue\n"
        "  Sub:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: !Sub plain\n"
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("unused", [False, True])
def test_checked_is_what_check_reports(name: str, unused: bool) -> None:
    text = CASES[name]
    settings = Settings(show_unused_suppressions=unused)
    result = fix_text(text, name, settings, checked=True)
    assert result.checked == findings_for(load_template(text, name, settings), settings)
    assert result.checked or name == "clean.yaml"
    assert result.changed == (name != "clean.yaml")
    assert fix_text(text, name, settings).checked is None  # only when asked for


def test_with_cfn_lint_the_input_and_the_output_are_each_linted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cfnfix.cfn_lint import findings as linting

    template = (
        "Resources:\n  Orders DB:\n    Type: AWS::SQS::Queue\n  Volume:\n    Type: AWS::EC2::Volume\n"
        "    Properties:\n      AvailabilityZone: my-zone-a\n      Size: 10\n"
    )
    linted = Settings(cfn_lint=True)
    texts: list[Any] = []
    lint = linting.lint_findings
    monkeypatch.setattr(linting, "lint_findings", lambda d, s: texts.append(d.data) or lint(d, s))
    result = fix_text(template, None, linted, checked=True)
    assert result.changed and len(texts) == 2 and texts[0] != texts[1]
    assert result.checked is not None
    assert [f.rule_id for f in result.checked] == ["CFX101", "W3010"]  # cfn-lint's finding of the input is there
    monkeypatch.setattr(linting, "lint_findings", lint)
    assert result.checked == check(template, config=linted)
    assert result.remaining == check(result.text, config=linted)
    texts.clear()
    monkeypatch.setattr(linting, "lint_findings", lambda d, s: texts.append(d.data) or lint(d, s))
    again = fix_text(result.text, None, linted, checked=True)
    assert not again.changed and len(texts) == 1  # nothing changed: the final lint is the input's
    assert again.checked == again.remaining == result.remaining
