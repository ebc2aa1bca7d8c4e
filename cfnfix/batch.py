"""Many templates at once: which files, with which settings, in how many processes.

Which files
    Every file named on the command line, ``-`` for standard input, and, for each folder,
    every regular file (or symlink to one) below it ending in ``.yaml``, ``.yml``,
    ``.json`` or ``.template`` (hidden folders, ``node_modules`` and ``__pycache__`` are
    skipped; symlinked folders are not followed; FIFOs, devices, sockets and dangling
    symlinks are left out). Files found in folders are kept only when they are CloudFormation templates
    (see :func:`is_template`); files named explicitly are always checked, unless
    ``templates_only`` asks for the same test on them too (what the pre-commit hooks do).

What is a CloudFormation template
    A mapping at the top level with an ``AWSTemplateFormatVersion`` key or a ``Resources``
    mapping (every deployable template has ``Resources``). A file that does not even
    mention one of those keys at the start of a line or after ``{``/``,`` is skipped without
    being parsed; one that mentions them but does not parse is reported as an error, since
    it is most likely a broken template.
"""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .config import Settings
from .errors import CfnfixError, TemplateError
from .findings import Finding

if TYPE_CHECKING:
    from .api import FixResult

__all__ = [
    "STDIN",
    "SUFFIXES",
    "FileOutcome",
    "Job",
    "Target",
    "collect",
    "is_template",
    "looks_like_template",
    "prepare",
    "run_job",
    "run_jobs",
    "stdin_text",
    "write_fixed",
]

#: Display name of standard input.
STDIN = "<stdin>"
#: File name endings searched for in folders.
SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SKIP_DIRS = {"node_modules", "__pycache__"}
_CFN_KEY = re.compile(r"""(?m)(?:^|[{,])[ \t]*["']?(?:AWSTemplateFormatVersion|Resources)["']?[ \t]*:""")
#: With this many files or more, ``jobs=0`` (auto) runs in several processes …
PARALLEL_THRESHOLD = 40
#: … when the machine has at least this many CPUs (on 2 CPUs, measured over the corpus,
#: worker start-up and result transfer cost more than the parallel work saves).
AUTO_MIN_CPUS = 4


def looks_like_template(text: str) -> bool:
    """Cheap test before parsing: does the text have a ``Resources`` or ``AWSTemplateFormatVersion`` key?"""
    return _CFN_KEY.search(text) is not None


def is_template(data: object) -> bool:
    """True for a top-level mapping with ``AWSTemplateFormatVersion`` or a ``Resources`` mapping."""
    return isinstance(data, dict) and ("AWSTemplateFormatVersion" in data or isinstance(data.get("Resources"), dict))


@dataclass(frozen=True)
class Target:
    """A file to process: its path as given (or :data:`STDIN`) and whether it was named explicitly."""

    path: str
    explicit: bool


