"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per finding.

GitHub turns them into annotations on the pull request's changed lines. Severity maps to
the command: critical and high → ``error``, medium → ``warning``, low → ``notice``. The
places a finding asks to review (``related``: what builds a renamed ID's old name …) get a
``::notice`` each. Files that could not be checked get an ``::error`` with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import ReportContext

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["LEVELS", "escape_data", "escape_property", "render"]

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message (``%``, CR, LF), as ``@actions/core`` does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a command property (also ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, **props: object) -> str:
    parts = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level} {parts}::{escape_data(message)}"


def render(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """Annotation lines (nothing else)."""
    lines: list[str] = []
    for o in outcomes:
        if o.error is not None:
            e = o.error
            lines.append(
                _command(
                    "error", e.reason, file=e.file or o.file, line=e.line, col=e.column, title="cfnfix: cannot check"
                )
            )
        for f in o.findings:
            fixable = ""
            if f.fix is not None and f.fixable:
                fixable = (
                    " (fix: cfnfix apply)"
                    if f.fix.applicability.value == "safe"
                    else " (fix: cfnfix apply --unsafe-fixes)"
                )
            lines.append(
                _command(
                    LEVELS[f.severity.value],
                    f"{f.message}{fixable}\n{f.doc_url}",
                    file=f.file or o.file,
                    line=f.line,
                    col=f.column,
                    title=f"{f.rule_id} {f.rule_name}",
                )
            )
            for r in f.related:
                title = f"{f.rule_id} {f.rule_name}: review"
                lines.append(
                    _command("notice", r.message, file=f.file or o.file, line=r.line, col=r.column, title=title)
                )
    return "".join(line + "\n" for line in lines)
