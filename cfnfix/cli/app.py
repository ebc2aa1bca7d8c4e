"""The ``cfnfix`` command line: parse arguments, call the API, pick a reporter, exit.

Exit codes: 0 nothing found (or nothing to change), 1 findings (``apply``: something would
change, or findings remain after ``--write``), 2 usage, read, parse, configuration or write
error in any file. Errors are one line on stderr: ``error: file:line:col: reason``.

Only typer is imported at start-up; everything else is imported by the command that needs
it. ``cfnfix --version`` does not even import this module (see :mod:`cfnfix.__main__`).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, cast

import typer

from .dataset import dataset
from .help import HelpCommand, HelpGroup

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ..batch.outcome import FileOutcome
    from ..errors import CfnfixError
    from ..findings import Patch

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "app", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
#: Show a progress bar (on a terminal) from this many files on.
PROGRESS_THRESHOLD = 20

app = typer.Typer(
    name="cfnfix",
    help="Find what is broken in AWS CloudFormation templates and fix it, changing nothing else.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=HelpGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    """``cfnfix check --format``."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    markdown = "markdown"


class ApplyFormat(str, Enum):
    """``cfnfix apply --format``."""

    text = "text"
    json = "json"


class FailOn(str, Enum):
    """``--fail-on``: the lowest severity that makes the run fail (exit 1)."""

    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    none = "none"


class RulesFormat(str, Enum):
    """``cfnfix rules --format``."""

    text = "text"
    json = "json"
    markdown = "markdown"


# ---------------------------------------------------------------- options shared by commands
Paths = Annotated[
    list[str] | None,
    typer.Argument(
        help="Templates, folders (searched for templates) or - for standard input.", show_default=".", metavar="PATHS"
    ),
]
Select = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Only these rules: ids, id prefixes or names, comma-separated or repeated (opt-in rules by full id or name).",
        metavar="IDS",
    ),
]
Ignore = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore", help="Skip these rules: ids, id prefixes or names, comma-separated or repeated.", metavar="IDS"
    ),
]
Config = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Use this configuration file (.cfnfix.toml or pyproject.toml) instead of discovery.",
        metavar="FILE",
    ),
]
UnsafeFixes = Annotated[bool, typer.Option("--unsafe-fixes", help="Include fixes marked unsafe.")]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="Turn on a profile's opt-in rules: destroyable (ephemeral stacks). Overrides the configuration.",
        metavar="NAME",
    ),
]
ShowUnused = Annotated[
    bool,
    typer.Option(
        "--show-unused-suppressions",
        help="Report suppressions (Metadata entries, # cfnfix: ignore comments) that silence nothing (CFX900).",
    ),
]
TemplatesOnly = Annotated[
    bool,
    typer.Option(
        "--templates-only",
        help="Skip files named explicitly that are not CloudFormation templates without a note (for pre-commit); "
        "they are skipped either way.",
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        help="Leave these out of folder walks, replacing the configuration's `exclude`: glob patterns of a name "
        "(node_modules, *.j2.yaml) or of a path from the current folder (templates/*.yaml); comma-separated or repeated.",
        metavar="PATTERNS",
    ),
]
ExtendExclude = Annotated[
    list[str] | None,
    typer.Option(
        "--extend-exclude",
        help="Leave these out of folder walks too, besides `exclude` (patterns as --exclude).",
        metavar="PATTERNS",
    ),
]
ForceExclude = Annotated[
    bool,
    typer.Option("--force-exclude", help="Apply the exclusions to files named explicitly too (for pre-commit)."),
]
RespectGitignore = Annotated[
    bool | None,
    typer.Option(
        "--respect-gitignore/--no-respect-gitignore",
        help="Leave out of folder walks what .gitignore files ignore, inside a Git repository (default: on).",
        show_default=False,
    ),
]
FollowSymlinks = Annotated[
    bool,
    typer.Option(
        "--follow-symlinks",
        help="In folder walks, also check (and with apply --write, fix) files that symbolic links lead to outside "
        "the folder; without it they are skipped.",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print findings and errors only: no summary, no progress.")]
NoColor = Annotated[bool, typer.Option("--no-color", help="No colours (also: the NO_COLOR environment variable).")]
Jobs = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=0, help="Processes to use; 0: automatic (several for many files on 4+ CPUs).", metavar="N"
    ),
]
CfnLint = Annotated[
    bool,
    typer.Option(
        "--cfn-lint",
        help="Also run cfn-lint (pip install 'cfnfix[lint]') and report its matches as findings (E3002 and the like); "
        "a problem a cfnfix rule also reports is shown once.",
    ),
]
Regions = Annotated[
    list[str] | None,
    typer.Option(
        "--regions",
        help="Regions cfn-lint checks against with --cfn-lint or --verify (default: us-east-1), comma-separated or repeated.",
        metavar="REGIONS",
    ),
]


