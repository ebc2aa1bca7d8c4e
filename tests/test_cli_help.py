"""``cfnfix … --help`` reads like ruff's: flags bare, values as ``<NAME>``, no Python types."""

from __future__ import annotations

import re

import pytest
import typer

from cfnfix.cli.app import app
from cfnfix.cli.help import render_help

#: Command → the option and argument specs its help must show, exactly as written.
EXPECTED: dict[str, list[str]] = {
    "": ["-V, --version", "-h, --help"],
    "check": [
        "[PATHS]...",
        "-f, --format <FORMAT>",
        "    --select <IDS>",
        "    --ignore <IDS>",
        "    --config <FILE>",
        "    --unsafe-fixes",
        "    --show-unused-suppressions",
        "    --templates-only",
        "-q, --quiet",
        "    --no-color",
        "-j, --jobs <N>",
        "-h, --help",
    ],
    "apply": [
        "[PATHS]...",
        "-w, --write",
        "    --patch",
        "    --select <IDS>",
        "    --ignore <IDS>",
        "    --config <FILE>",
        "    --unsafe-fixes",
        "    --show-unused-suppressions",
        "    --templates-only",
        "-q, --quiet",
        "    --no-color",
        "-j, --jobs <N>",
        "    --verify",
        "    --regions <REGIONS>",
        "-h, --help",
    ],
    "rules": ["-f, --format <FORMAT>", "    --no-color", "-h, --help"],
    "explain": ["<ID>", "-h, --help"],
    "patch": ["<FILE>", "<PATCH>", "-w, --write", "    --no-color", "-h, --help"],
    "dataset": [
        "<MODE>",
        "<INPUT>",
        "<OUTPUT>",
        "-c, --column <NAME>",
        "    --id-column <NAME>",
        "    --format <FORMAT>",
        "    --unsafe-fixes",
        "    --cfn-lint",
        "-j, --jobs <N>",
        "    --resume",
        "    --engine <ENGINE>",
        "    --address <ADDRESS>",
        "-q, --quiet",
        "-h, --help",
    ],
    "server": ["-h, --help"],
}

USAGE = {
    "": "Usage: cfnfix [OPTIONS] <COMMAND>",
    "check": "Usage: cfnfix check [OPTIONS] [PATHS]...",
    "apply": "Usage: cfnfix apply [OPTIONS] [PATHS]...",
    "rules": "Usage: cfnfix rules [OPTIONS]",
    "explain": "Usage: cfnfix explain [OPTIONS] <ID>",
    "patch": "Usage: cfnfix patch [OPTIONS] <FILE> <PATCH>",
    "dataset": "Usage: cfnfix dataset [OPTIONS] <MODE> <INPUT> <OUTPUT>",
    "server": "Usage: cfnfix server [OPTIONS]",
}


def _help(cli, command: str) -> str:  # type: ignore[no-untyped-def]
    result = cli(*([command] if command else []), "--help", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_is_covered() -> None:
    group = typer.main.get_command(app)
    assert set(EXPECTED) == {"", *group.commands}  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", sorted(EXPECTED))
def test_help_shows_flags_bare_and_values_named(cli, command: str) -> None:
    text = _help(cli, command)
    for python_type in ("<bool>", "<str>", "<int>", "<list", "[x>=", "╭", "…"):
        assert python_type not in text, python_type
    assert USAGE[command] in text.splitlines()
    listed = [line[2:] for line in text.splitlines() if line.startswith("  ") and not line.startswith("   " * 4)]
    for spec in EXPECTED[command]:
        # the spec, then two spaces before its help (or the end of the line): nothing after a flag
        assert any(re.fullmatch(re.escape(spec) + r"(  .*)?", line.rstrip()) for line in listed), (spec, text)
    assert all(len(line) <= 80 for line in text.splitlines()), "wrapped to the terminal width"


def test_flags_never_show_a_value_and_value_options_always_do(cli) -> None:
    group = typer.main.get_command(app)
    for name, command in [("", group), *group.commands.items()]:  # type: ignore[attr-defined]
        text = _help(cli, name)
        for param in command.params:
            if param.param_type_name != "option":
                continue
            long = next(o for o in param.opts if o.startswith("--"))
            (line,) = [ln for ln in text.splitlines() if re.match(r"  (-\w, |    )" + re.escape(long) + r"( |,|$)", ln)]
            after = line.split(long, 1)[1]
            if param.is_flag:
                assert not after.lstrip().startswith("<"), line
            else:
                assert after.startswith(" <") and ">" in after, line


def test_choices_and_defaults_are_shown_as_clap_does(cli) -> None:
    text = " ".join(_help(cli, "check").split())
    assert "Output format. [default: text] [possible values: text, json, sarif, github, markdown]" in text
    assert "[default: .]" in text
    assert "[default: 0]" in text
    assert "[default: False]" not in text, "flags have no default shown"


def test_docstring_paragraphs_are_reflowed(cli) -> None:
    text = _help(cli, "apply")
    assert "cfn-lint must find no new error" in " ".join(text.split())
    assert "must find\nno new" not in text  # typer kept the source line breaks


def test_usage_errors_use_the_same_names(cli) -> None:
    result = cli("check", "--format", "xml")
    assert result.exit_code == 2
    assert "Usage: cfnfix check [OPTIONS] [PATHS]..." in result.stderr
    result = cli("patch", "only-one")
    assert result.exit_code == 2
    assert "Usage: cfnfix patch [OPTIONS] <FILE> <PATCH>" in result.stderr


def test_root_help_lists_commands_with_one_line_each(cli) -> None:
    text = _help(cli, "")
    assert text.startswith("Find what is broken in AWS CloudFormation templates")
    commands = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in commands.splitlines() if not line.startswith("    ")] == [
        "check",
        "apply",
        "rules",
        "explain",
        "patch",
        "dataset",
        "server",
    ]


def test_narrow_and_wide_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    group = typer.main.get_command(app)
    check = group.commands["check"]  # type: ignore[attr-defined]
    ctx = typer.Context(check, info_name="check")
    monkeypatch.setenv("COLUMNS", "50")
    narrow = render_help(check, ctx)
    assert max(map(len, narrow.splitlines())) <= 50
    assert "\n      --show-unused-suppressions\n          Report suppressions" in narrow, "help below long specs"
    monkeypatch.setenv("COLUMNS", "300")
    wide = render_help(check, ctx)
    assert max(map(len, wide.splitlines())) <= 100, "never wider than 100 columns, as clap"
