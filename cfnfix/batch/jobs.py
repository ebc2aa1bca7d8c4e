"""One file's job — read it, recognise a template, check or fix it, ``--verify`` the fix —
and the jobs of a run (:func:`prepare`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..config import Settings
from ..document.gcpause import freeze_survivors, gc_paused
from ..errors import CfnfixError, TemplateError
from ..io.files import STDIN, read_text, stdin_text
from ..template.model import is_template, looks_like_template
from .outcome import FileOutcome
from .targets import Target, Walk, collect

__all__ = ["Job", "prepare", "run_job"]


@dataclass
class Job:
    """One file to check or fix, with its settings (picklable, for worker processes)."""

    target: Target
    settings: Settings
    mode: Literal["check", "fix"]
    templates_only: bool = False
    """Skip a file named explicitly that is not a template without a note (the pre-commit hooks)."""
    stdin_text: str | None = None
    verify: tuple[str, ...] | None = None
    """``fix`` only: cfn-lint regions to verify the fixed text against (None: no cfn-lint)."""
    full_impact: bool = True
    """``check`` only: compute every fix's deployed-stack impact (for a report that shows it);
    False: only the impact of fixes their rule calls safe, which decides their applicability."""


def prepare(
    paths: Iterable[str],
    *,
    mode: Literal["check", "fix"],
    settings_for: Callable[[str | None], Settings],
    templates_only: bool = False,
    read_stdin: Callable[[], str] = stdin_text,
    verify: tuple[str, ...] | None = None,
    walk: Walk | None = None,
    full_impact: bool = True,
) -> tuple[list[Job], list[FileOutcome]]:
    """Jobs for ``paths``, and outcomes for paths that cannot even be started (missing, bad stdin)
    or that a folder walk left alone with a reason (skipped, with :attr:`FileOutcome.skip_reason`).

    ``settings_for(path)`` gives the settings of a template (None: standard input);
    ``verify``: cfn-lint regions to check fixed texts against (see :class:`Job`);
    ``walk``: how folders are walked (exclusions, ``.gitignore``, symbolic links);
    ``full_impact``: see :attr:`Job.full_impact`.
    Configuration errors propagate (:class:`~cfnfix.errors.ConfigError`): they concern
    the whole run, not one file.
    """
    targets, errors, left = collect(paths, walk)
    failed = [FileOutcome(e.file or "?", error=e) for e in errors]
    failed += [FileOutcome(s.path, skipped=True, skip_reason=s.reason) for s in left]
    jobs: list[Job] = []
    for target in targets:
        if target.path == STDIN:
            try:
                text = read_stdin()
            except CfnfixError as exc:
                failed.append(FileOutcome(STDIN, error=exc.with_file(STDIN)))
                continue
            jobs.append(Job(target, settings_for(None), mode, templates_only, text, verify, full_impact))
        else:
            jobs.append(Job(target, settings_for(target.path), mode, templates_only, None, verify, full_impact))
    return jobs, failed


def run_job(job: Job) -> FileOutcome:
    """Read, recognise, check or fix one file. Never raises for bad input: errors are returned.

    The cyclic garbage collector is off for the job: a job allocates parses (a data-only one,
    and a node tree when a finding needs positions) and the rules' results, trees that reference
    counting frees; with the collector on, each parse's objects were scanned again as soon as the
    parse ended (a quarter of the time of a position parse) and the rules' allocations set off
    further collections. What the job leaves behind is freed when its frame goes (before the
    collector is back on); cyclic garbage of the job is collected afterwards.
    """
    with gc_paused():
        return _run_job(job)


def _run_job(job: Job) -> FileOutcome:
    """:func:`run_job` with the collector off."""
    from ..checking import findings_for, load_template
    from ..document import detect_format, parse_cached
    from ..errors import ParseError

    name = job.target.path
    out = FileOutcome(name, unsafe=job.settings.unsafe_fixes)
    try:
        text = job.stdin_text if job.stdin_text is not None else read_text(name)
        out.text = text
        # Only templates get rules: any other file (a Kubernetes manifest, a workflow) is
        # skipped, with a note when it was named explicitly (never "fixed" into a template).
        # A file named explicitly that looks like a template (an AWSTemplateFormatVersion or
        # Resources key) is judged as one: its errors are errors; so is an empty one (a
        # template emptied by mistake must not pass).
        explicit = job.target.explicit and not job.templates_only
        if _is_markdown(name, text):  # templates in fences: see cfnfix.markdown
            _run_markdown(job, text, out, recognise=not explicit)
            return out
        if not looks_like_template(text) and not (explicit and _empty(text)):
            return _skip(out, job)
        if not explicit:
            try:
                data = parse_cached(text, name, nodes=False)[2]
            except ParseError:
                data = None  # broken: the repair may read it (then it is judged below), else the error
            else:
                if not is_template(data):
                    return _skip(out, job)
        # A YAML file to fix is parsed with positions at once: the engine needs them for any fix,
        # and a data-only parse first would be thrown away (JSON's data-only parse is the C
        # decoder, cheap beside its position scanner, so JSON keeps it).
        document = load_template(text, name, job.settings, nodes=job.mode != "check" and detect_format(text) == "yaml")
        # The parse (made with the cyclic collector off) is most of the heap now, acyclic, and
        # lives as long as this job: out of the collector's sight, the rules and the fix
        # passes no longer pay for rescanning it (about 0.1 s of `apply` on 1 MB). Refcounting
        # still frees it when the job ends.
        freeze_survivors()
        if not explicit and not is_template(document.data):
            return _skip(out, job)
        # The rules and the fix passes build long-lived, acyclic objects by the hundred
        # thousand (findings, each pass's parse): the cyclic collector, triggered by their
        # number, would rescan them again and again (a quarter of `apply` on a 1 MB template
        # with 7,500 findings). It is off for the job; what cyclic garbage the job leaves is
        # collected once it is back on (the next allocations after the job).
        with gc_paused():
            if job.mode == "check":
                from ..fixing import as_apply_sees

                out.findings, refused = as_apply_sees(
                    findings_for(document, job.settings, impact=True if job.full_impact else "safe"),
                    document,
                    job.settings.unsafe_fixes,
                    job.settings,
                )
                if refused is not None:
                    out.notes.append(refused)
            else:
                from ..fixing import fix_text

                out.result = fix_text(text, name, job.settings, document)
                out.findings = list(out.result.remaining)
                if job.verify is not None and out.result.changed:
                    _verify(out, job.verify)
    except CfnfixError as exc:
        out.error = exc.with_file(name)
    except RecursionError:
        out.error = TemplateError("nesting is too deep to process", file=name)
    except Exception as exc:
        where = _origin(exc)
        out.error = CfnfixError(f"internal error{where}: {type(exc).__name__}: {exc} (please report this)", file=name)
    if out.error is not None:  # a file with an error is reported as such, never written
        out.findings = []
        out.result = None
    return out


#: Why a file named explicitly is skipped.
NOT_A_TEMPLATE = "not a CloudFormation template (no AWSTemplateFormatVersion, no Resources mapping): no rule applies"


def _empty(text: str) -> bool:
    """True when ``text`` holds nothing but blanks and comments (a BOM aside)."""
    return not any(line.strip() and not line.lstrip().startswith("#") for line in text.lstrip("\ufeff").splitlines())


def _skip(out: FileOutcome, job: Job) -> FileOutcome:
    """``out`` as a skipped file (a note for a file named explicitly, unless ``--templates-only``)."""
    out.skipped = True
    if job.target.explicit and not job.templates_only:
        out.skip_reason = NOT_A_TEMPLATE
    return out


def _is_markdown(name: str, text: str) -> bool:
    """A ``.md`` / ``.markdown`` file, or standard input that starts a line with a fence."""
    from ..markdown.recognise import is_markdown_path, looks_like_markdown

    return is_markdown_path(name) if name != STDIN else looks_like_markdown(text)


def _run_markdown(job: Job, text: str, out: FileOutcome, recognise: bool) -> None:
    """Check or fix the templates in a Markdown file's fences (see :mod:`cfnfix.markdown`): a
    fence that does not parse is an error of its own (``part_errors``); the others go on."""
    from ..markdown import check_markdown, fix_markdown

    name = out.file
    if job.mode == "check":
        checked = check_markdown(text, name, job.settings)
        templates, errors = checked.templates, checked.errors
        out.findings = checked.findings
    else:
        result = fix_markdown(text, name, job.settings)
        templates, errors = result.templates, result.errors
        out.result = result
        out.findings = list(result.remaining)
        if job.verify is not None and result.changed:
            _verify_markdown(out, job.verify)
    out.part_errors = [e.error(name) for e in errors]
    if recognise and not templates and not errors:
        out.skipped = True  # found in a folder (or --templates-only): no template in it


def _verify_markdown(out: FileOutcome, regions: tuple[str, ...]) -> None:
    """``--verify`` of each fenced template a fix changed, as of a file."""
    from ..cfn_lint.unmasking import judge, unmasked_note
    from ..cfn_lint.verify import refusal
    from ..errors import LintRefusalError
    from ..markdown import changed_blocks

    assert out.result is not None
    for block in changed_blocks(out.result):
        verdict = judge(block.original, block.text, block.patch, regions)
        if verdict.new:
            raise LintRefusalError(f"the template of line {block.line}: {refusal(verdict.new)}", file=out.file)
        if verdict.unmasked:
            out.notes.append(f"the template of line {block.line}: {unmasked_note(verdict.unmasked)}")


def _verify(out: FileOutcome, regions: tuple[str, ...]) -> None:
    """Refuse the fix of a file when cfn-lint finds an error in it that the original does not
    have and that is about a node the fix changed; errors the fix only unmasked become a note
    (see :mod:`cfnfix.cfn_lint.unmasking`)."""
    from ..cfn_lint.unmasking import judge, unmasked_note
    from ..cfn_lint.verify import refusal
    from ..errors import LintRefusalError

    assert out.result is not None
    verdict = judge(out.result.original, out.result.text, out.result.patch, regions)
    if verdict.new:
        raise LintRefusalError(refusal(verdict.new), file=out.file)
    if verdict.unmasked:
        out.notes.append(unmasked_note(verdict.unmasked))


def _origin(exc: BaseException) -> str:
    """`` in rules/x.py:12``: the innermost frame of the traceback outside the standard
    library and installed packages (a rule, usually), else empty."""
    import sysconfig

    libraries = tuple(
        os.path.realpath(p)
        for p in {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
        if p
    )
    here = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the cfnfix package
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        filename = os.path.realpath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(here) or not filename.startswith(libraries):
            parts = filename.replace(os.sep, "/").split("/")
            found = f" in {'/'.join(parts[-2:])}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
