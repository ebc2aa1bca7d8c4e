"""The Python API behind ``cfnfix``: :func:`check` and :func:`fix`."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ConfigDict, Field

from .config import Settings
from .document import Document, load, read_text
from .errors import AnchoredEditError, PatchError, TemplateError
from .findings import Applicability, Finding, ResourceImpact
from .rules import Rule, RuleContext, all_rules
from .suppression import apply_suppressions

if TYPE_CHECKING:
    from .patch.produced import Produced

#: A template: a path (``os.PathLike``, e.g. ``pathlib.Path``) is read from disk; a ``str`` is the text itself.
Source = Union[str, "os.PathLike[str]"]
ConfigArg = Union[Settings, str, "os.PathLike[str]", None]

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
    converged: bool = Field(
        True, description="False when fixing stopped at a cycle or at the pass limit with fixes left."
    )
    impact: list[ResourceImpact] = Field(
        default_factory=list,
        description="What the whole patch does to a deployed stack, per resource (docs/deployed-stack-impact.md).",
    )

    @property
    def changed(self) -> bool:
        """True when the text changed."""
        return self.text != self.original

    @property
    def diff(self) -> str:
        """Unified diff from the input to the output (empty when unchanged)."""
        from .document.text import split_lines
        from .textdiff import unified_diff

        name = self.file or "template"
        lines = unified_diff(
            split_lines(self.original),
            split_lines(self.text),
            fromfile=name if os.path.isabs(name) else f"a/{name}",
            tofile=name if os.path.isabs(name) else f"b/{name}",
        )
        # As diff(1) and git: a last line without a line break is marked, so the next
        # line does not run into it and `patch` can restore the file byte for byte.
        return "".join(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines
        )


def _read_source(source: Source) -> tuple[str, str | None]:
    """(text, file name): a path (``os.PathLike``, e.g. :class:`pathlib.Path`) is read; a ``str`` is the text."""
    if isinstance(source, os.PathLike):
        return read_text(source), os.fspath(source)
    if isinstance(source, str):
        return source, None
    raise TypeError(f"a template is text (str) or a file path (pathlib.Path), not {type(source).__name__}")


#: A one-line str that reads as a file name rather than a template.
_PATHLIKE_TEXT = re.compile(r"[^\r\n:{}\[\]]*\.(?:ya?ml|json|template|cfn|txt)\s*\Z", re.IGNORECASE)


def load_source(source: Source, settings: Settings | None = None) -> Document:
    """The parsed template of a :func:`check` / :func:`fix` ``source`` (a path is read, a str is text).

    A str that is a file name (``check("stack.yaml")``) is text to the API, so it is refused
    as a scalar; the error then says to pass a :class:`pathlib.Path`. With ``settings``, JSON
    that only needs the CFX801 repair is read through it (:func:`load_template`).
    """
    text, file = _read_source(source)
    return _load_text(text, file, settings)


def _load_text(text: str, file: str | None, settings: Settings | None) -> Document:
    """:func:`load_source` once the source is read."""
    try:
        return load_template(text, file, settings) if settings is not None else load(text, file)
    except TemplateError as exc:
        if file is None and exc.reason.endswith("found a scalar") and _PATHLIKE_TEXT.match(text):
            raise TemplateError(
                f"{exc.reason}: a str is template text; to read the file {text.strip()!r} pass a path, "
                f"e.g. check(Path({text.strip()!r}))",
                line=exc.line,
                column=exc.column,
            ) from None
        raise


def resolve_config(config: ConfigArg, file: str | None) -> Settings:
    """The settings for one template.

    ``config`` may be :class:`Settings`, or the path of a configuration file
    (``.cfnfix.toml`` or a ``pyproject.toml`` with ``[tool.cfnfix]``). When it is None and
    the template was read from a file, the configuration is discovered from the file's
    folder upwards (as the command line does); otherwise the defaults apply.
    """
    if isinstance(config, Settings):
        return config
    from .config_files import find_config, load_config_file

    if config is not None:
        return load_config_file(config)
    if file is not None:
        found = find_config(Path(file).parent)
        if found is not None:
            return load_config_file(found)
    return Settings()


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


#: The rule whose fix is the text-level JSON repair (see :mod:`cfnfix.repair`).
JSON_REPAIR = ("CFX801", "json-trailing-comma-or-comment")


def load_template(text: str, file: str | None, settings: Settings, *, nodes: bool = False) -> Document:
    """Parse a template (``nodes``: with positions at once); JSON that only trailing commas or
    comments keep from parsing is read through the repair (a
    :class:`~cfnfix.repair.RepairedDocument`) when CFX801 is selected."""
    from .repair import load_document

    return load_document(text, file, repair=settings.selects(*JSON_REPAIR), nodes=nodes)


def findings_for(document: Document, settings: Settings) -> list[Finding]:
    """The findings of a parsed document after the template's own suppressions.

    With ``settings.show_unused_suppressions``, suppression entries that silence nothing
    are reported as CFX900 findings.
    """
    linted = None
    if settings.cfn_lint:
        from .lint_findings import lint_findings

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
        from .lint_findings import without_duplicates

        findings = without_duplicates(own, linted)
    kept, _ = apply_suppressions(
        document,
        findings,
        ran=selected_rules(settings),
        report_unused=settings.show_unused_suppressions,
        linted=linted is not None,
    )
    return kept


def check(
    source: Source,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
) -> list[Finding]:
    """Findings for one template.

    ``source`` is a path to a template file (``os.PathLike``, e.g. :class:`pathlib.Path`:
    a missing file raises :class:`~cfnfix.errors.TemplateError` "no such file") or the
    template text (a ``str`` is always text, never a file name). ``config`` is
    :class:`Settings`, a configuration file path, or None (discover it from the template's
    folder when ``source`` is a file; defaults otherwise). ``select``/``ignore`` override
    the configuration. Suppressions in the template's Metadata are honoured.
    """
    text, file = _read_source(source)
    settings = make_settings(resolve_config(config, file), select=select, ignore=ignore)
    return findings_for(_load_text(text, file, settings), settings)


def _touched(op: dict[str, Any]) -> list[str]:
    paths = [op["path"]]
    if "from" in op:
        paths.append(op["from"])
    return [_region(p) for p in paths]


def _region(pointer: str) -> str:
    """What an operation at ``pointer`` may disturb: an array element's whole array
    (adding or removing one element shifts the indices of its siblings)."""
    head, _, last = pointer.rpartition("/")
    return head if last == "-" or (last.isdigit() and last.isascii()) else pointer


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def _choose(
    findings: list[Finding], unsafe: bool, produced: Produced | None = None, keeps: frozenset[str] = frozenset()
) -> list[Finding]:
    """Fixes to apply in one pass: applicable ones whose paths do not overlap earlier picks,
    and that re-read no text an earlier pass wrote (``produced``) unless their rule keeps
    meaning (``keeps``: rule ids; such a fix cannot read the text differently)."""
    from .patch.produced import mentions, renamed

    chosen: list[Finding] = []
    taken: list[str] = []
    renaming: set[str] = set()  # names the chosen fixes rename: a fix that writes one waits
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    for finding in sorted(findings, key=lambda f: (f.severity.rank, f.line, f.column, f.rule_id)):
        fx = finding.fix
        if fx is None or fx.applicability not in allowed or not fx.changes:
            continue
        paths = [p for op in fx.patch if op.get("op") != "test" for p in _touched(op)]
        if any(_overlaps(p, t) for p in paths for t in taken):
            continue
        if produced is not None and finding.rule_id not in keeps and produced.conflict(fx.patch) is not None:
            continue  # it would read a fix's output as the user's text (docs/design.md, "Meaning")
        names = renamed(fx.patch)
        if mentions(fx.patch, renaming) or any(mentions(f.fix.patch, names) for f in chosen if f.fix is not None):
            continue  # it would write a name another fix of the pass renames: next pass, with the new name
        chosen.append(finding)
        taken.extend(paths)
        renaming |= names
    return chosen


def fix(
    source: Source,
    *,
    unsafe: bool = False,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: ConfigArg = None,
) -> FixResult:
    """Apply fixes to one template until none applies (at most :data:`MAX_PASSES` passes).

    ``source`` and ``config`` are as for :func:`check`; ``unsafe=True`` also applies fixes
    marked unsafe (as does ``unsafe-fixes = true`` in the configuration). Nothing is
    written: the result holds the new text, the combined patch and the unified diff.
    """
    text, file = _read_source(source)
    settings = make_settings(
        resolve_config(config, file), select=select, ignore=ignore, unsafe=True if unsafe else None
    )
    return fix_text(text, file, settings, _load_text(text, file, settings))


def _refuse_anchored(chosen: list[Finding], document: Document) -> None:
    """Raise :class:`AnchoredEditError` when a chosen fix would edit a YAML anchor, alias or merge key."""
    if not document.expansions:
        return
    from .document.expansions import conflict, refusal_reason

    for finding in chosen:
        assert finding.fix is not None
        found = conflict(finding.fix.patch, document.expansions)
        if found is not None:
            _, op, expansion = found
            line, col = document.lines.line_col(expansion.offset)
            reason = refusal_reason(
                f"the fix of {finding.rule_id} {finding.rule_name} ({finding.line}:{finding.column})", op, expansion
            )
            raise AnchoredEditError(reason, file=document.file, line=line, column=col)


def fix_text(text: str, file: str | None, settings: Settings, document: Document | None = None) -> FixResult:
    """:func:`fix` on text with resolved settings (``document``: ``text`` already parsed).

    Each pass checks the current text, picks every applicable fix whose paths do not
    overlap another's (overlapping ones wait for the next pass), and applies them as one
    patch, verified by the engine; if that fails, one by one. A fix whose patch fails to
    apply or verify is dropped, listed in ``failed`` and not tried again; a fix that would edit
    a YAML anchor, alias or merge key raises :class:`~cfnfix.errors.AnchoredEditError` (the
    whole file is refused). Passes stop at a fixed point, when
    a pass would return to a text seen before (a cycle), or after :data:`MAX_PASSES`.
    """
    from .patch import apply_patch  # here, not at the top: `check` never needs the patch engine
    from .patch.produced import Produced
    from .patch.text_edits import apply_fix, apply_text_edits

    original = text
    seen = {text}
    patch: list[dict[str, Any]] = []
    fixed: list[Finding] = []
    failed: list[FailedFix] = []
    failed_keys: set[tuple[str, str, str]] = set()
    from .repair import RepairedDocument

    if document is None:
        document = load_template(text, file, settings)
    original_data = document.data
    final_settings = settings
    if settings.cfn_lint:
        # cfn-lint's findings carry no fix, so they cannot change what a pass applies: the
        # passes run without it and cfn-lint lints the final text (below) once.
        settings = settings.model_copy(update={"cfn_lint": False})
    findings = findings_for(document, settings)
    if isinstance(document, RepairedDocument) and document.repair is not None:
        # the text-level repair (CFX801) comes first: the patches apply to parseable text
        repairs = [f for f in findings if f.rule_id == JSON_REPAIR[0]]
        if not repairs:  # silenced in the template: the text stays unparseable
            load(text, file)
        text = document.repair.repaired
        seen.add(text)
        fixed.extend(repairs)
        document = load(text, file)
        findings = findings_for(document, settings)
    passes = 0
    converged = True
    produced = Produced()  # what earlier passes wrote: no later pass re-reads it
    keeps = frozenset(rule.id for rule in selected_rules(settings) if rule.keeps_meaning)
    while True:
        candidates = [f for f in findings if (f.rule_id, f.path, f.message) not in failed_keys]
        chosen = _choose(candidates, settings.unsafe_fixes, produced, keeps)
        if not chosen:
            break
        if passes == MAX_PASSES:
            converged = False
            break
        passes += 1
        edited = [f for f in chosen if f.fix is not None and f.fix.edits]
        if edited:  # text edits (comments) go alone, on the text they were made on
            chosen = edited
        _refuse_anchored(chosen, document)
        applied: list[Finding] = list(chosen)
        ops: list[dict[str, Any]] = [op for f in chosen for op in f.fix.patch]  # type: ignore[union-attr]
        try:
            # one parse and one verification for the whole pass (the fixes do not overlap)
            if edited:
                new_text = apply_text_edits(text, [e for f in chosen for e in f.fix.edits], file=file)  # type: ignore[union-attr]
            else:
                new_text = apply_patch(text, ops, file=file)
        except AnchoredEditError:
            raise  # the file is refused: fixing it would edit text that stands for data elsewhere too
        except PatchError:
            new_text = text
            applied, ops = [], []
            for finding in chosen:  # find the culprits; keep the rest
                assert finding.fix is not None
                try:
                    if edited:
                        apply_fix(text, finding.fix, file=file)  # alone: their offsets are in `text`
                    else:
                        new_text = apply_fix(new_text, finding.fix, file=file)
                except PatchError as exc:
                    failed.append(FailedFix(finding=finding, reason=exc.reason))
                    failed_keys.add((finding.rule_id, finding.path, finding.message))
                    continue
                applied.append(finding)
                ops.extend(finding.fix.patch)
            if edited and applied:
                try:
                    new_text = apply_text_edits(text, [e for f in applied for e in f.fix.edits], file=file)  # type: ignore[union-attr]
                except PatchError:
                    applied = []
        if not applied:
            continue
        if new_text in seen:
            converged = False  # a cycle: stop where we are
            break
        seen.add(new_text)
        text = new_text
        produced.record(ops, document.data)
        patch.extend(ops)
        fixed.extend(applied)
        document = load(text, file)
        findings = findings_for(document, settings)
    if final_settings.cfn_lint:
        findings = findings_for(document, final_settings)
    from .impact import impact_of

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
        impact=impact_of(original_data, patch),
    )