def _walk(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(SUFFIXES) and not name.startswith("."):
                path = os.path.join(root, name)
                if os.path.isfile(path):  # not FIFOs, devices, sockets, dangling symlinks
                    yield path


def collect(paths: Iterable[str]) -> tuple[list[Target], list[CfnfixError]]:
    """Targets for the given paths (folders expanded), and errors for paths that do not exist."""
    targets: dict[str, Target] = {}
    errors: list[CfnfixError] = []
    for raw in paths:
        if raw == "-":
            targets.setdefault(STDIN, Target(STDIN, True))
        elif os.path.isdir(raw):
            for found in sorted(_walk(raw)):
                targets.setdefault(os.path.normpath(found), Target(os.path.normpath(found), False))
        elif os.path.lexists(raw):
            targets[os.path.normpath(raw)] = Target(os.path.normpath(raw), True)
        else:
            errors.append(TemplateError("no such file or directory", file=raw))
    return list(targets.values()), errors


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


@dataclass
class FileOutcome:
    """What happened to one file."""

    file: str
    text: str | None = None
    """The text read (None when it could not be read)."""
    findings: list[Finding] = field(default_factory=list)
    """``check``: the findings; ``fix``: the findings that remain after fixing."""
    result: FixResult | None = None
    """``fix`` only: the fix result."""
    error: CfnfixError | None = None
    skipped: bool = False
    """True when the file is not a CloudFormation template and was left out."""
    unsafe: bool = False
    """True when unsafe fixes were on for this file (flag or configuration)."""
    notes: list[str] = field(default_factory=list)
    """One-line notes for stderr (``--verify``: errors the fix unmasked)."""

    @property
    def checked(self) -> bool:
        """True when the file was checked (not skipped, no error)."""
        return not self.skipped and self.error is None


def run_job(job: Job) -> FileOutcome:
    """Read, recognise, check or fix one file. Never raises for bad input: errors are returned."""
    from .api import findings_for, fix_text, load_template
    from .document import detect_format, parse_cached, read_text
    from .errors import ParseError

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
        gc.freeze()
        if recognise and not is_template(document.data):
            out.skipped = True
            return out
        if job.mode == "check":
            out.findings = findings_for(document, job.settings)
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
    (see :mod:`cfnfix.unmasking`)."""
    from .errors import LintRefusalError
    from .lint import refusal
    from .unmasking import judge, unmasked_note

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
    here = os.path.dirname(os.path.realpath(__file__))
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        filename = os.path.realpath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(here) or not filename.startswith(libraries):
            parts = filename.replace(os.sep, "/").split("/")
            found = f" in {'/'.join(parts[-2:])}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def _workers(jobs: int, count: int) -> int:
    if jobs == 1 or count < 2:
        return 1
    if jobs <= 0:
        cpus = os.cpu_count() or 1
        if count < PARALLEL_THRESHOLD or cpus < AUTO_MIN_CPUS:
            return 1
        jobs = min(cpus, 8)
    return max(1, min(jobs, count))


def run_jobs(jobs: list[Job], *, processes: int = 0, progress: Callable[[], None] | None = None) -> list[FileOutcome]:
    """Run ``jobs`` in order of the list; ``processes`` 0 means automatic (parallel for many files).

    ``progress`` is called once per finished file.
    """
    workers = _workers(processes, len(jobs))
    outcomes: list[FileOutcome] = []
    if workers == 1:
        for job in jobs:
            outcomes.append(run_job(job))
            if progress:
                progress()
        return outcomes
    # Load the API and the rules before the pool starts: forked workers inherit them.
    from .api import findings_for  # noqa: F401
    from .rules import all_rules

    all_rules()
    linted = {tuple(j.settings.cfn_lint_regions) for j in jobs if j.settings.cfn_lint}
    linted |= {j.verify for j in jobs if j.verify is not None}
    if linted:  # cfn-lint's rules too (about a second per region set)
        from .lint import preload

        for regions in linted:
            preload(regions)
    from concurrent.futures import ProcessPoolExecutor

    chunk = max(1, min(16, len(jobs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for outcome in pool.map(run_job, jobs, chunksize=chunk):
            outcomes.append(outcome)
            if progress:
                progress()
    return outcomes


def stdin_text() -> str:
    """Standard input as text (UTF-8; BOM and line endings kept), as :func:`~cfnfix.document.read_text` reads files."""
    from .document import MAX_TEMPLATE_BYTES, decode_template, too_large

    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    raw = stream.read(MAX_TEMPLATE_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(too_large(), file=STDIN)
    return decode_template(raw, STDIN)


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


def write_fixed(outcomes: Iterable[FileOutcome]) -> None:
    """Write each fixed file in place, atomically (standard input is left to the caller).

    A file that cannot be written gets the error, loses its findings and its result (it
    was not fixed), and is left as it was.
    """
    from .writer import write_text

    for o in outcomes:
        result = o.result
        if result is None or not result.changed or o.file == STDIN:
            continue
        try:
            write_text(o.file, result.text, expected=result.original)
        except CfnfixError as exc:
            o.error = exc
            o.findings = []
            o.result = None
