"""Walk a resource's ``Properties`` alongside its schema: each data node with the schema that
describes it.

The walk follows object ``properties`` (the branches of ``allOf``/``anyOf``/``oneOf``
included), array ``items`` and both value branches of ``Fn::If``; it stops at every other
intrinsic function (its value is computed at deploy time) and wherever the schema says
nothing. Nothing in the template is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any, NamedTuple, TypeVar

from ...document.pointer import escape_token
from ...template.kept import PER_RESOURCE, KeptByIdentity
from ...template.model import Resource, resources
from ._schemas import resolve, resource_schema

__all__ = ["Node", "ObjectShape", "is_intrinsic", "nodes", "object_shape", "schema_types", "walk", "walk_template"]

_BRANCHES = ("allOf", "anyOf", "oneOf")
T = TypeVar("T")


def is_intrinsic(value: Any) -> bool:
    """True for ``{"Ref": …}``, ``{"Fn::…": …}`` and ``{"Condition": …}`` (one key)."""
    if not (isinstance(value, dict) and len(value) == 1):
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


class Node(NamedTuple):
    """One data node inside a resource's ``Properties`` and the schema that describes it
    (a named tuple: a walk makes one per node, and a frozen dataclass cost three times as much to make)."""

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


def _per_schema(derive: Callable[..., T]) -> Callable[..., T]:
    """``derive(schema, root, *more)`` computed once per schema (and ``more``). Schemas live
    as long as the process (see :func:`._schemas.resource_schema`), so their ids are stable
    keys: what is derived from one schema is derived once."""
    memo: dict[tuple[Any, ...], T] = {}

    @wraps(derive)
    def once(schema: dict[str, Any], root: dict[str, Any], *more: Any) -> T:
        key = (id(schema), *more)
        if key not in memo:
            memo[key] = derive(schema, root, *more)
        return memo[key]

    return once


@_per_schema
def object_shape(schema: dict[str, Any], root: dict[str, Any]) -> ObjectShape:
    """The property names an object schema (and its branches) declares."""
    known: dict[str, None] = {}
    patterns: list[str] = []
    required: list[str] = []
    closed = schema.get("additionalProperties") is False
    for node in _branches(schema, root):
        if isinstance(node.get("properties"), dict):
            known.update(dict.fromkeys(node["properties"]))
        if isinstance(node.get("patternProperties"), dict):
            patterns += list(node["patternProperties"])
        if (
            node is not schema
            and node.get("additionalProperties") is not False
            and node.get("properties") is None
            and node.get("type") == "object"
        ):
            closed = False
    req = schema.get("required")
    if isinstance(req, list):
        required = [r for r in req if isinstance(r, str)]
    return ObjectShape(tuple(known), closed and bool(known), tuple(patterns), tuple(required))


@_per_schema
def schema_types(schema: dict[str, Any], root: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema admits (empty: unconstrained)."""
    found: set[str] = set()
    for node in _branches(schema, root):
        kind = node.get("type")
        if isinstance(kind, str):
            found.add(kind)
        elif isinstance(kind, list):
            found.update(k for k in kind if isinstance(k, str))
    return frozenset(found)


@_per_schema
def child_schema(schema: dict[str, Any], root: dict[str, Any], key: str) -> dict[str, Any] | None:
    """The schema of property ``key`` of an object schema (first branch that declares it)."""
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


@_per_schema
def item_schema(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of an array schema's items."""
    for node in _branches(schema, root):
        items = node.get("items")
        if isinstance(items, dict):
            found = resolve(items, root)
            return found if isinstance(found, dict) else None
    return None


def walk(resource: Resource, region: str | None = None) -> Iterator[Node]:
    """Every node of ``resource``'s ``Properties`` (the mapping itself first) that its schema describes."""
    return iter(_walked(resource, region))


def _walked(resource: Resource, region: str | None = None) -> list[Node]:
    root = resource_schema(resource.type) if region is None else resource_schema(resource.type, region)
    props = resource.body.get("Properties")
    if root is None or not isinstance(props, dict):
        return []
    return _walk(resource, f"{resource.pointer}/Properties", props, root)


def _walk(res: Resource, pointer: str, value: Any, root: dict[str, Any]) -> list[Node]:
    """The nodes depth-first, each before what is below it, in document order: a loop over a
    stack (nested generators handed every node up through each level above it)."""
    found: list[Node] = []
    stack: list[tuple[str, tuple[str, ...], Any, dict[str, Any]]] = [(pointer, (), value, root)]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        pointer, tokens, value, schema = pop()
        if isinstance(value, dict):
            if len(value) == 1 and is_intrinsic(value):
                branches = value.get("Fn::If")
                if isinstance(branches, list) and len(branches) == 3:
                    push((f"{pointer}/Fn::If/2", tokens, branches[2], schema))
                    push((f"{pointer}/Fn::If/1", tokens, branches[1], schema))
                continue
            found.append(Node(res, pointer, tokens, value, schema, root))
            below = []
            for key, item in value.items():
                sub = child_schema(schema, root, key) if isinstance(key, str) else None
                if sub is not None:
                    below.append((f"{pointer}/{escape_token(key)}", (*tokens, key), item, sub))
            extend(reversed(below))
        else:
            found.append(Node(res, pointer, tokens, value, schema, root))
            if isinstance(value, list):
                sub = item_schema(schema, root)
                if sub is not None:
                    extend((f"{pointer}/{i}", (*tokens, str(i)), value[i], sub) for i in range(len(value) - 1, -1, -1))
    return found


#: Logical ID → the walk of the latest body seen under that ID; a hit needs the same body
#: object: the data of a fixed template shares every entry the fix did not touch (the
#: engine's local verification rebuilds it so), so a second check walks only what changed.
#: One entry per ID bounds the memory of an editor's many versions of one template.
_WALKS: KeptByIdentity[list[Node]] = KeptByIdentity(PER_RESOURCE)


def nodes(data: Any, resource: Resource) -> list[Node]:
    """:func:`walk` of ``resource`` (of template ``data``), computed once for all the rules
    that read it and for later checks of templates that share its body (read-only data)."""
    found = _WALKS.get(resource.id, resource.body)
    return found if found is not None else _WALKS.put(resource.id, resource.body, _walked(resource))


def walk_template(data: Any) -> Iterator[Node]:
    """:func:`walk` over every resource of the template whose type has a schema."""
    for res in resources(data):
        yield from walk(res)