ExitZero = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain (errors still exit 2), as ruff.")
]
FailOnOption = Annotated[
    FailOn,
    typer.Option(
        "--fail-on",
        help="Exit 1 only for findings of this severity or worse: critical, high, medium, low (any), none "
        "(as --exit-zero). cfn-lint's --non-zero-exit-code error, warning, informational are high, medium, low.",
        metavar="SEVERITY",
    ),
]


def _meets(findings: Any, fail_on: FailOn, exit_zero: bool) -> bool:
    """True when one of ``findings`` is of ``fail_on``'s severity or worse."""
    if exit_zero or fail_on is FailOn.none:
        return False
    limit = ["critical", "high", "medium", "low"].index(fail_on.value)
    return any(f.severity.rank <= limit for f in findings)


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
    from ..report.escape import printable

    if isinstance(error, CfnfixError) and error.file is None and error.line is None:
        error = error.reason  # not about a file: no "<string>:" prefix
    _err(f"{style('error:', '1;31', color)} {printable(str(error))}")


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
    mode: Literal["check", "fix"],
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
    walk_options: WalkOptions | None = None,
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
        raise typer.Exit(EXIT_ERROR)
    _check_selectors(select, ignore, color)
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
            templates_only=templates_only,
            walk=_walk(resolver, walk_options or WalkOptions()),
            full_impact=full_impact,
        )
        _lint_setup(job_list, verify=verify, regions=regions, flag=cfn_lint)
        _check_lint_selectors(job_list, {"select": bool(select), "ignore": bool(ignore)})
        _require_runnable(job_list)
    except CfnfixError as exc:
        report_error(exc, color)
        raise typer.Exit(EXIT_ERROR) from None
    _warn_profile_rules(_split(select), {job.settings.profile for job in job_list}, color)
    show = not quiet and len(job_list) >= PROGRESS_THRESHOLD and _isatty(sys.stderr)
    with _progress(len(job_list), show) as advance:
        outcomes = run_jobs(job_list, processes=jobs, progress=advance)
    return failed + with_part_errors(outcomes)


def _check_selectors(select: list[str] | None, ignore: list[str] | None, color: bool) -> None:
    """Exit 2 on an unknown rule id, prefix or name in ``--select`` or ``--ignore`` (with the closest ones)."""
    from ..rules import looks_like_name, selector_problem

    for option, values in (("--select", select), ("--ignore", ignore)):
        for token in _split(values) or []:
            problem = selector_problem(token)
            if problem is not None and not looks_like_name(token):  # a name may be cfn-lint's: judged later
                report_error(f"{option}: {problem}", color)
                raise typer.Exit(EXIT_ERROR)


def _check_lint_selectors(job_list: list[Any], from_cli: dict[str, bool]) -> None:
    """``select``/``ignore`` against cfn-lint where it runs: a name no cfnfix rule has must be a
    cfn-lint rule's, an id (``E3002``) one the installed cfn-lint has; and a ``select`` of
    cfn-lint ids alone needs cfn-lint to run (else no rule would run at all)."""
    from ..errors import ConfigError
    from ..rules import get_rule, selector_problem

    seen: set[tuple[bool, tuple[str, ...], tuple[str, ...]]] = set()
    for job in job_list:
        s = job.settings
        key = (bool(s.cfn_lint), tuple(s.select), tuple(s.ignore))
        if key in seen:
            continue
        seen.add(key)
        for option, tokens in (("select", s.select), ("ignore", s.ignore)):
            where = f"--{option}" if from_cli[option] else option
            for token in tokens:
                problem = selector_problem(token)
                if problem is None and not (s.cfn_lint and len(token) == 5 and get_rule(token) is None):
                    continue
                from ..cfn_lint.findings import cfn_lint_rule, is_cfn_lint_rule_name

                if problem is not None and not (s.cfn_lint and is_cfn_lint_rule_name(token)):
                    raise ConfigError(f"{where}: {problem}")
                if problem is None and cfn_lint_rule(token) is None:
                    raise ConfigError(f"{where}: unknown cfn-lint rule {token!r} (see `cfnfix rules --cfn-lint`)")
        lint_only = [t for t in s.select if get_rule(t) is None and not any(r.id.startswith(t) for r in _rules())]
        if s.select and len(lint_only) == len(s.select) and not s.cfn_lint:
            raise ConfigError(
                f"{'--' if from_cli['select'] else ''}select: {', '.join(lint_only)} "
                f"{'is a cfn-lint rule' if len(lint_only) == 1 else 'are cfn-lint rules'}, "
                "and cfn-lint does not run: add --cfn-lint (or cfn-lint = true), or select cfnfix rules"
            )


