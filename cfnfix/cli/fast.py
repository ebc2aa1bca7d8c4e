"""``cfnfix check`` without typer: a strict reader of ``check``'s options for the console script.

Importing typer and building every command's parameters (typer makes a pydantic adapter per
parameter) cost about a fifth of ``cfnfix check``'s start-up. :func:`parse_check` reads the
command lines ``check`` is usually given — its options written as ``--name value``,
``--name=value``, ``-q``, ``-f value``, ``-j value`` and paths — into the arguments of
:func:`cfnfix.cli.running.check_command`. Anything else (help, an unknown option, a missing or
bad value, combined short options, ``--``, an empty argument, a repeated single-value option,
shell completion) returns None, and typer reads the command line as before, with its own
messages. ``tests/test_cli_fast.py`` holds the table below against typer's ``check`` command:
an option added there and not here fails it.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import Any

from .running import CHECK_FORMATS, Stop, check_command, warnings_as_lines

__all__ = ["CHECK_OPTIONS", "parse_check", "run_check"]

#: Option string → (parameter of :func:`~cfnfix.cli.running.check_command`, kind): ``flag``
#: (no value: True), ``value`` (one string), ``list`` (repeatable: strings in order), ``int``
#: (a count, 0 or more) or ``format`` (one of the output formats).
CHECK_OPTIONS: dict[str, tuple[str, str]] = {
    "--format": ("output_format", "format"),
    "-f": ("output_format", "format"),
    "--select": ("select", "list"),
    "--ignore": ("ignore", "list"),
    "--config": ("config", "value"),
    "--unsafe-fixes": ("unsafe_fixes", "flag"),
    "--profile": ("profile", "value"),
    "--show-unused-suppressions": ("show_unused_suppressions", "flag"),
    "--templates-only": ("templates_only", "flag"),
    "--quiet": ("quiet", "flag"),
    "-q": ("quiet", "flag"),
    "--no-color": ("no_color", "flag"),
    "--jobs": ("jobs", "int"),
    "-j": ("jobs", "int"),
    "--cfn-lint": ("cfn_lint", "flag"),
    "--regions": ("regions", "list"),
}


def parse_check(args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments of :func:`~cfnfix.cli.running.check_command` for ``cfnfix check
    ARGS``, or None when typer should read ``args`` (see the module's docstring)."""
    if "_CFNFIX_COMPLETE" in os.environ:  # shell completion is typer's
        return None
    found: dict[str, Any] = {}
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or (arg and not arg.startswith("-")):
            paths.append(arg)
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        spec = CHECK_OPTIONS.get(name)
        if spec is None:
            return None  # --help, an unknown or combined option, "--", an empty argument
        param, kind = spec
        if kind == "flag":
            if eq:
                return None
            found[param] = True
            continue
        if eq:
            value = inline
        elif i < len(args):
            value = args[i]
            i += 1
        else:
            return None  # the value is missing
        if value.startswith("-") or not value:
            return None  # an option where a value belongs, or an empty value: typer decides
        if kind == "list":
            found.setdefault(param, []).append(value)
            continue
        if param in found:
            return None  # a single-value option given twice
        if kind == "int":
            if not (value.isascii() and value.isdigit()):
                return None
            found[param] = int(value)
        elif kind == "format":
            if value not in CHECK_FORMATS:
                return None
            found[param] = value
        else:
            found[param] = value
    found["paths"] = paths or None
    return found


def run_check(args: list[str]) -> int | None:
    """Run ``cfnfix check ARGS`` without typer and return its exit status, or None (nothing
    done) when typer should read ``args``. As typer's main loop does: Ctrl-C ends with 130,
    a closed output pipe with 1, end of input with ``Aborted!`` and 1."""
    options = parse_check(args)
    if options is None:
        return None
    warnings_as_lines()
    try:
        return check_command(**options)
    except Stop as stop:
        return stop.code
    except KeyboardInterrupt:
        return 130
    except EOFError:
        sys.stderr.write("\nAborted!\n")
        return 1
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        return 1
