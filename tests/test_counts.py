"""Counts and marks that mean what they say (issue 22): ``check``'s "N fixable" and ``[*]`` are
what ``apply`` fixes; a file ``apply`` refuses offers no fix; a file that could not be written
is not summed up as "0 remaining"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cfnfix.checking import findings_for, load_template
from cfnfix.errors import CfnfixError
from cfnfix.fixing import as_apply_sees, fix_text
from cfnfix.report import applies
from devtools.corpus import corpus_files
from devtools.golden_cases import GOLDEN, discover

TWO_UNUSED = """Parameters:
  Env: {Type: String}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  IsTest: !Equals [!Ref Env, test]
Resources:
  Queue:
    Type: AWS::SQS::Queue
"""
CHAINED = TWO_UNUSED.replace(
    "IsTest: !Equals [!Ref Env, test]", "IsDevOrTest: !Or [!Condition IsDev, !Equals [!Ref Env, test]]"
)


@pytest.mark.parametrize("text", [TWO_UNUSED, CHAINED], ids=["removed-together", "chained"])
def test_check_and_apply_count_the_same(cli: Callable[..., Result], tmp_path: Path, text: str) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(text, encoding="utf-8")
    check = cli("check", str(path))
    assert check.stdout.count(" CFX805 [*] ") == 2
    assert check.stdout.splitlines()[-1] == "Found 2 findings in 1 template (2 fixable with `cfnfix apply`)."
    apply = cli("apply", str(path))
    assert apply.stderr.splitlines()[-1] == "Would fix 2 findings in 1 file; 0 would remain. Run with --write to apply."


def test_a_file_apply_refuses_offers_no_fix(cli: Callable[..., Result]) -> None:
    """A fix inside a YAML anchor makes ``apply`` refuse the whole file: ``check`` marks nothing
    ``[*]`` there and says why, in ``apply``'s words."""
    path = str(GOLDEN / "yaml-alias" / "aliases-apply-refused" / "input.yaml")
    check = cli("check", "--select", "CFX101", path)
    assert "[*]" not in check.stdout and "fixable" not in check.stdout
    assert check.stderr.startswith(f"note: {path}:8:17: the fix of CFX101 invalid-logical-id (4:3) would edit ")
    apply = cli("apply", "--select", "CFX101", path)
    assert apply.exit_code == 2 and apply.stdout == ""
    beside = str(GOLDEN / "yaml-alias" / "aliases-apply-beside" / "input.yaml")
    assert " CFX101 [*] " in cli("check", "--select", "CFX101", beside).stdout


def _counts(text: str, settings) -> tuple[int, int] | None:  # type: ignore[no-untyped-def]
    try:
        document = load_template(text, None, settings)
        found, _ = as_apply_sees(findings_for(document, settings), document, settings.unsafe_fixes)
        result = fix_text(text, None, settings, document)
    except CfnfixError:
        return None
    return sum(applies(f, settings.unsafe_fixes) for f in found), len(result.fixed)


def test_apply_fixes_at_least_what_check_marks_on_every_golden_input() -> None:
    """More only where one fix makes another finding fixable (a later pass): never fewer."""
    short = {}
    for case in discover():
        counts = _counts(case.input_text(), case.settings())
        if counts is not None and counts[1] < counts[0]:
            short[case.id] = counts
    assert short == {}


@pytest.mark.corpus
def test_apply_fixes_at_least_what_check_marks_over_the_corpus() -> None:
    from cfnfix.config import Settings

    short = {}
    for path in corpus_files():
        counts = _counts(path.read_bytes().decode("utf-8", errors="replace"), Settings())
        if counts is not None and counts[1] < counts[0]:
            short[path.name] = counts
    assert short == {}
