"""Help text that reads like ruff's (clap's): flags are shown bare, values as ``<NAME>``.

typer's own help shows every parameter's Python type (``--unsafe-fixes <bool>``,
``paths... <list[str]>``), draws boxes and truncates long option names. The command classes
here replace it with plain text in the layout of ``ruff check -h``::

    Report what is wrong.

    Usage: cfnfix check [OPTIONS] [PATHS]...

    Arguments:
      [PATHS]...  Templates, folders ...

    Options:
      -f, --format <FORMAT>  Output format [default: text] [possible values: text, json, ...]
          --unsafe-fixes     Include fixes marked unsafe.

Only the click attributes every typer version has are read (``opts``, ``is_flag``,
``metavar``, ``help``, ``nargs``, ``required``, ``default``), so the layout does not change
with typer's rendering. Usage lines in error messages use the same names.
"""

from __future__ import annotations

import inspect
import os
import shutil
import textwrap
from enum import Enum
from typing import Any

from typer.core import TyperCommand, TyperGroup

__all__ = ["HelpCommand", "HelpGroup", "render_help"]

#: Help never wraps wider than this, whatever the terminal (as clap's ``max_term_width``).
MAX_WIDTH = 100
#: Narrowest layout; below it the text would be unreadable anyway.
MIN_WIDTH = 40


def _width() -> int:
    columns = shutil.get_terminal_size((80, 24)).columns
    if os.environ.get("COLUMNS", "").isdigit():
        columns = int(os.environ["COLUMNS"])
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def _is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False)) or bool(getattr(param, "count", False))


def _choices(param: Any) -> list[str]:
    """The values a choice parameter accepts (click's ``type`` or typer's ``type_descriptor``)."""
    for holder in (getattr(param, "type", None), getattr(param, "type_descriptor", None)):
        found = getattr(holder, "choices", None)
        if found:
            return [c.value if isinstance(c, Enum) else str(c) for c in found]
    return []


def _value_name(param: Any) -> str:
    """``IDS`` for ``--select IDS``: the metavar, else the parameter's name in capitals."""
    return str(param.metavar or param.name or "VALUE").upper().strip("<>[]{}")


def argument_usage(param: Any) -> str:
    """``<FILE>`` (required), ``[PATHS]...`` (optional, repeatable), as clap writes them."""
    name = _value_name(param)
    shown = f"<{name}>" if param.required else f"[{name}]"
    return shown + ("..." if param.nargs != 1 else "")


def option_spec(param: Any) -> str:
    """``-f, --format <FORMAT>`` or ``    --unsafe-fixes`` (long names aligned under short ones)."""
    names = [*param.opts, *getattr(param, "secondary_opts", ())]
    short = [n for n in names if not n.startswith("--")]
    long = [n for n in names if n.startswith("--")]
    spec = ", ".join(short + long) if short else "    " + ", ".join(long)
    if not _is_flag(param):
        spec += f" <{_value_name(param)}>"
    return spec


def _default(param: Any) -> str | None:
    shown = getattr(param, "show_default", None)
    if isinstance(shown, str):
        return shown  # what the default means, when the value itself is None (``PATHS``: ".")
    if _is_flag(param) or param.default is None or param.default == [] or getattr(param, "show_default", True) is False:
        return None
    value = param.default
    if isinstance(value, Enum):
        value = value.value
    return str(value)


def option_help(param: Any) -> str:
    """The help of one parameter with clap's ``[default: …]`` and ``[possible values: …]``."""
    text = " ".join((param.help or "").split())
    extra = []
    default = _default(param)
    if default is not None:
        extra.append(f"[default: {default}]")
    choices = _choices(param)
    if choices:
        extra.append(f"[possible values: {', '.join(choices)}]")
    return " ".join([text, *extra]).strip()


def _paragraphs(text: str) -> list[str]:
    """The docstring's paragraphs, each on one line (typer keeps the source's line breaks)."""
    cleaned = inspect.cleandoc(text or "")
    return [" ".join(p.split()) for p in cleaned.split("\n\n") if p.strip()]


def short_help(command: Any) -> str:
    """One line for a command list: ``short_help``, else the first sentence of the help."""
    if getattr(command, "short_help", None):
        return str(command.short_help)
    paragraphs = _paragraphs(command.help or "")
    if not paragraphs:
        return ""
    first = paragraphs[0]
    end = first.find(". ")
    return first if end < 0 else first[: end + 1]


def _table(rows: list[tuple[str, str]], width: int) -> list[str]:
    """Two columns (``  spec  help``), help wrapped with a hanging indent; long specs put help below."""
    if not rows:
        return []
    left = max(len(spec) for spec, _ in rows) + 4
    below = left > width // 2
    out: list[str] = []
    for spec, text in rows:
        if below:
            out.append(f"  {spec}".rstrip())
            if text:
                out += textwrap.wrap(text, width, initial_indent=" " * 10, subsequent_indent=" " * 10)
            continue
        lines = textwrap.wrap(text, max(20, width - left), break_on_hyphens=False) or [""]
        out.append(f"  {spec.ljust(left - 2)}{lines[0]}".rstrip())
        out += [" " * left + line for line in lines[1:]]
    return out


def usage(command: Any, ctx: Any) -> str:
    """``cfnfix check [OPTIONS] [PATHS]...`` (without the ``Usage:`` label)."""
    pieces = [ctx.command_path]
    params = list(command.get_params(ctx))
    if any(_is_option(p) for p in params):
        pieces.append("[OPTIONS]")
    pieces += [argument_usage(p) for p in params if getattr(p, "param_type_name", "") == "argument"]
    if isinstance(command, TyperGroup) or hasattr(command, "commands"):
        pieces.append("<COMMAND>")
    return " ".join(pieces)


def render_help(command: Any, ctx: Any) -> str:
    """The whole help of a command or of the group, as ruff prints it."""
    width = _width()
    out: list[str] = []
    for paragraph in _paragraphs(command.help or ""):
        out += textwrap.wrap(paragraph, width, break_on_hyphens=False) + [""]
    out += [f"Usage: {usage(command, ctx)}", ""]
    commands = getattr(command, "commands", None)
    if commands:
        names = command.list_commands(ctx) if hasattr(command, "list_commands") else list(commands)
        rows = [(name, short_help(commands[name])) for name in names if not getattr(commands[name], "hidden", False)]
        out += ["Commands:", *_table(rows, width), ""]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(argument_usage(p), option_help(p)) for p in params if getattr(p, "param_type_name", "") == "argument"]
    if arguments:
        out += ["Arguments:", *_table(arguments, width), ""]
    options = [(option_spec(p), option_help(p)) for p in params if _is_option(p)]
    if options:
        out += ["Options:", *_table(options, width), ""]
    return "\n".join(out).rstrip("\n") + "\n"


class HelpCommand(TyperCommand):
    """A typer command whose help (and usage line in errors) reads like ruff's."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write :func:`render_help` instead of typer's boxes."""
        formatter.write(render_help(self, ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """``Usage: cfnfix check [OPTIONS] [PATHS]...`` in error messages."""
        formatter.write(f"Usage: {usage(self, ctx)}\n")


class HelpGroup(TyperGroup):
    """The ``cfnfix`` group, with :class:`HelpCommand`'s help layout."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write :func:`render_help` instead of typer's boxes."""
        formatter.write(render_help(self, ctx))

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        """``Usage: cfnfix [OPTIONS] <COMMAND>`` in error messages."""
        formatter.write(f"Usage: {usage(self, ctx)}\n")
