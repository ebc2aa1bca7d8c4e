"""The rule runner: a parsed template in, its findings out (after the template's own suppressions).

:func:`findings_for` is what ``cfnfix check`` does to one template; the language server calls
its two steps apart (:func:`run_rules`, then :func:`kept_findings`), and the fix loop
(:mod:`cfnfix.fixing`) calls it before and after each pass. :func:`load_template` parses a
template the way checking needs it: JSON that only trailing commas or comments keep from
parsing is read through the text repair (:mod:`cfnfix.document.repair`) when a rule that repairs
text (:attr:`~cfnfix.rules.Rule.repairs_text`, CFX801) is selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .config import Settings
from .document import Document
from .findings import Applicability, Finding
from .rules import Rule, RuleContext, all_rules, text_repair_rules
from .rules.base import TypeFilter
from .suppression import apply_suppressions
from .template.kept import KeptByIdentity
from .template.model import type_index

__all__ = [
    "Impact",
    "findings_for",
    "kept_findings",
    "load_template",
    "require_runnable",
    "run_rules",
    "selected_rules",
]


def selected_rules(settings: Settings) -> list[Rule]:
    """The registered rules that ``settings`` selects (and whose profile is on), ordered by id."""
    return [planned.rule for planned in _plan(settings)]


@dataclass(frozen=True)
class _Planned:
    """A selected rule with its options (validated once) and the types it needs."""

    rule: Rule
    options: Any
    types: TypeFilter


@dataclass(frozen=True)
class _Plan:
    """The selected rules of one settings object, for the registry they were chosen from."""

    registry: tuple[Rule, ...]
    rules: tuple[_Planned, ...]


#: Settings → the rules they run: selection and options are worked out once per settings object
#: (settings are frozen), not once per template and rule.
_PLANS: KeptByIdentity[_Plan] = KeptByIdentity(16)


def _plan(settings: Settings) -> tuple[_Planned, ...]:
    """The rules ``settings`` run, in id order, with their options and types."""
    registry = all_rules()
    plan = _PLANS.get(id(settings), settings)
    if plan is None or plan.registry is not registry:
        planned = []
        for rule in registry:
            if settings.runs(rule):
                options = rule.options_for(settings)
                planned.append(_Planned(rule, options, TypeFilter.of(rule.types_for(options))))
        plan = _PLANS.put(id(settings), settings, _Plan(registry, tuple(planned)))
    return plan.rules


def require_runnable(settings: Settings) -> None:
    """Raise :class:`~cfnfix.errors.ConfigError` when a rule ``settings`` selects cannot run here
    (:meth:`~cfnfix.rules.Rule.unavailable`: the schema rules without cfn-lint's schemas), rather
    than let it find nothing."""
    from .errors import ConfigError

    missing: dict[str, list[str]] = {}
    for rule in selected_rules(settings):
        reason = rule.unavailable()
        if reason is not None:
            missing.setdefault(reason, []).append(rule.id)
    for reason, ids in missing.items():
        ignore = ids[0][:4] if len(ids) > 1 else ids[0]
        raise ConfigError(
            f"{', '.join(ids)} cannot run: {reason}; or leave {'them' if len(ids) > 1 else 'it'} out with --ignore {ignore}"
        )


#: Which fixes :func:`run_rules` computes the deployed-stack impact of: every fix (``True``),
#: none (``False``), or only the fixes their rule calls safe (``"safe"``).
Impact = bool | Literal["safe"]


def run_rules(document: Document, settings: Settings, *, impact: Impact = True) -> list[Finding]:
    """Run every selected rule on a parsed document; findings sorted by position.

    Suppressions written in the template's Metadata are not applied here (see
    :func:`findings_for`). ``impact=False`` leaves each fix's impact uncomputed (and its
    applicability as the rule declared it): for a caller that shows findings first and
    asks :func:`cfnfix.impact.with_impact` for a fix only when it is about to offer it
    (the language server). ``impact="safe"`` computes it only for the fixes their rule calls
    safe, where it decides the applicability (a safe fix that destroys data is made unsafe):
    the other fixes keep an empty impact, for a caller that shows applicability but not
    impact (``check``'s text and GitHub formats).
    """
    findings: list[Finding] = []
    present = type_index(document.data)
    for planned in _plan(settings):
        if not planned.types.admits(present):
            continue  # none of the resource types the rule reads
        ctx = RuleContext(document, settings, planned.options)
        found = planned.rule.check(ctx)
        if impact is False:
            findings.extend(found)
        else:
            findings.extend(_assessed(f, document.data, impact) for f in found)
    findings.sort(key=Finding.sort_key)
    return findings


def _assessed(finding: Finding, data: Any, impact: Impact) -> Finding:
    """``finding`` with its fix's impact (:func:`cfnfix.impact.with_impact`) when ``impact`` asks for it."""
    fix = finding.fix
    if fix is None or not fix.patch or (impact == "safe" and fix.applicability is not Applicability.SAFE):
        return finding  # nothing to assess (the computation and jsonpatch are not even imported)
    from .impact import with_impact

    return with_impact(finding, data)


def load_template(text: str, file: str | None, settings: Settings, *, nodes: bool = False) -> Document:
    """Parse a template (``nodes``: with positions at once); JSON that only trailing commas or
    comments keep from parsing is read through the repair (a
    :class:`~cfnfix.document.repair.RepairedDocument`) when a rule that repairs text (CFX801) is selected."""
    from .document.repair import load_document

    repair = any(settings.selects(r.id, r.name) for r in text_repair_rules())
    return load_document(text, file, repair=repair, nodes=nodes)


def findings_for(document: Document, settings: Settings, *, impact: Impact = True) -> list[Finding]:
    """The findings of a parsed document after the template's own suppressions.

    With ``settings.show_unused_suppressions``, suppression entries that silence nothing
    are reported as CFX900 findings. ``impact``: which fixes get their deployed-stack
    impact (see :func:`run_rules`).
    """
    linted = None
    if settings.cfn_lint:
        from .cfn_lint.findings import lint_findings

        linted = lint_findings(document, settings)
    return kept_findings(document, settings, run_rules(document, settings, impact=impact), linted)


def kept_findings(
    document: Document, settings: Settings, own: list[Finding], linted: list[Finding] | None = None
) -> list[Finding]:
    """:func:`findings_for` from its parts: the rules' findings (:func:`run_rules`) and
    cfn-lint's (``linted``, None when cfn-lint did not run), one finding per problem, after
    the template's own suppressions (a caller that lints apart, e.g. the language server)."""
    findings = own
    if linted is not None:
        from .cfn_lint.findings import without_duplicates

        findings = without_duplicates(own, linted)
    kept, _ = apply_suppressions(
        document,
        findings,
        ran=selected_rules(settings),
        report_unused=settings.show_unused_suppressions,
        linted=linted is not None,
    )
    return kept
