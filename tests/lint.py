"""cfn-lint as a test oracle: which errors does a template have?"""

from __future__ import annotations

from cfnlint.api import ManualArgs, lint


def lint_errors(text: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(rule id, message) of every cfn-lint *error* (E…) in ``text``, region us-east-1."""
    matches = lint(text, config=ManualArgs(regions=["us-east-1"]))
    return {
        (m.rule.id, m.message)
        for m in matches
        if m.rule.id.startswith("E") and m.rule.id not in ignore
    }


def new_lint_errors(before: str, after: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """cfn-lint errors that ``after`` has and ``before`` did not."""
    return lint_errors(after, ignore=ignore) - lint_errors(before, ignore=ignore)
