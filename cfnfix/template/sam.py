"""AWS SAM: the logical IDs the Serverless transform derives from a resource's own ID.

SAM turns ``MyFn`` (``AWS::Serverless::Function``) into ``MyFn`` plus generated resources
such as ``MyFnRole`` or ``MyFnAliaslive``, which the template may reference by that ID or by
a *referenceable property* (``!Ref MyFn.Alias``). A renamer must rename those references
with the resource and must never pick a name that collides with a generated one. The table
lives in ``cfnfix/template/sam_generated.json``.

Background: docs/cloudformation/logical-ids.md.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["generated_names", "generated_suffixes", "global_generated_names", "is_sam_type", "referenceable_properties"]

#: SAM resource type → its key under the template's ``Globals`` section.
_GLOBALS_KEY = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::StateMachine": "StateMachine",
}


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("sam_generated.json").read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


def is_sam_type(resource_type: object) -> bool:
    """True for ``AWS::Serverless::*`` resource types."""
    return isinstance(resource_type, str) and resource_type.startswith("AWS::Serverless::")


def global_generated_names() -> frozenset[str]:
    """IDs SAM may add once per template (``ServerlessRestApi`` …)."""
    return frozenset(_table()["global"])


def referenceable_properties(resource_type: object) -> frozenset[str]:
    """Referenceable properties of a SAM type (``Alias`` for ``MyFn.Alias``), empty for others."""
    spec = _table()["types"].get(resource_type) if isinstance(resource_type, str) else None
    return frozenset(spec["referenceable"]) if spec else frozenset()


def _property(resource: dict[str, Any], name: str, globals_: Any) -> Any:
    props = resource.get("Properties")
    if isinstance(props, dict) and name in props:
        return props[name]
    rtype = resource.get("Type")
    key = _GLOBALS_KEY.get(rtype) if isinstance(rtype, str) else None
    section = globals_.get(key) if isinstance(globals_, dict) and key else None
    return section.get(name) if isinstance(section, dict) else None


def generated_suffixes(resource: Any, globals_: Any = None) -> list[str]:
    """Suffixes ``s`` such that SAM may generate ``<Id>s`` for this resource (empty if not SAM).

    ``globals_`` is the template's ``Globals`` section (property values may come from there).
    """
    if not isinstance(resource, dict):
        return []
    rtype = resource.get("Type")
    spec = _table()["types"].get(rtype) if isinstance(rtype, str) else None
    if spec is None:
        return []
    out = list(spec["suffixes"])
    for suffix, prop in spec["suffixes_unless_property"].items():
        if _property(resource, prop, globals_) is None:
            out.append(suffix)
    props = resource.get("Properties")
    events = props.get("Events") if isinstance(props, dict) else None
    if isinstance(events, dict):
        for event in events:
            out.extend(str(event) + suffix for suffix in spec["event_suffixes"])
    for prop, template in spec["property_suffixes"].items():
        value = _property(resource, prop, globals_)
        if isinstance(value, str) and value.isalnum() and value.isascii():
            out.append(template.replace("{}", value))
    return [s for s in dict.fromkeys(out) if s]


def generated_names(logical_id: str, resource: Any, globals_: Any = None) -> list[str]:
    """Logical IDs SAM may generate from ``logical_id`` (empty for non-SAM resources)."""
    return [logical_id + s for s in generated_suffixes(resource, globals_)]
