"""Small read-only helpers over a template's plain data: sections, resources, references, names.

Everything here tolerates malformed templates (a section that is not a mapping reads as
empty) and never mutates the data it is given (the parse is cached and shared).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Sections whose keys are logical names (the namespaces a new name must avoid).
NAMED_SECTIONS = ("Parameters", "Resources", "Outputs", "Conditions", "Mappings", "Rules")

#: Logical IDs and parameter, output, condition and rule names (alphanumeric only).
VALID_NAME = re.compile(r"^[A-Za-z0-9]{1,255}$")

#: Quotas that a fix adding entries must respect (CloudFormation limits page).
MAX_RESOURCES = 500
MAX_PARAMETERS = 200
MAX_OUTPUTS = 200

_SUB_TOKEN = re.compile(r"\$\{(?!!)\s*([A-Za-z0-9_:]+)")


def escape(token: str) -> str:
    """One JSON Pointer reference token (RFC 6901 ``~0``/``~1`` escaping)."""
    return token.replace("~", "~0").replace("/", "~1")


def section(data: Any, name: str) -> dict[str, Any]:
    """A top-level section as a mapping (empty when absent or malformed)."""
    value = data.get(name) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Resource:
    """One entry of ``Resources`` (``Fn::ForEach`` loops excluded)."""

    id: str
    body: dict[str, Any]

    @property
    def type(self) -> str:
        """The ``Type`` string (empty when missing or not a string)."""
        value = self.body.get("Type")
        return value if isinstance(value, str) else ""

    @property
    def props(self) -> dict[str, Any]:
        """``Properties`` as a mapping (empty when absent or malformed)."""
        value = self.body.get("Properties")
        return value if isinstance(value, dict) else {}

    @property
    def condition(self) -> str | None:
        """The ``Condition`` attribute, if it names a condition."""
        value = self.body.get("Condition")
        return value if isinstance(value, str) else None

    @property
    def pointer(self) -> str:
        """JSON Pointer of the resource."""
        return "/Resources/" + escape(self.id)


def resources(data: Any) -> list[Resource]:
    """The resources of the template in document order (``Fn::ForEach`` loops left out)."""
    return [
        Resource(key, body)
        for key, body in section(data, "Resources").items()
        if isinstance(body, dict) and not key.startswith("Fn::ForEach::")
    ]


def resource_types(data: Any) -> Iterator[str]:
    """Every resource ``Type`` string, including the fragments of ``Fn::ForEach`` loops."""
    for key, body in section(data, "Resources").items():
        if key.startswith("Fn::ForEach::"):
            yield from _foreach_types(body)
        elif isinstance(body, dict) and isinstance(body.get("Type"), str):
            yield body["Type"]


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


def mentions(value: Any, name: str) -> bool:
    """True when ``value`` refers to ``name`` by ``Ref`` or an ``Fn::Sub`` token anywhere inside."""
    return next(iter_mentions(value, name, ""), None) is not None


def iter_mentions(value: Any, name: str, pointer: str) -> Iterator[str]:
    """Pointers of every ``Ref`` to ``name`` and every ``Fn::Sub`` string naming ``${name}``."""
    if isinstance(value, dict):
        if ref_target(value) == name:
            yield pointer
            return
        for key, item in value.items():
            child = f"{pointer}/{escape(key)}"
            if key == "Fn::Sub" and _sub_names(item, name):
                yield child
            yield from iter_mentions(item, name, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_mentions(item, name, f"{pointer}/{index}")


def _sub_names(arg: Any, name: str) -> bool:
    text = arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else arg
    if not isinstance(text, str):
        return False
    if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) and name in arg[1]:
        return False  # shadowed by the variable map
    return any(m.group(1) == name for m in _SUB_TOKEN.finditer(text))


def iter_strings(value: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, string) for every string value (not key) inside ``value``."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, f"{pointer}/{escape(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, f"{pointer}/{index}")


def taken_names(data: Any) -> set[str]:
    """Every logical name in every section, plus ``Fn::ForEach`` loop names, lower-cased.

    New names are compared case-insensitively: case-only variants are legal but confusing.
    """
    names: set[str] = set()
    for name in NAMED_SECTIONS:
        for key in section(data, name):
            if key.startswith("Fn::ForEach::"):
                names.add(key[len("Fn::ForEach::") :].lower())
            names.add(key.lower())
    return names


def unique_name(base: str, taken: set[str]) -> str:
    """``base`` (trimmed to a valid length), or ``base2``, ``base3`` … : the first not in ``taken``.

    The result is added to ``taken`` (lower-cased) so that later calls avoid it.
    """
    base = re.sub(r"[^A-Za-z0-9]", "", base)[:250] or "Name"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate.lower())
    return candidate
