"""Property tests of the fixers, over every registered rule (hypothesis).

On templates merged from all rules' golden inputs and written in random styles
(:mod:`tests.defect_strategies`): fixing drops no fix and converges; a second ``fix`` is
a no-op; ``check`` after ``fix`` reports no finding that ``apply`` would fix; the
combined patch, applied by jsonpatch to the input's data, gives the output's data.
"""

from __future__ import annotations

import copy
import json
import os

import jsonpatch
from hypothesis import event, given, settings

from cfnfix import check, fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.findings import Applicability
from cfnfix.rules import all_rules, text_repair_rules
from tests.support.defect_strategies import defective_templates, seeds

EXAMPLES = 150 if os.environ.get("CFNFIX_HYPOTHESIS", "default") == "default" else 2000


def _applies(settings_: Settings) -> set[Applicability]:
    return {Applicability.SAFE, Applicability.UNSAFE} if settings_.unsafe_fixes else {Applicability.SAFE}


@settings(max_examples=EXAMPLES)
@given(defective_templates())
def test_fix_converges_is_idempotent_and_leaves_nothing_fixable(case: tuple[str, Settings]) -> None:
    text, config = case
    result = fix(text, config=config)
    for rule_id in sorted({f.rule_id for f in result.fixed}):
        event(f"fixed {rule_id}")
    event(f"passes: {result.passes}")
    assert not result.failed, [(f.finding.rule_id, f.reason) for f in result.failed]
    assert result.converged, f"no fixed point after {result.passes} passes"
    # the combined patch means what the text says
    expected = jsonpatch.apply_patch(copy.deepcopy(load(text).data), result.patch)
    assert load(result.text).data == expected
    # a second run changes nothing
    again = fix(result.text, config=config)
    assert again.text == result.text, again.diff
    assert again.patch == [] and again.fixed == []
    # nothing left that `cfnfix apply` would fix
    allowed = _applies(config)
    left = [
        f
        for f in check(result.text, config=config)
        if f.fix is not None and f.fix.applicability in allowed and f.fix.patch
    ]
    assert left == [], [(f.rule_id, f.path, f.message) for f in left]
    assert [f.model_dump() for f in result.remaining] == [f.model_dump() for f in check(result.text, config=config)]


def test_every_fixable_rule_fires_on_some_seed() -> None:
    """So the property above exercises every fixer: a new fixable rule needs golden cases
    in which it fires (they become seeds automatically)."""
    fired: set[str] = set()
    for seed in seeds():
        config = Settings.model_validate({**seed.options, "unsafe-fixes": True, "show-unused-suppressions": True})
        text = json.dumps(seed.data, indent=2)
        fired.update(f.rule_id for f in check(text, config=config) if f.fix is not None and f.fix.patch)
    fixable = {r.id for r in all_rules() if r.fix_applicability is not Applicability.NONE}
    fixable.discard("CFX900")  # unused suppressions are added by the strategy itself
    fixable -= {
        r.id for r in text_repair_rules()
    }  # a repair of the text before parsing: no seed data can carry it (tests/rules/hygiene/test_rules.py)
    opt_in = {r.id for r in all_rules() if r.opt_in}  # they run only when selected by name: checked below
    assert fixable - opt_in <= fired, (
        f"fixable rules without a seed that triggers them: {sorted(fixable - opt_in - fired)}"
    )
    for rule_id in sorted(opt_in & fixable):
        assert any(
            f.rule_id == rule_id and f.fix is not None and f.fix.patch
            for seed in seeds()
            for f in check(json.dumps(seed.data, indent=2), config=Settings(select=[rule_id], unsafe_fixes=True))
        ), f"opt-in rule {rule_id} fires on no seed"


POLICY_ON_TABLE = """Resources:
  WorkerPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: worker
      Roles: [worker]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: dynamodb:GetItem
            Resource: arn:aws:dynamodb:us-east-1:123456789012:table/Users
  UsersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Users
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"""


def test_text_a_meaning_changing_fix_wrote_is_judged_in_the_same_run() -> None:
    """CFX933 writes the ARN as a Sub with ${AWS::Region}, CFX934 its account, CFX921 replaces it
    with !GetAtt UsersTable.Arn — all in one run: guarding the first two's text held CFX921 back
    for a second run, which changed the file again (not idempotent)."""
    settings = Settings(unsafe_fixes=True)
    first = fix(POLICY_ON_TABLE, config=settings)
    assert [f.rule_id for f in first.fixed] == ["CFX933", "CFX934", "CFX921"]
    assert "Resource: !GetAtt UsersTable.Arn\n" in first.text
    assert fix(first.text, config=settings).changed is False
