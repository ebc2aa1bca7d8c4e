"""cfn-lint as a test oracle: which errors does a template have?

Goes through :mod:`cfnfix.lint`, which loads cfn-lint's rules once per process (about
30 ms a template instead of about 1 s through ``cfnlint.api.lint``).
"""

from __future__ import annotations

from cfnfix.lint import lint_errors as _lint_errors


def lint_errors(text: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(rule id, message) of every cfn-lint *error* (E…) in ``text``, region us-east-1."""
    return {(e.rule_id, e.message) for e in _lint_errors(text) if e.rule_id not in ignore}


def new_lint_errors(before: str, after: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """cfn-lint errors that ``after`` has and ``before`` did not."""
    return lint_errors(after, ignore=ignore) - lint_errors(before, ignore=ignore)
