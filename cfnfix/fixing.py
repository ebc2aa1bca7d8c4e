"""The fix loop: passes of non-overlapping fixes until none applies.

:func:`fix_text` repairs the text first when it needs it (CFX801, see
:mod:`cfnfix.document.repair`), then runs passes: each picks every applicable fix whose
paths do not overlap another's (:func:`choose`), applies them as one patch verified by the
engine (:func:`_one_pass`; one by one when that fails) and re-checks the new text
(:func:`_recheck`). It stops at a fixed point, at a cycle, or after :data:`MAX_PASSES`.

No pass re-reads text an earlier pass's meaning-keeping rule wrote (CFX806, CFX807:
:class:`~cfnfix.patch.produced.Produced`, docs/design.md "Meaning"): a fix that would rewrite
it waits for good, unless its rule keeps meaning too; and a fix that writes a name another fix of the same pass renames waits for the
next pass, which sees the new name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from .checking import kept_findings, load_template, run_rules
from .config import Settings
from .document import Document, load
from .errors import AnchoredEditError, PatchError
from .findings import Applicability, Finding, Fix, Operation, Patch, ResourceImpact
from .rules import repairs_text
from .template.model import SECTION_ORDER

if TYPE_CHECKING:
    from .patch.produced import Produced

__all__ = ["MAX_PASSES", "FailedFix", "FixResult", "as_apply_sees", "choose", "fix_text"]

#: Fix passes before giving up on reaching a fixed point (as ruff's MAX_ITERATIONS).
MAX_PASSES = 10


class FailedFix(BaseModel):
    """A fix that was dropped because its patch could not be applied or verified."""

    model_config = ConfigDict(frozen=True)

    finding: Finding
    reason: str


class FixResult(BaseModel):
    """What :func:`cfnfix.fix` did to one template."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    original: str = Field(description="The input text.")
    text: str = Field(description="The fixed text (equal to original when nothing changed).")
    patch: Patch = Field(description="RFC 6902 patch from the input's data to the output's.")
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
    checked: list[Finding] | None = Field(
        None,
        description=(
            "The findings of the input, as `cfnfix check` reports them (the fix loop's first pass, "
            "cfn-lint's findings with --cfn-lint); None unless asked for (fix_text(..., checked=True))."
        ),
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


def _touched(op: Operation) -> list[str]:
    paths = [op["path"]]
    if "from" in op:
        paths.append(op["from"])
    return [_region(p) for p in paths]


def _region(pointer: str) -> str:
    """What an operation at ``pointer`` may disturb: an array element's whole array
    (adding or removing one element shifts the indices of its siblings)."""
    head, _, last = pointer.rpartition("/")
    return head if last == "-" or (last.isdigit() and last.isascii()) else pointer


def _ancestors(pointer: str) -> Iterator[str]:
    """The pointers above ``pointer``, nearest first, the whole document (``""``) last."""
    cut = pointer.rfind("/")
    while cut >= 0:
        pointer = pointer[:cut]
        yield pointer
        cut = pointer.rfind("/")


def choose(
    findings: list[Finding],
    unsafe: bool,
    produced: Produced | None = None,
    keeps: frozenset[str] = frozenset(),
    *,
    follow: bool = True,
) -> list[Finding]:
    """Fixes to apply in one pass: applicable ones whose paths do not overlap earlier picks,
    that re-read no text an earlier pass's meaning-keeping fix wrote (``produced``) unless
    their own rule keeps meaning (``keeps``: rule ids; such a fix cannot read the text
    differently), and that write no name another pick renames. Each path is looked up with its
    ancestors, not compared with every path taken: thousands of fixes cost thousands of
    lookups, not millions.

    With ``follow``, a fix inside a key an earlier pick renames is taken with its pointers
    moved to the key's new place (:class:`_KeyRenames`; the finding returned carries that
    patch). Without it (a document with YAML anchors, whose refusal is judged on the pointers
    of the text as parsed), such a fix waits for the next pass."""
    from .patch.produced import RenamedNames, WrittenTexts, renamed

    chosen: list[Finding] = []
    taken: set[str] = set()
    above: set[str] = set()  # every ancestor of a path taken
    keys = _KeyRenames()  # the chosen fixes' key renames: a later fix inside a renamed key follows it
    renaming = RenamedNames()  # names the chosen fixes rename: a fix that writes one waits
    written = WrittenTexts()  # what the chosen fixes write: a rename of a name written there waits
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    for finding in sorted(findings, key=lambda f: (f.severity.rank, f.line, f.column, f.rule_id)):
        fx = finding.fix
        if fx is None or fx.applicability not in allowed or not fx.changes:
            continue
        patch, free, origins = keys.follow(fx.patch) if follow and keys and not fx.edits else (fx.patch, {}, {})
        paths = [p for op in patch if op.get("op") != "test" for p in _touched(op)]
        renaming_keys = {op["from"] for op in patch if _key_rename(op)}
        if any(_overlaps(p, taken, above, free.get(p, ()), p in renaming_keys) for p in paths):
            continue
        if any(_overlaps(o, taken, above, free[p]) for p, found in origins.items() for o in found):
            continue  # where it was written, before the rename: an earlier operation of the pass may be there
        if produced is not None and finding.rule_id not in keeps and produced.conflict(patch) is not None:
            continue  # it would read a fix's output as the user's text (docs/design.md, "Meaning")
        names = renamed(patch)
        if renaming.written_by(patch) or (names and written.hold_any(names)):
            continue  # it would write a name another fix of the pass renames: next pass, with the new name
        if patch is not fx.patch:
            finding = finding.model_copy(update={"fix": fx.model_copy(update={"patch": patch})})
        chosen.append(finding)
        for p in paths:
            taken.add(p)
            _mark_above(p, above)
        for found in origins.values():
            for p in found:
                taken.add(p)  # where the operation was written (before the rename): the same node
                _mark_above(p, above)
        keys.add(patch)
        renaming.update(names)
        written.add(patch)
    return chosen


def _mark_above(pointer: str, above: set[str]) -> None:
    """Add the pointers above ``pointer`` to ``above`` (which holds every ancestor of what it
    holds: the walk up stops at the first one already there)."""
    cut = pointer.rfind("/")
    while cut >= 0:
        pointer = pointer[:cut]
        if pointer in above:
            return
        above.add(pointer)
        cut = pointer.rfind("/")


def _overlaps(path: str, taken: set[str], above: set[str], free: tuple[str, ...], renamed: bool = False) -> bool:
    """True when ``path`` is a path taken, above one (unless it is a key the operation
    ``renamed``: the rename comes after the operations below it and carries them along), or
    below one (other than ``free``: the renamed keys an operation was moved under, see
    :class:`_KeyRenames`)."""
    return (
        path in taken or (path in above and not renamed) or any(a in taken and a not in free for a in _ancestors(path))
    )


def _key_rename(op: Operation) -> bool:
    """True for a move of an object's entry to another key of the same object (a rename)."""
    if op.get("op") != "move":
        return False
    source, target = op.get("from", ""), op.get("path", "")
    parent, _, old = source.rpartition("/")
    other, _, new = target.rpartition("/")
    return parent == other and old != new and not (old.isdigit() or new.isdigit() or new == "-")


class _KeyRenames:
    """The key renames (moves within one object: a logical ID corrected) of the fixes a pass
    chose so far. A later fix whose operations lie inside a renamed key is written after the
    rename, at the key's new place: a chain of invalid logical IDs that name each other (each
    rename rewrites a reference inside the previous one) is fixed in one pass, not one pass per
    link (RFC 6902 applies operations in order, so the combined patch means the same)."""

    def __init__(self) -> None:
        self._moves: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self._moves)

    def add(self, patch: Patch) -> None:
        """Record the key renames of a chosen ``patch``."""
        for op in patch:
            if _key_rename(op):
                self._moves[op["from"]] = op["path"]

    def follow(self, patch: Patch) -> tuple[Patch, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        """``patch`` with its pointers inside a renamed key moved to the key's new place (the
        same list when none is); for each moved path of the result (as :func:`_touched` gives
        it), the renamed keys (old and new pointers) it lies under, and the paths it came from."""
        out: Patch = []
        free: dict[str, tuple[str, ...]] = {}
        origins: dict[str, tuple[str, ...]] = {}
        changed = False
        for op in patch:
            new = dict(op)
            for key in ("path", "from"):
                pointer = op.get(key)
                if not isinstance(pointer, str):
                    continue
                followed, keys = self._follow(pointer)
                if keys:
                    changed = True
                    new[key] = followed
                    region = _region(followed)
                    free[region] = (*free.get(region, ()), *keys)
                    origins[region] = (*origins.get(region, ()), _region(pointer))
            out.append(new)  # type: ignore[arg-type]
        return (out, free, origins) if changed else (patch, {}, {})

    def _follow(self, pointer: str) -> tuple[str, tuple[str, ...]]:
        keys: tuple[str, ...] = ()
        for _ in range(pointer.count("/")):  # a key renamed inside a renamed key: follow both
            for above in _ancestors(pointer):
                if above in self._moves:
                    target = self._moves[above]
                    pointer = target + pointer[len(above) :]
                    keys = (*keys, above, target)
                    break
            else:
                break
        return pointer, keys


def _fix_of(finding: Finding) -> Fix:
    """The fix of a finding the loop chose (chosen findings always have one)."""
    assert finding.fix is not None
    return finding.fix


def _refuse_anchored(chosen: list[Finding], document: Document) -> None:
    """Raise :class:`AnchoredEditError` when a chosen fix would edit a YAML anchor, alias or merge key."""
    if not document.expansions:
        return
    from .document.expansions import conflict, refusal_reason

    for finding in chosen:
        found = conflict(_fix_of(finding).patch, document.expansions)
        if found is not None:
            _, op, expansion = found
            line, col = document.lines.line_col(expansion.offset)
            reason = refusal_reason(
                f"the fix of {finding.rule_id} {finding.rule_name} ({finding.line}:{finding.column})", op, expansion
            )
            raise AnchoredEditError(reason, file=document.file, line=line, column=col)


def as_apply_sees(
    findings: list[Finding], document: Document, unsafe: bool, settings: Settings | None = None
) -> tuple[list[Finding], str | None]:
    """``check``'s findings as ``apply`` will treat them: when ``apply`` would refuse the file
    (a pass would edit YAML that an anchor, alias or merge key repeats), no fix of it is
    applied, so none is offered (each fix becomes display-only, saying why) and the reason is
    returned (``file:line:col: …``, as ``apply`` says it); otherwise the findings as they are and
    None. ``[*]`` then means ``apply`` fixes it.

    The first pass is judged from ``findings``; with ``settings``, a file with anchors whose
    first pass is allowed is fixed as ``apply`` would (in memory), since a later pass may
    reach anchored text (a section name corrected first, then a rename inside the anchor)."""
    if not document.expansions:
        return findings, None
    try:
        chosen = choose(findings, unsafe, follow=False)
        _refuse_anchored(chosen, document)
        if chosen and settings is not None:
            fix_text(document.text, document.file, settings.model_copy(update={"cfn_lint": False}), document)
    except AnchoredEditError as exc:
        reason = f"apply refuses this file: {exc.reason}"
        changed = [
            f.model_copy(
                update={"fix": f.fix.model_copy(update={"applicability": Applicability.NONE, "unsafe_reason": reason})}
            )
            if f.fix is not None and f.fix.applicability is not Applicability.NONE
            else f
            for f in findings
        ]
        return changed, str(exc)
    return findings, None


@dataclass
class _Run:
    """The state of one :func:`fix_text`: the current text, its parse and findings, and what was done."""

    file: str | None
    settings: Settings
    original: str
    text: str
    document: Document
    findings: list[Finding] = field(default_factory=list)
    own: list[Finding] = field(default_factory=list)
    """The rules' findings of ``document`` before its suppressions (``findings`` is what they keep)."""
    seen: set[str] = field(default_factory=set)
    patch: Patch = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    failed: list[FailedFix] = field(default_factory=list)
    failed_keys: set[tuple[str, str, str]] = field(default_factory=set)
    passes: int = 0
    converged: bool = True
    produced: Produced | None = None
    """What earlier passes wrote: no later pass re-reads it."""
    keeps: frozenset[str] = frozenset()
    """Ids of the selected rules that keep meaning (``Rule.keeps_meaning``)."""

    def check(self, document: Document) -> None:
        """Take ``document`` as the current one and run the rules on it."""
        self.document = document
        self.own = run_rules(document, self.settings)
        self.findings = kept_findings(document, self.settings, self.own)

    def candidates(self) -> list[Finding]:
        """The current findings but those whose fix already failed."""
        return [f for f in self.findings if (f.rule_id, f.path, f.message) not in self.failed_keys]

    def drop(self, finding: Finding, reason: str) -> None:
        """Record a fix that failed: listed in ``failed``, never tried again."""
        self.failed.append(FailedFix(finding=finding, reason=reason))
        self.failed_keys.add((finding.rule_id, finding.path, finding.message))


def fix_text(
    text: str, file: str | None, settings: Settings, document: Document | None = None, *, checked: bool = False
) -> FixResult:
    """:func:`cfnfix.fix` on text with resolved settings (``document``: ``text`` already parsed).

    Each pass checks the current text, picks every applicable fix whose paths do not
    overlap another's (overlapping ones wait for the next pass), and applies them as one
    patch, verified by the engine; if that fails, one by one. A fix whose patch fails to
    apply or verify is dropped, listed in ``failed`` and not tried again; a fix that would edit
    a YAML anchor, alias or merge key raises :class:`~cfnfix.errors.AnchoredEditError` (the
    whole file is refused). Passes stop at a fixed point, when
    a pass would return to a text seen before (a cycle), or after :data:`MAX_PASSES`.

    ``checked``: the result's ``checked`` holds the input's findings as ``check`` reports them
    (for a caller that reports both, e.g. ``cfnfix dataset apply``): the first pass's check,
    which the rules run for once; with cfn-lint, cfn-lint's findings of the input join it (the
    final lint's when no pass changed the text, else one more lint of the input).
    """
    if document is None:
        document = load_template(text, file, settings)
    original_data = document.data
    # cfn-lint's findings carry no fix, so they cannot change what a pass applies: the
    # passes run without it and cfn-lint lints the final text (below) once.
    passes_settings = settings.model_copy(update={"cfn_lint": False}) if settings.cfn_lint else settings
    from .checking import selected_rules
    from .patch.produced import Produced

    run = _Run(file, passes_settings, text, text, document, seen={text}, produced=Produced())
    run.keeps = frozenset(rule.id for rule in selected_rules(passes_settings) if rule.keeps_meaning)
    run.check(document)
    first = run.own  # the rules' findings of the input, before its suppressions
    found = run.findings if checked and not settings.cfn_lint else None
    _repair_first(run)
    while chosen := choose(
        run.candidates(), passes_settings.unsafe_fixes, run.produced, run.keeps, follow=not run.document.expansions
    ):
        if run.passes == MAX_PASSES:
            run.converged = False
            break
        run.passes += 1
        new_text, applied, ops = _one_pass(run, chosen)
        if not applied:
            continue
        if new_text in run.seen:
            run.converged = False  # a cycle: stop where we are
            break
        _recheck(run, new_text, applied + _along(run.candidates(), chosen, applied), ops)
    if settings.cfn_lint:  # the last check's rule findings, with cfn-lint's of the same text
        run.findings = _linted(run.document, settings, run.own)
        if checked:
            found = run.findings if run.document is document else _linted(document, settings, first)
    from .impact import impact_of

    return FixResult(
        file=file,
        original=run.original,
        text=run.text,
        patch=run.patch,
        fixed=run.fixed,
        remaining=run.findings,
        failed=run.failed,
        passes=run.passes,
        converged=run.converged,
        impact=impact_of(original_data, run.patch),
        checked=found,
    )


def _linted(document: Document, settings: Settings, own: list[Finding]) -> list[Finding]:
    """What :func:`~cfnfix.checking.findings_for` gives with cfn-lint, from the rules' findings
    ``own`` of ``document`` (already run: only cfn-lint runs here)."""
    from .cfn_lint.findings import lint_findings

    return kept_findings(document, settings, own, lint_findings(document, settings))


def _repair_first(run: _Run) -> None:
    """The text-level repair (a rule that repairs text: CFX801) comes first: the patches apply to parseable text."""
    from .document.repair import RepairedDocument

    document = run.document
    if not isinstance(document, RepairedDocument) or document.repair is None:
        return
    repairs = [f for f in run.findings if repairs_text(f.rule_id)]
    if not repairs:  # silenced in the template: the text stays unparseable
        load(run.text, run.file)
    run.text = document.repair.repaired
    run.seen.add(run.text)
    run.fixed.extend(repairs)
    run.check(load(run.text, run.file))


def _one_pass(run: _Run, chosen: list[Finding]) -> tuple[str, list[Finding], Patch]:
    """(new text, fixes applied, their operations) of one pass over ``chosen``.

    All at once (one parse and one verification: the fixes do not overlap); when that
    fails, one by one, dropping the culprits. Fixes made of text edits (comments) go alone,
    on the text they were made on.
    """
    from .patch import apply_patch  # here, not at the top: `check` never needs the patch engine
    from .patch.text_edits import apply_fix, apply_verified_edits

    text, file = run.text, run.file
    edited = [f for f in chosen if f.fix is not None and f.fix.edits]
    if edited:
        chosen = edited
    _refuse_anchored(chosen, run.document)
    fixes = [_fix_of(f) for f in chosen]
    ops: Patch = [op for fx in fixes for op in fx.patch]
    try:
        if edited:
            return apply_verified_edits(text, [e for fx in fixes for e in fx.edits], file=file), list(chosen), ops
        return apply_patch(text, ops, file=file, key_order=SECTION_ORDER), list(chosen), ops
    except AnchoredEditError:
        raise  # the file is refused: fixing it would edit text that stands for data elsewhere too
    except PatchError:
        pass
    new_text = text
    applied: list[Finding] = []
    ops = []
    for finding in chosen:  # find the culprits; keep the rest
        fx = _fix_of(finding)
        try:
            if edited:
                apply_fix(text, fx, file=file)  # alone: their offsets are in `text`
            else:
                new_text = apply_fix(new_text, fx, file=file, key_order=SECTION_ORDER)
        except PatchError as exc:
            run.drop(finding, exc.reason)
            continue
        applied.append(finding)
        ops.extend(fx.patch)
    if edited and applied:
        try:
            new_text = apply_verified_edits(text, [e for f in applied for e in _fix_of(f).edits], file=file)
        except PatchError:
            applied = []
    return new_text, applied, ops


def _along(candidates: list[Finding], chosen: list[Finding], applied: list[Finding]) -> list[Finding]:
    """Findings left out of the pass whose every operation is one the pass applied (two unused
    conditions that are all there is both remove ``/Conditions``; a placeholder default the
    peering fix empties too): they are fixed as well, and counted so (``check`` and ``apply``
    count the same)."""
    # looked up by what cheaply tells them apart, then compared whole (thousands of fixes in a pass)
    done: dict[tuple[Any, Any, Any], list[Operation]] = {}
    for f in applied:
        for op in _fix_of(f).patch:
            if op.get("op") != "test":
                done.setdefault((op.get("op"), op.get("path"), op.get("from")), []).append(op)
    picked: dict[tuple[str, str, str], list[Finding]] = {}
    for f in chosen:
        picked.setdefault((f.rule_id, f.path, f.message), []).append(f)
    out = []
    for f in candidates:
        if f.fix is None or not f.fix.patch or f in picked.get((f.rule_id, f.path, f.message), ()):
            continue
        ops = [op for op in f.fix.patch if op.get("op") != "test"]
        if ops and all(op in done.get((op.get("op"), op.get("path"), op.get("from")), ()) for op in ops):
            out.append(f)
    return out


def _recheck(run: _Run, new_text: str, applied: list[Finding], ops: Patch) -> None:
    """Take the pass's text and check it again."""
    run.seen.add(new_text)
    if run.produced is not None:
        produces = [f.rule_id in run.keeps for f in applied for _ in _fix_of(f).patch]
        run.produced.record(ops, run.document.data, produces if len(produces) == len(ops) else None)
    run.text = new_text
    run.patch.extend(ops)
    run.fixed.extend(applied)
    run.check(load(new_text, run.file))
