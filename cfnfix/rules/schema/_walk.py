"""Walk a resource's ``Properties`` alongside its schema: each data node with the schema that
describes it.

The walk follows object ``properties`` (the branches of ``allOf``/``anyOf``/``oneOf``
included), array ``items`` and both value branches of ``Fn::If``; it stops at every other
intrinsic function (its value is computed at deploy time) and wherever the schema says
nothing. Nothing in the template is evaluated.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token
from ...template.model import Resource, resources
from ._schemas import resolve, resource_schema

__all__ = ["Node", "ObjectShape", "is_intrinsic", "nodes", "object_shape", "schema_types", "walk", "walk_template"]

_BRANCHES = ("allOf", "anyOf", "oneOf")


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": …}``, ``{"Fn::…": …}`` and ``{"Condition": …}`` (one key)."""
    if not (isinstance(value, dict) and len(value) == 1):
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


@dataclass(frozen=True)
class Node:
    """One data node inside a resource's ``Properties`` and the schema that describes it."""

    resource: Resource
    pointer: str
    tokens: tuple[str, ...]
    """Path below ``Properties`` (list indexes as strings)."""
    value: Any
    schema: dict[str, Any]
    root: dict[str, Any]


@dataclass(frozen=True)
class ObjectShape:
    """What an object schema allows: its property names, whether others are rejected, patterns."""

    known: tuple[str, ...]
    closed: bool
    patterns: tuple[str, ...]
    required: tuple[str, ...]

    def allows(self, key: str) -> bool:
        """True when ``key`` is a known property or matches a pattern property."""
        return key in self.known or any(pattern_matches(p, key) for p in self.patterns)


def pattern_matches(pattern: str, key: str) -> bool:
    """``re.search`` of a schema pattern; a pattern Python cannot read (``\\p{L}``) matches
    everything, so that no key is judged on a rule this module cannot evaluate."""
    try:
        return re.search(pattern, key) is not None
    except re.error:
        return True


