"""Making a String parameter optional: an empty ``Default`` that its constraints accept.

Used by both peering rules: the optional-peer pattern needs peer parameters that may be
left empty, and a placeholder default becomes empty under that pattern.

Background: docs/cloudformation/vpc-peering.md.
"""

from __future__ import annotations

import re
from typing import Any

from ...document.pointer import escape_token
from ...findings import Op, Patch
from ...template.model import parameter_uses, section
from ..fixes import append_items

#: The parameter type CloudFormation validates against the account: it cannot be empty.
VPC_ID_TYPE = "AWS::EC2::VPC::Id"


def optional_pattern(pattern: str) -> str:
    """``pattern`` widened to also accept the empty string (CloudFormation matches whole values)."""
    inner = pattern
    inner = inner.removeprefix("^")
    if inner.endswith("$") and not inner.endswith("\\$"):
        inner = inner[:-1]
    return f"^(?:{inner})?$"


def accepts_empty(pattern: str) -> bool:
    """True when the (Java-style) ``AllowedPattern`` matches the empty string, as far as
    Python's ``re`` can tell; a pattern it cannot compile counts as not matching."""
    try:
        return re.fullmatch(pattern, "") is not None
    except re.error:
        return False


def optional_ops(name: str, body: dict[str, Any], empty_pattern: str) -> tuple[Patch, list[str]] | None:
    """Operations that give parameter ``name`` an empty default its constraints accept,
    and notes on what changed beyond the default; None when its type cannot hold "".

    ``empty_pattern`` is the ``AllowedPattern`` to add when an ``AWS::EC2::VPC::Id``
    parameter becomes a ``String`` (so that the value is still checked).
    """
    base = "/Parameters/" + escape_token(name)
    ops: Patch = []
    notes: list[str] = []
    ptype = body.get("Type")
    if ptype == VPC_ID_TYPE:
        ops.append(Op.replace(base + "/Type", "String"))
        notes.append(f"{name} becomes a String (an {VPC_ID_TYPE} parameter cannot be empty)")
        if "AllowedPattern" not in body:
            ops.append(Op.add(base + "/AllowedPattern", empty_pattern))
    elif ptype != "String":
        return None
    if "Default" not in body:
        ops.append(Op.add(base + "/Default", ""))
    elif body["Default"] != "":
        ops.append(Op.replace(base + "/Default", ""))
    pattern = body.get("AllowedPattern")
    if isinstance(pattern, str) and not accepts_empty(pattern):
        ops.append(Op.replace(base + "/AllowedPattern", optional_pattern(pattern)))
    if "MinLength" in body and body["MinLength"] not in (0, "0"):
        ops.append(Op.remove(base + "/MinLength"))
    values = body.get("AllowedValues")
    if isinstance(values, list) and "" not in values:
        old = body.get("Default")
        if old in values:  # the placeholder stops being a choice: "" takes its place
            ops.append(Op.replace(f"{base}/AllowedValues/{values.index(old)}", ""))
        else:
            ops += append_items(base + "/AllowedValues", [""])
    return ops, notes


def unconditional_uses(data: Any, name: str) -> list[str]:
    """Resources and outputs that use parameter ``name`` whatever the conditions are.

    A use inside a resource or output with a ``Condition``, or inside either branch of an
    ``Fn::If``, is conditional; Conditions, Rules and Metadata (also a resource's) are not uses.
    """
    users: list[str] = []
    for pointer in parameter_uses(data, {name}).get(name, []):
        parts = pointer.split("/")
        if len(parts) < 4 or parts[1] not in ("Resources", "Outputs") or parts[3] == "Metadata":
            continue
        key = parts[2].replace("~1", "/").replace("~0", "~")
        body = section(data, parts[1]).get(key)
        if isinstance(body, dict) and isinstance(body.get("Condition"), str):
            continue
        if "/Fn::If/" in pointer or key in users:
            continue
        users.append(key)
    return users
