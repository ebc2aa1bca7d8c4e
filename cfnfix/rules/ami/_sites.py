"""Where a template writes AMI IDs, the words around them, and the architecture of the
instances that use them. Background: docs/cloudformation/ami.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document import Document
from ...template.model import (
    Resource,
    literal,
    parameter_default,
    property_values,
    ref_target,
    resources,
    section,
)
from ...template.subtext import texts
from ._families import image_paths, words

#: An AMI ID (``ami-`` and 8 or 17 hexadecimal digits).
AMI = re.compile(r"^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$")

#: Graviton (arm64) instance families: a generation digit followed by ``g`` (``t4g``, ``c7gn``, ``m8gd``).
_ARM = re.compile(r"^[a-z]+[0-9]+g[a-z-]*\.", re.IGNORECASE)

#: Where the instance type of a resource that launches instances is written.
_INSTANCE_TYPE = {
    "AWS::EC2::Instance": "InstanceType",
    "AWS::EC2::LaunchTemplate": "LaunchTemplateData/InstanceType",
    "AWS::AutoScaling::LaunchConfiguration": "InstanceType",
    "AWS::EC2::SpotFleet": "SpotFleetRequestConfigData/LaunchSpecifications/*/InstanceType",
}

#: Properties whose text says what a resource is.
_DESCRIBING = ("Description", "Name", "GroupDescription", "DisplayName")


@dataclass(frozen=True)
class ImageSlot:
    """A value of a property that takes an AMI ID: ``pointer`` names it."""

    resource: Resource
    pointer: str
    value: Any


def image_slots(data: Any) -> Iterator[ImageSlot]:
    """Every value of every AMI property of every resource, in template order."""
    for res in resources(data):
        for path in image_paths(res.type):
            for pointer, value, _ in property_values(res, path):
                yield ImageSlot(res, pointer, value)


def is_ami(value: Any) -> bool:
    """True for a literal AMI ID."""
    return isinstance(value, str) and AMI.match(value) is not None


def architecture(data: Any, res: Resource) -> str:
    """``arm64`` when every instance type the resource names (literally or as a parameter's
    default) is a Graviton type, else ``x86_64``."""
    path = _INSTANCE_TYPE.get(res.type)
    if path is None:
        return "x86_64"
    kinds = set()
    for _, value, _ in property_values(res, path):
        target = ref_target(value)
        text = parameter_default(data, target) if target else literal(value)
        if text:
            kinds.add("arm64" if _ARM.match(text) else "x86_64")
    return "arm64" if kinds == {"arm64"} else "x86_64"


def comments(document: Document, pointer: str, *, inside: bool = True) -> list[str]:
    """YAML comments about the node at ``pointer``: the comment lines right above its key and,
    with ``inside``, the comments at the end of each line the node spans (none for JSON)."""
    if document.format != "yaml":
        return []
    node = document.node_at(pointer)
    if node is None:
        return []
    lines = document.text.splitlines()
    first, _ = document.locate_key(pointer)
    last = document.lines.line_col(max(node.end - 1, node.start))[0]
    found: list[str] = []
    above = first - 2
    while above >= 0 and lines[above].lstrip().startswith("#"):
        found.append(lines[above].lstrip().lstrip("#").strip())
        above -= 1
    if inside:
        for line in lines[first - 1 : last]:
            m = re.search(r"(?:^|\s)#(.*)$", line)
            if m and line[: m.start()].count('"') % 2 == 0 and line[: m.start()].count("'") % 2 == 0:
                found.append(m.group(1).strip())
    return found


def describing(res: Resource) -> list[str]:
    """The words a resource says about itself: its logical ID, description-like properties and
    the values of its tags (``Tags`` lists at any depth: launch templates nest them)."""
    out = [words(res.id)]
    props = res.props
    out.extend(props[key] for key in _DESCRIBING if isinstance(props.get(key), str))
    stack: list[Any] = [props]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "Tags" and isinstance(item, list):
                    out.extend(t["Value"] for t in item if isinstance(t, dict) and isinstance(t.get("Value"), str))
                elif key not in ("UserData",):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return out


def user_data(res: Resource) -> list[str]:
    """The text of a resource's user data (``UserData``, ``LaunchTemplateData.UserData``)."""
    props = res.props
    found = [props.get("UserData")]
    data = props.get("LaunchTemplateData")
    if isinstance(data, dict):
        found.append(data.get("UserData"))
    return [t.value for value in found if value is not None for t in texts(value, "")]


def template_words(data: Any) -> list[str]:
    """The template's own description."""
    description = data.get("Description") if isinstance(data, dict) else None
    return [description] if isinstance(description, str) else []


def users_of(data: Any, pointers: set[str]) -> list[Resource]:
    """The resources that hold any of ``pointers`` (JSON Pointers under ``/Resources``)."""
    by_pointer = {res.pointer: res for res in resources(data)}
    out: list[Resource] = []
    for pointer in sorted(pointers):
        parts = pointer.split("/")
        res = by_pointer.get("/".join(parts[:3]))
        if res is not None and res not in out:
            out.append(res)
    return out


def parameter_words(data: Any, name: str) -> list[str]:
    """A parameter's name (as words) and description."""
    spec = section(data, "Parameters").get(name)
    out = [words(name)]
    if isinstance(spec, dict) and isinstance(spec.get("Description"), str):
        out.append(spec["Description"])
    return out
