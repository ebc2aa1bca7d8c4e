"""Markdown output: a failure-analysis report per template.

For each template: its impact level (the worst severity found) and counts by impact, then
one section per finding with what is wrong, the fix (applicability, the offending lines and
the fixed lines as before/after snippets with line numbers — the engine's output for that
fix alone — and the RFC 6902 operations folded in ``<details>``), the root cause, the
documentation reference and the deployment impact. A finding without a fix shows the line
it points at. A
summary table over all templates comes first. Root cause and deployment impact come from
the rule (``root_cause``, ``deployment_impact``); rules that do not set them fall back to
their summary and to what the severity means.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Applicability, Finding, Fix, Severity
from . import ReportContext, applies, plural, totals
from .escape import json_text, markdown_text, printable, printable_lines
from .snippets import Snippet, fix_snippet, line_snippet

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["DEFAULT_IMPACT", "render"]

#: Deployment impact by severity, for rules that do not describe their own.
DEFAULT_IMPACT = {
    Severity.CRITICAL: "CloudFormation rejects the template, or the stack cannot be created, updated or deleted.",
    Severity.HIGH: "The deployment, or the deployed application, is likely to fail.",
    Severity.MEDIUM: "The stack deploys, but carries a lifecycle or cost risk (deprecation, data loss on delete, extended-support charges).",
    Severity.LOW: "No effect on the deployment; a hygiene issue.",
}

_ORDER = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]


def _code(text: str) -> str:
    """Inline code that survives backticks (and control characters: escaped) in ``text``."""
    text = printable(text)
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _block(body: str, language: str) -> list[str]:
    """A fenced code block whose fence is longer than any backtick run in ``body``."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", body, fence]


def _language(text: str | None) -> str:
    from ..document import detect_format

    return detect_format(text) if text else ""


def _snippet(label: str, snippet: Snippet, side: str, language: str) -> list[str]:
    return [label, "", *_block(printable_lines(snippet.render(side)), language), ""]


def _before_after(finding: Finding, text: str | None) -> list[str]:
    """Before/after snippets of the fix applied alone, or why they cannot be shown."""
    assert finding.fix is not None
    if text is None:
        return []
    result = fix_snippet(text, finding.fix, finding.file)
    if isinstance(result, str):
        return [f"The fix does not apply on its own ({markdown_text(result)}); see the patch.", ""]
    language = _language(text)
    before = result.span("before")
    after = result.span("after")
    out = _snippet(
        f"**Before** ({before}):" if before else "**Before** (the fix only adds lines):", result, "before", language
    )
    out += _snippet(
        f"**After** ({after}; this fix alone, as `cfnfix apply` writes it):"
        if after
        else "**After** (the fix only removes lines; this fix alone, as `cfnfix apply` writes it):",
        result,
        "after",
        language,
    )
    if result.omitted:
        out += [f"… and {plural(result.omitted, 'more changed line')}: see the patch.", ""]
    return out


def _fix_text(finding: Finding, ctx: ReportContext, text: str | None) -> list[str]:
    fx = finding.fix
    if fx is None or fx.applicability is Applicability.NONE or not fx.changes:
        msg = (
            markdown_text(fx.message)
            if fx is not None
            else "No automatic fix: change the template by hand (see the documentation)."
        )
        lines = [f"**The fix:** {msg}", ""]
        where = line_snippet(text, finding.line, finding.column) if text is not None else None
        if where is not None and where.before:
            lines += _snippet(f"**Where** ({where.span('before')}):", where, "before", _language(text))
        return lines
    if fx.applicability is Applicability.SAFE:
        how = "safe: applied by `cfnfix apply`"
    elif applies(finding, ctx.unsafe):
        how = "unsafe: applied because unsafe fixes are on"
    else:
        how = "unsafe: review it, then apply with `cfnfix apply --unsafe-fixes`"
    return [
        f"**The fix** ({how}): {markdown_text(fx.message)}",
        "",
        *_impact_lines(fx),
        *_before_after(finding, text),
        *(
            [
                "<details>",
                "<summary>RFC 6902 patch</summary>",
                "",
                *_block(json_text(json.dumps(fx.patch, indent=2, ensure_ascii=False)), "json"),
                "",
                "</details>",
                "",
            ]
            if fx.patch
            else []
        ),
    ]


