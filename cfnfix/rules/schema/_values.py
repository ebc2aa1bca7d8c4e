"""Allowed values of a node: the schema's ``enum``, cfn-lint's extension lists, and synonyms.

The extension lists and the synonyms are data (``cfnfix/data/schema_values.json``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as pkg_resources
from typing import Any

from ._schemas import DEFAULT_REGION, data_file_entry
from ._walk import Node

__all__ = ["Allowed", "Default", "Synonym", "allowed", "default", "synonym"]


@dataclass(frozen=True)
class Synonym:
    """A value written for an allowed one, what it becomes (None: nothing safe to write), how
    safe that is and why."""

    to: str | None
    applicability: str
    why: str


@dataclass(frozen=True)
class Default:
    """A value written where the default was meant: what goes (``key``: the property; ``item``:
    the list item holding it), how safe that is and why."""

    remove: str
    applicability: str
    why: str


@dataclass(frozen=True)
class Allowed:
    """The allowed values of a node and the cfn-lint rule that checks them."""

    values: tuple[str, ...]
    cfn_lint_id: str


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = pkg_resources.files("cfnfix.data").joinpath("schema_values.json").read_text(encoding="utf-8")
    return json.loads(text)


def _pattern(node: Node) -> tuple[str, ...]:
    return tuple("*" if t.isdigit() else t for t in node.tokens)


def _matches(path: list[str], tokens: tuple[str, ...]) -> bool:
    return tuple(path) == tokens


@lru_cache(maxsize=8)
def _extension_values(parts: tuple[str, ...]) -> tuple[str, ...]:
    region = data_file_entry(parts, DEFAULT_REGION)
    found: dict[str, None] = {}
    stack = [region]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("enum"), list):
                found.update(dict.fromkeys(v for v in node["enum"] if isinstance(v, str)))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return tuple(found)


def allowed(node: Node) -> Allowed | None:
    """The values allowed at ``node`` (a string value), or None when any string goes."""
    enum = node.schema.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
        return Allowed(tuple(enum), "E3030")
    tokens = _pattern(node)
    for entry in _table()["extension_enums"]:
        if entry["type"] == node.resource.type and _matches(entry["path"], tokens):
            values = _extension_values(tuple(entry["file"]))
            if values:
                return Allowed(values, entry["cfn_lint_id"])
    return None


def synonym(node: Node, value: str) -> Synonym | None:
    """The synonym entry for ``value`` at ``node`` (ignoring case: ``on_demand`` is ``ON_DEMAND``), if any."""
    tokens = _pattern(node)
    for entry in _table()["synonyms"]:
        if (
            entry["type"] == node.resource.type
            and entry["value"].casefold() == value.casefold()
            and _matches(entry["path"], tokens)
        ):
            return Synonym(entry["to"], entry["applicability"], entry["why"])
    return None


def default(node: Node, value: str, parent: Any) -> Default | None:
    """The default-meant entry for ``value`` at ``node`` whose sibling conditions ``parent`` (the
    mapping holding the value) meets, if the table has one."""
    tokens = _pattern(node)
    for entry in _table()["defaults"]:
        if entry["type"] != node.resource.type or not _matches(entry["path"], tokens):
            continue
        if entry["value"] not in ("*", value):
            continue
        if not isinstance(parent, dict) or any(parent.get(k) != v for k, v in entry["when"].items()):
            continue
        return Default(entry["remove"], entry["applicability"], entry["why"])
    return None
