"""CFX932 availability-zone-mapping: a mapping of zone names per Region, looked up with
``!FindInMap [Map, !Ref AWS::Region, Key]``.

Background: docs/cloudformation/environment.md ("Availability Zones", "Zone mappings").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Operation, Severity
from ...template.mappings import Lookup, lookups, removal
from ...template.model import section
from ..base import Rule, RuleContext
from ._zones import is_region, looks_like_zone, zone_index


def _is_zone_of(value: Any, region: str) -> bool:
    return looks_like_zone(value) and str(value)[:-1] == region


def zone_keys(mapping: dict[str, Any]) -> dict[str, bool] | None:
    """Second-level keys whose values are zone names of their Region → True for lists of them,
    False for single names; None when the mapping is not keyed by Region."""
    if not mapping or not all(is_region(k) and isinstance(v, dict) for k, v in mapping.items()):
        return None
    kinds: dict[str, set[bool]] = {}
    bad: set[str] = set()
    for region, entry in mapping.items():
        for key, value in entry.items():
            if isinstance(value, list) and value and all(_is_zone_of(z, region) for z in value):
                kinds.setdefault(key, set()).add(True)
            elif _is_zone_of(value, region):
                kinds.setdefault(key, set()).add(False)
            else:
                bad.add(key)
    return {k: next(iter(v)) for k, v in kinds.items() if len(v) == 1 and k not in bad}


def _scalar_index(mapping: dict[str, Any], key: str, order: list[str]) -> int:
    """The zone position a single-name key stands for: the same in every Region when the names
    agree (``…a`` everywhere → 0), else the key's rank among the zone keys."""
    found = {zone_index(str(entry[key])) for entry in mapping.values() if key in entry}
    only = found.pop() if len(found) == 1 else None
    return only if only is not None else order.index(key)


class AvailabilityZoneMapping(Rule):
    """A Region-keyed mapping of zone names."""

    id = "CFX932"
    name = "availability-zone-mapping"
    severity = Severity.MEDIUM
    summary = "Mapping of zone names per Region (!FindInMap [Map, !Ref AWS::Region, AZs]): fails in unlisted Regions"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getavailabilityzones.html"
    fix_applicability = Applicability.UNSAFE
    root_cause = "Zones were pinned per Region by hand instead of asking CloudFormation for the stack's Region's zones."
    deployment_impact = (
        "In a Region the mapping does not list, Fn::FindInMap fails and the stack is not created; in a listed Region "
        "an account that lacks a listed zone fails too."
    )
    explanation = """\
## What
A mapping keyed by Region whose values are that Region's zone names (`RegionMap: {us-east-1:
{AZs: [us-east-1a, us-east-1b]}}`), read with `!FindInMap [RegionMap, !Ref AWS::Region, AZs]`
(usually inside `!Select`).

## Why
The stack can only be deployed in the Regions the mapping lists (elsewhere `Fn::FindInMap`
fails), the zone names are the author's account's view, and the table goes stale as Regions
and zones are added. `Fn::GetAZs ''` answers the same question for the stack's own Region.

## Fix
Every `Fn::FindInMap` of the zone keys with `!Ref AWS::Region` is rewritten:
`!Select [i, !FindInMap [Map, !Ref AWS::Region, AZs]]` → `!Select [i, !GetAZs '']`; a key
that holds one zone name → `!Select [i, !GetAZs '']` where i is that zone's position (the same
in every listed Region when the names agree, else the key's rank among the zone keys); a
whole list used as a list → one `!Select` per item. The zone keys are then removed from the
mapping, and the mapping itself (or the whole `Mappings` section) when nothing else is left.
The evidence that the lookup means the stack's own Region is the lookup itself: its key is
`AWS::Region`.

No fix when a zone key is looked up with anything but `!Ref AWS::Region`.

## Fix safety
**Unsafe**: zone properties are create-only: where the position differs from the listed
zone, CloudFormation replaces the resource. Review the zones a deployed stack uses.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per Region-keyed mapping of zone names that the template looks up."""
        data = ctx.data
        mappings = section(data, "Mappings")
        for name, mapping in mappings.items():
            if not isinstance(mapping, dict):
                continue
            keys = zone_keys(mapping)
            if not keys:
                continue
            uses, computed = lookups(data, name)
            zone_uses = [u for u in uses if isinstance(u.key, str) and u.key in keys]
            if not zone_uses:
                continue
            pointer = f"/Mappings/{escape_token(name)}"
            regions = ", ".join(mapping)
            message = (
                f"Mapping {name} lists zone names for {len(mapping)} Region{'s' if len(mapping) > 1 else ''} "
                f"({regions}): the stack fails in any other Region"
            )
            blocked = [u for u in zone_uses if not u.by_region]
            if blocked:
                yield self.finding(
                    ctx, pointer, f"{message}; it is looked up without !Ref AWS::Region, so no fix", at_key=True
                )
                continue
            ops = self._rewrites(mapping, keys, zone_uses)
            others = [u for u in uses if u not in zone_uses]
            removed = removal(data, name, set(keys), still_read=bool(others), computed=computed)
            ops.extend(removed)
            what = "" if not removed else f" and remove {'the zone keys of ' if others else ''}{name}"
            fix = Fix.unsafe(
                f"Read the zones from !GetAZs '' ({len(zone_uses)} lookup{'s' if len(zone_uses) > 1 else ''}){what}",
                ops,
            )
            yield self.finding(ctx, pointer, message, fix=fix, at_key=True)

    @staticmethod
    def _rewrites(mapping: dict[str, Any], keys: dict[str, bool], uses: list[Lookup]) -> list[Operation]:
        order = list(dict.fromkeys(k for entry in mapping.values() for k in entry if k in keys))
        ops: list[Operation] = []
        getazs: dict[str, Any] = {"Fn::GetAZs": ""}
        for use in uses:
            key = str(use.key)
            if not keys[key]:
                ops.append(Op.replace(use.pointer, {"Fn::Select": [_scalar_index(mapping, key, order), getazs]}))
            elif use.in_select:
                ops.append(Op.replace(use.pointer, getazs))
            else:
                size = min(len(entry[key]) for entry in mapping.values() if key in entry)
                ops.append(Op.replace(use.pointer, [{"Fn::Select": [i, getazs]} for i in range(size)]))
        return ops
