"""The one read-only model of a template's plain data: sections, resources, references, literals, quotas.

Everything here tolerates malformed templates (a section that is not a mapping reads as
empty) and never mutates the data it is given (the parse is cached and shared). Values are
long form (``{"Ref": "X"}``) and intrinsic functions are never evaluated: a value that is
not a literal reads as unknown (``None``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..document.pointer import escape_token
from .kept import KeptByIdentity
from .references import SECTIONS, Kind, ReferenceIndex

__all__ = [
    "MAX_OUTPUTS",
    "MAX_PARAMETERS",
    "MAX_RESOURCES",
    "SECTIONS",
    "SECTION_ORDER",
    "Resource",
    "getatt_target",
    "has_foreach_resources",
    "is_template",
    "iter_strings",
    "literal",
    "looks_like_template",
    "of_type",
    "parameter_default",
    "parameter_uses",
    "property_values",
    "ref_target",
    "resource_map",
    "resource_types",
    "resources",
    "section",
    "type_index",
]

#: The order of a template's top-level sections, as CloudFormation's template anatomy lists
#: them: a section a fix adds goes before the first section that comes later
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html).
SECTION_ORDER: tuple[str, ...] = (
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Transform",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Resources",
    "Outputs",
)

#: Quotas that a fix adding entries must respect (docs/cloudformation/quotas.md).
MAX_RESOURCES = 500
MAX_PARAMETERS = 200
MAX_OUTPUTS = 200


_CFN_KEY = re.compile(r"""(?m)(?:^|[{,])[ \t]*["']?(?:AWSTemplateFormatVersion|Resources)["']?[ \t]*:""")


def looks_like_template(text: str) -> bool:
    """Cheap test before parsing: does the text have a ``Resources`` or ``AWSTemplateFormatVersion`` key?"""
    return _CFN_KEY.search(text) is not None


def is_template(data: object) -> bool:
    """True for a top-level mapping with ``AWSTemplateFormatVersion`` or a ``Resources`` mapping."""
    return isinstance(data, dict) and ("AWSTemplateFormatVersion" in data or isinstance(data.get("Resources"), dict))


def section(data: Any, name: str) -> dict[str, Any]:
    """A top-level section as a mapping (empty when absent or malformed)."""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Resource:
    """One entry of ``Resources`` (``Fn::ForEach`` loops excluded)."""

    id: str
    body: dict[str, Any]

    # The body is read-only (parsed data is never changed), so what is read off it is read once:
    # dozens of rules ask every resource for its type.
    @cached_property
    def type(self) -> str:
        """The ``Type`` string (empty when missing or not a string)."""
        value = self.body.get("Type")
        return value if isinstance(value, str) else ""

    @cached_property
    def props(self) -> dict[str, Any]:
        """``Properties`` as a mapping (empty when absent or malformed)."""
        value = self.body.get("Properties")
        return value if isinstance(value, dict) else {}

    @property
    def condition(self) -> str | None:
        """The ``Condition`` attribute, if it names a condition."""
        value = self.body.get("Condition")
        return value if isinstance(value, str) else None

    @cached_property
    def pointer(self) -> str:
        """JSON Pointer of the resource."""
        return "/Resources/" + escape_token(self.id)

    def prop_pointer(self, name: str) -> str:
        """JSON Pointer of one property."""
        return f"{self.pointer}/Properties/{escape_token(name)}"


def property_values(res: Resource, path: str) -> Iterator[tuple[str, Any, bool]]:
    """``(pointer, value, listed)`` of every value at a property path of ``res``.

    ``path`` is a ``/``-separated path under ``Properties`` where ``*`` stands for every list item
    (``LaunchTemplateData/ImageId``, ``AvailabilityZones/*``). Both branches of a ``Fn::If``
    met on the way are followed. ``listed`` is True for an intrinsic function found where the
    path expects a list (``AvailabilityZones: !GetAZs ''``): it stands for all the items.
    """
    yield from _values_at(res.body.get("Properties"), f"{res.pointer}/Properties", path.split("/"))


def _values_at(value: Any, pointer: str, tokens: list[str]) -> Iterator[tuple[str, Any, bool]]:
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            for i in (1, 2):
                yield from _values_at(branches[i], f"{pointer}/Fn::If/{i}", tokens)
        return
    if not tokens:
        yield pointer, value, False
        return
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _values_at(item, f"{pointer}/{i}", rest)
        elif isinstance(value, dict) and not rest:
            yield pointer, value, True
        return
    if isinstance(value, dict) and head in value:
        yield from _values_at(value[head], f"{pointer}/{escape_token(head)}", rest)


def resources(data: Any) -> list[Resource]:
    """The resources of the template in document order (``Fn::ForEach`` loops left out).

    Built once per ``Resources`` mapping (kept by its identity: a parsed document's data is
    read-only), not once per rule asking."""
    block = section(data, "Resources")
    kept = _RESOURCES.get(id(block), block)
    if kept is None:
        kept = _RESOURCES.put(
            id(block),
            block,
            tuple(
                Resource(key, body)
                for key, body in block.items()
                if isinstance(body, dict) and not key.startswith("Fn::ForEach::")
            ),
        )
    return list(kept)


#: The resources of the last few templates, by the identity of their ``Resources`` mapping.
_RESOURCES: KeptByIdentity[tuple[Resource, ...]] = KeptByIdentity(8)


def resource_map(data: Any) -> dict[str, Resource]:
    """Every resource with a string ``Type``, by logical ID (``Fn::ForEach`` loops left out)."""
    return {res.id: res for res in resources(data) if isinstance(res.body.get("Type"), str)}


def of_type(data: Any, *types: str) -> Iterator[Resource]:
    """Resources of the given types, in template order."""
    for res in resources(data):
        if res.type in types:
            yield res


def literal(value: Any) -> str | None:
    """A scalar as CloudFormation reads it (``5.7`` → ``"5.7"``, ``False`` → ``"false"``); None for intrinsics."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def parameter_default(data: Any, name: str) -> str | None:
    """The literal ``Default`` of template parameter ``name``, or None."""
    spec = section(data, "Parameters").get(name)
    return literal(spec.get("Default")) if isinstance(spec, dict) else None


def resource_types(data: Any) -> Iterator[str]:
    """Every resource ``Type`` string, including the fragments of ``Fn::ForEach`` loops."""
    for key, body in section(data, "Resources").items():
        if key.startswith("Fn::ForEach::"):
            yield from _foreach_types(body)
        elif isinstance(body, dict) and isinstance(body.get("Type"), str):
            yield body["Type"]


def type_index(data: Any) -> frozenset[str]:
    """The resource types of a template (:func:`resource_types` as a set, ``Fn::ForEach``
    fragments included): what the rule runner tests a rule's declared types against."""
    return frozenset(resource_types(data))


def _foreach_types(loop: Any) -> Iterator[str]:
    if not (isinstance(loop, list) and len(loop) == 3 and isinstance(loop[2], dict)):
        return
    for key, body in loop[2].items():
        if key.startswith("Fn::ForEach::"):
            yield from _foreach_types(body)
        elif isinstance(body, dict) and isinstance(body.get("Type"), str):
            yield body["Type"]


def has_foreach_resources(data: Any) -> bool:
    """True when ``Resources`` holds a ``Fn::ForEach`` loop (its resources are not enumerable here)."""
    return any(key.startswith("Fn::ForEach::") for key in section(data, "Resources"))


def ref_target(value: Any) -> str | None:
    """The logical name a value ``Ref``\\ s, or None."""
    if isinstance(value, dict) and len(value) == 1:
        target = value.get("Ref")
        if isinstance(target, str):
            return target
    return None


def getatt_target(value: Any) -> tuple[str, str] | None:
    """(logical ID, attribute) of a ``Fn::GetAtt`` in list or ``"A.B"`` string form, or None."""
    if not (isinstance(value, dict) and len(value) == 1 and "Fn::GetAtt" in value):
        return None
    arg = value["Fn::GetAtt"]
    if isinstance(arg, str) and "." in arg:
        head, _, tail = arg.partition(".")
        return head, tail
    if isinstance(arg, list) and len(arg) == 2 and all(isinstance(a, str) for a in arg):
        return arg[0], arg[1]
    return None


def parameter_uses(data: Any, names: set[str] | frozenset[str]) -> dict[str, list[str]]:
    """Pointers of every ``Ref``/``${X}`` use of each named parameter (shared reference index:
    ``Fn::Sub`` variable maps shadow, ``${!X}`` is literal)."""
    index = ReferenceIndex.of(data)
    uses: dict[str, list[str]] = {}
    for name in names:
        found = [r.pointer for r in index.references("Parameters", name) if r.kind in (Kind.REF, Kind.SUB)]
        if found:
            uses[name] = found
    return uses


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, string) for every string value (not key) inside ``value``."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, f"{pointer}/{escape_token(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, f"{pointer}/{index}")
