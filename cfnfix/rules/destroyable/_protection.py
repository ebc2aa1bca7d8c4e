"""Where each resource type keeps its deletion protection (``cfnfix/rules/destroyable/data/destroyable.json``),
and what a template sets there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...template.model import Resource
from ._common import pointer, scalar, table

MISSING = object()
"""The value of a site whose property is absent."""


@dataclass(frozen=True)
class Site:
    """One place that holds (or would hold) a deletion-protection setting of one resource."""

    path: str
    """JSON Pointer of the value (of where it would be added, when absent)."""
    label: str
    """How a message names it: ``DeletionProtection``, ``Replicas/0/DeletionProtectionEnabled``,
    ``LoadBalancerAttributes deletion_protection.enabled``."""
    value: Any
    """The value as written, or :data:`MISSING`."""
    on: tuple[str, ...]
    """Literal values that turn protection on."""
    off: Any
    """The value that turns it off (what the fix writes)."""
    default_on: bool
    """Protection is on when the value is absent."""
    source: str
    rule: str = "CFX253"
    """The rule that reports it when on (EC2 termination protection is CFX259's)."""

    def is_on(self) -> bool:
        """True when the written literal turns protection on (or it is absent and on by default)."""
        if self.value is MISSING:
            return self.default_on
        literal = scalar(self.value)
        if literal is None:
            return False
        return self.turns_on(literal)

    def turns_on(self, literal: str) -> bool:
        """True when the literal ``literal`` turns protection on (booleans read case-insensitively)."""
        return literal in self.on or ("true" in self.on and literal.lower() == "true")

    def off_value(self) -> Any:
        """The value to write: of the written value's kind (a quoted ``"true"`` becomes ``"false"``)."""
        if isinstance(self.off, bool) and isinstance(self.value, str):
            return "false"
        return self.off


def _rows() -> list[dict[str, Any]]:
    rows = []
    for row in table("destroyable.json")["deletion_protection"]:
        rows.append({**row, "on": tuple("true" if v is True else str(v) for v in row["on"])})
    return rows


def _walk(value: Any, path: list[str], at: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    """(tokens, value) of every leaf ``path`` reaches under ``value`` (``*``: each list item);
    a missing last key yields MISSING; a missing intermediate key yields nothing."""
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(item, rest, [*at, i])
        return
    if not isinstance(value, dict):
        return
    if not rest:
        yield [*at, head], value.get(head, MISSING)
    elif head in value:
        yield from _walk(value[head], rest, [*at, head])


def sites(res: Resource) -> Iterator[Site]:
    """Every deletion-protection site of ``res`` the data table knows."""
    for row in _rows():
        if row["type"] != res.type:
            continue
        props = res.props
        for tokens, value in _walk(props, row["path"], []):
            if value is MISSING and "*" in row["path"]:
                continue
            yield Site(
                path=res.pointer + pointer("Properties", *tokens),
                label="/".join(str(t) for t in tokens),
                value=value,
                on=row["on"],
                off=row["off"],
                default_on=row["default_on"],
                source=row["source"],
                rule=row.get("rule", "CFX253"),
            )
    for row in table("destroyable.json")["load_balancer_attributes"]:
        if row["type"] != res.type:
            continue
        attrs = res.props.get("LoadBalancerAttributes")
        if not isinstance(attrs, list):
            continue
        for i, attr in enumerate(attrs):
            if isinstance(attr, dict) and attr.get("Key") == row["key"] and "Value" in attr:
                yield Site(
                    path=res.pointer + pointer("Properties", "LoadBalancerAttributes", i, "Value"),
                    label=f"LoadBalancerAttributes {row['key']}",
                    value=attr["Value"],
                    on=tuple(row["on"]),
                    off=row["off"] if not isinstance(attr["Value"], bool) else False,
                    default_on=False,
                    source=row["source"],
                )
