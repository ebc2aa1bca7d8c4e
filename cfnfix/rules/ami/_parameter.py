"""The template parameters an AMI fix points at: ``Type:
AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`` defaulting to a family's public parameter.

CloudFormation resolves such a parameter to the value of the Systems Manager parameter it
names when the stack is created or updated (docs/cloudformation/ami.md, "Systems Manager
parameter types"). A parameter the template already has with the same type and default is
reused, so several fixes share one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...document.pointer import escape_token
from ...findings import Op, Operation
from ...template.model import MAX_PARAMETERS, section
from ...template.naming import NameAllocator
from ._families import SSM_IMAGE_TYPE, Family


def image_parameters(
    data: Any, wanted: Sequence[tuple[Family, str]]
) -> tuple[dict[tuple[str, str], str], list[Operation]] | None:
    """Names of the parameters for each (family, architecture) in ``wanted`` (keyed by family id
    and architecture), and the operations that add the ones the template lacks; None when the
    template cannot take that many more parameters."""
    params = section(data, "Parameters")
    if "Parameters" in data and not isinstance(data["Parameters"], dict):
        return None
    existing = {
        spec.get("Default"): name
        for name, spec in params.items()
        if isinstance(spec, dict) and spec.get("Type") == SSM_IMAGE_TYPE and isinstance(spec.get("Default"), str)
    }
    names: dict[tuple[str, str], str] = {}
    added: dict[str, dict[str, Any]] = {}
    allocator = NameAllocator(data)
    for family, arch in wanted:
        key = (family.id, arch)
        if key in names:
            continue
        path = family.parameter(arch)
        if path in existing:
            names[key] = existing[path]
            continue
        name = allocator.allocate(f"Latest{family.camel}AmiId")
        names[key] = name
        added[name] = {
            "Type": SSM_IMAGE_TYPE,
            "Default": path,
            "Description": f"{family.name} ({arch}): the latest image, from its public Systems Manager parameter",
        }
    if len(params) + len(added) > MAX_PARAMETERS:
        return None
    if not added:
        return names, []
    if "Parameters" not in data:
        return names, [Op.add("/Parameters", added)]
    return names, [Op.add(f"/Parameters/{escape_token(n)}", body) for n, body in added.items()]
