"""What in a template says which Region and which account are the stack's own.

A literal Region or account ID is only rewritten to ``${AWS::Region}`` / ``${AWS::AccountId}``
when the template itself says the literal is the stack's own (docs/cloudformation/environment.md,
"Whose Region, whose account"). Evidence comes in two strengths:

* **strong**: every deployment that works is in that Region or account, so the pseudo
  parameter resolves to the literal wherever the template deploys at all, and the rewrite is
  safe: a ``Rules`` assertion that allows only that Region or account, or (Region) Availability
  Zone names of that Region in the zone properties of the template's own resources (a subnet
  in ``us-east-1a`` can only be created by a stack in ``us-east-1``);
* **weak**: the template suggests it, and the rewrite needs review (unsafe): a parameter
  named for a Region or account whose default is the literal; every Region the template names
  is the same one (a single-Region template); the AWS documentation's example account IDs,
  which stand for "your account".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...template.model import literal, ref_target, section
from ._arns import arn_fields
from ._zones import getazs_calls, is_region, region_mentions, zone_region, zone_slots

#: Account IDs the AWS documentation uses as examples (they mean "your account").
PLACEHOLDER_ACCOUNTS = ("123456789012", "111122223333")

_ACCOUNT = re.compile(r"^[0-9]{12}$")


@dataclass(frozen=True)
class Evidence:
    """Why a literal is taken for the stack's own Region or account."""

    value: str
    strong: bool
    reason: str


def _pinned(data: Any, pseudo: str) -> dict[str, str]:
    """Values that an unconditional ``Rules`` assertion allows as the only ones for ``pseudo``."""
    out: dict[str, str] = {}
    for name, rule in section(data, "Rules").items():
        if not isinstance(rule, dict) or "RuleCondition" in rule:
            continue
        for assertion in rule.get("Assertions") or []:
            test = assertion.get("Assert") if isinstance(assertion, dict) else None
            value = _only_value(test, pseudo)
            if value is not None:
                out[value] = name
    return out


def _only_value(test: Any, pseudo: str) -> str | None:
    """``X`` for ``Fn::Equals [Ref pseudo, X]`` (either order) or ``Fn::Contains [[X], Ref pseudo]``."""
    if not isinstance(test, dict) or len(test) != 1:
        return None
    if "Fn::Equals" in test:
        args = test["Fn::Equals"]
        if isinstance(args, list) and len(args) == 2:
            for a, b in (args, args[::-1]):
                if ref_target(a) == pseudo and literal(b) is not None:
                    return literal(b)
    if "Fn::Contains" in test:
        args = test["Fn::Contains"]
        if isinstance(args, list) and len(args) == 2 and ref_target(args[1]) == pseudo:
            values = args[0]
            if isinstance(values, list) and len(values) == 1 and literal(values[0]) is not None:
                return literal(values[0])
    return None


def _parameter_defaults(data: Any, word: str) -> dict[str, str]:
    """Default value → parameter name, for parameters whose name contains ``word``."""
    out: dict[str, str] = {}
    for name, spec in section(data, "Parameters").items():
        if word.lower() in name.lower() and isinstance(spec, dict):
            value = literal(spec.get("Default"))
            if value is not None:
                out.setdefault(value, name)
    return out


def zone_regions(data: Any) -> dict[str, str]:
    """Region → what places a resource in it: a zone name of it written in a zone property
    of a resource, or a ``Fn::GetAZs`` of it whose result reaches one."""
    out: dict[str, str] = {}
    for slot in zone_slots(data):
        region = zone_region(slot.value)
        if region is not None:
            out.setdefault(region, f"zone {slot.value}")
    for call in getazs_calls(data):
        if call.feeds_zone and is_region(call.argument):
            out.setdefault(str(call.argument), f"a zone of Fn::GetAZs {call.argument}")
    return out


def mentioned_regions(data: Any) -> set[str]:
    """Every known Region the template names: in ARNs, ``Fn::GetAZs`` arguments, zone names
    and parameter defaults (the keys of Region maps in ``Mappings`` do not count)."""
    found: set[str] = set()
    for f in arn_fields(data, "region"):
        if f.literal and is_region(f.value):
            found.add(f.value)
    found.update(zone_regions(data))
    found.update(str(c.argument) for c in getazs_calls(data) if is_region(c.argument))
    for spec in section(data, "Parameters").values():
        if isinstance(spec, dict) and isinstance(spec.get("Default"), str):
            found.update(m.group(0) for m in region_mentions(spec["Default"]))
    return found


def region_evidence(data: Any) -> dict[str, Evidence]:
    """Region → the best evidence that it is the stack's own (at most one Region when any is strong)."""
    pinned = _pinned(data, "AWS::Region")
    if len(pinned) == 1:
        ((region, rule),) = pinned.items()
        return {region: Evidence(region, True, f"the Rules entry {rule} allows only {region}")}
    zoned = zone_regions(data)
    if len(zoned) == 1:
        ((region, where),) = zoned.items()
        return {
            region: Evidence(region, True, f"the template places a resource in {where}, so it deploys only in {region}")
        }
    if zoned:
        return {}  # zones of several Regions: nothing is the stack's own
    out: dict[str, Evidence] = {}
    for value, name in _parameter_defaults(data, "region").items():
        if is_region(value):
            out[value] = Evidence(value, False, f"parameter {name} defaults to {value}")
    mentioned = mentioned_regions(data)
    if len(mentioned) == 1:
        (region,) = mentioned
        out.setdefault(region, Evidence(region, False, f"{region} is the only Region the template names"))
    return out


def account_evidence(data: Any) -> dict[str, Evidence]:
    """Account ID → the best evidence that it is the stack's own account."""
    pinned = _pinned(data, "AWS::AccountId")
    if len(pinned) == 1:
        ((account, rule),) = pinned.items()
        return {account: Evidence(account, True, f"the Rules entry {rule} allows only account {account}")}
    out: dict[str, Evidence] = {}
    for value, name in _parameter_defaults(data, "account").items():
        if _ACCOUNT.match(value):
            out[value] = Evidence(value, False, f"parameter {name} defaults to {value}")
    for account in PLACEHOLDER_ACCOUNTS:
        out.setdefault(
            account,
            Evidence(
                account,
                False,
                f"{account} is an example account ID of the AWS documentation, which means 'your account'",
            ),
        )
    return out
