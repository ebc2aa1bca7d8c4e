"""CFX701 schema-unknown-property: a property the resource type's schema does not have (E3002)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, resources
from ..base import RuleContext
from ..fixes import rename_key
from ._base import NEEDS, SchemaRule, either, show
from ._match import closest
from ._renames import property_rename
from ._types import fits
from ._walk import Node, ObjectShape, child_schema, nodes, object_shape, schema_types

#: Resource attributes that belong beside ``Properties``, not inside it.
RESOURCE_ATTRIBUTES = (
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "UpdatePolicy",
    "CreationPolicy",
    "Condition",
    "Metadata",
)


class UnknownProperty(SchemaRule):
    """A property name that is not in the resource type's schema at that level."""

    id = "CFX701"
    name = "schema-unknown-property"
    severity = Severity.CRITICAL
    summary = (
        "Property the resource type does not have: renamed to the one meant, moved to its level, or removed (unsafe)"
    )
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3002", "E3003")
    root_cause = "A property name was written with the wrong case, a letter too many or too few, at the wrong nesting level, or for another resource type."
    deployment_impact = (
        "CloudFormation rejects the template (unknown property), and a required property spelled wrong is also missing."
    )
    explanation = (
        """\
## What
A key under a resource's `Properties` (or inside one of its nested objects) that the
resource type's schema does not declare at that level, where the schema allows no other
keys: cfn-lint's E3002 ("Additional properties are not allowed"). Keys with `::` (a
pre-processor's directive such as `Fn::Transform` or rain's `Rain::S3`) are not judged. When the misspelt name
was a required property, cfn-lint also reports E3003 (required property missing) for it;
the rename repairs both.
"""
        + NEEDS
        + """
## Why
CloudFormation rejects the template (an unknown property) before it creates anything, and a
required property spelled wrong is also missing.

## Fix
In this order, the first that applies:
1. **Rename** to a known synonym (`cfnfix/data/schema_renames.json`: Lambda's
   `ReservedConcurrencyLimit` is `ReservedConcurrentExecutions`): **safe**; or to the
   declared property that equals it ignoring case (`RoleArn` → `RoleARN`: **safe**).
2. **Move one level down**: when two or more unknown keys of one mapping are all properties
   of the one object property of that mapping whose schema accepts every one of them (an
   X-Ray sampling rule's `Priority`, `Version`, `FixedRate` … written directly under
   `Properties` instead of under `SamplingRule`), each moves there (the object is added when
   missing): **safe**.
3. **Rename** to the one declared property within one or two edits (a dropped, added,
   swapped or wrong letter: **unsafe**, review the guess). A name already present is not a
   candidate. The value is kept as it is; when the meant property takes another shape of
   value (a list for a string) the finding says so and nothing is fixed.
4. **Move** it to the one other level of the same resource where the schema has exactly
   that name (a resource attribute such as `DependsOn` or `DeletionPolicy` written inside
   `Properties` moves beside it): **unsafe**.
5. **Remove** it: **unsafe**, and the fix message shows the value that is lost.

When two declared names are equally close nothing is fixed and the finding lists both.
`SkipFinalSnapshot` on a database is left alone when the configuration asks for it
(`rds-deletion-style = "skip-final-snapshot-property"`, see CFX201).
A value is never deleted where a rename or move is possible.

## Fix safety
**Safe** for a known synonym, a rename that changes only the case, and a move one level down
of keys that all belong there; **unsafe** for a rename to a near name (a guess: review it), a
move to another level, and a removal (the value is lost).
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per unknown property."""
        wanted = _configured_extras(ctx)
        for res in resources(ctx.data):
            mappings = [n for n in nodes(ctx.data, res) if isinstance(n.value, dict)]
            shapes = {n.tokens: object_shape(n.schema, n.root) for n in mappings}
            for node in mappings:
                shape = shapes[node.tokens]
                if not shape.closed:
                    continue
                unknown = [
                    key
                    for key in node.value
                    if isinstance(key, str)
                    and "::" not in key
                    and not shape.allows(key)
                    and (res.type, node.tokens, key) not in wanted
                ]
                below = _below(res, node, shape, unknown)
                for key in unknown:
                    yield self._judge(ctx, res, node, shape, key, mappings, shapes, below)

    def _judge(
        self,
        ctx: RuleContext,
        res: Resource,
        node: Node,
        shape: ObjectShape,
        key: str,
        nodes: list[Node],
        shapes: dict[tuple[str, ...], ObjectShape],
        below: str | None = None,
    ) -> Finding:
        where = "/".join(("Properties",) + node.tokens)
        head = f"{res.id}: '{key}' is not a property of {res.type} at {where}"
        source = f"{node.pointer}/{escape_token(key)}"
        value = node.value[key]
        free = [k for k in shape.known if k not in node.value]
        known = property_rename(res.type, node.tokens, key)
        if known is not None and known.to in free and _fits(node, known.to, value):
            renamed = f"{node.pointer}/{escape_token(known.to)}"
            fix = Fix.safe(f"Rename '{key}' to '{known.to}'", [Op.move(source, renamed)])
            return self.finding(ctx, source, f"{head}; it is '{known.to}': {known.why}", fix=fix, at_key=True)
        match = closest(key, free)
        if below is not None and (match is None or match.kind != "case"):
            parent = f"{node.pointer}/{escape_token(below)}"
            patch = [] if isinstance(node.value.get(below), dict) else [Op.add(parent, {})]
            patch.append(Op.move(source, f"{parent}/{escape_token(key)}"))
            fix = Fix.safe(f"Move '{key}' into '{below}'", patch)
            message = (
                f"{head}; it belongs one level down, in '{below}', which takes it and every other unknown key beside it"
            )
            return self.finding(ctx, source, message, fix=fix, at_key=True)
        if match is not None and match.unique is not None and not _fits(node, match.unique, value):
            new = match.unique
            return self.finding(
                ctx,
                source,
                f"{head}; '{new}' is the close name, but it takes another kind of value: rename and reshape it by hand",
                at_key=True,
            )
        if match is not None and match.unique is None:
            return self.finding(
                ctx, source, f"{head}; it could be {either(match.names)}: rename it by hand", at_key=True
            )
        if match is not None and match.unique is not None:
            new = match.unique
            also = " (a required property, so the E3003 for it goes too)" if new in shape.required else ""
            build = Fix.safe if match.kind == "case" else Fix.unsafe
            how = "differs only in case" if match.kind == "case" else "is the one close name"
            fix = build(f"Rename '{key}' to '{new}'{also}", [rename_key(node.pointer, key, new)])
            return self.finding(ctx, source, f"{head}; '{new}' {how}", fix=fix, at_key=True)
        target = self._level(res, node, key, nodes, shapes)
        if target is not None:
            label = "beside Properties" if target == res.pointer else "/".join(parse_rest(target, res))
            fix = Fix.unsafe(f"Move '{key}' to {label}", [Op.move(source, f"{target}/{escape_token(key)}")])
            return self.finding(
                ctx,
                source,
                f"{head}; it belongs {'beside Properties' if target == res.pointer else 'at ' + label}",
                fix=fix,
                at_key=True,
            )
        fix = Fix.unsafe(f"Remove '{key}', losing its value {show(value)}", [Op.remove(source)])
        return self.finding(ctx, source, f"{head}, nor is any close name", fix=fix, at_key=True)

    def _level(
        self, res: Resource, node: Node, key: str, nodes: list[Node], shapes: dict[tuple[str, ...], ObjectShape]
    ) -> str | None:
        """The one other mapping of the resource where the schema declares ``key`` (None: none or several)."""
        if not node.tokens and key in RESOURCE_ATTRIBUTES:
            return None if key in res.body else res.pointer
        places = [
            other.pointer
            for other in nodes
            if other.tokens != node.tokens
            and key in shapes[other.tokens].known
            and key not in other.value
            and _related(other.tokens, node.tokens)
            and _fits(other, key, node.value[key])
        ]
        return places[0] if len(places) == 1 else None


def _below(res: Resource, node: Node, shape: ObjectShape, unknown: list[str]) -> str | None:
    """The one object property of ``node`` whose schema declares every key of ``unknown`` (two or
    more, none a known rename or a case variant at this level), with values that fit: they were
    written one level too high. None when there is no such property or several."""
    if len(unknown) < 2:
        return None
    for key in unknown:
        if property_rename(res.type, node.tokens, key) is not None:
            return None
        if any(k.casefold() == key.casefold() for k in shape.known):
            return None
    found: list[str] = []
    for name in shape.known:
        sub = child_schema(node.schema, node.root, name)
        if sub is None or "object" not in schema_types(sub, node.root):
            continue
        existing: Any = node.value.get(name)
        if existing is not None and not isinstance(existing, dict):
            continue
        inner = object_shape(sub, node.root)
        if all(
            key in inner.known
            and (existing is None or key not in existing)
            and _fits_schema(sub, node.root, key, node.value[key])
            for key in unknown
        ):
            found.append(name)
    return found[0] if len(found) == 1 else None


def _fits_schema(schema: dict[str, Any], root: dict[str, Any], key: str, value: object) -> bool:
    sub = child_schema(schema, root, key)
    return sub is None or fits(value, schema_types(sub, root))


def _configured_extras(ctx: RuleContext) -> set[tuple[str, tuple[str, ...], str]]:
    """(type, path, key) of properties the configuration asks cfnfix itself to write although
    the schema lacks them: ``rds-deletion-style = "skip-final-snapshot-property"`` (CFX201's
    option, read through CFX201: its table, by id or name, or the deprecated global setting)."""
    if ctx.options_of("rds-deletion-snapshot").rds_deletion_style != "skip-final-snapshot-property":
        return set()
    return {
        (t, (), "SkipFinalSnapshot")
        for t in ("AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::Neptune::DBCluster", "AWS::DocDB::DBCluster")
    }


def _related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one path is an ancestor of the other through mappings only (no list items between)."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return long[: len(short)] == short and not any(t.isdigit() for t in long[len(short) :])


def _fits(node: Node, key: str, value: object) -> bool:
    return _fits_schema(node.schema, node.root, key, value)


def parse_rest(pointer: str, res: Resource) -> list[str]:
    """The tokens of ``pointer`` after the resource's own pointer (for a message)."""
    from ...document.pointer import parse_pointer

    return [str(t) for t in parse_pointer(pointer)[2:]]
