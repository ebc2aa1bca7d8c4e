"""cfn-lint as a second opinion before a fix is kept (``cfnfix apply --verify``).

Only errors count (rule ids starting with ``E``): a fixed template is refused when
cfn-lint reports an error in it that it does not report in the original. Errors are
compared by rule id and message, as a multiset, never by position, since a fix moves
lines; logical IDs the fix renamed are read under their old names in the messages.
Whether such an error is the fix's doing or one the fix only unmasked is
:mod:`cfnfix.cfn_lint.unmasking`'s question.
"""

from __future__ import annotations

import re
from collections import Counter

from ..findings import Patch
from .runner import DEFAULT_REGIONS, LintMatch, lint_matches

__all__ = ["LintError", "lint_errors", "new_errors", "refusal", "rename_names", "renames"]

#: The name :func:`lint_errors` and ``--verify`` use for a match (they only keep errors).
LintError = LintMatch


def lint_errors(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[LintError]:
    """The errors (``E…``) cfn-lint reports for template ``text``, in cfn-lint's order."""
    return [m for m in lint_matches(text, regions) if m.rule_id.startswith("E")]


def renames(patch: Patch) -> dict[str, str]:
    """New name → old name for every rename in ``patch`` (a ``move`` between two keys of one mapping)."""
    from ..document.pointer import parse_pointer

    found: dict[str, str] = {}
    for op in patch:
        if op.get("op") == "move" and isinstance(op.get("from"), str) and isinstance(op.get("path"), str):
            src, dst = parse_pointer(op["from"]), parse_pointer(op["path"])
            if src and dst and src[:-1] == dst[:-1] and src[-1] != dst[-1]:
                found[dst[-1]] = found.pop(src[-1], src[-1])
    return found


def rename_names(message: str, renamed: dict[str, str]) -> str:
    """``message`` with each new name of ``renamed`` (a whole word) read as its old name."""
    if not renamed:
        return message
    pattern = re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, sorted(renamed, key=len, reverse=True))) + r")(?![A-Za-z0-9])"
    )
    return pattern.sub(lambda m: renamed[m.group(1)], message)


def new_errors(
    before: str, after: str, regions: tuple[str, ...] = DEFAULT_REGIONS, *, renamed: dict[str, str] | None = None
) -> list[LintError]:
    """cfn-lint errors in ``after`` beyond those in ``before`` (same rule id and message).

    ``renamed`` (new name → old name, see :func:`renames`): those names in ``after``'s
    messages are read as the old ones, so an error that was already there is not new just
    because its message names a renamed logical ID.
    """
    found: list[LintError] = []
    errors = lint_errors(after, regions)
    if not errors:
        return found
    old = Counter((e.rule_id, e.message) for e in lint_errors(before, regions))
    for error in errors:
        key = (error.rule_id, rename_names(error.message, renamed or {}))
        if old[key]:
            old[key] -= 1
        else:
            found.append(error)
    return found


def refusal(errors: list[LintError], shown: int = 3) -> str:
    """One line: why a fixed template was not kept."""
    listed = "; ".join(str(e) for e in errors[:shown])
    more = f"; and {len(errors) - shown} more" if len(errors) > shown else ""
    count = "a new error" if len(errors) == 1 else f"{len(errors)} new errors"
    return f"not fixed (--verify): cfn-lint reports {count} in the fixed template: {listed}{more}"
