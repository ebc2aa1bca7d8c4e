"""One file's job — read it, recognise a template, check or fix it, ``--verify`` the fix —
and the jobs of a run (:func:`prepare`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..config import Settings
from ..document.gcpause import freeze_survivors
from ..errors import CfnfixError, TemplateError
from ..io.files import STDIN, read_text, stdin_text
from ..template.model import is_template, looks_like_template
from .outcome import FileOutcome
from .targets import Target, collect

__all__ = ["Job", "prepare", "run_job"]


@dataclass
class Job:
    """One file to check or fix, with its settings (picklable, for worker processes)."""

    target: Target
    settings: Settings
    mode: Literal["check", "fix"]
    templates_only: bool = False
    stdin_text: str | None = None
    verify: tuple[str, ...] | None = None
    """``fix`` only: cfn-lint regions to verify the fixed text against (None: no cfn-lint)."""


def prepare(
    paths: Iterable[str],
    *,
    mode: Literal["check", "fix"],
    settings_for: Callable[[str | None], Settings],
    templates_only: bool = False,
    read_stdin: Callable[[], str] = stdin_text,
    verify: tuple[str, ...] | None = None,
) -> tuple[list[Job], list[FileOutcome]]:
    """Jobs for ``paths``, and outcomes for paths that cannot even be started (missing, bad stdin).

    ``settings_for(path)`` gives the settings of a template (None: standard input);
    ``verify``: cfn-lint regions to check fixed texts against (see :class:`Job`).
    Configuration errors propagate (:class:`~cfnfix.errors.ConfigError`): they concern
    the whole run, not one file.
    """
    targets, errors = collect(paths)
    failed = [FileOutcome(e.file or "?", error=e) for e in errors]
    jobs: list[Job] = []
    for target in targets:
        if target.path == STDIN:
            try:
                text = read_stdin()
            except CfnfixError as exc:
                failed.append(FileOutcome(STDIN, error=exc.with_file(STDIN)))
                continue
            jobs.append(Job(target, settings_for(None), mode, templates_only, text, verify))
        else:
            jobs.append(Job(target, settings_for(target.path), mode, templates_only, None, verify))
    return jobs, failed


def run_job(job: Job) -> FileOutcome:
    """Read, recognise, check or fix one file. Never raises for bad input: errors are returned."""
    from ..checking import findings_for, load_template
    from ..document import detect_format, parse_cached
    from ..errors import ParseError
    from ..fixing import as_apply_sees, fix_text

    name = job.target.path
    out = FileOutcome(name, unsafe=job.settings.unsafe_fixes)
    recognise = not job.target.explicit or job.templates_only
    try:
        text = job.stdin_text if job.stdin_text is not None else read_text(name)
        out.text = text
        if recognise and not looks_like_template(text):
            out.skipped = True
            return out
        if recognise:
            try:
                data = parse_cached(text, name, nodes=False)[2]
            except ParseError:
                data = None  # broken: the repair may read it (then it is judged below), else the error
            else:
                if not is_template(data):
                    out.skipped = True
                    return out
        # A YAML file to fix is parsed with positions at once: the engine needs them for any fix,
        # and a data-only parse first would be thrown away (JSON's data-only parse is the C
        # decoder, cheap beside its position scanner, so JSON keeps it).
        document = load_template(text, name, job.settings, nodes=job.mode != "check" and detect_format(text) == "yaml")
        # The parse (made with the cyclic collector off) is most of the heap now, acyclic, and
        # lives as long as this job: out of the collector's sight, the rules and the fix
        # passes no longer pay for rescanning it (about 0.1 s of `apply` on 1 MB). Refcounting
        # still frees it when the job ends.
        freeze_survivors()
        if recognise and not is_template(document.data):
            out.skipped = True
            return out
        if job.mode == "check":
            out.findings, refused = as_apply_sees(
                findings_for(document, job.settings), document, job.settings.unsafe_fixes
            )
            if refused is not None:
                out.notes.append(refused)
        else:
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
