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
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from .dataset import dataset
from .help import HelpCommand, HelpGroup
from .running import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_OK,
    Stop,
    _err,
    _exit_code,
    _out,
    _report_errors,
    _run,
    check_command,
    report_error,
    use_color,
    warnings_as_lines,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..findings import Patch

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "EXIT_OK", "app", "main"]


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
        help="Also skip files named explicitly when they are not CloudFormation templates (for pre-commit).",
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
    quiet: Quiet = False,
    no_color: NoColor = False,
    jobs: Jobs = 0,
    cfn_lint: CfnLint = False,
    regions: Regions = None,
) -> None:
    """Report what is wrong. Exit 0: no findings; 1: findings; 2: an error in any file."""
    with _stops():
        code = check_command(
            paths,
            output_format.value,
            select,
            ignore,
            config,
            unsafe_fixes,
            profile,
            show_unused_suppressions,
            templates_only,
            quiet,
            no_color,
            jobs,
            cfn_lint,
            regions,
        )
    raise typer.Exit(code)


@contextmanager
def _stops() -> Iterator[None]:
    """A :class:`~cfnfix.cli.running.Stop` of the shared code as typer's exit."""
    try:
        yield
    except Stop as stop:
        raise typer.Exit(stop.code) from None


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
) -> None:
    """Fix what can be fixed. Dry run by default: print the unified diff, exit 1 if anything would change.

    With --write: write in place atomically; exit 0 when no findings remain, 1 when some do.
    Standard input (-) with --write prints the fixed text. With --verify, cfn-lint must find
    no new error in a fixed template, or that file is left alone.
    """
    from ..batch.write import write_fixed
    from ..report import ReportContext, style
    from ..report.apply import not_applied_warnings, render_apply

    if write and patch:
        report_error("--write and --patch cannot be combined", use_color(no_color, sys.stderr))
        raise typer.Exit(EXIT_ERROR)
    ecolor = use_color(no_color, sys.stderr)
    if (refactor_mapping is None) != (stack_name is None):
        report_error("--refactor-mapping and --stack-name go together", ecolor)
        raise typer.Exit(EXIT_ERROR)
    with _stops():
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
        )
    for line in not_applied_warnings(outcomes, ecolor):
        _err(line)
    if not quiet:
        for o in outcomes:  # --verify: errors the fix unmasked
            for note in o.notes:
                _err(f"{style('note:', '1;36', ecolor)} {o.file}: {note}")
    if write:
        write_fixed(outcomes)
    _report_errors(outcomes, ecolor)
    ctx = ReportContext(
        color=use_color(no_color, sys.stdout), quiet=quiet, unsafe=unsafe_fixes or any(o.unsafe for o in outcomes)
    )
    report = render_apply(outcomes, "write" if write else "patch" if patch else "diff", ctx)
    if (
        refactor_mapping is not None
        and stack_name is not None
        and not _write_refactor_mapping(outcomes, refactor_mapping, stack_name, quiet, ecolor)
    ):
        raise typer.Exit(EXIT_ERROR)
    _out(report.stdout)
    for text, to_stderr in report.after:
        (_err if to_stderr else _out)(text)
    raise typer.Exit(_exit_code(outcomes, report.failing))


def _write_refactor_mapping(outcomes: list[Any], path: str, stack_name: str, quiet: bool, color: bool) -> bool:
    """Write the stack-refactor mapping of this run's renames to ``path``; False after an error."""
    import json

    from ..errors import CfnfixError
    from ..impact.refactor import mapping_for_run
    from ..io.writer import write_text

    results = [(str(o.file), o.result.impact) for o in outcomes if o.result is not None and o.result.changed]
    try:
        mappings, notes = mapping_for_run(results, stack_name)
        text = json.dumps(mappings, indent=2, ensure_ascii=False) + "\n"
        if os.path.lexists(path):
            write_text(path, text)  # atomic replacement, keeping the file's permissions
        else:
            with open(path, "x", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as exc:
        report_error(f"--refactor-mapping: cannot write {path}: {exc.strerror or exc}", color)
        return False
    except (ValueError, CfnfixError) as exc:
        report_error(f"--refactor-mapping: {exc}", color)
        return False
    if not quiet:
        for note in notes:
            _err(f"note: {note}")
        _err(
            f"Wrote {len(mappings)} resource mapping{'' if len(mappings) == 1 else 's'} to {path}: "
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
            new = apply_patch(text, ops, file=name)
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
    run()


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
    which answers ``--version`` before this module and typer are imported, and ``check`` with
    the options :mod:`cfnfix.cli.fast` reads without them).

    A deprecation meant for users (``FutureWarning``, e.g. a configuration key that moved) is
    one ``warning: …`` line on stderr."""
    warnings_as_lines()
    app(prog_name="cfnfix")
