"""What ``cfnfix apply`` prints: the diff, patch or fixed text, the summary sentences and warnings.

The command line only routes the strings (standard output or error) and exits with the code;
``check``'s output is rendered by the other modules of this package in the same way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ..errors import PatchError
from ..io.files import STDIN
from . import ReportContext, plural, style
from .diff import colorize
from .escape import printable
from .text import finding_line, review_lines

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["ApplyReport", "impact_text", "not_applied_warnings", "render_apply", "unsafe_notes"]

Mode = Literal["diff", "patch", "write"]


@dataclass(frozen=True)
class ApplyReport:
    """The output of one ``cfnfix apply`` run."""

    stdout: str
    """The diff (dry run), the patches (``--patch``) or the fixed text of standard input (``--write``)."""
    after: list[tuple[str, bool]] = field(default_factory=list)
    """Then these texts, each ending in a newline: (text, True for standard error)."""
    failing: bool = False
    """Exit 1 (when no file had an error): something would change (dry run) or findings remain (``--write``)."""


def not_applied_warnings(outcomes: Sequence[FileOutcome], color: bool) -> list[str]:
    """``warning: file:line:col: CFX… fix not applied: reason`` for every fix that was dropped."""
    lines = []
    for o in outcomes:
        for failure in o.result.failed if o.result is not None else ():
            f = failure.finding
            lines.append(
                f"{style('warning:', '1;33', color)} {printable(str(f.file))}:{f.line}:{f.column}: {f.rule_id} fix not "
                f"applied: {printable(failure.reason)}"
            )
    return lines


def impact_text(outcomes: Sequence[FileOutcome], color: bool) -> str:
    """``Impact on a deployed stack:`` and, per changed file, one line per resource its fixes
    change (docs/deployed-stack-impact.md); empty when nothing changed."""
    blocks = []
    for o in outcomes:
        result = o.result
        if result is None or not result.changed or not result.impact:
            continue
        lines = [f"  {printable(r.describe())}" for r in result.impact]
        blocks.append(f"{style(printable(str(result.file)), '1', color)}:\n" + "\n".join(lines) + "\n")
    if not blocks:
        return ""
    return "Impact on a deployed stack:\n" + "".join(blocks)


def unsafe_notes(outcomes: Sequence[FileOutcome], unsafe: bool, color: bool) -> list[str]:
    """``note: file:line:col: CFX… fix is unsafe: reason`` for every fix its rule calls safe
    that was withheld because it would destroy a stateful resource's data."""
    if unsafe:
        return []
    return [
        f"{style('note:', '1;36', color)} {printable(str(f.file))}:{f.line}:{f.column}: {f.rule_id} fix is unsafe "
        f"(--unsafe-fixes applies it): {printable(f.fix.unsafe_reason)}"
        for o in outcomes
        for f in o.findings
        if f.fix is not None and f.fix.unsafe_reason
    ]


def refuse_unrepresentable(outcomes: Sequence[FileOutcome]) -> None:
    """``apply --patch``: a file whose patch holds a number JSON cannot write (YAML's ``.nan``,
    ``.inf``) gets an error instead of a patch, so the output stays JSON (exit 2)."""
    for o in outcomes:
        if o.result is None or not o.result.changed:
            continue
        try:
            json.dumps(o.result.patch, allow_nan=False)
        except ValueError:
            o.error = PatchError(
                "the patch holds NaN or Infinity (YAML .nan/.inf), which JSON cannot represent: "
                "use the dry run's diff or --write",
                file=o.file,
            )
            o.result = None


def render_apply(outcomes: Sequence[FileOutcome], mode: Mode, ctx: ReportContext) -> ApplyReport:
    """The output of ``cfnfix apply`` in ``mode`` once fixes are computed (and, with ``write``, written)."""
    results = [o.result for o in outcomes if o.result is not None and o.result.changed]
    changed, fixed = len(results), sum(len(r.fixed) for r in results)
    remaining = [f for o in outcomes for f in o.findings]
    errors = len({o.file for o in outcomes if o.error is not None})  # a Markdown file: one per broken fence
    failed_files = f" {plural(errors, 'file')} could not be fixed." if errors else ""
    if mode == "patch":
        stdout = json.dumps({r.file: r.patch for r in results}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    elif mode == "diff":
        stdout = "".join(colorize(r.diff, ctx.color, ctx.terminal) for r in results)
    else:
        stdout = "".join(r.text for r in results if r.file == STDIN)
    notes: list[tuple[str, bool]] = []
    if not ctx.quiet:
        impact = impact_text(outcomes, ctx.color) if mode == "diff" else ""
        if impact:
            notes.append((impact, True))
        notes.extend((line + "\n", True) for line in unsafe_notes(outcomes, ctx.unsafe, ctx.color))
        # places the applied fixes could not change (a Fn::Join that builds a renamed ID …), before the summary
        notes.extend((line + "\n", True) for line in review_lines([f for r in results for f in r.fixed], ctx.color))
    if mode != "write":
        after: list[tuple[str, bool]] = list(notes)
        if not ctx.quiet:
            if changed:
                summary = (
                    f"Would fix {plural(fixed, 'finding')} in {plural(changed, 'file')}; {len(remaining)} would remain. "
                    f"Run with --write to apply.{failed_files}"
                )
            elif remaining:
                summary = (
                    f"Nothing to fix; {plural(len(remaining), 'finding')} without an applicable fix.{failed_files}"
                )
            else:
                summary = f"Nothing to fix.{failed_files}"
            after.append((summary + "\n", True))
        return ApplyReport(stdout, after, failing=changed > 0)
    to_stderr = any(o.file == STDIN for o in outcomes)  # standard output carries the fixed text
    after = list(notes)
    lines = [finding_line(f, ctx) for f in remaining]
    if lines:
        after.append(("\n".join(lines) + "\n", to_stderr))
    if not ctx.quiet:
        after.append((_written_summary(fixed, changed, len(remaining), errors) + failed_files + "\n", to_stderr))
    return ApplyReport(stdout, after, failing=bool(remaining))


def _written_summary(fixed: int, changed: int, remaining: int, errors: int) -> str:
    """``Fixed 2 findings in 1 file; 0 remaining.`` — the findings a file that could not be
    fixed (read-only, changed meanwhile, not parseable) still has are not known to be 0, so
    they are not counted: ``Fixed nothing.`` when no other file was, else ``… in the other files``."""
    if not errors:
        return f"Fixed {plural(fixed, 'finding')} in {plural(changed, 'file')}; {remaining} remaining."
    if not changed and not remaining:
        return "Fixed nothing."
    return f"Fixed {plural(fixed, 'finding')} in {plural(changed, 'file')}; {remaining} remaining in the other files."
