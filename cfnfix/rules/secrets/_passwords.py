"""Database master passwords (CFX910, CFX911): where each one comes from, and the fix that
takes it out of the template.

The fix, in order of preference (docs/cloudformation/secrets.md):

1. **Managed by the database**: ``ManageMasterUserPassword: true`` instead of the password
   (RDS and Aurora), when the configuration supports it and nothing else in the template
   uses the old password (RDS rotates a managed password, so a copy elsewhere would go stale);
2. **a generated secret**: an ``AWS::SecretsManager::Secret`` with ``GenerateSecretString``,
   read with a ``{{resolve:secretsmanager:…}}`` dynamic reference (and attached to the
   database with ``AWS::SecretsManager::SecretTargetAttachment``); the places in resource
   properties that used the old password read the secret too.

Either way a password parameter that nothing uses any more is removed. No fix when the old
password is used where a dynamic reference cannot go (Outputs, Conditions, Rules, Metadata).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources as _files
from typing import Any

from ...document.pointer import escape_token
from ...findings import Fix, Op, Operation
from ...template.model import Resource, literal, ref_target, resources, section
from ...template.naming import NameAllocator
from ._secret import (
    ParameterUses,
    attachment,
    dynamic_reference,
    dynamic_text,
    generated_secret,
    is_dynamic,
    literal_uses,
    parameter_uses,
    remove_parameter,
    rewrite_references,
)

INSTANCE = "AWS::RDS::DBInstance"
CLUSTER = "AWS::RDS::DBCluster"

#: Properties that make an RDS resource a restore or a copy of another database (its password
#: handling follows the source: cfnfix keeps a password property there, read from a secret).
_RESTORE = {
    INSTANCE: ("DBSnapshotIdentifier", "SourceDBInstanceAutomatedBackupsArn", "SourceDbiResourceId", "RestoreTime"),
    CLUSTER: ("SnapshotIdentifier", "SourceDBClusterIdentifier", "RestoreType", "RestoreToTime"),
}

#: A literal shorter than this is not looked for elsewhere in the template (too likely to match by chance).
_MIN_SHARED = 8


@cache
def table() -> dict[str, dict[str, Any]]:
    """``cfnfix/rules/secrets/data/master_passwords.json``: type → password, username, manage, target type."""
    text = (_files.files(__package__) / "data" / "master_passwords.json").read_text(encoding="utf-8")
    types: dict[str, dict[str, Any]] = json.loads(text)["types"]
    return types


@dataclass(frozen=True)
class PasswordSite:
    """A database resource whose master password is written in the template or passed as a parameter."""

    res: Resource
    row: dict[str, Any]
    kind: str
    """``literal`` (in the property), ``default`` (a parameter's ``Default``) or ``parameter`` (passed in)."""
    parameter: str | None

    @property
    def prop(self) -> str:
        """The password property's name."""
        return str(self.row["password"])

    @property
    def path(self) -> str:
        """JSON Pointer of the password value."""
        return self.res.prop_pointer(self.prop)

    def describe(self) -> str:
        """Where the password comes from, for messages."""
        if self.kind == "literal":
            return f"sets {self.prop} to a literal string"
        if self.kind == "default":
            return f"takes {self.prop} from parameter {self.parameter}, whose Default holds it in plain text"
        return f"takes {self.prop} from parameter {self.parameter}, so whoever deploys must know and pass it"


def sites(data: Any) -> Iterator[PasswordSite]:
    """Every database of the table whose password is a literal, a parameter's default or a parameter."""
    for res in resources(data):
        row = table().get(res.type)
        if row is None or row["password"] not in res.props:
            continue
        if res.type == INSTANCE and ("DBClusterIdentifier" in res.props or "SourceDBInstanceIdentifier" in res.props):
            continue  # the cluster (or the source) owns the password: the property does not apply
        kind, parameter = _source(data, res.props[row["password"]])
        if kind is not None:
            yield PasswordSite(res, row, kind, parameter)


def _source(data: Any, value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, bool):
        return None, None
    if isinstance(value, (str, int, float)):
        return (None, None) if str(value) == "" or is_dynamic(value) else ("literal", None)
    name = ref_target(value)
    spec = section(data, "Parameters").get(name) if name else None
    if not isinstance(spec, dict):
        return None, None  # a resource, a pseudo parameter, an intrinsic: not a password written here
    ptype = spec.get("Type")
    if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::Value"):
        return None, None  # read from Parameter Store at deploy time
    default = literal(spec.get("Default"))
    if default and not is_dynamic(default):
        return "default", name
    return "parameter", name


def manage_blocker(site: PasswordSite) -> str | None:
    """Why the database cannot be told to manage its own password (a phrase), or None when it can."""
    if not site.row.get("manage"):
        return f"cfnfix does not turn on {site.res.type}'s own password management"
    props = site.res.props
    for key in _RESTORE.get(site.res.type, ()):
        if key in props:
            return f"it is restored from another database ({key})"
    if site.res.type == CLUSTER:
        mode = props.get("EngineMode")
        if mode is not None and literal(mode) is None:
            return "its EngineMode is computed (Aurora Serverless v1 cannot manage the password)"
        if literal(mode) == "serverless":
            return "Aurora Serverless v1 (EngineMode: serverless) does not support a managed password"
        if "GlobalClusterIdentifier" in props:
            return "clusters of an Aurora global database do not support a managed password"
        if "ReplicationSourceIdentifier" in props:
            return "cross-Region read replicas do not support a managed password"
    if site.res.type == INSTANCE:
        engine = props.get("Engine")
        if engine is not None and literal(engine) is None:
            return "its Engine is computed (RDS Custom cannot manage the password)"
        if (literal(engine) or "").startswith("custom-"):
            return "RDS Custom does not support a managed password"
        if literal(props.get("MultiTenant")) == "true":
            return "an RDS for Oracle multi-tenant (CDB) instance cannot turn it on with its creation"
    return None


@dataclass(frozen=True)
class Plan:
    """What the fix of one site does, or why there is none."""

    fix: Fix | None
    reason: str
    """For the message: what the fix does, or why there is no fix."""


def plan(data: Any, site: PasswordSite) -> Plan:
    """The fix of ``site`` (see the module doc)."""
    uses: ParameterUses | None = parameter_uses(data, site.parameter) if site.parameter else None
    if uses is not None and uses.elsewhere:
        where = ", ".join(sorted({_where(r.pointer) for r in uses.elsewhere}))
        return Plan(None, f"no fix: parameter {site.parameter} is also used in {where}, where a secret cannot go")
    password_paths = {s.path for s in sites(data)}
    if uses is not None:
        consumers = [r for r in uses.values if _ref_value_path(r) not in password_paths]
        others = [r for r in uses.values if _ref_value_path(r) in password_paths and _ref_value_path(r) != site.path]
        shared: list[str] = []
    else:
        consumers, others = [], []
        value = literal(site.res.props.get(site.prop)) or ""
        shared, stuck = literal_uses(data, value, password_paths) if len(value) >= _MIN_SHARED else ([], [])
        if stuck:
            where = ", ".join(sorted({_where(p) for p in stuck}))
            return Plan(
                None, f"no fix: the same password is also given to {where}, a custom resource, where a secret cannot go"
            )
    ops: list[Operation] = []
    blocker = manage_blocker(site)
    if blocker is None and not consumers and not shared:
        ops.extend(_managed(site))
        what = (
            f"set {site.row['manage']}: true instead of {site.prop}: RDS generates the password and keeps it in "
            f"Secrets Manager (GetAtt {site.res.id}.MasterUserSecret.SecretArn)"
        )
    else:
        names = NameAllocator(data)
        secret_id = names.allocate(site.res.id + "Secret")
        ops.append(Op.replace(site.path, dynamic_reference(secret_id, "password")))
        text = dynamic_text(secret_id, "password")
        if uses is not None:
            ops.extend(rewrite_references(data, consumers, uses.name, text))
        ops.extend(Op.replace(p, {"Fn::Sub": text}) for p in shared)
        username = site.res.props.get(site.row["username"])
        secret = generated_secret(f"Master user password of {site.res.id}", username, condition=site.res.condition)
        ops.append(Op.add("/Resources/" + escape_token(secret_id), secret))
        if site.row.get("target_type"):
            attach_id = names.allocate(site.res.id + "SecretAttachment")
            body = attachment(secret_id, site.res.id, site.row["target_type"], condition=site.res.condition)
            ops.append(Op.add("/Resources/" + escape_token(attach_id), body))
        moved = len(consumers) + len(shared)
        why = f" ({blocker})" if blocker and site.row.get("manage") else ""
        if moved and blocker is None:
            why = " (not a managed password, which RDS rotates: the template uses the password elsewhere too)"
        what = f"generate the password in a new secret {secret_id}{why} and read it with a dynamic reference"
        if moved:
            what += f"; {moved} other place{'s' if moved > 1 else ''} that used the password read the secret too"
    if uses is not None and not others:
        ops.extend(remove_parameter(data, uses))
        what += f"; remove parameter {uses.name} (callers that pass it must stop)"
    message = (
        what[0].upper()
        + what[1:]
        + ("; on a deployed stack the database gets the new password: clients must read it from Secrets Manager")
    )
    return Plan(Fix.unsafe(message, ops), what)


def _managed(site: PasswordSite) -> list[Operation]:
    manage = site.res.prop_pointer(site.row["manage"])
    current = site.res.props.get(site.row["manage"])
    if current is None:
        return [Op.move(site.path, manage), Op.replace(manage, True)]
    if literal(current) == "true":
        return [Op.remove(site.path)]
    return [Op.remove(site.path), Op.replace(manage, True)]


def _ref_value_path(ref: Any) -> str:
    """The pointer of the property value a ``Ref`` reference sits in (the Ref mapping's place)."""
    pointer: str = ref.pointer
    return pointer[: -len("/Ref")] if pointer.endswith("/Ref") else pointer


def _where(pointer: str) -> str:
    parts = pointer.split("/")
    if len(parts) > 3 and parts[1] == "Resources":
        return f"{parts[2]} {parts[3]}"
    return "/".join(parts[:3])
