"""cfn-lint as a second opinion before a fix is kept (``cfnfix apply --verify``).

cfn-lint is an optional dependency (``pip install 'cfnfix[lint]'``), imported only when
verification is asked for: it takes over a second to import and load its rules, which
``cfnfix check`` must not pay. Its rules are loaded once per process and region set, then
reused for every template (about 30 ms a template instead of about 1 s through
``cfnlint.api.lint``, which reloads them on each call).

Only errors count (rule ids starting with ``E``): a fixed template is refused when
cfn-lint reports an error in it that it does not report in the original. Errors are
compared by rule id and message, as a multiset, never by position, since a fix moves
lines; logical IDs the fix renamed are read under their old names in the messages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import ConfigError, LintRefusalError
from .findings import Patch

__all__ = [
    "DEFAULT_REGIONS",
    "LintError",
    "LintMatch",
    "lint_matches",
    "lint_errors",
    "new_errors",
    "refusal",
    "rename_names",
    "renames",
    "require",
    "validate_regions",
]

#: Regions cfn-lint checks against unless ``--regions`` says otherwise.
DEFAULT_REGIONS: tuple[str, ...] = ("us-east-1",)
_INSTALL = "pip install 'cfnfix[lint]'"


@dataclass(frozen=True)
class LintMatch:
    """One cfn-lint match: rule id, message, 1-based position in the linted text, JSON
    Pointer of the node it is about (``""``: the template) and cfn-lint's level
    (``error``, ``warning``, ``informational``)."""

    rule_id: str
    message: str
    line: int
    column: int
    path: str = ""
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.rule_id} {self.message} (line {self.line})"


#: The name :func:`lint_errors` and ``--verify`` use for a match (they only keep errors).
LintError = LintMatch


def require(what: str = "--verify") -> None:
    """Raise :class:`~cfnfix.errors.ConfigError` naming the extra when cfn-lint is not installed."""
    try:
        import cfnlint
        import cfnlint.api  # noqa: F401
    except ImportError:
        raise ConfigError(f"{what} needs cfn-lint, which is not installed: {_INSTALL}") from None


def validate_regions(regions: tuple[str, ...], what: str = "--verify", *, option: str = "--regions") -> tuple[str, ...]:
    """``regions`` when cfn-lint knows them all, else a :class:`~cfnfix.errors.ConfigError`
    (``what``: the option that needs cfn-lint; ``option``: where the regions came from)."""
    require(what)
    from cfnlint.helpers import REGIONS

    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise ConfigError(
            f"{option}: unknown AWS region {', '.join(map(repr, unknown))} (cfn-lint knows {len(REGIONS)} regions, e.g. us-east-1)"
        )
    if not regions:
        raise ConfigError(f"{option}: name at least one region")
    return regions


@lru_cache(maxsize=4)
def _runner(regions: tuple[str, ...]) -> tuple[Any, Any]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    config = ConfigMixIn(regions=list(regions))
    return config, Runner(config).rules


def preload(regions: tuple[str, ...] = DEFAULT_REGIONS) -> None:
    """Load cfn-lint's rules for ``regions`` now (before worker processes fork: they share them)."""
    _runner(tuple(regions))


def _pointer(path: Any) -> str:
    from .document.pointer import make_pointer

    if not isinstance(path, (list, tuple)):
        return ""
    return make_pointer([str(p) for p in path])


def lint_matches(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS, *, what: str = "--verify") -> list[LintMatch]:
    """Every match (errors, warnings, informational) cfn-lint reports for ``text``, in cfn-lint's order.

    Raises :class:`~cfnfix.errors.VerificationError` (``what``: the option that asked)
    when cfn-lint itself fails.
    """
    require(what)
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    try:
        template, matches = decode_str(text)
        if not matches and template is not None:
            config, rules = _runner(tuple(regions))
            matches = list(run_template_by_data(template, config, rules))
        return [
            LintMatch(
                m.rule.id,
                m.message,
                m.linenumber,
                m.columnnumber,
                _pointer(getattr(m, "path", None)),
                str(getattr(m.rule, "severity", "error")).lower(),
            )
            for m in matches or ()
        ]
    except Exception as exc:
        raise LintRefusalError(f"{what}: cfn-lint failed: {type(exc).__name__}: {exc}") from None


def lint_errors(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[LintError]:
    """The errors (``E…``) cfn-lint reports for template ``text``, in cfn-lint's order."""
    return [m for m in lint_matches(text, regions) if m.rule_id.startswith("E")]


def renames(patch: Patch) -> dict[str, str]:
    """New name → old name for every rename in ``patch`` (a ``move`` between two keys of one mapping)."""
    from .document.pointer import parse_pointer

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