def _impact_lines(fx: Fix) -> list[str]:
    """**Impact on a deployed stack**: one bullet per resource the fix changes (and why it is unsafe)."""
    if not fx.impact:
        return []
    lines = ["**Impact on a deployed stack:**", ""]
    lines.extend(f"- {markdown_text(i.describe())}" for i in fx.impact)
    if fx.unsafe_reason:
        lines.append(f"- Unsafe whatever the rule says: {markdown_text(fx.unsafe_reason)}")
    return [*lines, ""]


def _review(finding: Finding) -> list[str]:
    """The places the finding asks to review (``related``), one bullet each."""
    if not finding.related:
        return []
    return [
        "**Also review:**",
        "",
        *(
            f"- line {r.line}, column {r.column} ({_code(r.path or '/')}): {markdown_text(r.message)}"
            for r in finding.related
        ),
        "",
    ]


def _finding_section(n: int, finding: Finding, ctx: ReportContext, text: str | None = None) -> list[str]:
    from ..rules import get_rule

    rule = get_rule(finding.rule_id)
    root = (rule.root_cause or rule.summary) if rule is not None else ""
    impact = (rule.deployment_impact if rule is not None else "") or DEFAULT_IMPACT[finding.severity]
    lines = [
        f"### {n}. {markdown_text(finding.rule_id)} {markdown_text(finding.rule_name)}",
        "",
        f"**Impact:** {finding.severity.value.capitalize()} · line {finding.line}, column {finding.column} · {_code(finding.path or '/')}",
        "",
        f"**What is wrong:** {markdown_text(finding.message)}",
        "",
        *_review(finding),
        *_fix_text(finding, ctx, text),
    ]
    if root:
        lines += [f"**Root cause:** {root}", ""]
    lines += [
        f"**Documentation:** <{finding.doc_url}>",
        "",
        f"**Deployment impact:** {impact}",
        "",
    ]
    return lines


def _impact(findings: Sequence[Finding]) -> str:
    if not findings:
        return "None"
    worst = min(findings, key=lambda f: f.severity.rank).severity
    return worst.value.capitalize()


def render(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """The whole report."""
    t = totals(outcomes, ctx.unsafe)
    out = [
        "# cfnfix failure analysis",
        "",
        f"{plural(t.templates, 'template')} checked, {plural(t.findings, 'finding')}, "
        f"{t.fixable} fixable with `cfnfix apply`"
        + (f", {t.unsafe_only} more with `--unsafe-fixes`" if t.unsafe_only else "")
        + (f", {plural(t.errors, 'file')} could not be checked" if t.errors else "")
        + ".",
        "",
        "| Template | Impact | Critical | High | Medium | Low | Fixable |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    shown = [o for o in outcomes if not o.skipped]
    for o in shown:
        if o.error is not None:
            out.append(f"| {_cell(_code(o.file))} | Not checked | | | | | |")
            continue
        counts = [sum(1 for f in o.findings if f.severity is s) for s in _ORDER]
        fixable = sum(1 for f in o.findings if applies(f, ctx.unsafe))
        out.append(
            f"| {_cell(_code(o.file))} | {_impact(o.findings)} | " + " | ".join(map(str, counts)) + f" | {fixable} |"
        )
    out.append("")
    for o in shown:
        out += [f"## {_code(o.file)}", ""]
        if o.error is not None:
            where = f" (line {o.error.line}, column {o.error.column})" if o.error.line else ""
            out += [f"**Not checked:** {markdown_text(o.error.reason)}{where}.", ""]
            continue
        if not o.findings:
            out += ["**Impact level:** None. No findings.", ""]
            continue
        breakdown = ", ".join(
            f"{sum(1 for f in o.findings if f.severity is s)} {s.value}"
            for s in _ORDER
            if any(f.severity is s for f in o.findings)
        )
        out += [f"**Impact level:** {_impact(o.findings)} · {plural(len(o.findings), 'finding')} ({breakdown})", ""]
        for n, finding in enumerate(sorted(o.findings, key=lambda f: (f.severity.rank, f.line, f.column)), 1):
            out += _finding_section(n, finding, ctx, o.text)
    return "\n".join(out).rstrip("\n") + "\n"