def _require_runnable(job_list: list[Any]) -> None:
    """Stop (exit 2) when a selected rule cannot run here (the schema rules without cfn-lint's schemas)."""
    from ..checking import require_runnable

    for settings in {id(job.settings): job.settings for job in job_list}.values():
        require_runnable(settings)


def _rules() -> tuple[Any, ...]:
    from ..rules import all_rules

    return all_rules()


@dataclass(frozen=True)
class WalkOptions:
    """The command line's say on folder walks (None: the configuration decides)."""

    exclude: list[str] | None = None
    extend_exclude: list[str] | None = None
    force_exclude: bool = False
    respect_gitignore: bool | None = None
    follow_symlinks: bool = False


def _walk(resolver: Any, options: WalkOptions) -> Any:
    """How folders are walked: each folder's configuration (``exclude`` patterns from its folder),
    with ``--exclude`` replacing and ``--extend-exclude`` adding patterns from the current folder."""
    from ..batch.exclude import Exclusions
    from ..batch.targets import Walk

    here = os.getcwd()
    exclude, extend = _split(options.exclude), _split(options.extend_exclude)
    cache: dict[Any, Exclusions] = {}

    def exclude_for(folder: str) -> Exclusions:
        config = resolver.config_for(folder)
        if config not in cache:
            settings = resolver.for_path(os.path.join(folder, "-"))
            base = str(config.resolve().parent) if config is not None else here
            groups = [(exclude, here) if exclude is not None else (settings.exclude, base)]
            groups.append((settings.extend_exclude, base))
            if extend:
                groups.append((extend, here))
            cache[config] = Exclusions.of(groups, force=options.force_exclude or settings.force_exclude)
        return cache[config]

    def gitignore_for(folder: str) -> bool:
        if options.respect_gitignore is not None:
            return options.respect_gitignore
        return bool(resolver.for_path(os.path.join(folder, "-")).respect_gitignore)

    def include_for(folder: str) -> tuple[str, ...]:
        return tuple(resolver.for_path(os.path.join(folder, "-")).extend_include)

    return Walk(
        exclude_for=exclude_for,
        gitignore_for=gitignore_for,
        follow_symlinks=options.follow_symlinks,
        include_for=include_for,
    )


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


def _skip_notes(outcomes: list[FileOutcome], quiet: bool, color: bool) -> None:
    """``note: FILE: skipped: reason`` for the files left alone that the user should hear about."""
    if quiet:
        return
    from ..report import style
    from ..report.escape import printable

    for o in outcomes:
        if o.skipped and o.skip_reason:
            _err(f"{style('note:', '1;36', color)} {printable(o.file)}: skipped: {printable(o.skip_reason)}")


def _report_errors(outcomes: list[FileOutcome], color: bool) -> None:
    for o in outcomes:
        if o.error is not None:
            report_error(o.error, color)


