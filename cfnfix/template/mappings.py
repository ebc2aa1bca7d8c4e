"""Lookups of ``Mappings`` entries and removing what a rewrite leaves unused.

A fix that replaces ``Fn::FindInMap`` lookups of some keys of a mapping (zone names, AMI IDs)
must then drop those keys, the mapping itself when nothing else reads it, or the whole
``Mappings`` section when it held only that mapping. A ``Fn::FindInMap`` whose mapping name is
computed (LanguageExtensions) may read any mapping: then nothing is removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..document.pointer import escape_token
from ..findings import Op, Operation
from .model import ref_target, section

__all__ = ["Lookup", "lookups", "removal"]

_SECTIONS = ("Resources", "Outputs", "Conditions")


@dataclass(frozen=True)
class Lookup:
    """One ``Fn::FindInMap`` of a mapping.

    ``pointer`` names the ``{"Fn::FindInMap": …}`` mapping; ``key`` is its third argument (any
    value); ``by_region`` is True when the second argument is ``!Ref AWS::Region`` and there is
    no fourth (default value) argument; ``in_select`` is True when the lookup is the list argument
    of a ``Fn::Select``.
    """

    pointer: str
    key: Any
    by_region: bool
    in_select: bool


def lookups(data: Any, name: str) -> tuple[list[Lookup], bool]:
    """Every ``Fn::FindInMap`` of mapping ``name`` in resources, outputs and conditions (in pointer
    order), and whether some ``Fn::FindInMap`` in them names its mapping with an intrinsic."""
    found: list[Lookup] = []
    computed = False
    stack: list[tuple[Any, str, bool]] = [(section(data, s), f"/{s}", False) for s in _SECTIONS]
    while stack:
        value, pointer, in_select = stack.pop()
        if isinstance(value, dict):
            args = value.get("Fn::FindInMap") if len(value) == 1 else None
            if isinstance(args, list) and args:
                if not isinstance(args[0], str):
                    computed = True
                elif args[0] == name:
                    by_region = len(args) == 3 and ref_target(args[1]) == "AWS::Region"
                    found.append(Lookup(pointer, args[2] if len(args) > 2 else None, by_region, in_select))
            select = value.get("Fn::Select") if len(value) == 1 else None
            for key, item in value.items():
                child = f"{pointer}/{escape_token(key)}"
                if key == "Fn::Select" and isinstance(select, list):
                    stack.extend((arg, f"{child}/{i}", i == 1) for i, arg in enumerate(select))
                else:
                    stack.append((item, child, False))
        elif isinstance(value, list):
            stack.extend((item, f"{pointer}/{i}", False) for i, item in enumerate(value))
    found.sort(key=lambda u: u.pointer)
    return found, computed


def removal(data: Any, name: str, keys: set[str], *, still_read: bool, computed: bool) -> list[Operation]:
    """Operations that remove second-level ``keys`` of mapping ``name`` once nothing reads them:
    the whole mapping when nothing else reads it (``still_read`` False) or when it holds nothing
    but those keys, the ``Mappings`` section when that was its only mapping; else the keys (a
    top-level entry left with none is removed). Nothing when ``computed``."""
    mappings = section(data, "Mappings")
    mapping = mappings.get(name)
    if computed or not isinstance(mapping, dict):
        return []
    base = f"/Mappings/{escape_token(name)}"
    entries = {k: v for k, v in mapping.items() if isinstance(v, dict)}
    everything = len(entries) == len(mapping) and all(k in keys for entry in entries.values() for k in entry)
    if not still_read or everything:
        return [Op.remove("/Mappings")] if len(mappings) == 1 else [Op.remove(base)]
    ops: list[Operation] = []
    for top, entry in entries.items():
        gone = [k for k in entry if k in keys]
        if gone and len(gone) == len(entry):
            ops.append(Op.remove(f"{base}/{escape_token(top)}"))
        else:
            ops.extend(Op.remove(f"{base}/{escape_token(top)}/{escape_token(k)}") for k in gone)
    return ops
