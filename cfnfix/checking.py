"""The rule runner: a parsed template in, its findings out (after the template's own suppressions).

:func:`findings_for` is what ``cfnfix check`` does to one template; the language server calls
its two steps apart (:func:`run_rules`, then :func:`kept_findings`), and the fix loop
(:mod:`cfnfix.fixing`) calls it before and after each pass. :func:`load_template` parses a
template the way checking needs it: JSON that only trailing commas or comments keep from
parsing is read through the text repair (:mod:`cfnfix.document.repair`) when a rule that repairs
text (:attr:`~cfnfix.rules.Rule.repairs_text`, CFX801) is selected.
"""

from __future__ import annotations

from .config import Settings
from .document import Document
from .findings import Finding
from .rules import Rule, RuleContext, all_rules, text_repair_rules
from .suppression import apply_suppressions

__all__ = ["findings_for", "kept_findings", "load_template", "run_rules", "selected_rules"]


def selected_rules(settings: Settings) -> list[Rule]:
    """The registered rules that ``settings`` selects (and whose profile is on), ordered by id."""
    return [rule for rule in all_rules() if settings.runs(rule)]


def run_rules(document: Document, settings: Settings, *, impact: bool = True) -> list[Finding]:
    """Run every selected rule on a parsed document; findings sorted by position.

    Suppressions written in the template's Metadata are not applied here (see
    :func:`findings_for`). ``impact=False`` leaves each fix's impact uncomputed (and its
    applicability as the rule declared it): for a caller that shows findings first and
    asks :func:`cfnfix.impact.with_impact` for a fix only when it is about to offer it
    (the language server).
    """
    from .impact import with_impact

    findings: list[Finding] = []
    for rule in selected_rules(settings):
        ctx = RuleContext(document, settings, rule.options_for(settings))
        if impact:
            findings.extend(with_impact(f, document.data) for f in rule.check(ctx))
        else:
            findings.extend(rule.check(ctx))
    findings.sort(key=Finding.sort_key)
    return findings


def load_template(text: str, file: str | None, settings: Settings, *, nodes: bool = False) -> Document:
    """Parse a template (``nodes``: with positions at once); JSON that only trailing commas or
    comments keep from parsing is read through the repair (a
    :class:`~cfnfix.document.repair.RepairedDocument`) when a rule that repairs text (CFX801) is selected."""
    from .document.repair import load_document

    repair = any(settings.selects(r.id, r.name) for r in text_repair_rules())
    return load_document(text, file, repair=repair, nodes=nodes)


def findings_for(document: Document, settings: Settings) -> list[Finding]:
    """The findings of a parsed document after the template's own suppressions.

    With ``settings.show_unused_suppressions``, suppression entries that silence nothing
    are reported as CFX900 findings.
    """
    linted = None
    if settings.cfn_lint:
        from .cfn_lint.findings import lint_findings

        linted = lint_findings(document, settings)
    return kept_findings(document, settings, run_rules(document, settings), linted)


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
