"""JSON output: one object, schema documented in ``docs/json-output.md`` (version 1).

Each entry of ``findings`` is a :class:`~cfnfix.findings.Finding` dumped in JSON mode, so
``Finding.model_validate(entry)`` reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from . import ReportContext, totals

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["SCHEMA_VERSION", "document", "render"]

#: Bumped only for incompatible changes (a key removed or its meaning changed).
SCHEMA_VERSION = 1


def _status(outcome: FileOutcome) -> str:
    if outcome.error is not None:
        return "error"
    return "skipped" if outcome.skipped else "checked"


def document(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> dict[str, Any]:
    """The JSON report as plain data."""
    from .. import __version__

    t = totals(outcomes, ctx.unsafe)
    summary = asdict(t)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cfnfix", "version": __version__},
        "files": [{"file": o.file, "status": _status(o), "findings": len(o.findings)} for o in outcomes],
        "findings": [f.model_dump(mode="json") for o in outcomes for f in o.findings],
        "errors": [
            {"file": o.error.file or o.file, "line": o.error.line, "column": o.error.column, "message": o.error.reason}
            for o in outcomes
            if o.error is not None
        ],
        "summary": summary,
    }


def render(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """The JSON report, indented, with a final newline."""
    return json.dumps(document(outcomes, ctx), indent=2, ensure_ascii=False) + "\n"
