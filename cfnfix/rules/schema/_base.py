"""What every schema rule shares: it runs only where cfn-lint's schemas can be read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Finding
from ..base import Rule, RuleContext
from ._names import has_macro
from ._schemas import unavailable_reason

#: The ``### Needs cfn-lint's schemas`` part of every schema rule's ``## What``.
NEEDS = """
### Needs cfn-lint's schemas
This rule reads the CloudFormation resource schemas that cfn-lint ships (region us-east-1),
as data files: cfn-lint itself is not run. cfn-lint is a dependency of cfnfix; an installation
without it (`pip install --no-deps`) stops with an error naming these rules rather than finding
nothing (`--ignore CFX7` runs the others). Templates with a macro (a `Transform`
other than `AWS::Serverless-2016-10-31` or `AWS::LanguageExtensions`) are left alone: the
macro, not CloudFormation, reads what is written.
"""


class SchemaRule(Rule):
    """A rule that needs cfn-lint's bundled schemas; silent (and says why) without them."""

    def __init__(self) -> None:
        reason = unavailable_reason()
        if reason:  # said where NEEDS says what the rule needs
            self.explanation = type(self).explanation.replace(NEEDS, f"{NEEDS}\n### Not active here\n{reason}.\n", 1)

    def unavailable(self) -> str | None:
        """Why the schemas cannot be read here (None when they can)."""
        return unavailable_reason()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """The findings of :meth:`scan`; none when the schemas cannot be read or a macro
        (a ``Transform`` other than SAM or LanguageExtensions) rewrites the template."""
        if unavailable_reason() is None and isinstance(ctx.data, dict) and not has_macro(ctx.data):
            yield from self.scan(ctx)

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:  # pragma: no cover - abstract
        """Yield the findings for one template (schemas available)."""
        raise NotImplementedError


def show(value: Any, limit: int = 60) -> str:
    """A short, one-line rendering of a value for a message."""
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def either(names: tuple[str, ...] | list[str]) -> str:
    """``A or B`` / ``A, B or C`` with each name quoted."""
    quoted = [f"'{n}'" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
