"""What the ``cfnfix`` commands share, without typer: colours, one-line errors, the run of
many files (settings, jobs, progress) and the whole ``check`` command.

:mod:`cfnfix.cli.app` declares the commands for typer; ``cfnfix check`` with options that
:mod:`cfnfix.cli.fast` reads is also run from here without importing typer (its import and the
building of every command's parameters were a fifth of ``check``'s start-up).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ..batch.outcome import FileOutcome
    from ..errors import CfnfixError

__all__ = [
    "CHECK_FORMATS",
    "EXIT_ERROR",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "PROGRESS_THRESHOLD",
    "Stop",
    "check_command",
    "report_error",
    "use_color",
    "warnings_as_lines",
]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
#: Show a progress bar (on a terminal) from this many files on.
PROGRESS_THRESHOLD = 20
#: ``cfnfix check --format`` values.
CHECK_FORMATS = ("text", "json", "sarif", "github", "markdown")


class Stop(Exception):
    """End the command with exit status ``code`` (what has to be said is said already)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def use_color(no_color: bool, stream: Any) -> bool:
    """Colours only on a terminal, never with ``--no-color`` or ``NO_COLOR``; ``FORCE_COLOR`` forces them."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _out(text: str) -> None:
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


def report_error(error: CfnfixError | str, color: bool = False) -> None:
    """One line on stderr: ``error: file:line:col: reason``."""
    from ..errors import CfnfixError
    from ..report import style

    if isinstance(error, CfnfixError) and error.file is None and error.line is None:
        error = error.reason  # not about a file: no "<string>:" prefix
    _err(f"{style('error:', '1;31', color)} {error}")


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr while files are processed (only when ``enabled``)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        TextColumn("cfnfix"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("files", total=total)
        yield lambda: bar.advance(task)


def _run(
    paths: list[str] | None,
    *,
    mode: str,
    select: list[str] | None,
    ignore: list[str] | None,
    config: str | None,
    unsafe_fixes: bool,
    show_unused: bool,
    templates_only: bool,
    quiet: bool,
    jobs: int,
    color: bool,
    verify: bool = False,
    cfn_lint: bool = False,
    regions: list[str] | None = None,
    profile: str | None = None,
    full_impact: bool = True,
) -> list[FileOutcome]:
    """Resolve settings, collect files, check or fix them; errors that stop the run exit 2."""
    from ..batch.jobs import prepare
    from ..batch.outcome import with_part_errors
    from ..batch.pool import run_jobs
    from ..config_files import ConfigResolver
    from ..errors import CfnfixError
    from ..profiles import unknown_profile_reason

    if profile is not None and (reason := unknown_profile_reason(profile)) is not None:
        report_error(f"--profile: {reason}", color)
        raise Stop(EXIT_ERROR)
    overrides = {
        "profile": profile,
        "select": _split(select),
        "ignore": _split(ignore),
        "unsafe_fixes": True if unsafe_fixes else None,
        "show_unused_suppressions": True if show_unused else None,
        "cfn_lint": True if cfn_lint else None,
        "cfn_lint_regions": _split(regions) if regions else None,
    }
    resolver = ConfigResolver(config, overrides)
    try:
        if config is not None:
            resolver.for_path(config)  # a bad --config fails before any file is read
        if cfn_lint or verify:
            from ..cfn_lint.runner import require

            require("--cfn-lint" if cfn_lint else "--verify")  # before any file is read
        job_list, failed = prepare(
            paths or ["."],
            mode=mode,
            settings_for=resolver.for_path,
            templates_only=templates_only,  # type: ignore[arg-type]
            include_for=lambda folder: tuple(resolver.for_path(os.path.join(folder, "-")).extend_include),
            full_impact=full_impact,
        )
        _lint_setup(job_list, verify=verify, regions=regions, flag=cfn_lint)
    except CfnfixError as exc:
        report_error(exc, color)
        raise Stop(EXIT_ERROR) from None
    _warn_profile_rules(_split(select), {job.settings.profile for job in job_list}, color)
    show = not quiet and len(job_list) >= PROGRESS_THRESHOLD and _isatty(sys.stderr)
    with _progress(len(job_list), show) as advance:
        outcomes = run_jobs(job_list, processes=jobs, progress=advance)
    return failed + with_part_errors(outcomes)


def _warn_profile_rules(select: list[str] | None, profiles_on: set[str | None], color: bool) -> None:
    """Warn about rules named in ``--select`` that belong to a profile no file has on (they do not run)."""
    if not select:
        return
    from ..report import style
    from ..rules import get_rule

    for token in select:
        rule = get_rule(token)
        if rule is not None and rule.profile is not None and rule.profile not in profiles_on:
            _err(
                f"{style('warning:', '1;33', color)} {rule.id} ({rule.name}) runs only with the {rule.profile} profile "
                f'(--profile {rule.profile}, or profile = "{rule.profile}" in the configuration): not run'
            )


def _lint_setup(job_list: list[Any], *, verify: bool, regions: list[str] | None, flag: bool = False) -> None:
    """Check cfn-lint and its regions once, before any file, for every job that runs it
    (``--cfn-lint``, ``cfn-lint = true`` in a configuration, ``--verify``)."""
    from ..errors import CfnfixError

    users = [job for job in job_list if job.settings.cfn_lint or verify]
    if regions and not users:
        raise CfnfixError("--regions is for cfn-lint: use it with --cfn-lint or --verify")
    checked: set[tuple[str, ...]] = set()
    for job in users:
        wanted = tuple(job.settings.cfn_lint_regions)
        if wanted not in checked:
            from ..cfn_lint.runner import validate_regions

            what = "--regions" if regions else "cfn-lint-regions"
            need = "--cfn-lint" if flag else "cfn-lint = true" if job.settings.cfn_lint else "--verify"
            validate_regions(wanted, need, option=what)
            checked.add(wanted)
        if verify:
            job.verify = wanted


def _report_errors(outcomes: list[FileOutcome], color: bool) -> None:
    for o in outcomes:
        if o.error is not None:
            report_error(o.error, color)


def check_command(
    paths: list[str] | None = None,
    output_format: str = "text",
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    config: str | None = None,
    unsafe_fixes: bool = False,
    profile: str | None = None,
    show_unused_suppressions: bool = False,
    templates_only: bool = False,
    quiet: bool = False,
    no_color: bool = False,
    jobs: int = 0,
    cfn_lint: bool = False,
    regions: list[str] | None = None,
) -> int:
    """``cfnfix check``: report what is wrong; the exit status (0: no findings; 1: findings;
    2: an error in any file). Raises :class:`Stop` when the run cannot start."""
    from ..report import ReportContext, render

    color = use_color(no_color, sys.stdout) and output_format == "text"
    outcomes = _run(
        paths,
        mode="check",
        select=select,
        ignore=ignore,
        config=config,
        unsafe_fixes=unsafe_fixes,
        show_unused=show_unused_suppressions,
        templates_only=templates_only,
        quiet=quiet,
        jobs=jobs,
        color=use_color(no_color, sys.stderr),
        cfn_lint=cfn_lint,
        regions=regions,
        profile=profile,
        # the text and GitHub formats show a fix's applicability, not its impact
        full_impact=output_format not in ("text", "github"),
    )
    _report_errors(outcomes, use_color(no_color, sys.stderr))
    unsafe = unsafe_fixes or any(o.unsafe for o in outcomes)
    ctx = ReportContext(color=color, quiet=quiet, unsafe=unsafe)
    _out(render(output_format, outcomes, ctx))
    return _exit_code(outcomes, any(o.findings for o in outcomes))


def _exit_code(outcomes: list[FileOutcome], failing: bool) -> int:
    if any(o.error is not None for o in outcomes):
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_OK


def warnings_as_lines() -> None:
    """Show each warning as one ``warning: …`` line on stderr: a deprecation meant for users
    (``FutureWarning``, e.g. a configuration key that moved), not a Python traceback-like note."""
    import warnings

    def show(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        _err(f"warning: {message}")

    warnings.showwarning = show  # type: ignore[assignment]
