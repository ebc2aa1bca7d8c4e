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

    ``renamed`` (new name → old name): read those names in ``after``'s messages and paths as
    the old ones, so that an error that was already there is not new just because its message
    lists a renamed logical ID. An error of the same rule at the same node as one of
    ``before``'s is that error, its message reworded by the fix (E3037 lists the duplicated
    values: a duplicated ARN wrapped in ``Fn::Sub`` by CFX935 is still the input's duplicate).
    """
    found = [(e.rule_id, e.message, e.path) for e in _lint_errors(after) if e.rule_id not in ignore]
    if not found:
        return set()
    if renamed:
        found = [(rule, rename_names(msg, renamed), _old_path(path, renamed)) for rule, msg, path in found]
    old = [(e.rule_id, e.message, e.path) for e in _lint_errors(before) if e.rule_id not in ignore]
    messages = {(rule, msg) for rule, msg, _ in old}
    places = {(rule, path) for rule, _, path in old if path}
    return {(rule, msg) for rule, msg, path in found if (rule, msg) not in messages and (rule, path) not in places}


def _old_path(path: str, renamed: dict[str, str]) -> str:
    """``path`` with each token that is a new name of ``renamed`` read as its old name."""
    return "/".join(renamed.get(token, token) for token in path.split("/"))
