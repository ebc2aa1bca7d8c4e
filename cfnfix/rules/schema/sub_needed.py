"""CFX705 sub-needed: ``${Name}`` of a template name in a plain string, outside ``Fn::Sub`` (E1029)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources, section
from ..base import RuleContext
from ._base import NEEDS, SchemaRule
from ._names import Names, names

_TOKEN = re.compile(r"\$\{([^}]*)\}")
#: Functions whose arguments are names or already substituted: never descended into.
_OPAQUE = ("Fn::Sub", "Ref", "Fn::GetAtt", "Fn::FindInMap", "Condition", "Fn::Transform")
#: Step Functions definitions substitute ``${X}`` themselves when DefinitionSubstitutions has X.
_STATE_MACHINE = ("Definition", "DefinitionString")


class SubNeeded(SchemaRule):
    """A string that uses ``${X}`` substitution syntax without ``Fn::Sub``."""

    id = "CFX705"
    name = "sub-needed"
    severity = Severity.HIGH
    summary = "${Name} of a parameter, resource or pseudo parameter in a plain string: wrapped in Fn::Sub"
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html"
    )
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("E1029",)
    root_cause = "The Fn::Sub around a string was lost or forgotten, so ${Name} is not substituted."
    deployment_impact = (
        "The literal text ${Name} is deployed instead of the value (names, ARNs and URLs come out wrong)."
    )
    explanation = (
        """\
## What
A plain string in a resource's properties or an output that contains `${X}` where `X` is a
parameter, a resource (`${X.Attr}`: one of its attributes) or a pseudo parameter of the
template, but is not inside `Fn::Sub` (cfn-lint's E1029).
"""
        + NEEDS
        + """
## Why
Outside `Fn::Sub` nothing is substituted: the literal text `${X}` is deployed instead of the
value, so names, ARNs and URLs come out wrong.

## Fix
The string becomes `Fn::Sub` of itself (`!Sub` where the file writes intrinsic functions as
short tags); when it also holds other `${…}` (a shell variable in UserData), those are
escaped as `${!…}` so that `Fn::Sub` keeps them literal.

Strings of a Step Functions definition with `DefinitionSubstitutions` for the name are left
alone (the service substitutes them), as are a nested `TemplateBody` (a template of its own)
and strings inside other intrinsic functions' name arguments. A string that an earlier fix
pass wrote (the plain text of a `Fn::Sub` with `${!Queue}`) is never wrapped in the same run.

## Fix safety
**Unsafe**: the fix is a guess about intent. The text `${Queue}` may be meant literally (a
shell or a template engine reads it later, or the author escaped it on purpose), and
wrapping it deploys the queue's URL instead: review each one, and the `${!…}` escapes of
other `${…}` in it.
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per string that needs ``Fn::Sub``."""
        known = names(ctx.data)
        if known is None:
            return
        for res in resources(ctx.data):
            props = res.body.get("Properties")
            subs = props.get("DefinitionSubstitutions") if isinstance(props, dict) else None
            skip = set(subs) if isinstance(subs, dict) else set()
            yield from self._walk(ctx, props, f"{res.pointer}/Properties", known, skip, top=True)
        for name, out in section(ctx.data, "Outputs").items():
            if isinstance(out, dict):
                base = f"/Outputs/{escape_token(name)}"
                yield from self._walk(ctx, out.get("Value"), f"{base}/Value", known, set())
                export = out.get("Export")
                if isinstance(export, dict):
                    yield from self._walk(ctx, export.get("Name"), f"{base}/Export/Name", known, set())

    def _walk(
        self, ctx: RuleContext, value: Any, pointer: str, known: Names, skip: set[str], top: bool = False
    ) -> Iterator[Finding]:
        if isinstance(value, str):
            finding = self._string(ctx, value, pointer, known)
            if finding is not None:
                yield finding
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from self._walk(ctx, item, f"{pointer}/{i}", known, skip)
        elif isinstance(value, dict):
            if len(value) == 1 and next(iter(value)) in _OPAQUE:
                return
            for key, item in value.items():
                if (top and key in _STATE_MACHINE and skip) or key == "TemplateBody":
                    continue
                if key == "Fn::If" and isinstance(item, list):
                    for i, branch in enumerate(item[1:], 1):
                        yield from self._walk(ctx, branch, f"{pointer}/Fn::If/{i}", known, skip)
                    continue
                yield from self._walk(ctx, item, f"{pointer}/{escape_token(key)}", known, skip)

    def _string(self, ctx: RuleContext, text: str, pointer: str, known: Names) -> Finding | None:
        if "${" not in text:
            return None
        named: list[str] = []
        other: list[str] = []
        for m in _TOKEN.finditer(text):
            var = m.group(1).strip()
            if var.startswith("!"):
                continue
            (named if _resolves(var, known) and re.fullmatch(r"[A-Za-z0-9_:.]+", var) else other).append(var)
        if not named:
            return None
        value = text if not other else _escape(text, known)
        shown = ", ".join(f"${{{v}}}" for v in dict.fromkeys(named))
        escaped = (
            "" if not other else f", escaping {', '.join(f'${{{v}}}' for v in dict.fromkeys(other))} as literal text"
        )
        fix = Fix.unsafe(f"Wrap the string in Fn::Sub{escaped}", [Op.replace(pointer, {"Fn::Sub": value})])
        verb = "is" if len(set(named)) == 1 else "are"
        return self.finding(
            ctx, pointer, f"{shown} {verb} written outside Fn::Sub, so the text is deployed literally", fix=fix
        )


def _resolves(var: str, known: Names) -> bool:
    if var in known.refable:
        return True
    head, dot, attr = var.partition(".")
    return bool(dot and attr) and head in known.resources


def _escape(text: str, known: Names) -> str:
    """``text`` with every ``${X}`` that names nothing of the template written ``${!X}``."""

    def sub(m: re.Match[str]) -> str:
        var = m.group(1).strip()
        if var.startswith("!") or (_resolves(var, known) and re.fullmatch(r"[A-Za-z0-9_:.]+", var)):
            return m.group(0)
        return "${!" + m.group(1) + "}"

    return _TOKEN.sub(sub, text)
