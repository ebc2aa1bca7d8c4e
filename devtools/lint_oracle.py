"""cfn-lint as a test oracle: which errors does a template have?

``cfnlint.api.lint`` loads all rules (≈1,000 JSON schemas) on every call, which is ~75% of
its time. :mod:`cfnfix.cfn_lint` (behind ``cfnfix apply --verify``) keeps one set of rules per
process instead, the way the cfn-lint CLI lints many files; on all 296 corpus templates
the results are identical to ``lint(text, config=ManualArgs(regions=["us-east-1"]))`` and
4× faster.
"""

from __future__ import annotations

from cfnfix.cfn_lint.verify import lint_errors as _lint_errors
from cfnfix.cfn_lint.verify import rename_names


def lint_errors(text: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(rule id, message) of every cfn-lint *error* (E…) in ``text``, region us-east-1."""
    return {(e.rule_id, e.message) for e in _lint_errors(text) if e.rule_id not in ignore}


def new_lint_errors(
    before: str, after: str, *, ignore: tuple[str, ...] = (), renamed: dict[str, str] | None = None
) -> set[tuple[str, str]]:
    """cfn-lint errors that ``after`` has and ``before`` did not (``before`` is linted only if needed).

    ``renamed`` (new name → old name): read those names in ``after``'s messages as the old
    ones, so that an error that was already there is not new just because its message lists
    a renamed logical ID.
    """
    errors = lint_errors(after, ignore=ignore)
    if not errors:
        return set()
    if renamed:
        errors = {(rule, rename_names(msg, renamed)) for rule, msg in errors}
    return errors - lint_errors(before, ignore=ignore)
