"""Does a fix run keep the template's meaning outside what its fixes declare?

:func:`meaning_report` replays a :class:`~cfnfix.fixing.FixResult`'s applied fixes in order on the
input's data (as the fix loop applied them: one patch after another), and reports

- ``unexplained``: pointers where the output means something else than the input
  (:mod:`cfnfix.template.meaning`) outside every node the applied fixes declare they change
  (:class:`~cfnfix.template.meaning.Declaration`; a rule with ``keeps_meaning`` declares none);
- ``reread``: fixes whose patch rewrote text an earlier fix of a rule that keeps meaning wrote
  (:class:`~cfnfix.patch.produced.Produced`) and whose rule does not keep meaning — their
  declaration covers a node the user never wrote, so it does not count: the run re-interpreted
  its own output.

Used by ``tests/project/test_meaning_of_fixes.py`` over every golden case and the shared corpus.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import jsonpatch

from cfnfix.checking import load_template
from cfnfix.config import Settings
from cfnfix.fixing import FixResult
from cfnfix.patch.produced import Produced
from cfnfix.rules import all_rules
from cfnfix.template.meaning import Declaration, unexplained

#: Rules whose fixes declare no changed node.
KEEPS_MEANING = frozenset(rule.id for rule in all_rules() if rule.keeps_meaning)


@dataclass
class MeaningReport:
    """What :func:`meaning_report` found (both empty: the run kept the meaning)."""

    unexplained: list[str] = field(default_factory=list)
    reread: list[tuple[str, str]] = field(default_factory=list)
    """(rule id, produced pointer) of each fix that rewrote an earlier fix's text."""

    @property
    def ok(self) -> bool:
        """True when nothing changed outside the declared nodes and nothing was re-read."""
        return not self.unexplained and not self.reread


def input_data(result: FixResult, settings: Settings) -> Any:
    """The input's data (through the CFX801 repair when the JSON needs it)."""
    return load_template(result.original, result.file, settings).data


def meaning_report(result: FixResult, settings: Settings) -> MeaningReport:
    """Replay ``result``'s fixes on its input's data and compare meanings (module docstring)."""
    report = MeaningReport()
    before = input_data(result, settings)
    data = copy.deepcopy(before)
    produced = Produced()
    declaration = Declaration()
    applied: list[object] = []
    for finding in result.fixed:
        fix = finding.fix
        if fix is None or not fix.patch:
            continue
        ops = [op for op in fix.patch if op.get("op") != "test"]
        if ops and all(op in applied for op in ops):
            continue  # fixed along with another fix that made the same operations (cfnfix.fixing._along)
        applied.extend(ops)
        hit = None if finding.rule_id in KEEPS_MEANING else produced.conflict(fix.patch)
        if hit is not None:
            report.reread.append((finding.rule_id, hit))
        declaration.add(fix.patch, keeps_meaning=finding.rule_id in KEEPS_MEANING or hit is not None)
        produced.record(fix.patch, data, [finding.rule_id in KEEPS_MEANING] * len(fix.patch))
        data = jsonpatch.apply_patch(data, fix.patch)
    after = load_template(result.text, result.file, settings).data
    report.unexplained = unexplained(before, after, declaration)
    return report