@app.command(cls=HelpCommand)
def check(
    paths: Paths = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.", metavar="FORMAT")
    ] = OutputFormat.text,
    select: Select = None,
    ignore: Ignore = None,
    config: Config = None,
    unsafe_fixes: UnsafeFixes = False,
    profile: Profile = None,
    show_unused_suppressions: ShowUnused = False,
    templates_only: TemplatesOnly = False,
    exclude: Exclude = None,
    extend_exclude: ExtendExclude = None,
    force_exclude: ForceExclude = False,
    respect_gitignore: RespectGitignore = None,
    follow_symlinks: FollowSymlinks = False,
    quiet: Quiet = False,
    no_color: NoColor = False,
    jobs: Jobs = 0,
    cfn_lint: CfnLint = False,
    regions: Regions = None,
    exit_zero: ExitZero = False,
    fail_on: FailOnOption = FailOn.low,
) -> None:
    """Report what is wrong. Exit 0: no findings; 1: findings (of --fail-on's severity or worse); 2: an error in any file."""
    from ..report import ReportContext, render

    color = use_color(no_color, sys.stdout) and output_format is OutputFormat.text
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
        walk_options=WalkOptions(exclude, extend_exclude, force_exclude, respect_gitignore, follow_symlinks),
        # the text and GitHub formats show a fix's applicability, not its impact
        full_impact=output_format not in (OutputFormat.text, OutputFormat.github),
    )
    _skip_notes(outcomes, quiet, use_color(no_color, sys.stderr))
    _report_errors(outcomes, use_color(no_color, sys.stderr))
    if not quiet:
        from ..report import style

        ecolor = use_color(no_color, sys.stderr)
        for o in outcomes:  # why apply will fix nothing in a file (a fix inside a YAML anchor)
            for note in o.notes:
                _err(f"{style('note:', '1;36', ecolor)} {note}")
    unsafe = unsafe_fixes or any(o.unsafe for o in outcomes)
    ctx = ReportContext(color=color, quiet=quiet, unsafe=unsafe, terminal=_isatty(sys.stdout))
    _out(render(output_format.value, outcomes, ctx))
    raise typer.Exit(_exit_code(outcomes, _meets([f for o in outcomes for f in o.findings], fail_on, exit_zero)))


def _exit_code(outcomes: list[FileOutcome], failing: bool) -> int:
    if any(o.error is not None for o in outcomes):
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_OK


