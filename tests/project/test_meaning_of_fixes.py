"""What the meaning checker proves of the fixes: for every golden input and every template of
the shared corpus, ``apply`` (safe fixes only) means the same as the input outside the nodes
the applied fixes declare (unsafe fixes: only where they say), no fix re-reads text that an
earlier meaning-keeping fix of the run wrote, and a second run changes nothing. The checker
itself: ``tests/template/test_meaning.py``."""

from __future__ import annotations

import pytest

from cfnfix import fix
from cfnfix.config import Settings
from cfnfix.document import load
from cfnfix.errors import CfnfixError
from cfnfix.template.meaning import meaning
from devtools.corpus import corpus_files
from devtools.golden_cases import discover
from devtools.meaning_oracle import meaning_report

_GREETING = """Parameters:
  Environment: {Type: String, Default: dev}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Greeter:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !Sub arn:aws:iam::${AWS::AccountId}:role/greeter
      Code:
        ZipFile: |
          import os
          def handler(event, context):
              return os.environ["GREETING"]
      Environment:
        Variables:
          GREETING: !Sub "Hello ${!Queue}"
  Host:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-0abcdef1234567890
      InstanceType: t3.micro
      UserData:
        Fn::Base64: !Sub |
          #!/bin/bash
          Environment=from-the-instance
          echo "running in ${!Environment}" > /etc/motd
"""
_GREETING_AT = "/Resources/Greeter/Properties/Environment/Variables/GREETING"
_SHELL_AT = "/Resources/Host/Properties/UserData"
#: The names exist only after another fix: a misspelt section (CFX804), an invalid logical ID (CFX101).
_LATER_NAMES = (
    _GREETING.replace("Parameters:", "Parameter:")
    .replace("Queue:\n", "Dead_Letters:\n")
    .replace("${!Queue}", "${!DeadLetters}")
    .replace("      Runtime:", "      DeadLetterConfig: {TargetArn: !GetAtt Dead_Letters.Arn}\n      Runtime:")
)


def _at(data: object, pointer: str) -> object:
    for token in pointer.split("/")[1:]:
        data = data[token]  # type: ignore[index]
    return data


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
@pytest.mark.parametrize("text", [_GREETING, _LATER_NAMES], ids=["names-now", "names-after-another-fix"])
def test_an_escaped_name_stays_literal_text_over_repeated_runs(text: str, unsafe: bool) -> None:
    """Issue 22 item 1, with every rule: `!Sub "Hello ${!Queue}"` (the text `Hello ${Queue}`) never
    becomes `!Sub Hello ${Queue}` (the queue's URL), nor the shell's `${!Environment}` the stack
    parameter: not in one `apply --write`, not in the next ones, with or without unsafe fixes,
    also where the name exists only after another fix of the run."""
    greeting = _at(meaning(load(text).data), _GREETING_AT)
    shell = _at(meaning(load(text).data), _SHELL_AT)
    assert isinstance(greeting, str) and greeting.startswith("Hello ${")
    for _ in range(3):
        text = fix(text, config=Settings(unsafe_fixes=unsafe), unsafe=unsafe).text
        meant = meaning(load(text).data)
        assert _at(meant, _GREETING_AT) == greeting, text
        assert _at(meant, _SHELL_AT) == shell, text


def _check_run(text: str, settings: Settings, changed: list[int] | None = None, again: bool = False) -> list[str]:
    try:
        result = fix(text, config=settings)
    except CfnfixError:  # refused (an anchored edit): nothing written
        return []
    if not result.changed:
        return []
    if changed is not None:
        changed.append(len(result.fixed))
    report = meaning_report(result, settings)
    found = report.unexplained + [f"{rule} re-read {pointer}" for rule, pointer in report.reread]
    if again and fix(result.text, config=settings).text != result.text:
        found.append("a second run changes the output")
    return found


GOLDEN = discover()


@pytest.mark.parametrize("case", GOLDEN, ids=[c.id for c in GOLDEN])
def test_safe_fixes_of_every_golden_input_keep_the_meaning_outside_declared_nodes(case) -> None:  # type: ignore[no-untyped-def]
    settings = case.settings().model_copy(update={"unsafe_fixes": False})
    assert _check_run(case.input_text(), settings) == []


def test_unsafe_fixes_too_declare_what_they_change() -> None:
    """Unsafe fixes change behaviour, but still only where they say (over the golden inputs)."""
    problems = {}
    for case in GOLDEN:
        settings = case.settings().model_copy(update={"unsafe_fixes": True})
        found = _check_run(case.input_text(), settings)
        if found:
            problems[case.id] = found
    assert problems == {}


@pytest.mark.corpus
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_fixes_keep_the_meaning_over_the_corpus(unsafe: bool) -> None:
    """Safe fixes keep the meaning outside their declared nodes; unsafe ones too change only
    where they say. And a second run changes nothing: a fix the loop held back because it
    would re-read an earlier pass's text would be applied by the next run, which has no memory
    of who wrote it (figures: benchmarks/meaning_figures.py)."""
    problems = {}
    changed: list[int] = []
    settings = Settings(unsafe_fixes=unsafe)
    for path in corpus_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        found = _check_run(text, settings, changed, again=True)
        if found:
            problems[path.name] = found
    assert problems == {}
    assert len(changed) >= 30 and sum(changed) >= 50, "the corpus has dozens of fixes to hold to their meaning"
