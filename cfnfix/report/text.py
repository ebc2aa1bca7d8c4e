"""Text output: ``file:line:col: ID [*] message`` per finding, then a summary line.

``[*]`` marks findings that ``cfnfix apply`` fixes (with ``--unsafe-fixes``, unsafe fixes
count too). Colours are ANSI codes, used only when the caller says so (a terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Finding
from . import ReportContext, applies, plural, style, totals
from .escape import printable

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["finding_line", "render", "review_lines", "summary"]

_SEVERITY_STYLE = {"critical": "1;31", "high": "31", "medium": "33", "low": "36"}


def finding_line(finding: Finding, ctx: ReportContext) -> str:
    """One finding as ``file:line:col: ID [*] message`` (control characters of the file name and
    message written as escapes: :func:`~cfnfix.report.escape.printable`)."""
    on = ctx.color
    where = style(f"{printable(finding.file or '<string>')}:{finding.line}:{finding.column}:", "1", on)
    rule = style(printable(finding.rule_id), _SEVERITY_STYLE[finding.severity.value], on)
    marker = " " + style("[*]", "36", on) if applies(finding, ctx.unsafe) else ""
    return f"{where} {rule}{marker} {printable(finding.message)}"


def review_lines(findings: Sequence[Finding], color: bool = False) -> list[str]:
    """``note: file:line:col: ID message`` for each place a finding asks to review (its ``related``).

    ``cfnfix apply`` prints them for the fixes it applied: what a fix could not change
    (a ``Fn::Join`` that builds a renamed resource's old name) and the user must look at.
    """
    return [
        f"{style('note:', '1;36', color)} {printable(f.file or '<string>')}:{r.line}:{r.column}: {f.rule_id} {printable(r.message)}"
        for f in findings
        for r in f.related
    ]


def summary(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """One line: how many findings in how many templates, how many fixable, errors."""
    t = totals(outcomes, ctx.unsafe)
    if t.findings:
        where = (
            plural(t.templates, "template")
            if t.with_findings == t.templates
            else f"{t.with_findings} of {t.templates} templates"
        )
        text = f"Found {plural(t.findings, 'finding')} in {where}"
        extra = []
        if t.fixable:
            extra.append(f"{t.fixable} fixable with `cfnfix apply`")
        if t.unsafe_only:
            extra.append(f"{t.unsafe_only} more with `--unsafe-fixes`")
        if extra:
            text += f" ({'; '.join(extra)})"
        text += "."
    elif t.templates or not t.errors:
        text = f"No findings in {plural(t.templates, 'template')}."
    else:
        text = ""
    if t.errors:
        text = f"{text} {plural(t.errors, 'file')} could not be checked.".lstrip()
    return style(text, "1", ctx.color)


def render(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """Every finding, one per line, then (unless quiet) the summary."""
    lines = [finding_line(f, ctx) for o in outcomes for f in o.findings]
    if not ctx.quiet:
        if lines:
            lines.append("")
        lines.append(summary(outcomes, ctx))
    return "\n".join(lines) + "\n" if lines else ""
