"""RDS resource types, engines and cluster membership (shared by the RDS and Aurora rules).

Built on the template model (:mod:`cfnfix.template.model`); like it, never evaluates
intrinsic functions. Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from typing import Any

from ...template.model import Resource, literal, of_type, ref_target

CLUSTER = "AWS::RDS::DBCluster"
INSTANCE = "AWS::RDS::DBInstance"
CLUSTER_PG = "AWS::RDS::DBClusterParameterGroup"
INSTANCE_PG = "AWS::RDS::DBParameterGroup"
GLOBAL_CLUSTER = "AWS::RDS::GlobalCluster"

#: The name property of each parameter group type (create-only: a new name replaces it).
PG_NAME_PROPERTY = {CLUSTER_PG: "DBClusterParameterGroupName", INSTANCE_PG: "DBParameterGroupName"}


def engine(res: Resource) -> str | None:
    """The literal ``Engine``, lower-cased (RDS reads engine names case-insensitively); None when absent or computed."""
    value = literal(res.props.get("Engine"))
    return value.lower() if value is not None else None


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
