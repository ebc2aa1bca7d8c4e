"""SARIF 2.1.0 output (validated against the OASIS schema in the tests).

One run; ``tool.driver.rules`` lists every registered rule; each finding is a ``result``
with its location (line and column in Unicode code points: ``columnKind`` says so), its
JSON Pointer as a logical location, and, when it has a fix, a SARIF ``fix`` whose
replacement is computed by applying the fix's patch to the file's text: the smallest
changed lines and the lines to put there. The fix's RFC 6902 operations and applicability
are kept in the fix's ``properties``, with its impact on a deployed stack. Files that could not be checked are reported as
``toolExecutionNotifications`` and make ``executionSuccessful`` false.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..document.text import LineIndex, split_lines
from ..findings import Finding, Fix
from . import ReportContext

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome
    from ..rules import Rule

__all__ = ["LEVELS", "SCHEMA_URI", "document", "render", "replacement"]

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def _uri(path: str) -> str:
    """A relative path as a URI reference (forward slashes, percent-encoded); absolute as file://."""
    if os.path.isabs(path):
        return PurePath(path).as_uri()
    return quote(PurePath(path).as_posix())


def replacement(text: str, fix: Fix, file: str | None = None) -> list[tuple[int, int, str]] | None:
    """The whole-line replacements a fix makes: (start offset, end offset, new text) in
    ``text``, one per changed block of lines; None when the fix does not apply or changes nothing."""
    from ..errors import CfnfixError
    from ..markdown.patching import apply_fix_to as apply_fix  # a Markdown file's fixes name their fence
    from ..textdiff import opcodes

    try:
        new = apply_fix(text, fix, file=file)
    except CfnfixError:
        return None
    if new == text:
        return None
    old_lines, new_lines = split_lines(text), split_lines(new)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    out = []
    for tag, i1, i2, j1, j2 in opcodes(old_lines, new_lines):
        if tag != "equal":
            out.append((offsets[i1], offsets[i2], "".join(new_lines[j1:j2])))
    return out


def _region(lines: LineIndex, start: int, end: int) -> dict[str, int]:
    sl, sc = lines.line_col(start)
    el, ec = lines.line_col(end)
    return {"startLine": sl, "startColumn": sc, "endLine": el, "endColumn": ec}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "help": {"text": rule.explanation, "markdown": rule.explanation},
        "helpUri": rule.doc_url,
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": {"severity": rule.severity.value, "fix": rule.fix_applicability.value},
    }


def _result(finding: Finding, index: int | None, outcome: FileOutcome, lines: LineIndex | None) -> dict[str, Any]:
    uri = _uri(finding.file or outcome.file)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "level": LEVELS[finding.severity.value],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.path or "/", "kind": "member"}],
            }
        ],
        "properties": {"severity": finding.severity.value, "jsonPointer": finding.path, "ruleName": finding.rule_name},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": i,
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": r.line, "startColumn": r.column},
                },
                "logicalLocations": [{"fullyQualifiedName": r.path or "/", "kind": "member"}],
                "message": {"text": r.message},
            }
            for i, r in enumerate(finding.related)
        ]
    if index is not None:
        result["ruleIndex"] = index
    fx = finding.fix
    if fx is not None and fx.changes and outcome.text is not None and lines is not None:
        reps = replacement(outcome.text, fx, outcome.file)
        if reps:
            result["fixes"] = [
                {
                    "description": {"text": fx.message},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {"deletedRegion": _region(lines, start, end), "insertedContent": {"text": inserted}}
                                for start, end, inserted in reps
                            ],
                        }
                    ],
                    "properties": {
                        "applicability": fx.applicability.value,
                        "patch": fx.patch,
                        # what the fix does to a deployed stack (docs/deployed-stack-impact.md)
                        "impact": [i.model_dump(mode="json") for i in fx.impact],
                        "impactSummary": [i.describe() for i in fx.impact],
                        **({"unsafeReason": fx.unsafe_reason} if fx.unsafe_reason else {}),
                    },
                }
            ]
    return result


def document(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> dict[str, Any]:
    """The SARIF log as plain data."""
    from .. import __version__
    from ..rules import all_rules

    rules = list(all_rules())
    index = {r.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for o in outcomes:
        lines = LineIndex(o.text) if o.text is not None and o.findings else None
        for f in o.findings:
            results.append(_result(f, index.get(f.rule_id), o, lines))
        if o.error is not None:
            e = o.error
            location: dict[str, Any] = {"artifactLocation": {"uri": _uri(e.file or o.file)}}
            if e.line is not None:
                location["region"] = {"startLine": e.line, **({"startColumn": e.column} if e.column else {})}
            notifications.append(
                {"level": "error", "message": {"text": e.reason}, "locations": [{"physicalLocation": location}]}
            )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cfnfix",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule_descriptor(r) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(outcomes: Sequence[FileOutcome], ctx: ReportContext) -> str:
    """The SARIF log as indented JSON with a final newline."""
    return json.dumps(document(outcomes, ctx), indent=2, ensure_ascii=False) + "\n"
