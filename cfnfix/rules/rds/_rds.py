"""Reading RDS resources out of a template's plain data (shared by the RDS and Aurora rules).

Everything here works on long-form data (``{"Ref": "X"}``) and never evaluates intrinsic
functions: a value that is not a literal is reported as unknown (``None``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import make_pointer

CLUSTER = "AWS::RDS::DBCluster"
INSTANCE = "AWS::RDS::DBInstance"
CLUSTER_PG = "AWS::RDS::DBClusterParameterGroup"
INSTANCE_PG = "AWS::RDS::DBParameterGroup"
GLOBAL_CLUSTER = "AWS::RDS::GlobalCluster"

#: The name property of each parameter group type (create-only: a new name replaces it).
PG_NAME_PROPERTY = {CLUSTER_PG: "DBClusterParameterGroupName", INSTANCE_PG: "DBParameterGroupName"}


@dataclass(frozen=True)
class Resource:
    """One entry of ``Resources``: its logical id, type, attributes and properties."""

    id: str
    type: str
    body: dict[str, Any]

    @property
    def props(self) -> dict[str, Any]:
        """``Properties`` when it is a mapping, else an empty dict."""
        props = self.body.get("Properties")
        return props if isinstance(props, dict) else {}

    @property
    def pointer(self) -> str:
        """JSON Pointer of the resource."""
        return make_pointer(["Resources", self.id])

    def prop_pointer(self, name: str) -> str:
        """JSON Pointer of one property."""
        return make_pointer(["Resources", self.id, "Properties", name])


def resources(data: Any) -> dict[str, Resource]:
    """Every well-formed resource (a mapping with a string ``Type``), by logical id."""
    section = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(section, dict):
        return {}
    return {
        rid: Resource(rid, body["Type"], body)
        for rid, body in section.items()
        if isinstance(body, dict) and isinstance(body.get("Type"), str)
    }


def of_type(data: Any, *types: str) -> Iterator[Resource]:
    """Resources of the given types, in template order."""
    for res in resources(data).values():
        if res.type in types:
            yield res


def ref_target(value: Any) -> str | None:
    """``X`` when ``value`` is ``{"Ref": "X"}``, else None."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    return None


def literal(value: Any) -> str | None:
    """A scalar as CloudFormation reads it (``5.7`` → ``"5.7"``, ``False`` → ``"false"``); None for intrinsics."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def engine(res: Resource) -> str | None:
    """The literal ``Engine``, lower-cased (RDS reads engine names case-insensitively); None when absent or computed."""
    value = literal(res.props.get("Engine"))
    return value.lower() if value is not None else None


def parameter_default(data: Any, name: str) -> str | None:
    """The literal ``Default`` of template parameter ``name``, or None."""
    params = data.get("Parameters") if isinstance(data, dict) else None
    if isinstance(params, dict) and isinstance(params.get(name), dict):
        return literal(params[name].get("Default"))
    return None


def is_parameter(data: Any, name: str) -> bool:
    """True when ``name`` is declared in ``Parameters``."""
    params = data.get("Parameters") if isinstance(data, dict) else None
    return isinstance(params, dict) and name in params


def cluster_members(data: Any, cluster: Resource) -> list[Resource]:
    """DB instances whose ``DBClusterIdentifier`` is ``!Ref`` to the cluster or its literal identifier."""
    name = literal(cluster.props.get("DBClusterIdentifier"))
    members = []
    for inst in of_type(data, INSTANCE):
        value = inst.props.get("DBClusterIdentifier")
        if ref_target(value) == cluster.id:
            members.append(inst)
        elif name is not None and (lit := literal(value)) is not None and lit.lower() == name.lower():
            members.append(inst)
    return members


def cluster_of(data: Any, instance: Resource) -> Resource | None:
    """The template's DB cluster an instance belongs to, or None."""
    for cluster in of_type(data, CLUSTER):
        if any(m.id == instance.id for m in cluster_members(data, cluster)):
            return cluster
    return None


def all_logical_names(data: Any) -> set[str]:
    """Every name in Parameters, Resources, Outputs, Conditions, Mappings and Rules."""
    names: set[str] = set()
    if isinstance(data, dict):
        for section in ("Parameters", "Resources", "Outputs", "Conditions", "Mappings", "Rules"):
            if isinstance(data.get(section), dict):
                names.update(data[section])
    return names
