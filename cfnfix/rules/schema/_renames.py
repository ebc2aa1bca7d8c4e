"""Known renames of properties and resource types (``cfnfix/data/schema_renames.json``): names
that spelling distance does not find (``ReservedConcurrencyLimit`` for
``ReservedConcurrentExecutions``, ``AWS::CloudWatch::LogGroup`` for ``AWS::Logs::LogGroup``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as pkg_resources
from typing import Any

__all__ = ["Rename", "property_rename", "type_rename"]


@dataclass(frozen=True)
class Rename:
    """The real name for one written, and why."""

    to: str
    why: str


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = pkg_resources.files("cfnfix.data").joinpath("schema_renames.json").read_text(encoding="utf-8")
    return json.loads(text)


def property_rename(resource_type: str, tokens: tuple[str, ...], name: str) -> Rename | None:
    """The property ``name`` (in the mapping at ``tokens`` below Properties) is meant to be, if known."""
    pattern = tuple("*" if t.isdigit() else t for t in tokens)
    for entry in _table()["properties"]:
        if entry["type"] == resource_type and tuple(entry["path"]) == pattern and entry["name"] == name:
            return Rename(entry["to"], entry["why"])
    return None


def type_rename(name: str) -> Rename | None:
    """The real type a type written under the wrong service is, if known."""
    for entry in _table()["types"]:
        if entry["name"].casefold() == name.casefold():
            return Rename(entry["to"], entry["why"])
    return None
