"""CFX310 rds-engine-version-deprecated: a MySQL or PostgreSQL engine version RDS no longer creates.

Covers every engine cfn-lint deprecates versions of (W3690 clusters, W3691 instances) except
Aurora MySQL, which CFX301 (5.6/5.7) and CFX303 (8.0) handle, so one problem gives one finding.
Background: docs/cloudformation/rds.md ("Engine versions of every engine").
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, literal, of_type, parameter_default, ref_target
from ..base import Rule, RuleContext, Tag
from ._engine_versions import engines, is_deprecated, major, successor, table_date
from ._rds import CLUSTER, INSTANCE, cluster_of


def _resolved(ctx: RuleContext, value: object) -> tuple[str | None, str | None]:
    """(the value, the parameter it comes from): a literal, or the ``Default`` of a ``Ref``'d parameter."""
    lit = literal(value)
    if lit is not None:
        return lit, None
    name = ref_target(value)
    if name is not None:
        default = parameter_default(ctx.data, name)
        if default is not None:
            return default, name
    return None, None


class RdsEngineVersionDeprecated(Rule):
    """A deprecated ``EngineVersion`` of a MySQL, PostgreSQL or Aurora PostgreSQL DB instance or cluster."""

    id = "CFX310"
    name = "rds-engine-version-deprecated"
    severity = Severity.HIGH
    summary = "RDS engine version (MySQL, PostgreSQL, Aurora PostgreSQL) that can no longer create databases"
    doc_url = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html"
    fix_applicability = Applicability.UNSAFE
    tags = frozenset({Tag.DEPRECATED})
    cfn_lint_ids = ("W3690", "W3691")
    root_cause = "The template pins a minor engine version that RDS has since deprecated."
    deployment_impact = (
        "Creating the DB instance or cluster fails (the version cannot create new databases); "
        "existing ones get force-upgraded in a maintenance window."
    )
    explanation = """\
## What
An `AWS::RDS::DBInstance` or `AWS::RDS::DBCluster` whose `Engine` is `mysql`, `postgres`
or `aurora-postgresql` (every engine whose versions cfn-lint deprecates, except Aurora
MySQL: CFX301 and CFX303 handle that one) and whose `EngineVersion` the bundled table marks
deprecated — cfn-lint W3691 for instances ("cannot be used to create new RDS DB
instances"), W3690 for clusters. The table is regenerated from the installed cfn-lint's
engine-version data by `scripts/gen_rds_engine_versions.py`; the finding names its date.
RDS MySQL `8.0.35`, PostgreSQL `14.9` and Aurora PostgreSQL `15.4` are typical.

A version written as a literal, or as the `Default` of a parameter the property `Ref`s,
is checked; the engine likewise.

## Why
A stack with a deprecated version cannot be created in a new account or region, and RDS
upgrades running databases on such versions in a maintenance window of its choosing.

## Fix
Set `EngineVersion` to the newest version of the **same major version** (`8.0.35` →
newest `8.0.x`; `14.9` → newest `14.x`; `16.4-limitless` → newest `16.x-limitless`) that
neither DB instances nor DB clusters have deprecated, so an instance and its cluster move
to the same version; a DB instance of a cluster whose own `EngineVersion` is supported
takes the cluster's version instead. A minor upgrade within a major keeps the parameter group family and
the SQL dialect; it is what RDS's own automatic minor upgrades do.

No fix (reported only) when:
* the version comes from a parameter — the parameter may be set per deployment; change
  the `Default` (or the value passed) yourself;
* the major has no supported minor left (MySQL `5.7`, PostgreSQL `11`): that needs a
  major version upgrade (`AllowMajorVersionUpgrade`, a new parameter group family, an
  application test), not a one-line change;
* the cluster belongs to a global database (`GlobalClusterIdentifier`): every member
  must be upgraded together.

## Fix safety
**Unsafe**: changing `EngineVersion` of an existing database is an in-place engine upgrade: the
instance (or every instance of the cluster) restarts, with downtime, and the new minor
version can change behaviour. Applied only with `--unsafe-fixes`; test the upgrade on a
snapshot first.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per DB instance or cluster on a deprecated version."""
        covered = engines()
        for res in of_type(ctx.data, INSTANCE, CLUSTER):
            if "EngineVersion" not in res.props:
                continue
            engine, _ = _resolved(ctx, res.props.get("Engine"))
            if engine is None or engine.lower() not in covered:
                continue
            finding = self._finding(ctx, res, engine.lower())
            if finding is not None:
                yield finding

    def _finding(self, ctx: RuleContext, res: Resource, engine: str) -> Finding | None:
        version, parameter = _resolved(ctx, res.props["EngineVersion"])
        if version is None or not is_deprecated(engine, res.type, version):
            return None
        what = "instances" if res.type == INSTANCE else "clusters"
        lint = "W3691" if res.type == INSTANCE else "W3690"
        source = f" (the Default of parameter {parameter})" if parameter else ""
        message = (
            f"{res.id} uses {engine} EngineVersion {version}{source}, which is deprecated and cannot create new DB "
            f"{what} (cfn-lint {lint}; engine-version table of {table_date()})"
        )
        pointer = res.prop_pointer("EngineVersion")
        theirs = self._cluster_version(ctx, res, engine, version)
        target = theirs or successor(engine, version)
        if target is None:
            message += (
                f"; no fix: major version {major(engine, version)} has no supported minor version left, "
                "so this needs a major version upgrade"
            )
            return self.finding(ctx, pointer, message)
        if parameter is not None:
            message += f"; set the parameter to {target} (not changed: a parameter may differ per deployment)"
            return self.finding(ctx, pointer, message)
        if "GlobalClusterIdentifier" in res.props:
            message += f"; not fixed automatically: the cluster belongs to a global database (upgrade every member to {target})"
            return self.finding(ctx, pointer, message)
        fix = Fix.unsafe(
            f"Set EngineVersion to {target} (an in-place minor version upgrade: the database restarts, with downtime)",
            [Op.replace(pointer, target)],
        )
        if theirs:
            message += f"; its DB cluster runs {theirs}"
        else:
            message += f"; the newest supported {major(engine, version)} version is {target}"
        return self.finding(ctx, pointer, message, fix=fix)

    @staticmethod
    def _cluster_version(ctx: RuleContext, res: Resource, engine: str, version: str) -> str | None:
        """For a cluster member: its cluster's literal, supported version of the same major (they must agree)."""
        if res.type != INSTANCE:
            return None
        cluster = cluster_of(ctx.data, res)
        theirs = literal(cluster.props.get("EngineVersion")) if cluster is not None else None
        if theirs is None or is_deprecated(engine, CLUSTER, theirs) or major(engine, theirs) != major(engine, version):
            return None
        return theirs