@app.command(cls=HelpCommand)
def apply(
    paths: Paths = None,
    write: Annotated[
        bool, typer.Option("--write", "-w", help="Write the fixes in place (atomically) instead of printing a diff.")
    ] = False,
    patch: Annotated[
        bool, typer.Option("--patch", help="Print the RFC 6902 patch of each file (JSON) instead of the diff.")
    ] = False,
    select: Select = None,
    ignore: Ignore = None,
    config: Config = None,
    unsafe_fixes: UnsafeFixes = False,
    profile: Profile = None,
    show_unused_suppressions: ShowUnused = False,
    templates_only: TemplatesOnly = False,
    exclude: Exclude = None,
    extend_exclude: ExtendExclude = None,
    force_exclude: ForceExclude = False,
    respect_gitignore: RespectGitignore = None,
    follow_symlinks: FollowSymlinks = False,
    quiet: Quiet = False,
    no_color: NoColor = False,
    jobs: Jobs = 0,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Also run cfn-lint (pip install 'cfnfix[lint]') on each fixed template: a file whose fixed text "
            "has a cfn-lint error the original does not have is not fixed (an error, exit 2).",
        ),
    ] = False,
    cfn_lint: CfnLint = False,
    regions: Regions = None,
    refactor_mapping: Annotated[
        str | None,
        typer.Option(
            "--refactor-mapping",
            help="Write the CloudFormation stack-refactor resource mappings (JSON) for every resource the fixes "
            "rename, so a deployed stack moves them to their new logical IDs instead of replacing them. "
            "Needs --stack-name.",
            metavar="FILE",
        ),
    ] = None,
    stack_name: Annotated[
        str | None,
        typer.Option("--stack-name", help="The deployed stack's name, for --refactor-mapping.", metavar="NAME"),
    ] = None,
    output_format: Annotated[
        ApplyFormat,
        typer.Option(
            "--format",
            "-f",
            help="Output format: text (the diff, or the summary with --write) or json (every file's fixes, "
            "remaining findings, patch and errors, for CI).",
            metavar="FORMAT",
        ),
    ] = ApplyFormat.text,
    exit_zero: ExitZero = False,
    fail_on: FailOnOption = FailOn.low,
) -> None:
    """Fix what can be fixed. Dry run by default: print the unified diff, exit 1 if anything would change.

    With --write: write in place atomically; exit 0 when no findings remain, 1 when some do.
    Standard input (-) with --write prints the fixed text. With --verify, cfn-lint must find
    no new error in a fixed template, or that file is left alone.
    """
    from ..batch.write import write_fixed
    from ..report import ReportContext, style
    from ..report.apply import not_applied_warnings, refuse_unrepresentable, render_apply
    from ..report.escape import printable

    if write and patch:
        report_error("--write and --patch cannot be combined", use_color(no_color, sys.stderr))
        raise typer.Exit(EXIT_ERROR)
    if patch and output_format is ApplyFormat.json:
        report_error(
            "--patch and --format json cannot be combined (the JSON has each file's patch)",
            use_color(no_color, sys.stderr),
        )
        raise typer.Exit(EXIT_ERROR)
    ecolor = use_color(no_color, sys.stderr)
    if (refactor_mapping is None) != (stack_name is None):
        report_error("--refactor-mapping and --stack-name go together", ecolor)
        raise typer.Exit(EXIT_ERROR)
    if refactor_mapping is not None and stack_name is not None:
        _check_mapping(refactor_mapping, stack_name, ecolor)  # before any file is read
    outcomes = _run(
        paths,
        mode="fix",
        select=select,
        ignore=ignore,
        config=config,
        unsafe_fixes=unsafe_fixes,
        show_unused=show_unused_suppressions,
        templates_only=templates_only,
        quiet=quiet,
        jobs=jobs,
        color=ecolor,
        verify=verify,
        cfn_lint=cfn_lint,
        regions=regions,
        profile=profile,
        walk_options=WalkOptions(exclude, extend_exclude, force_exclude, respect_gitignore, follow_symlinks),
    )
    _skip_notes(outcomes, quiet, ecolor)
    for line in not_applied_warnings(outcomes, ecolor):
        _err(line)
    if not quiet:
        for o in outcomes:  # --verify: errors the fix unmasked
            for note in o.notes:
                _err(f"{style('note:', '1;36', ecolor)} {printable(o.file)}: {printable(note)}")
    if refactor_mapping is not None and stack_name is not None:
        _mapping_before_writing(outcomes, refactor_mapping, stack_name, ecolor)
    if write:
        write_fixed(outcomes)
    if patch:
        refuse_unrepresentable(outcomes)
    _report_errors(outcomes, ecolor)
    ctx = ReportContext(
        color=use_color(no_color, sys.stdout),
        quiet=quiet,
        unsafe=unsafe_fixes or any(o.unsafe for o in outcomes),
        terminal=_isatty(sys.stdout),
    )
    report = render_apply(outcomes, "write" if write else "patch" if patch else "diff", ctx)
    failing = _apply_failing(outcomes, write, report.failing, fail_on, exit_zero)
    if (
        refactor_mapping is not None
        and stack_name is not None
        and not _write_refactor_mapping(outcomes, refactor_mapping, stack_name, write, quiet, ecolor)
    ):
        raise typer.Exit(EXIT_ERROR)
    if output_format is ApplyFormat.json:
        from ..report.apply_json import render as render_json

        _out(render_json(outcomes, write, ctx))
        raise typer.Exit(_exit_code(outcomes, failing))
    _out(report.stdout)
    for text, to_stderr in report.after:
        (_err if to_stderr else _out)(text)
    raise typer.Exit(_exit_code(outcomes, failing))


def _apply_failing(outcomes: list[FileOutcome], write: bool, default: bool, fail_on: FailOn, exit_zero: bool) -> bool:
    """``apply``'s exit 1: a dry run that would fix a finding of ``fail_on``'s severity or worse,
    or ``--write`` leaving one (``default``: the answer for any severity)."""
    if exit_zero or fail_on is FailOn.none:
        return False
    if fail_on is FailOn.low:
        return default
    if write:
        return _meets([f for o in outcomes for f in o.findings], fail_on, exit_zero)
    fixed = [f for o in outcomes if o.result is not None and o.result.changed for f in o.result.fixed]
    return _meets(fixed, fail_on, exit_zero)


def _check_mapping(path: str, stack_name: str, color: bool) -> None:
    """``--refactor-mapping``'s path and ``--stack-name`` before anything is read (exit 2 when wrong)."""
    from ..errors import CfnfixError
    from ..impact.refactor import refactor_mappings
    from .mapping import check_mapping_path

    try:
        refactor_mappings([], stack_name)  # an invalid stack name raises ValueError
        check_mapping_path(path)
    except ValueError as exc:
        report_error(f"--refactor-mapping: {exc}", color)
        raise typer.Exit(EXIT_ERROR) from None
    except CfnfixError as exc:
        report_error(exc, color)
        raise typer.Exit(EXIT_ERROR) from None


def _inputs(outcomes: list[Any]) -> list[str]:
    from ..io.files import STDIN

    return [str(o.file) for o in outcomes if o.file != STDIN]


