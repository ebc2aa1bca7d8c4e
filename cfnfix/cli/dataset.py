"""``cfnfix dataset check|apply INPUT OUTPUT``: a JSON Lines or Parquet dataset in, the same out.

Only typer is imported here at start-up; :mod:`cfnfix.dataset` (and pyarrow or Ray, when the
run needs them) are imported when the command runs.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..config import Settings
    from ..dataset import RecordProcessor

__all__ = ["dataset"]


class DatasetMode(str, Enum):
    """What to do with each record."""

    check = "check"
    apply = "apply"


class DatasetFormat(str, Enum):
    """``--format``."""

    jsonl = "jsonl"
    parquet = "parquet"


class Engine(str, Enum):
    """``--engine``."""

    local = "local"
    ray = "ray"


class RecordKind(str, Enum):
    """``--kind``."""

    auto = "auto"
    template = "template"
    markdown = "markdown"


def dataset(
    mode: Annotated[
        DatasetMode,
        typer.Argument(
            metavar="MODE",
            help="check: add each record's findings; apply: also the fixed text, patch, diff and what remains.",
        ),
    ],
    source: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="A .jsonl/.ndjson/.json (JSON Lines) or .parquet file, or a folder of them (with --engine ray: "
            "any path Ray Data reads, s3:// included).",
        ),
    ],
    target: Annotated[
        str,
        typer.Argument(
            metavar="OUTPUT",
            help="The output: a file for a file, a folder for a folder (with --engine ray: always a folder).",
        ),
    ],
    column: Annotated[
        str,
        typer.Option(
            "--column", "-c", help="The column holding each record's template or Markdown answer.", metavar="NAME"
        ),
    ] = "template",
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="A column naming each record: the file name in its findings, diff and error.",
            metavar="NAME",
        ),
    ] = None,
    output_format: Annotated[
        DatasetFormat | None,
        typer.Option(
            "--format", help="The format, when file names do not say (output: the input's).", metavar="FORMAT"
        ),
    ] = None,
    kind: Annotated[
        RecordKind,
        typer.Option(
            "--kind", help="What the column holds; auto: Markdown when a line starts a fence.", metavar="KIND"
        ),
    ] = RecordKind.auto,
    prefix: Annotated[str, typer.Option("--prefix", help="Prefix of the columns added.", metavar="TEXT")] = "cfnfix_",
    select: Annotated[
        list[str] | None,
        typer.Option("--select", help="Only these rules: ids, id prefixes or names.", metavar="IDS"),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules: ids, id prefixes or names.", metavar="IDS"),
    ] = None,
    config: Annotated[
        str | None, typer.Option("--config", help="Use this configuration file instead of discovery.", metavar="FILE")
    ] = None,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Include fixes marked unsafe.")] = False,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Turn on a profile's opt-in rules.", metavar="NAME")
    ] = None,
    cfn_lint: Annotated[bool, typer.Option("--cfn-lint", help="Also run cfn-lint and report its matches.")] = False,
    regions: Annotated[
        list[str] | None,
        typer.Option("--regions", help="Regions cfn-lint checks against (default: us-east-1).", metavar="REGIONS"),
    ] = None,
    jobs: Annotated[
        int,
        typer.Option("--jobs", "-j", min=0, help="Processes (Ray: actors); 0: one per CPU.", metavar="N"),
    ] = 0,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, help="Records read, processed and written at once.", metavar="N")
    ] = 256,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Skip output files that exist (each is written whole or not at all)."),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="local: processes on this machine; ray: a Ray cluster (pip install 'cfnfix[ray]').",
            metavar="ENGINE",
        ),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(
            "--address",
            help="The Ray cluster (auto: the one on this machine); default: RAY_ADDRESS, else a local one.",
            metavar="ADDRESS",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no summary.")] = False,
) -> None:
    """Check or fix every record of a dataset (JSON Lines or Parquet); write the records with the results added.

    Each record keeps its columns and gets, with --prefix: kind, findings (JSON), and for apply
    fixed, changed, patch (RFC 6902, JSON), diff and remaining (JSON); error holds why a record
    could not be processed (the run goes on). See docs/datasets.md. Exit 0: the output is
    written; 2: it could not be (nothing half written).
    """
    from ..cli.app import EXIT_ERROR, report_error, use_color
    from ..errors import CfnfixError

    color = use_color(False, sys.stderr)
    _exit_on_sigterm()
    try:
        settings = _settings(source, config, select, ignore, unsafe_fixes, profile, cfn_lint, regions)
        if engine is Engine.ray:
            _run_ray(
                mode,
                source,
                target,
                settings,
                column,
                id_column,
                output_format,
                kind,
                prefix,
                jobs,
                batch_size,
                address,
                resume,
                quiet,
            )
        else:
            if address is not None:
                raise CfnfixError("--address is for --engine ray")
            _run_local(
                mode,
                source,
                target,
                settings,
                column,
                id_column,
                output_format,
                kind,
                prefix,
                jobs,
                batch_size,
                resume,
                quiet,
            )
    except CfnfixError as exc:
        report_error(exc, color)
        raise typer.Exit(EXIT_ERROR) from None


def _exit_on_sigterm() -> None:
    """SIGTERM (a scheduler stopping the job) ends the run as Ctrl-C does: the output file being
    written is removed, none is left half written."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding application): leave its handlers alone
        pass


