"""CFX303 aurora-mysql-deprecated-version: an 8.0 version (or the pinned target) that cannot create clusters.

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, literal, of_type
from ..base import Rule, RuleContext, Tag
from ._aurora import Target, TargetOption, legacy, target
from ._aurora_tables import is_deprecated, table_date, usable_versions, version_key
from ._rds import CLUSTER, INSTANCE
from ._rds import engine as engine_of


class AuroraMysqlDeprecatedVersionOptions(TargetOption):
    """Options of CFX303 (``[rules.aurora-mysql-deprecated-version]``)."""


class AuroraMysqlDeprecatedVersion(Rule):
    """A deprecated Aurora MySQL 8.0 ``EngineVersion``, or a deprecated pinned upgrade target."""

    id = "CFX303"
    name = "aurora-mysql-deprecated-version"
    severity = Severity.HIGH
    summary = "Aurora MySQL 8.0 version that can no longer create clusters (or a deprecated pinned target)"
    doc_url = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.Versions.html"
    fix_applicability = Applicability.UNSAFE
    tags = frozenset({Tag.DEPRECATED})
    options_model = AuroraMysqlDeprecatedVersionOptions
    cfn_lint_ids = ("W3690", "W3691")  # W3691: its DB instances
    root_cause = "The pinned Aurora MySQL 8.0 minor version was deprecated; bare 8.0 is an alias, not a pin."
    deployment_impact = (
        "Creating the cluster fails (cannot be used to create new clusters); running clusters get force-upgraded."
    )
    explanation = """\
## What
* An `aurora-mysql` `AWS::RDS::DBCluster` or `AWS::RDS::DBInstance` whose `EngineVersion`
  is an 8.0 version that the bundled lifecycle table (from cfn-lint's engine-version data)
  marks deprecated: bare `8.0`, 3.01–3.03, 3.05–3.07, `3.11.0` … (cfn-lint W3690: "cannot be
  used to create new RDS DB clusters").
* A configured `aurora-mysql-target` that is itself deprecated (for example
  `8.0.mysql_aurora.3.05.2`) or unknown, reported on every 5.6/5.7 cluster that CFX301 moves
  to it, before and after the upgrade.

## Why
A stack with a deprecated version cannot be created in a new account or region, and the
version will be force-upgraded during a maintenance window. Bare `8.0` is not a pin: cfn-lint
flags it and the actual version depends on the day the cluster is created.

## Fix
Replace `EngineVersion` with the target (`aurora-mysql-target`, default: newest
non-deprecated LTS version) when that is newer; when it is not (for example `3.11.0` is
newer than the 3.10 LTS), with the newest non-deprecated version of the same minor series
(`3.11.0` → `3.11.1`). Aurora cannot downgrade, so no older version is ever proposed.
A version pinned by `aurora-mysql-target` is reported but not changed.

## Fix safety
**Unsafe**: changing the engine version restarts the cluster (a minor upgrade with downtime) and can
change behaviour; applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Findings for deprecated 8.0 versions and for a deprecated pinned target."""
        tgt = target(ctx.options.aurora_mysql_target)
        for res in of_type(ctx.data, CLUSTER, INSTANCE):
            old = legacy(ctx.data, res)
            if old is not None and res.type == CLUSTER and tgt.pinned and (tgt.deprecated or tgt.problem):
                why = tgt.problem or "it is deprecated and cannot create new clusters (cfn-lint W3690)"
                yield self.finding(
                    ctx,
                    old.pointer,
                    f"{res.id} is moved to the configured aurora-mysql-target {tgt.version} by CFX301, but {why}",
                    severity=Severity.MEDIUM,
                )
                continue
            finding = self._deprecated_version(ctx, res, tgt)
            if finding is not None:
                yield finding

    def _deprecated_version(self, ctx: RuleContext, res: Resource, tgt: Target) -> Finding | None:
        if engine_of(res) != "aurora-mysql":
            return None
        version = literal(res.props.get("EngineVersion"))
        if version is None or not version.startswith("8.0") or not is_deprecated(version):
            return None
        pointer = res.prop_pointer("EngineVersion")
        message = (
            f"{res.id} uses EngineVersion {version}, which is deprecated and cannot create new clusters "
            f"(cfn-lint W3690; lifecycle table of {table_date()})"
        )
        if tgt.pinned and version == tgt.version:
            message += "; it is pinned by aurora-mysql-target, so it is not changed"
            return self.finding(ctx, pointer, message, severity=Severity.MEDIUM)
        if "GlobalClusterIdentifier" in res.props:
            message += "; not fixed automatically: the cluster belongs to a global database"
            return self.finding(ctx, pointer, message)
        successor = _successor(version, tgt)
        if successor is None and tgt.pinned and (tgt.deprecated or tgt.problem):
            message += f"; not changed: the pinned aurora-mysql-target {tgt.version} is not usable either"
            return self.finding(ctx, pointer, message)
        if successor is None:
            message += "; no newer non-deprecated version is known to replace it with"
            return self.finding(ctx, pointer, message)
        fix = Fix.unsafe(
            f"Set EngineVersion to {successor} (a minor version upgrade: the cluster restarts)",
            [Op.replace(pointer, successor)],
        )
        return self.finding(ctx, pointer, message, fix=fix)


def _successor(version: str, tgt: Target) -> str | None:
    """The target when it is usable and newer, else the newest usable version of the same series."""
    if tgt.problem is None and not tgt.deprecated and version_key(tgt.version) > version_key(version):
        return tgt.version
    parts = version.split(".")
    if len(parts) < 6:  # 8.0.mysql_aurora.3.11.0 → series 8.0.mysql_aurora.3.11.
        return None
    series = ".".join(parts[:5]) + "."
    newer = [v for v in usable_versions(series) if version_key(v) > version_key(version)]
    return newer[-1] if newer else None
