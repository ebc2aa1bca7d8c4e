"""The data behind impact: create-only properties per type and the types that hold data.

Both tables live in ``cfnfix/data/``: ``resource_replacement.json`` is generated from
cfn-lint's bundled resource schemas by ``scripts/gen_resource_replacement.py``;
``stateful_types.json`` is kept by hand with a source for each type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Replacement:
    """Which properties of one type replace the resource when they change."""

    create_only: tuple[tuple[str, ...], ...]
    conditional: tuple[tuple[str, ...], ...]


def _read(name: str) -> Any:
    return json.loads((resources.files("cfnfix") / "data" / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _replacement_table() -> dict[str, Any]:
    return _read("resource_replacement.json")["types"]


@cache
def replacement(resource_type: str) -> Replacement | None:
    """The create-only properties of ``resource_type`` (paths split at ``/``), or None when
    the type has no schema (SAM and custom resources, or a type cfn-lint does not know)."""
    entry = _replacement_table().get(resource_type)
    if entry is None:
        return None
    return Replacement(
        create_only=tuple(tuple(p.split("/")) for p in entry["create_only"]),
        conditional=tuple(tuple(p.split("/")) for p in entry["conditional"]),
    )


@lru_cache(maxsize=1)
def _stateful_table() -> dict[str, Any]:
    return _read("stateful_types.json")["types"]


def holds_data(resource_type: str | None) -> str | None:
    """What data ``resource_type`` holds (``"objects"``, ``"table items"`` …), or None when it holds none."""
    if not isinstance(resource_type, str):
        return None
    entry = _stateful_table().get(resource_type)
    return entry["holds"] if entry else None


@lru_cache(maxsize=1)
def _passthrough_table() -> dict[str, Any]:
    return _read("sam_passthrough.json")["types"]


def generated_type(resource_type: str, changed: list[str]) -> str | None:
    """The type a SAM resource becomes, when every changed property is passed to it unchanged
    (``Runtime`` of an ``AWS::Serverless::Function`` is the generated function's ``Runtime``)."""
    entry = _passthrough_table().get(resource_type)
    if entry is None or not set(changed) <= set(entry["properties"]):
        return None
    return str(entry["generates"])


@lru_cache(maxsize=1)
def _interruptions() -> dict[str, Any]:
    return _read("update_interruptions.json")["types"]


def interruption(resource_type: str | None, prop: str) -> str | None:
    """What an in-place update of ``prop`` does to a running ``resource_type`` (downtime,
    restart), or None when it updates without interruption as far as cfnfix knows."""
    entry = _interruptions().get(resource_type or "", {}).get(prop)
    return str(entry["note"]) if entry else None


@lru_cache(maxsize=1)
def _update_attributes() -> dict[str, Any]:
    return _read("update_attributes.json")["types"]


def changes_on_update(resource_type: str | None) -> tuple[str, ...]:
    """Attributes of ``resource_type`` (``Fn::GetAtt``) whose value changes on every in-place
    update, so that what refers to them changes too (``LatestVersionNumber`` of a launch template)."""
    return tuple(_update_attributes().get(resource_type or "", {}))
