"""Regions, Availability Zones and the properties that take zone names (``data/zones.json``,
written by ``scripts/gen_zones.py`` from cfn-lint's installed data).

Background: docs/cloudformation/environment.md ("Availability Zones", "Fn::GetAZs").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources as _files
from typing import Any

from ...document.pointer import escape_token
from ...template.kept import KeptByIdentity
from ...template.model import Resource, property_values, resources

#: An Availability Zone name: a Region name and one letter (``us-east-1a``).
_ZONE = re.compile(r"^(?P<region>[a-z]{2,4}(?:-[a-z]+)+-\d+)(?P<letter>[a-z])$")


@cache
def _table() -> dict[str, Any]:
    text = (_files.files(__package__) / "data" / "zones.json").read_text(encoding="utf-8")
    return json.loads(text)


def table_date() -> str:
    """The date the zone table was generated (for messages)."""
    return str(_table()["date"])


def zones(region: str) -> list[str]:
    """The zone names of ``region`` in the order ``Fn::GetAZs`` lists them (empty when unknown)."""
    entry = _table()["regions"].get(region)
    return list(entry["zones"]) if entry else []


def short_regions(index: int, region: str) -> list[str]:
    """Regions of ``region``'s partition with at most ``index`` zones (``!Select [index, …]`` fails there)."""
    table = _table()["regions"]
    wanted = partition(region)
    return sorted(r for r, e in table.items() if e["partition"] == wanted and len(e["zones"]) <= index)


def is_region(name: object) -> bool:
    """True when ``name`` is a Region the table knows."""
    return isinstance(name, str) and name in _table()["regions"]


def partition(region: str) -> str | None:
    """The partition of a known Region (``aws``, ``aws-cn``, ``aws-us-gov`` …), else None."""
    entry = _table()["regions"].get(region)
    return str(entry["partition"]) if entry else None


def zone_region(name: object) -> str | None:
    """The Region of a zone name the table knows (``us-east-1a`` → ``us-east-1``), else None."""
    if not isinstance(name, str):
        return None
    m = _ZONE.match(name)
    if m is None or name not in zones(m.group("region")):
        return None
    return m.group("region")


def looks_like_zone(name: object) -> bool:
    """True for a string shaped like a zone name of a known Region (``us-east-1z`` too)."""
    if not isinstance(name, str):
        return False
    m = _ZONE.match(name)
    return m is not None and is_region(m.group("region"))


def zone_index(name: str) -> int | None:
    """The position of a zone in its Region's ``Fn::GetAZs`` list, or None when the table lacks it."""
    region = zone_region(name)
    return zones(region).index(name) if region else None


@cache
def _regions_pattern() -> re.Pattern[str]:
    names = sorted(_table()["regions"], key=len, reverse=True)
    return re.compile(r"(?<![A-Za-z0-9-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z0-9-])")


def region_mentions(text: str) -> Iterator[re.Match[str]]:
    """Every known Region name written as a word in ``text`` (not inside a zone name)."""
    return _regions_pattern().finditer(text)


@dataclass(frozen=True)
class ZoneSlot:
    """A value in a property that takes zone names.

    ``pointer`` names the value (a zone name, or an intrinsic that computes one or a list of
    them); ``listed`` is True when the value stands for a whole list property
    (``AvailabilityZones: !GetAZs ''``) rather than one zone.
    """

    resource: Resource
    pointer: str
    value: Any
    listed: bool = False


def zone_paths(resource_type: str) -> list[str]:
    """Property paths (``AvailabilityZones/*``) that take zone names on a resource type."""
    return list(_table()["zone_properties"].get(resource_type, ()))


_KEPT: KeptByIdentity[Any] = KeptByIdentity(8)


def zone_slots(data: Any) -> list[ZoneSlot]:
    """Every value of every zone property of every resource, in template order (kept while
    ``data`` is the same object)."""
    kept = _KEPT.get("slots", data)
    if kept is None:
        kept = _KEPT.put(
            "slots",
            data,
            [
                ZoneSlot(res, pointer, value, listed)
                for res in resources(data)
                for path in zone_paths(res.type)
                for pointer, value, listed in property_values(res, path)
            ],
        )
    return kept


@dataclass(frozen=True)
class GetAZs:
    """One ``Fn::GetAZs`` call: ``pointer`` names the ``{"Fn::GetAZs": …}`` mapping.

    ``feeds_zone`` is True when its result reaches a zone property of a resource of the
    template directly or through ``Fn::Select`` / ``Fn::If`` only: then the zone it yields
    must be in the stack's own Region for the resource to be created at all.
    """

    pointer: str
    argument: Any
    feeds_zone: bool


_FEEDING = re.compile(r"^(?:/Fn::Select/1|/Fn::If/[12])*$")


def getazs_calls(data: Any) -> list[GetAZs]:
    """Every ``Fn::GetAZs`` in the resources and outputs, in template order (kept while ``data``
    is the same object)."""
    kept = _KEPT.get("getazs", data)
    if kept is None:
        kept = _KEPT.put("getazs", data, _getazs_calls(data))
    return kept


def _getazs_calls(data: Any) -> list[GetAZs]:
    slots = [slot.pointer for slot in zone_slots(data)]
    out: list[GetAZs] = []
    for base in ("Resources", "Outputs"):
        for pointer, arg in _calls(data.get(base) if isinstance(data, dict) else None, f"/{base}"):
            feeds = any(
                pointer == s or (pointer.startswith(s + "/") and _FEEDING.match(pointer[len(s) :])) for s in slots
            )
            out.append(GetAZs(pointer, arg, feeds))
    return out


def _calls(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    found: list[tuple[list[str], Any]] = []
    _find(value, [], found)
    for tokens, arg in found:
        yield pointer + "".join("/" + escape_token(t) for t in tokens), arg


def _find(value: Any, path: list[str], found: list[tuple[list[str], Any]]) -> None:
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::GetAZs" in value:
            found.append((list(path), value["Fn::GetAZs"]))
            return
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                path.append(key)
                _find(item, path, found)
                path.pop()
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                path.append(str(i))
                _find(item, path, found)
                path.pop()
