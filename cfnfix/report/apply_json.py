"""``cfnfix apply --format json``: what a run fixed, would fix, left and could not do, for CI.

One object (``docs/json-output.md``, "apply"), in the style of ``check --format json``: each
file with its status, the fixes applied (findings, in ``check``'s finding shape), the
findings that remain, the fixes that were dropped and why, the patch and the impact on a
deployed stack; then the errors and a summary. The diff, the summary sentences and the notes
are not printed: everything is in the object (stderr still carries the error lines).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..io.files import STDIN
from . import ReportContext

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["SCHEMA_VERSION", "document", "render"]

#: Bumped only for incompatible changes (a key removed or its meaning changed).
SCHEMA_VERSION = 1


def _status(o: FileOutcome, write: bool) -> str:
    if o.error is not None:
        return "error"
    if o.skipped:
        return "skipped"
    if o.result is not None and o.result.changed:
        return "fixed" if write else "would-fix"
    return "unchanged"


def _file(o: FileOutcome, write: bool) -> dict[str, Any]:
    result = o.result
    changed = result is not None and result.changed
    entry: dict[str, Any] = {
        "file": o.file,
        "status": _status(o, write),
        "written": bool(write and changed and o.error is None and o.file != STDIN),
        "fixed": [f.model_dump(mode="json") for f in result.fixed] if changed and result is not None else [],
        "remaining": [f.model_dump(mode="json") for f in o.findings],
        "not_applied": [
            {"finding": failure.finding.model_dump(mode="json"), "reason": failure.reason}
            for failure in (result.failed if result is not None else ())
        ],
        "patch": list(result.patch) if changed and result is not None else [],
        "impact": [i.model_dump(mode="json") for i in result.impact] if changed and result is not None else [],
        "notes": ([o.skip_reason] if o.skip_reason else []) + list(o.notes),
    }
    if o.file == STDIN and write and changed and result is not None:
        entry["text"] = result.text  # standard input: the fixed text is here, not on stdout
    return entry


def document(outcomes: Sequence[FileOutcome], write: bool, ctx: ReportContext) -> dict[str, Any]:
    """The ``apply`` JSON report as plain data (``write``: ``--write`` was given)."""
    from .. import __version__

    files = [_file(o, write) for o in outcomes]
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cfnfix", "version": __version__},
        "mode": "write" if write else "dry-run",
        "files": files,
        "errors": [
            {"file": o.error.file or o.file, "line": o.error.line, "column": o.error.column, "message": o.error.reason}
            for o in outcomes
            if o.error is not None
        ],
        "summary": {
            "files": len(files),
            "changed": sum(1 for f in files if f["status"] in ("fixed", "would-fix")),
            "written": sum(1 for f in files if f["written"]),
            "fixed": sum(len(f["fixed"]) for f in files),
            "remaining": sum(len(f["remaining"]) for f in files),
            "not_applied": sum(len(f["not_applied"]) for f in files),
            "errors": sum(1 for f in files if f["status"] == "error"),
            "skipped": sum(1 for f in files if f["status"] == "skipped"),
            "unsafe_fixes": ctx.unsafe,
        },
    }


def render(outcomes: Sequence[FileOutcome], write: bool, ctx: ReportContext) -> str:
    """The ``apply`` JSON report, indented, with a final newline."""
    return json.dumps(document(outcomes, write, ctx), indent=2, ensure_ascii=False) + "\n"