def _branches(schema: dict[str, Any], root: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``schema`` and the resolved sub-schemas of its combinators (and if/then/else), depth-first."""
    stack = [schema]
    seen = 0
    while stack and seen < 200:
        seen += 1
        node = resolve(stack.pop(), root)
        if not isinstance(node, dict):
            continue
        yield node
        for key in _BRANCHES:
            if isinstance(node.get(key), list):
                stack.extend(reversed(node[key]))
        for key in ("then", "else"):
            if isinstance(node.get(key), dict):
                stack.append(node[key])


#: Schemas live as long as the process (see :func:`._schemas.resource_schema`), so their ids
#: are stable keys: what is derived from one schema is derived once.
_SHAPES: dict[int, ObjectShape] = {}
_TYPES: dict[int, frozenset[str]] = {}
_ITEMS: dict[int, dict[str, Any] | None] = {}


def object_shape(schema: dict[str, Any], root: dict[str, Any]) -> ObjectShape:
    """The property names an object schema (and its branches) declares."""
    shape = _SHAPES.get(id(schema))
    if shape is None:
        shape = _SHAPES[id(schema)] = _object_shape(schema, root)
    return shape


def _object_shape(schema: dict[str, Any], root: dict[str, Any]) -> ObjectShape:
    known: dict[str, None] = {}
    patterns: list[str] = []
    required: list[str] = []
    closed = schema.get("additionalProperties") is False
    for node in _branches(schema, root):
        if isinstance(node.get("properties"), dict):
            known.update(dict.fromkeys(node["properties"]))
        if isinstance(node.get("patternProperties"), dict):
            patterns += list(node["patternProperties"])
        if node is not schema and node.get("additionalProperties") is not False and node.get("properties") is None and node.get("type") == "object":
            closed = False
    req = schema.get("required")
    if isinstance(req, list):
        required = [r for r in req if isinstance(r, str)]
    return ObjectShape(tuple(known), closed and bool(known), tuple(patterns), tuple(required))


def schema_types(schema: dict[str, Any], root: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema admits (empty: unconstrained)."""
    found = _TYPES.get(id(schema))
    if found is None:
        found = _TYPES[id(schema)] = frozenset(_schema_types(schema, root))
    return found


def _schema_types(schema: dict[str, Any], root: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for node in _branches(schema, root):
        kind = node.get("type")
        if isinstance(kind, str):
            found.add(kind)
        elif isinstance(kind, list):
            found.update(k for k in kind if isinstance(k, str))
    return found


#: (id of schema, key) → child schema. Schemas live as long as the process (see
#: :func:`._schemas.resource_schema`), so their ids are stable keys.
_CHILDREN: dict[tuple[int, str], dict[str, Any] | None] = {}


def child_schema(schema: dict[str, Any], root: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The schema of property ``key`` of an object schema (first branch that declares it)."""
    memo = (id(schema), key)
    if memo not in _CHILDREN:
        _CHILDREN[memo] = _child_schema(schema, root, key)
    return _CHILDREN[memo]


def _child_schema(schema: dict[str, Any], root: dict[str, Any], key: str) -> dict[str, Any] | None:
    for node in _branches(schema, root):
        props = node.get("properties")
        if isinstance(props, dict) and key in props:
            found = resolve(props[key], root)
            return found if isinstance(found, dict) else None
    for node in _branches(schema, root):
        for pattern, sub in (node.get("patternProperties") or {}).items():
            if pattern_matches(pattern, key):
                found = resolve(sub, root)
                return found if isinstance(found, dict) else None
    return None


def item_schema(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of an array schema's items."""
    if id(schema) not in _ITEMS:
        _ITEMS[id(schema)] = _item_schema(schema, root)
    return _ITEMS[id(schema)]


def _item_schema(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    for node in _branches(schema, root):
        items = node.get("items")
        if isinstance(items, dict):
            found = resolve(items, root)
            return found if isinstance(found, dict) else None
    return None


def walk(resource: Resource, region: str | None = None) -> Iterator[Node]:
    """Every node of ``resource``'s ``Properties`` (the mapping itself first) that its schema describes."""
    root = resource_schema(resource.type) if region is None else resource_schema(resource.type, region)
    if root is None or not isinstance(resource.body.get("Properties"), dict):
        return
    yield from _walk(resource, f"{resource.pointer}/Properties", (), resource.body["Properties"], root, root)


def _walk(res: Resource, pointer: str, tokens: tuple[str, ...], value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Iterator[Node]:
    if is_intrinsic(value):
        if "Fn::If" in value and isinstance(value["Fn::If"], list) and len(value["Fn::If"]) == 3:
            for index in (1, 2):
                yield from _walk(res, f"{pointer}/Fn::If/{index}", tokens, value["Fn::If"][index], schema, root)
        return
    yield Node(res, pointer, tokens, value, schema, root)
    if isinstance(value, dict):
        for key, item in value.items():
            sub = child_schema(schema, root, key) if isinstance(key, str) else None
            if sub is not None:
                yield from _walk(res, f"{pointer}/{escape_token(key)}", tokens + (key,), item, sub, root)
    elif isinstance(value, list):
        sub = item_schema(schema, root)
        if sub is not None:
            for index, item in enumerate(value):
                yield from _walk(res, f"{pointer}/{index}", tokens + (str(index),), item, sub, root)


#: Logical ID → (body, its walk) of the latest body seen under that ID; a hit needs the same
#: body object: the data of a fixed template shares every entry the fix did not touch (the
#: engine's local verification rebuilds it so), so a second check walks only what changed.
#: One entry per ID bounds the memory of an editor's many versions of one template.
_WALKS: OrderedDict[str, tuple[Any, list[Node]]] = OrderedDict()
_WALKS_SIZE = 4096


def nodes(data: Any, resource: Resource) -> list[Node]:
    """:func:`walk` of ``resource`` (of template ``data``), computed once for all the rules
    that read it and for later checks of templates that share its body (read-only data)."""
    key = resource.id
    entry = _WALKS.get(key)
    if entry is not None and entry[0] is resource.body:
        _WALKS.move_to_end(key)
        return entry[1]
    found = list(walk(resource))
    _WALKS[key] = (resource.body, found)
    while len(_WALKS) > _WALKS_SIZE:
        _WALKS.popitem(last=False)
    return found


def walk_template(data: Any) -> Iterator[Node]:
    """:func:`walk` over every resource of the template whose type has a schema."""
    for res in resources(data):
        yield from walk(res)