def _settings(
    source: str,
    config: str | None,
    select: list[str] | None,
    ignore: list[str] | None,
    unsafe_fixes: bool,
    profile: str | None,
    cfn_lint: bool,
    regions: list[str] | None,
) -> Settings:
    """The run's settings: ``--config`` or the configuration found from the input's folder
    (the current folder for a remote input), with the options on top; cfn-lint checked first."""
    from ..cli.app import _split
    from ..config_files import ConfigResolver
    from ..errors import CfnfixError
    from ..profiles import unknown_profile_reason

    if profile is not None and (reason := unknown_profile_reason(profile)) is not None:
        raise CfnfixError(f"--profile: {reason}")
    overrides = {
        "profile": profile,
        "select": _split(select),
        "ignore": _split(ignore),
        "unsafe_fixes": True if unsafe_fixes else None,
        "cfn_lint": True if cfn_lint else None,
        "cfn_lint_regions": _split(regions) if regions else None,
    }
    local = "://" not in source
    where = os.path.join(source, "-") if local and os.path.isdir(source) else source if local else None
    settings = ConfigResolver(config, overrides).for_path(where)
    if regions and not settings.cfn_lint:
        raise CfnfixError("--regions is for cfn-lint: use it with --cfn-lint")
    if settings.cfn_lint:
        from ..cfn_lint.runner import require, validate_regions

        require("--cfn-lint" if cfn_lint else "cfn-lint = true")
        validate_regions(
            tuple(settings.cfn_lint_regions), "--cfn-lint", option="--regions" if regions else "cfn-lint-regions"
        )
    return settings


def _processor(mode: DatasetMode, settings: Settings, kind: RecordKind, prefix: str) -> RecordProcessor:
    from ..dataset import RecordProcessor

    return RecordProcessor(settings, mode.value, kind.value, prefix)


def _run_local(
    mode: DatasetMode,
    source: str,
    target: str,
    settings: Settings,
    column: str,
    id_column: str | None,
    fmt: DatasetFormat | None,
    kind: RecordKind,
    prefix: str,
    jobs: int,
    batch_size: int,
    resume: bool,
    quiet: bool,
) -> None:
    from ..cli.app import _err, _isatty
    from ..dataset.local import plan, run_local

    files = plan(source, target, fmt.value if fmt is not None else None)
    processor = _processor(mode, settings, kind, prefix)
    workers = jobs or os.cpu_count() or 1
    with _bar(not quiet and _isatty(sys.stderr)) as progress:
        summary = run_local(
            files,
            processor,
            column=column,
            id_column=id_column,
            jobs=workers,
            batch_size=batch_size,
            resume=resume,
            progress=progress,
        )
    if not quiet:
        rate = summary.records / summary.seconds if summary.seconds else 0.0
        skipped = f"; {summary.skipped_files} existing output file(s) kept (--resume)" if summary.skipped_files else ""
        what = f"{summary.changed:,} changed, " if mode is DatasetMode.apply else ""
        _err(
            f"{summary.records:,} records in {summary.files} file(s), {summary.seconds:.1f} s ({rate:,.1f} records/s, "
            f"{workers} process{'es' if workers > 1 else ''}): {summary.with_findings:,} with findings, {what}"
            f"{summary.errors:,} with an error{skipped}. Wrote {target}."
        )


def _run_ray(
    mode: DatasetMode,
    source: str,
    target: str,
    settings: Settings,
    column: str,
    id_column: str | None,
    fmt: DatasetFormat | None,
    kind: RecordKind,
    prefix: str,
    jobs: int,
    batch_size: int,
    address: str | None,
    resume: bool,
    quiet: bool,
) -> None:
    import time

    from ..cli.app import _err
    from ..dataset.formats import format_of
    from ..dataset.on_ray import require_ray, run_ray
    from ..errors import CfnfixError

    if resume:
        raise CfnfixError("--resume is for the local engine (Ray replaces the output folder whole)")
    found = fmt.value if fmt is not None else format_of(source.rstrip("/"))
    if found is None and "://" not in source and os.path.isdir(source):
        from ..dataset.local import plan

        found = plan(source, os.path.join(target, "_"))[0].format  # the folder's files say
    if found is None:
        raise CfnfixError("cannot tell the format from the input's name: use --format (jsonl|parquet)", file=source)
    require_ray()
    started = time.perf_counter()
    run_ray(
        source,
        target,
        _processor(mode, settings, kind, prefix),
        column=column,
        fmt=found,
        id_column=id_column,
        address=address,
        workers=jobs,
        batch_size=batch_size,
        progress=not quiet and sys.stderr.isatty(),
    )
    if not quiet:
        _err(f"Ray Data: wrote {target} in {time.perf_counter() - started:.1f} s.")


class _bar:
    """A progress bar on stderr (records done of all), or nothing."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> Callable[[int, int | None], None] | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("cfnfix dataset"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.__enter__()
        self.task = self.progress.add_task("records", total=None)

        def advance(done: int, total: int | None) -> None:
            assert self.progress is not None
            self.progress.update(self.task, completed=done, total=total)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)
