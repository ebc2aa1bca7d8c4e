"""CFX706 scalar-for-list: one value where the schema wants a list (E3012)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources, section
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, show
from ._schemas import resolve, resource_schema
from ._walk import child_schema, is_intrinsic, nodes, schema_types

_SCALARS = (str, int, float, bool)
#: Intrinsic functions that always return one string.
_STRING_FUNCTIONS = ("Fn::Sub", "Fn::Join", "Fn::ImportValue", "Fn::Base64", "Fn::Select")


class ScalarForList(SchemaRule):
    """A scalar (or a function returning one string) where the property is a list."""

    id = "CFX706"
    name = "scalar-for-list"
    severity = Severity.CRITICAL
    summary = "One value where the property takes a list: written as a one-item list"
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3012", "E1020", "E1010")
    root_cause = "A list property holding one item was written as that item alone."
    deployment_impact = "CloudFormation rejects the value: the property must be a list."
    explanation = (
        """\
## What
A property whose schema type is only `array` holding a single value: a string, number or
boolean, a `Ref` to a resource or to a parameter that is not a list type, a `Fn::GetAtt`
of a string attribute, or a function that returns one string (`Fn::Sub`, `Fn::Join`,
`Fn::ImportValue`, `Fn::Select`, `Fn::Base64`): cfn-lint's E3012 (E1020 or E1010 when the value is a `Ref` or `Fn::GetAtt`).
"""
        + NEEDS
        + """
## Why
CloudFormation rejects the value: the property must be a list.

## Fix
The value becomes the one item of a list, **safe**: `SecurityGroupIds: !Ref Sg` becomes
`SecurityGroupIds: [!Ref Sg]` (written in the file's own style). Values that may already be
lists (`Ref` of a `List<…>` or `CommaDelimitedList` parameter, `Fn::Split`, `Fn::GetAZs`,
`Fn::If`, `Fn::FindInMap`) are left alone.

## Fix safety
**Safe**: the list holds exactly the value that was written, which is what the property
expects.
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per scalar in a list property."""
        params = section(ctx.data, "Parameters")
        types = {res.id: res.type for res in resources(ctx.data)}
        for res in resources(ctx.data):
            for node in nodes(ctx.data, res):
                if not isinstance(node.value, dict):
                    continue
                for key, value in node.value.items():
                    if isinstance(value, list) or not isinstance(key, str):
                        continue
                    sub = child_schema(node.schema, node.root, key)
                    if sub is None or schema_types(sub, node.root) != {"array"}:
                        continue
                    if not _single(value, params, types):
                        continue
                    pointer = f"{node.pointer}/{escape_token(key)}"
                    fix = Fix.safe(f"Write {key} as a one-item list", [Op.replace(pointer, [value])])
                    yield self.finding(
                        ctx, pointer, f"{res.id}: {key} takes a list, not the single value {show(value)}", fix=fix
                    )


def _single(value: Any, params: dict[str, Any], types: dict[str, str]) -> bool:
    """True when ``value`` is certainly one scalar, never a list."""
    if isinstance(value, _SCALARS):
        return True
    if not is_intrinsic(value):
        return False
    ((fn, arg),) = value.items()
    if fn == "Ref" and isinstance(arg, str):
        if arg in types:
            return True
        param = params.get(arg)
        kind = param.get("Type") if isinstance(param, dict) else None
        return isinstance(kind, str) and "List" not in kind
    if fn == "Fn::GetAtt":
        target = arg.split(".", 1) if isinstance(arg, str) else arg
        if isinstance(target, list) and len(target) == 2 and all(isinstance(t, str) for t in target):
            return _string_attribute(types.get(target[0]), target[1])
        return False
    return fn in _STRING_FUNCTIONS


def _string_attribute(kind: str | None, attr: str) -> bool:
    schema = resource_schema(kind) if kind else None
    if schema is None:
        return False
    node: Any = schema
    for token in attr.split("."):
        node = child_schema(resolve(node, schema), schema, token) if isinstance(node, dict) else None
        if node is None:
            return False
    return schema_types(node, schema) == {"string"}
