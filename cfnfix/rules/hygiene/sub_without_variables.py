"""CFX807 sub-without-variables: ``Fn::Sub`` of a string with no ``${…}`` (cfn-lint W1020)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext

_VARIABLE = re.compile(r"\$\{(?!!)")


def _plain(arg: Any) -> str | None:
    """The string a variable-free ``Fn::Sub`` argument evaluates to, else None."""
    if isinstance(arg, list) and len(arg) == 2 and arg[1] == {}:
        arg = arg[0]
    if not isinstance(arg, str) or _VARIABLE.search(arg):
        return None
    return arg.replace("${!", "${")


def _subs(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    """(pointer of the ``{"Fn::Sub": …}`` node, its plain value) for each variable-free Sub."""
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::Sub" in value:
            plain = _plain(value["Fn::Sub"])
            if plain is not None:
                yield pointer, plain
                return
        for key, item in value.items():
            yield from _subs(item, f"{pointer}/{escape_token(key)}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _subs(item, f"{pointer}/{i}")


class SubWithoutVariables(Rule):
    """Replace a variable-free Fn::Sub with the plain string it evaluates to."""

    id = "CFX807"
    name = "sub-without-variables"
    severity = Severity.LOW
    summary = "Fn::Sub of a string without ${} variables: the plain string"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html"
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("W1020",)
    root_cause = "Sub was used by habit, or the variable it once had was removed."
    deployment_impact = "None: the value is the same. The Sub makes readers look for a variable that is not there."
    explanation: ClassVar[str] = """\
## What is wrong
`Fn::Sub` substitutes `${Name}` variables. A string without any (`!Sub "my-bucket"`) evaluates
to itself: the function is noise, and readers look for a variable that is not there
(cfn-lint W1020).

## The fix
The `Fn::Sub` (`!Sub`) is replaced by the string it evaluates to. `${!Literal}` is Sub's way
to write a literal `${Literal}`, so it becomes `${Literal}` in the plain string. The list form
with an empty variable map (`[text, {}]`) is treated the same; a non-empty map is left alone.

## Safety
**Safe**: the property receives exactly the same string.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per variable-free Fn::Sub."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        for section in ("Resources", "Outputs", "Conditions", "Metadata", "Globals"):
            block = data.get(section)
            if not isinstance(block, (dict, list)):
                continue
            for pointer, plain in _subs(block, f"/{section}"):
                fix = Fix(applicability=Applicability.SAFE, message="use the plain string", patch=[{"op": "replace", "path": pointer, "value": plain}])
                yield self.finding(ctx, pointer, f"Fn::Sub of {plain!r} has no variables: write the plain string", fix=fix)
