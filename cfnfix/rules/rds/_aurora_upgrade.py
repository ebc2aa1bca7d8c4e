"""Plan the JSON Patch that moves one Aurora MySQL 5.6/5.7 cluster to an 8.0 version.

The plan changes everything that must move together in one stack update:

* the cluster: ``Engine aurora`` → ``aurora-mysql``, ``EngineVersion`` → the target;
* its parameter groups: a 5.6/5.7 family cannot serve 8.0, and ``Family`` is create-only.
  Strategy ``new`` (default) adds an 8.0 copy of each group under a new logical id — with
  renamed and removed parameters translated, and without the custom name, which the old
  group keeps — and points the cluster and its instances at it; the old group stays until
  a later update removes it. Strategy ``in-place`` rewrites ``Family`` and the parameters
  of the existing group, which CloudFormation replaces; a custom-named group cannot be
  replaced under the same name, so that case is a blocker.
* ``DBInstanceParameterGroupName`` on the cluster when its instances use a template
  instance parameter group (otherwise RDS refuses a major upgrade with custom instance
  groups);
* each member instance: ``Engine``, ``EngineVersion`` (when set) and ``DBParameterGroupName``.

Anything that cannot be moved safely becomes a *blocker* (a sentence); a plan with
blockers must not be offered as a fix.

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ...document.pointer import make_pointer, parse_pointer
from ...findings import Op, Operation, Patch
from ...template.model import Resource, literal, parameter_default, ref_target, resource_map
from ...template.naming import NameAllocator
from ...template.references import ReferenceIndex
from ..fixes import append_items, remove_items, rename_key
from ._aurora import Target
from ._aurora_tables import FAMILY_80, translate_parameter, v3_class_successor
from ._rds import CLUSTER_PG, INSTANCE_PG, PG_NAME_PROPERTY, cluster_members
from ._rds import engine as engine_of

#: Families that 8.0 replaces, and the default groups that go with them.
LEGACY_FAMILIES = ("aurora5.6", "aurora-mysql5.7")
LEGACY_DEFAULT_GROUPS = tuple(f"default.{f}" for f in LEGACY_FAMILIES)
DEFAULT_GROUP_80 = f"default.{FAMILY_80}"

#: Suffix of the logical id of a new 8.0 parameter group.
NEW_GROUP_SUFFIX = "Mysql80"


@dataclass
class UpgradePlan:
    """Operations, a human summary of them, and what stops the upgrade."""

    patch: Patch = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)


@dataclass
class _Planner:
    data: Any
    cluster: Resource
    target: Target
    strategy: str
    plan: UpgradePlan = field(default_factory=UpgradePlan)
    migrated: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Old parameter-group id → the value that now refers to its 8.0 group."""
    names: NameAllocator | None = None
    """New logical IDs (set by :meth:`run`)."""
    index: ReferenceIndex | None = None
    """Every reference of the template (set by :meth:`run`)."""
    ours: tuple[str, ...] = ()
    """Properties this plan rewrites (a group or parameter used only there moves with the upgrade)."""
    retired: list[str] = field(default_factory=list)
    """Legacy groups that nothing uses once the plan is applied: removed at the end."""
    moved_parameters: set[str] = field(default_factory=set)
    """Template parameters whose instance classes this plan already moved."""

    def emit(self, *ops: Operation) -> None:
        """Append operations to the plan's patch."""
        self.plan.patch.extend(ops)

    def set_prop(self, res: Resource, name: str, value: Any) -> None:
        current = res.props.get(name)
        if ref_target(current) is not None and ref_target(value) is not None:
            # Ref → Ref: rewrite only the name, keeping the written form (``!Ref X``, inline JSON).
            self.emit(Op.replace(res.prop_pointer(name) + "/Ref", ref_target(value)))
            return
        self.emit(Op.set(res.prop_pointer(name), value, exists=name in res.props))

    # -- parameter groups -------------------------------------------------------------

    def group_ref(self, owner: Resource, prop: str, pg_type: str) -> dict[str, Any] | str | None:
        """Move the group ``owner.prop`` names to 8.0; the new value for ``prop`` (None: unchanged)."""
        value = owner.props.get(prop)
        if value is None:
            return None
        name = literal(value)
        if name is not None:
            if name in LEGACY_DEFAULT_GROUPS:
                return DEFAULT_GROUP_80
            if name == DEFAULT_GROUP_80:
                return None
            self.plan.blockers.append(
                f"{owner.id}.{prop} names the parameter group {name!r}, which this template does not define: "
                f"create an {FAMILY_80} group and point {prop} at it"
            )
            return None
        rid = ref_target(value)
        group = resource_map(self.data).get(rid or "")
        if group is None or group.type != pg_type:
            source = f"parameter {rid}" if rid else "a computed value"
            self.plan.blockers.append(
                f"{owner.id}.{prop} comes from {source}: its {pg_type} cannot be checked or moved to {FAMILY_80}"
            )
            return None
        if group.id not in self.migrated:
            self.migrated[group.id] = self.migrate(group)
        return self.migrated[group.id]

    def migrate(self, group: Resource) -> dict[str, Any]:
        """Move one template parameter group to 8.0; the ``Ref`` that now names the 8.0 group."""
        family = literal(group.props.get("Family"))
        if family == FAMILY_80:
            return {"Ref": group.id}
        if family not in LEGACY_FAMILIES:
            shown = repr(family) if family is not None else "a computed value"
            self.plan.blockers.append(f"{group.id} has Family {shown}, not one this upgrade knows how to move")
            return {"Ref": group.id}
        params = group.props.get("Parameters", {})
        if not isinstance(params, dict) or any(not isinstance(k, str) for k in params):
            self.plan.blockers.append(f"{group.id}.Parameters is computed: it cannot be translated to 8.0")
            return {"Ref": group.id}
        if self.strategy == "in-place":
            return self.migrate_in_place(group, params)
        others = self.used_elsewhere("Resources", group.id)
        named = PG_NAME_PROPERTY[group.type] in group.props
        if self.strategy == "auto" and not others and not named and self.existing_copy(group) is None:
            return self.migrate_in_place(group, params)
        ref = self.migrate_to_new(group, params)
        if ref == {"Ref": group.id}:
            return ref
        if others:
            self.plan.changes.append(f"{group.id} stays for {', '.join(others)}, which this upgrade does not move")
        else:
            self.retired.append(group.id)
        return ref

    def used_elsewhere(self, section: str, name: str) -> list[str]:
        """Where ``name`` is referred to outside the properties this plan rewrites (resource IDs,
        or the section of the template), in document order, each once."""
        assert self.index is not None
        found: list[str] = []
        for ref in self.index.references(section, name):
            if any(ref.pointer == own or ref.pointer.startswith(own + "/") for own in self.ours):
                continue
            tokens = parse_pointer(ref.pointer)
            where = (
                tokens[1] if len(tokens) > 1 and tokens[0] == "Resources" else tokens[0] if tokens else "the template"
            )
            if where not in found:
                found.append(where)
        return found

    def translate(self, params: dict[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
        """(renames, removals) that 8.0 needs in ``params``."""
        renames: list[tuple[str, str]] = []
        removals: list[str] = []
        for key in params:
            action, new = translate_parameter(key)
            if action == "remove" or (action == "rename" and new in params):
                removals.append(key)
            elif action == "rename":
                renames.append((key, new))
        return renames, removals

    def describe_params(self, renames: list[tuple[str, str]], removals: list[str]) -> str:
        parts = [f"{old} → {new}" for old, new in renames]
        if removals:
            parts.append(f"{', '.join(removals)} removed")
        return f"; parameters: {', '.join(parts)}" if parts else ""

    def migrate_in_place(self, group: Resource, params: dict[str, Any]) -> dict[str, Any]:
        name_prop = PG_NAME_PROPERTY[group.type]
        if name_prop in group.props:
            shown = literal(group.props[name_prop])
            shown = repr(shown) if shown is not None else "(computed)"
            self.plan.blockers.append(
                f"{group.id} has a custom {name_prop} {shown}; changing its Family (create-only) replaces the "
                'group, and the replacement cannot take the same name (use parameter-groups = "new" or drop '
                "the name)"
            )
            return {"Ref": group.id}
        self.emit(Op.replace(group.prop_pointer("Family"), FAMILY_80))
        renames, removals = self.translate(params)
        base = ["Resources", group.id, "Properties", "Parameters"]
        self.emit(*(rename_key(make_pointer(base), old, new) for old, new in renames))
        self.emit(*(Op.remove(make_pointer(base + [old])) for old in removals))
        self.plan.changes.append(
            f"{group.id} Family → {FAMILY_80} (CloudFormation replaces the group){self.describe_params(renames, removals)}"
        )
        return {"Ref": group.id}

    def existing_copy(self, group: Resource) -> str | None:
        """The logical ID of an 8.0 copy of ``group`` already in the template (an earlier
        upgrade of a cluster that shared it), or None."""
        existing_groups = resource_map(self.data)
        assert self.names is not None
        for new_id in self.names.candidates(group.id + NEW_GROUP_SUFFIX):
            existing = existing_groups.get(new_id)
            if (
                existing is not None
                and existing.type == group.type
                and literal(existing.props.get("Family")) == FAMILY_80
            ):
                return new_id
            if existing is None:
                return None
        return None

    def migrate_to_new(self, group: Resource, params: dict[str, Any]) -> dict[str, Any]:
        assert self.names is not None
        copied = self.existing_copy(group)
        if copied is not None:
            self.plan.changes.append(f"use the existing {FAMILY_80} group {copied} instead of {group.id}")
            return {"Ref": copied}
        for new_id in self.names.candidates(group.id + NEW_GROUP_SUFFIX):
            if self.names.is_free(new_id):
                self.names.reserve(new_id)
                break
        else:  # pragma: no cover - candidates() always offers a free name
            raise AssertionError("no free logical ID")
        body = copy.deepcopy(group.body)
        props = body["Properties"]
        props["Family"] = FAMILY_80
        renames, removals = self.translate(params)
        if "Parameters" in props:
            new_params: dict[str, Any] = {}
            renamed = dict(renames)
            for key, value in params.items():
                if key in removals:
                    continue
                new_params[renamed.get(key, key)] = copy.deepcopy(value)
            props["Parameters"] = new_params
        name_prop = PG_NAME_PROPERTY[group.type]
        note = ""
        if name_prop in props:
            del props[name_prop]
            note = f" with a generated name (a replacement cannot take {group.id}'s custom {name_prop})"
        self.emit(Op.add(make_pointer(["Resources", new_id]), body))
        self.plan.changes.append(
            f"new {FAMILY_80} group {new_id} copied from {group.id}{note}{self.describe_params(renames, removals)}"
        )
        return {"Ref": new_id}

    # -- cluster and instances ----------------------------------------------------------

    def check_blockers(self) -> None:
        props = self.cluster.props
        mode = literal(props.get("EngineMode"))
        if mode == "serverless":
            self.plan.blockers.append(
                "EngineMode serverless (Aurora Serverless v1) has no 8.0 version and EngineMode is create-only: "
                "migrate to Serverless v2 by snapshot restore (CFX302)"
            )
        if "GlobalClusterIdentifier" in props:
            self.plan.blockers.append(
                "the cluster is a member of a global database: upgrade the AWS::RDS::GlobalCluster, "
                "members cannot take a major upgrade one by one"
            )
        if "EngineVersion" in props and literal(props["EngineVersion"]) is None:
            param = ref_target(props["EngineVersion"])
            source = f"parameter {param}" if param else "a computed value"
            self.plan.blockers.append(f"EngineVersion comes from {source}: change it there")
        problem = self.target.problem
        if problem:
            self.plan.blockers.append(problem)

    def member_blockers(self, inst: Resource) -> None:
        raw = inst.props.get("DBInstanceClass")
        cls = literal(raw)
        param = ref_target(raw)
        if cls is None and param is not None:
            cls = parameter_default(self.data, param)
        if param is not None and literal(raw) is None and self.move_class_parameter(inst, param):
            pass
        elif cls is not None and (successor := v3_class_successor(cls)) is not None:
            where = f" (default of parameter {param})" if param else ""
            self.plan.blockers.append(
                f"instance {inst.id} uses {cls}{where}, which Aurora MySQL version 3 does not offer: "
                f"move it to e.g. {successor} first (CFX304)"
            )
        if "EngineVersion" in inst.props and literal(inst.props["EngineVersion"]) is None:
            self.plan.blockers.append(f"instance {inst.id} takes EngineVersion from a computed value")

    def move_class_parameter(self, inst: Resource, param: str) -> bool:
        """Move the instance classes that template parameter ``param`` offers to ones version 3
        has: ``AllowedValues`` lose the classes it lacks (gaining the successor of the default),
        and a default it lacks becomes that successor. False when ``param`` is not a template
        parameter used only for the classes of this cluster's instances (the caller reports)."""
        params = self.data.get("Parameters") if isinstance(self.data, dict) else None
        spec = params.get(param) if isinstance(params, dict) else None
        if not isinstance(spec, dict) or self.used_elsewhere("Parameters", param):
            return False
        if param in self.moved_parameters:
            return True
        default = spec.get("Default")
        allowed = spec.get("AllowedValues")
        if (default is not None and not isinstance(default, str)) or (
            allowed is not None and not (isinstance(allowed, list) and all(isinstance(c, str) for c in allowed))
        ):
            return False
        self.moved_parameters.add(param)
        base = ["Parameters", param]
        changes: list[str] = []
        successor = v3_class_successor(default) if default is not None else None
        if isinstance(allowed, list):
            dropped = [i for i, c in enumerate(allowed) if v3_class_successor(c) is not None]
            self.emit(*remove_items(make_pointer(base + ["AllowedValues"]), dropped))
            kept = [c for i, c in enumerate(allowed) if i not in dropped]
            if dropped:
                changes.append(f"AllowedValues without {', '.join(allowed[i] for i in dropped)}")
            new_values = [c for c in ([successor] if successor else []) if c not in kept]
            if not kept and not new_values:
                new_values = sorted({str(v3_class_successor(allowed[i])) for i in dropped})
            self.emit(*append_items(make_pointer(base + ["AllowedValues"]), new_values))
            if new_values:
                changes.append(f"AllowedValues + {', '.join(new_values)}")
        if successor is not None:
            self.emit(Op.replace(make_pointer(base + ["Default"]), successor))
            changes.append(f"Default {default} → {successor}")
        if changes:
            self.plan.changes.append(
                f"parameter {param} (instance classes that version 3 offers): {'; '.join(changes)}"
            )
        return True

    def run(self) -> UpgradePlan:
        cluster = self.cluster
        self.names = NameAllocator(self.data)
        self.index = ReferenceIndex.of(self.data)
        self.moved_parameters = set()
        members = cluster_members(self.data, cluster)
        self.ours = (
            cluster.prop_pointer("DBClusterParameterGroupName"),
            cluster.prop_pointer("DBInstanceParameterGroupName"),
            *(inst.prop_pointer(p) for inst in members for p in ("DBParameterGroupName", "DBInstanceClass")),
        )
        self.check_blockers()
        for inst in members:
            self.member_blockers(inst)
        if engine_of(cluster) == "aurora":
            self.emit(Op.replace(cluster.prop_pointer("Engine"), "aurora-mysql"))
            self.plan.changes.append(
                "Engine aurora → aurora-mysql (Engine is conditionally create-only: check the change set for a "
                "replacement)"
            )
        self.set_prop(cluster, "EngineVersion", self.target.version)
        self.plan.changes.append(f"EngineVersion → {self.target.version}")
        new_cluster_pg = self.group_ref(cluster, "DBClusterParameterGroupName", CLUSTER_PG)
        if new_cluster_pg is not None and new_cluster_pg != cluster.props.get("DBClusterParameterGroupName"):
            self.set_prop(cluster, "DBClusterParameterGroupName", new_cluster_pg)
        instance_pg: dict[str, Any] | str | None = self.group_ref(cluster, "DBInstanceParameterGroupName", INSTANCE_PG)
        for inst in members:
            self.move_member(inst)
            new_pg = self.group_ref(inst, "DBParameterGroupName", INSTANCE_PG)
            if new_pg is not None and new_pg != inst.props.get("DBParameterGroupName"):
                self.set_prop(inst, "DBParameterGroupName", new_pg)
            if instance_pg is None and isinstance(new_pg or inst.props.get("DBParameterGroupName"), dict):
                instance_pg = new_pg or inst.props.get("DBParameterGroupName")
        current = cluster.props.get("DBInstanceParameterGroupName")
        if instance_pg is not None and instance_pg != current:
            self.set_prop(cluster, "DBInstanceParameterGroupName", instance_pg)
            self.plan.changes.append("cluster DBInstanceParameterGroupName → the 8.0 instance parameter group")
        for group_id in self.retired:
            self.emit(Op.remove(make_pointer(["Resources", group_id])))
            self.plan.changes.append(f"{group_id} removed: nothing uses it once the upgrade moves to its 8.0 copy")
        return self.plan

    def move_member(self, inst: Resource) -> None:
        changed = []
        if engine_of(inst) == "aurora":
            self.emit(Op.replace(inst.prop_pointer("Engine"), "aurora-mysql"))
            changed.append("Engine")
        if literal(inst.props.get("EngineVersion")) is not None:
            self.emit(Op.replace(inst.prop_pointer("EngineVersion"), self.target.version))
            changed.append("EngineVersion")
        if changed:
            self.plan.changes.append(f"instance {inst.id}: {' and '.join(changed)} as on the cluster")


def plan_upgrade(data: Any, cluster: Resource, target: Target, strategy: str) -> UpgradePlan:
    """The operations that move ``cluster`` (and what belongs to it) to ``target``."""
    return _Planner(data, cluster, target, strategy).run()
