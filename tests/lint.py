"""cfn-lint as a test oracle: which errors does a template have?

``cfnlint.api.lint`` loads all rules (≈1,000 JSON schemas) on every call, which is ~75% of
its time. One :class:`cfnlint.runner.Runner` per process is reused instead, the way the
cfn-lint CLI lints many files; on all 296 corpus templates the results are identical to
``lint(text, config=ManualArgs(regions=["us-east-1"]))`` and 4× faster.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cfnlint.config import ConfigMixIn
from cfnlint.decode import decode_str
from cfnlint.runner import Runner


@lru_cache(maxsize=1)
def _runner() -> Runner:
    return Runner(ConfigMixIn(regions=["us-east-1"]))


def lint_errors(text: str, *, ignore: tuple[str, ...] = ()) -> set[tuple[str, str]]:
    """(rule id, message) of every cfn-lint *error* (E…) in ``text``, region us-east-1."""
    template, errors = decode_str(text)
    if errors:
        matches = errors
    elif template is None:
        matches = []
    else:
        matches = list(_runner().validate_template(template))
    return {(m.rule.id, m.message) for m in matches if m.rule.id.startswith("E") and m.rule.id not in ignore}


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
        pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, renamed)) + r")(?![A-Za-z0-9])")
        errors = {(rule, pattern.sub(lambda m: renamed[m.group(1)], msg)) for rule, msg in errors}
    return errors - lint_errors(before, ignore=ignore)
