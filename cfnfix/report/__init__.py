"""Reporters: turn file outcomes into text, JSON, SARIF, GitHub annotations or Markdown.

Each format is one module with ``render(outcomes, ctx) -> str``; :func:`render` picks one.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Applicability, Finding

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["FORMATS", "ReportContext", "Totals", "applies", "render", "style", "totals"]

#: Output formats of ``cfnfix check --format``.
FORMATS = ("text", "json", "sarif", "github", "markdown")


@dataclass(frozen=True)
class ReportContext:
    """How to render: colours (ANSI, for a terminal), quiet (no summary), unsafe fixes on."""

    color: bool = False
    quiet: bool = False
    unsafe: bool = False
    terminal: bool = False
    """Standard output is a terminal: text from templates that is shown raw elsewhere (the diff) is escaped."""


def applies(finding: Finding, unsafe: bool) -> bool:
    """True when ``cfnfix apply`` would apply this finding's fix (``unsafe``: with ``--unsafe-fixes``);
    a fix that repairs the text before parsing (:attr:`cfnfix.rules.Rule.repairs_text`) has no patch."""
    from ..rules import repairs_text

    fx = finding.fix
    if fx is None or not (fx.changes or repairs_text(finding.rule_id)):
        return False
    return fx.applicability is Applicability.SAFE or (unsafe and fx.applicability is Applicability.UNSAFE)


def style(text: str, code: str, on: bool) -> str:
    """``text`` wrapped in an ANSI SGR ``code`` when ``on``."""
    return f"\x1b[{code}m{text}\x1b[0m" if on and text else text


@dataclass(frozen=True)
class Totals:
    """Counts over a run."""

    templates: int
    """Files checked (templates; not skipped, no error)."""
    with_findings: int
    findings: int
    fixable: int
    """Findings ``cfnfix apply`` fixes with the current settings."""
    unsafe_only: int
    """Findings fixable only with ``--unsafe-fixes`` (0 when it is on)."""
    errors: int
    skipped: int
    by_severity: dict[str, int]


def totals(outcomes: Sequence[FileOutcome], unsafe: bool) -> Totals:
    """Count findings, fixable findings, errors and skipped files."""
    findings = [f for o in outcomes for f in o.findings]
    by_severity = dict.fromkeys(("critical", "high", "medium", "low"), 0)
    for f in findings:
        by_severity[f.severity.value] += 1
    return Totals(
        templates=sum(1 for o in outcomes if o.checked),
        with_findings=sum(1 for o in outcomes if o.findings),
        findings=len(findings),
        fixable=sum(1 for f in findings if applies(f, unsafe)),
        unsafe_only=0 if unsafe else sum(1 for f in findings if applies(f, True) and not applies(f, False)),
        errors=len({o.file for o in outcomes if o.error is not None}),  # a Markdown file may have several
        skipped=sum(1 for o in outcomes if o.skipped),
        by_severity=by_severity,
    )


def plural(n: int, word: str) -> str:
    """``1 finding`` / ``2 findings``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(fmt: str, outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """Render ``outcomes`` in output format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    module = importlib.import_module(f"{__name__}.{fmt}")
    return module.render(outcomes, ctx)