def _mapping_before_writing(outcomes: list[Any], path: str, stack_name: str, color: bool) -> None:
    """Check the mapping's path against the run's templates and compute the mappings before any
    template is written: an error here exits 2 with every file left as it was."""
    from ..errors import CfnfixError
    from .mapping import check_mapping_path, mappings_of

    try:
        check_mapping_path(path, _inputs(outcomes))
        mappings_of(outcomes, stack_name)
    except CfnfixError as exc:
        report_error(exc, color)
        raise typer.Exit(EXIT_ERROR) from None


def _write_refactor_mapping(
    outcomes: list[Any], path: str, stack_name: str, write: bool, quiet: bool, color: bool
) -> bool:
    """Write the stack-refactor mapping of the renames this run wrote to ``path`` (only with
    ``--write``, only when there is one); False after an error."""
    from ..errors import CfnfixError
    from ..report import plural
    from ..report.escape import printable
    from .mapping import mappings_of, write_mapping

    try:
        mappings, notes = mappings_of(outcomes, stack_name)
        if write and mappings:
            write_mapping(path, mappings, _inputs(outcomes))
    except CfnfixError as exc:
        report_error(exc, color)
        return False
    if not quiet:
        for note in notes:
            _err(f"note: {printable(note)}")
        count = plural(len(mappings), "resource mapping")
        if not mappings:
            _err(f"No renamed resource needs a mapping: {path} not written.")
        elif not write:
            _err(f"Would write {count} to {path} (with --write).")
        else:
            _err(
                f"Wrote {count} to {path}: "
                f"aws cloudformation create-stack-refactor --stack-definitions StackName={stack_name},TemplateBody=file://TEMPLATE "
                f"--resource-mappings file://{path}"
            )
    return True


@app.command(cls=HelpCommand)
def rules(
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="Output format.", metavar="FORMAT")
    ] = RulesFormat.text,
    no_color: NoColor = False,
    cfn_lint: Annotated[
        bool,
        typer.Option("--cfn-lint", help="Also list the rules of the installed cfn-lint (what --cfn-lint reports)."),
    ] = False,
) -> None:
    """List the rules: id, name, severity, fix, summary."""
    from ..errors import CfnfixError
    from ..report.tables import rules_markdown, rules_rows

    try:
        rows = rules_rows(cfn_lint=cfn_lint)
    except CfnfixError as exc:
        report_error(exc, use_color(no_color, sys.stderr))
        raise typer.Exit(EXIT_ERROR) from None
    if output_format is RulesFormat.json:
        import json

        _out(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if output_format is RulesFormat.markdown:
        _out(rules_markdown(rows))
        return
    from rich.console import Console
    from rich.table import Table

    color = use_color(no_color, sys.stdout)
    table = Table(box=None, header_style="bold" if color else "", pad_edge=False)
    for column in ("ID", "Name", "Severity", "Fix", "Summary"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row["id"], row["name"], row["severity"], row["fix"], row["summary"])
    console = Console(
        file=sys.stdout, force_terminal=color, no_color=not color, highlight=False, width=None if color else 200
    )
    console.print(table)


@app.command(cls=HelpCommand)
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="Rule id or name, e.g. CFX900 or unused-suppression.")],
) -> None:
    """Explain a rule: what is wrong, why, the fix and how safe it is."""
    from ..errors import CfnfixError
    from ..findings import Applicability
    from ..rules import get_rule

    rule = get_rule(rule_id)
    if rule is None:
        from ..cfn_lint.findings import cfn_lint_rule, is_cfn_lint_id

        if is_cfn_lint_id(rule_id.upper()):  # a cfn-lint rule (what --cfn-lint reports)
            try:
                rule = cfn_lint_rule(rule_id)
            except CfnfixError as exc:
                report_error(exc, use_color(False, sys.stderr))
                raise typer.Exit(EXIT_ERROR) from None
    if rule is None:
        see = (
            "`cfnfix rules --cfn-lint`" if rule_id[:1].upper() in "EWI" and rule_id[1:].isdigit() else "`cfnfix rules`"
        )
        report_error(f"unknown rule {rule_id!r} (see {see})", use_color(False, sys.stderr))
        raise typer.Exit(EXIT_ERROR)
    _out(
        f"# {rule.id} {rule.name}\n\n"
        f"Severity: {rule.severity.value}  \n"
        f"Fix: {rule.fix_applicability.value}  \n"
        f"Documentation: <{rule.doc_url}>"
        + (
            f'  \nProfile: {rule.profile} (runs only with `--profile {rule.profile}` or `profile = "{rule.profile}"`)'
            if rule.profile
            else ""
        )
        + "\n\n"
        f"{rule.summary}\n\n"
        f"{rule.explanation.strip()}\n" + (IMPACT_NOTE if rule.fix_applicability is not Applicability.NONE else "")
    )


