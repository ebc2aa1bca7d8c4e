"""The Python API behind ``cfnfix``: :func:`check` and :func:`fix`."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field

from .config import Settings
from .document import Document, load, read_text
from .errors import PatchError
from .findings import Applicability, Finding
from .patch import apply_patch
from .rules import RuleContext, all_rules

Source = Union[str, "os.PathLike[str]"]

#: Fix passes before giving up on reaching a fixed point (as ruff's MAX_ITERATIONS).
MAX_PASSES = 10


class FailedFix(BaseModel):
    """A fix that was dropped because its patch could not be applied or verified."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    reason: str


class FixResult(BaseModel):
    """What :func:`fix` did to one template."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    original: str = Field(description="The input text.")
    text: str = Field(description="The fixed text (equal to original when nothing changed).")
    patch: list[dict[str, Any]] = Field(description="RFC 6902 patch from the input's data to the output's.")
    fixed: list[Finding] = Field(description="Findings whose fixes were applied.")
    remaining: list[Finding] = Field(description="Findings in the fixed text.")
    failed: list[FailedFix] = Field(default_factory=list, description="Fixes dropped, with the reason.")
    passes: int = Field(0, description="Fix passes run.")
    converged: bool = Field(True, description="False when fixing stopped at a cycle or at the pass limit with fixes left.")

    @property
    def changed(self) -> bool:
        """True when the text changed."""
        return self.text != self.original

    @property
    def diff(self) -> str:
        """Unified diff from the input to the output (empty when unchanged)."""
        name = self.file or "template"
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.text.splitlines(keepends=True),
                fromfile=f"a/{name}",
                tofile=f"b/{name}",
            )
        )


def _read_source(source: Source) -> tuple[str, str | None]:
    """(text, file name): a PathLike, or a str naming an existing file, is read; other strings are the text."""
    if isinstance(source, os.PathLike):
        return read_text(source), os.fspath(source)
    if isinstance(source, str) and "\n" not in source and len(source) < 4096:
        try:
            if Path(source).is_file():
                return read_text(source), source
        except OSError:
            pass
    return source, None


def make_settings(
    config: Settings | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe: bool | None = None,
) -> Settings:
    """``config`` (or defaults) with the given overrides applied."""
    settings = config or Settings()
    update: dict[str, Any] = {}
    if select is not None:
        update["select"] = list(select)
    if ignore is not None:
        update["ignore"] = list(ignore)
    if unsafe is not None:
        update["unsafe_fixes"] = unsafe
    return settings.model_copy(update=update) if update else settings


def run_rules(document: Document, settings: Settings) -> list[Finding]:
    """Run every selected rule on a parsed document; findings sorted by position."""
    findings: list[Finding] = []
    for rule in all_rules():
        if not settings.selects(rule.id, rule.name):
            continue
        ctx = RuleContext(document, settings, settings.rule_options(rule.id, rule.name))
        findings.extend(rule.check(ctx))
    findings.sort(key=Finding.sort_key)
    return findings


def check(
    source: Source,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: Settings | None = None,
) -> list[Finding]:
    """Findings for one template (``source`` is text, or a path to a template file)."""
    text, file = _read_source(source)
    settings = make_settings(config, select=select, ignore=ignore)
    return run_rules(load(text, file), settings)


def _touched(op: dict[str, Any]) -> list[str]:
    paths = [op["path"]]
    if "from" in op:
        paths.append(op["from"])
    return paths


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _choose(findings: list[Finding], unsafe: bool) -> list[Finding]:
    """Fixes to apply in one pass: applicable ones whose paths do not overlap earlier picks."""
    chosen: list[Finding] = []
    taken: list[str] = []
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    for finding in sorted(findings, key=lambda f: (f.severity.rank, f.line, f.column, f.rule_id)):
        fx = finding.fix
        if fx is None or fx.applicability not in allowed or not fx.patch:
            continue
        paths = [p for op in fx.patch for p in _touched(op) if op.get("op") != "test"]
        if any(_overlaps(p, t) for p in paths for t in taken):
            continue
        chosen.append(finding)
        taken.extend(paths)
    return chosen


def fix(
    source: Source,
    *,
    unsafe: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: Settings | None = None,
) -> FixResult:
    """Apply fixes until none applies (at most :data:`MAX_PASSES` passes).

    Each pass checks the current text, applies every applicable fix whose paths do not
    overlap another's (overlapping ones wait for the next pass), and verifies the result.
    A fix whose patch fails to apply or verify is dropped and listed in ``failed``.
    """
    text, file = _read_source(source)
    settings = make_settings(config, select=select, ignore=ignore, unsafe=True if unsafe else None)
    original = text
    seen = {text}
    patch: list[dict[str, Any]] = []
    fixed: list[Finding] = []
    failed: list[FailedFix] = []
    failed_keys: set[tuple[str, str, str]] = set()
    document = load(text, file)
    findings = run_rules(document, settings)
    passes = 0
    converged = True
    while True:
        candidates = [f for f in findings if (f.rule_id, f.path, f.message) not in failed_keys]
        chosen = _choose(candidates, settings.unsafe_fixes)
        if not chosen:
            break
        if passes == MAX_PASSES:
            converged = False
            break
        passes += 1
        ops = [op for f in chosen for op in f.fix.patch]  # type: ignore[union-attr]
        try:
            new_text = apply_patch(text, ops, file=file)
        except PatchError:
            # Find the culprits one by one; apply the rest.
            good: list[Finding] = []
            for f in chosen:
                try:
                    apply_patch(text, f.fix.patch, file=file)  # type: ignore[union-attr]
                    good.append(f)
                except PatchError as exc:
                    failed.append(FailedFix(finding=f, reason=exc.reason))
                    failed_keys.add((f.rule_id, f.path, f.message))
            chosen = good
            ops = [op for f in chosen for op in f.fix.patch]  # type: ignore[union-attr]
            if not chosen:
                continue
            new_text = apply_patch(text, ops, file=file)
        if new_text in seen:
            converged = False  # a cycle: stop where we are
            break
        seen.add(new_text)
        text = new_text
        patch.extend(ops)
        fixed.extend(chosen)
        document = load(text, file)
        findings = run_rules(document, settings)
    return FixResult(
        file=file,
        original=original,
        text=text,
        patch=patch,
        fixed=fixed,
        remaining=findings,
        failed=failed,
        passes=passes,
        converged=converged,
    )
