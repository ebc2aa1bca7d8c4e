"""CFX807 sub-without-variables: ``Fn::Sub`` of a string with no ``${…}`` (cfn-lint W1020)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.references import ReferenceIndex
from ..base import Rule, RuleContext

_VARIABLE = re.compile(r"\$\{(?!!)")
_ESCAPE = re.compile(r"\$\{!([^}]*)\}")
#: What ``${X}`` in a Sub can name: a parameter or resource (``Name``, ``Name.Attribute``) or a
#: pseudo parameter (``AWS::Region``); logical names as templates write them, valid or not.
_NAME_SHAPED = re.compile(r"^(AWS::\w+|[\w-]+(\.[\w.-]+)?)$")
#: Where a Sub is read (the shared reference index walks these and more).
_SECTIONS = ("Resources", "Outputs", "Conditions", "Metadata", "Globals")


def _plain(arg: Any) -> str | None:
    """The string a variable-free ``Fn::Sub`` argument evaluates to, else None (also when an
    escaped ``${!X}`` could name a parameter, a resource or a pseudo parameter: as plain text
    ``${X}`` reads as a lost Sub wherever ``X`` is, or becomes, a name of the template)."""
    if isinstance(arg, list) and len(arg) == 2 and arg[1] == {}:
        arg = arg[0]
    if not isinstance(arg, str) or _VARIABLE.search(arg):
        return None
    if any(_NAME_SHAPED.match(m.group(1).strip()) for m in _ESCAPE.finditer(arg)):
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
to write a literal `${Literal}` (`${!aws:username}`, `${! two words}`), so it becomes
`${Literal}` in the plain string. The list form with an empty variable map (`[text, {}]`) is
treated the same; a non-empty map is left alone.

A Sub with an escaped `${!Name}` that could name a parameter, a resource or a pseudo parameter
(`!Sub "Hello ${!Queue}"`, a shell's `${!Environment}` or `${!HOME}` in UserData) is not
reported: written plainly, `Hello ${Queue}` reads as a `Fn::Sub` that was lost wherever
`Queue` is a name of the template (CFX705 and cfn-lint E1029 say so), and wrapping it again
would deploy the queue's URL instead of the text. That holds for a name the template has
only after another fix (a misspelt `Parameter:` section corrected, an invalid logical ID
renamed), in the same run or the next, so the Sub stays whatever the template names now:
there it is what keeps the text literal.

## Fix safety
**Safe**: the property receives exactly the same string.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per variable-free Fn::Sub."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        for pointer, arg in ReferenceIndex.of(data).subs:
            if pointer[1:].split("/", 1)[0] not in _SECTIONS:
                continue
            plain = _plain(arg)
            if plain is None:
                continue
            fix = Fix.safe("use the plain string", [Op.replace(pointer, plain)])
            yield self.finding(ctx, pointer, f"Fn::Sub of {plain!r} has no variables: write the plain string", fix=fix)