#: What ``explain`` adds for every rule with a fix (docs/deployed-stack-impact.md).
IMPACT_NOTE = (
    "\n## Impact on a deployed stack\n\n"
    "cfnfix computes what each of these fixes does to a stack that already runs the template: for every "
    "resource it changes, added, removed, updated in place, replaced, may be replaced or renamed, with the "
    "property that causes it (shown after the dry-run diff, and in `--format json`, `sarif` and `markdown`). "
    "A fix that replaces, may replace, renames or removes a resource that holds data (a database, table, "
    "bucket, file system, queue, log group, key …) is never safe, whatever this rule says: it is applied only "
    "with `--unsafe-fixes`, and the reason is printed. Renames can keep the deployed resource with "
    "`cfnfix apply --refactor-mapping FILE --stack-name NAME`.\n"
)


@app.command("patch", cls=HelpCommand)
def patch_command(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The template (- for standard input).")],
    patch_file: Annotated[str, typer.Argument(metavar="PATCH", help="RFC 6902 patch as JSON (- for standard input).")],
    write: Annotated[
        bool, typer.Option("--write", "-w", help="Write the result in place (atomically) instead of printing it.")
    ] = False,
    no_color: NoColor = False,
) -> None:
    """Apply an RFC 6902 JSON Patch to a template, changing only what the patch changes.

    PATCH is a JSON array of operations, or an object mapping file names to such arrays
    (what `cfnfix apply --patch` prints). Prints the patched text, or writes it with --write.
    """
    from ..errors import CfnfixError
    from ..io.files import STDIN, read_text, stdin_text
    from ..io.patch_input import read_patch
    from ..io.writer import write_text
    from ..markdown.patching import apply_markdown_patch
    from ..markdown.recognise import is_markdown_path
    from ..patch import apply_patch
    from ..template.model import SECTION_ORDER

    color = use_color(no_color, sys.stderr)
    try:
        if file == "-" and patch_file == "-":
            raise CfnfixError("FILE and PATCH cannot both be standard input")
        if file == "-" and write:
            raise CfnfixError("--write needs a file, not standard input")
        name = STDIN if file == "-" else file
        text = stdin_text() if file == "-" else read_text(file)
        # objects with string op and path (read_patch); the engine checks the rest of each operation
        ops = cast("Patch", read_patch(patch_file, for_file=file))
        if is_markdown_path(name):  # pointers /<fence>/… into the templates of its fences
            new = apply_markdown_patch(text, list(ops), file=name)
        else:
            new = apply_patch(text, ops, file=name, key_order=SECTION_ORDER)
        if write:
            if new != text:
                write_text(file, new, expected=text)
        else:
            _out(new)
    except CfnfixError as exc:
        report_error(exc, color)
        raise typer.Exit(EXIT_ERROR) from None


app.command("dataset", cls=HelpCommand)(dataset)


@app.command()
def server() -> None:
    """Run the language server for editors (LSP over stdio).

    Needs the server extra: pip install 'cfnfix[server]'.
    """
    from ..server import EXTRA, missing_dependency, run

    missing = missing_dependency()
    if missing is not None:
        report_error(
            f"cfnfix server needs {missing}, which is not installed: pip install 'cfnfix[{EXTRA}]'",
            use_color(False, sys.stderr),
        )
        raise typer.Exit(EXIT_ERROR)
    code = run()
    if code:
        raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        _out(f"cfnfix {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Find what is broken in AWS CloudFormation templates and fix it, changing nothing else."""


def main() -> None:
    """Run the command line (the console script enters through :mod:`cfnfix.__main__`,
    which answers ``--version`` before this module and typer are imported).

    A deprecation meant for users (``FutureWarning``, e.g. a configuration key that moved) is
    one ``warning: …`` line on stderr."""
    import warnings

    def show(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        from ..report.escape import printable

        _err(f"warning: {printable(str(message))}")

    warnings.showwarning = show
    app(prog_name="cfnfix")
