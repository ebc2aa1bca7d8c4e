"""CFX807 sub-without-variables: ``Fn::Sub`` of a string with no ``${…}`` (cfn-lint W1020)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.references import ReferenceIndex, declared_names
from ..base import Rule, RuleContext

_VARIABLE = re.compile(r"\$\{(?!!)")
_ESCAPE = re.compile(r"\$\{!([^}]*)\}")
#: Where a Sub is read (the shared reference index walks these and more).
_SECTIONS = ("Resources", "Outputs", "Conditions", "Metadata", "Globals")


def _plain(arg: Any, names: frozenset[str]) -> str | None:
    """The string a variable-free ``Fn::Sub`` argument evaluates to, else None (also when an
    escaped ``${!X}`` names something of the template: as plain text ``${X}`` reads as a lost Sub)."""
    if isinstance(arg, list) and len(arg) == 2 and arg[1] == {}:
        arg = arg[0]
    if not isinstance(arg, str) or _VARIABLE.search(arg):
        return None
    for m in _ESCAPE.finditer(arg):
        name = m.group(1).strip()
        if name.startswith("AWS::") or name in names or name.split(".", 1)[0] in names:
            return None
    return arg.replace("${!", "${")


class SubWithoutVariables(Rule):
    """Replace a variable-free Fn::Sub with the plain string it evaluates to."""

    id = "CFX807"
    name = "sub-without-variables"
    severity = Severity.LOW
    summary = "Fn::Sub of a string without ${} variables: the plain string"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html"
    fix_applicability = Applicability.SAFE
    keeps_meaning = True
    cfn_lint_ids = ("W1020",)
    root_cause = "Sub was used by habit, or the variable it once had was removed."
    deployment_impact = "None: the value is the same. The Sub makes readers look for a variable that is not there."
    explanation = """\
## What
An `Fn::Sub` whose string has no `${Name}` variable (`!Sub "my-bucket"`; cfn-lint W1020).

## Why
`Fn::Sub` substitutes `${Name}` variables; a string without any evaluates to itself: the
function is noise, and readers look for a variable that is not there.

## Fix
The `Fn::Sub` (`!Sub`) is replaced by the string it evaluates to. `${!Literal}` is Sub's way
to write a literal `${Literal}`, so it becomes `${Literal}` in the plain string. The list form
with an empty variable map (`[text, {}]`) is treated the same; a non-empty map is left alone.

A Sub whose `${!Name}` names a parameter, a resource or a pseudo parameter of the template
(`!Sub "Hello ${!Queue}"`, a shell's `${!Environment}` in UserData) is not reported: written
plainly, `Hello ${Queue}` reads as a `Fn::Sub` that was lost (CFX705 and cfn-lint E1029 say
so), and wrapping it again would deploy the queue's URL instead of the text. There the Sub is
what keeps the text literal.

## Fix safety
**Safe**: the property receives exactly the same string.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per variable-free Fn::Sub."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        declared = declared_names(data)
        names = frozenset(declared.get("Parameters", ())) | frozenset(declared.get("Resources", ()))
        for pointer, arg in ReferenceIndex.of(data).subs:
            if pointer[1:].split("/", 1)[0] not in _SECTIONS:
                continue
            plain = _plain(arg, names)
            if plain is None:
                continue
            fix = Fix.safe("use the plain string", [Op.replace(pointer, plain)])
            yield self.finding(ctx, pointer, f"Fn::Sub of {plain!r} has no variables: write the plain string", fix=fix)
