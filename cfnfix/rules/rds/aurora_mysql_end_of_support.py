"""CFX301 aurora-mysql-end-of-support: Aurora MySQL 5.6 / 5.7 clusters, upgraded to 8.0.

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from ...findings import Applicability, Finding, Fix, Severity
from ...template.model import of_type
from ..base import Rule, RuleContext
from ._aurora import TargetOption, legacy, target
from ._aurora_tables import is_deprecated, table_date
from ._aurora_upgrade import plan_upgrade
from ._rds import CLUSTER, GLOBAL_CLUSTER


class AuroraMysqlEndOfSupportOptions(TargetOption):
    """Options of CFX301 (``[rules.aurora-mysql-end-of-support]``)."""

    parameter_groups: Literal["auto", "new", "in-place"] = Field(
        "auto",
        alias="parameter-groups",
        description="auto: edit a group in place when only the upgraded cluster and its instances use it and it "
        "has no custom name, else add an aurora-mysql8.0 copy (removing the old group once nothing uses it); "
        "new: always copy; in-place: always edit Family in place (impossible for custom-named groups).",
    )


class AuroraMysqlEndOfSupport(Rule):
    """An Aurora MySQL version 1 (5.6) or version 2 (5.7) cluster."""

    id = "CFX301"
    name = "aurora-mysql-end-of-support"
    severity = Severity.HIGH
    summary = "Aurora MySQL 5.6/5.7 cluster past end of standard support: move it to 8.0"
    doc_url = (
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Updates.MajorVersionUpgrade.html"
    )
    fix_applicability = Applicability.UNSAFE
    options_model = AuroraMysqlEndOfSupportOptions
    root_cause = (
        "The template pins a MySQL 5.6/5.7-compatible Aurora engine; a major upgrade also needs 8.0 parameter "
        "groups (Family is create-only) and renamed parameters, so bumping EngineVersion alone fails."
    )
    deployment_impact = (
        "Version 1: the cluster cannot be created. Version 2: new stacks fail for deprecated versions, and running "
        "clusters pay RDS Extended Support charges."
    )
    explanation = """\
## What
An `AWS::RDS::DBCluster` (or `AWS::RDS::GlobalCluster`) with `Engine: aurora` (Aurora MySQL
version 1, MySQL 5.6) or `Engine: aurora-mysql` with an `EngineVersion` of `5.7` /
`5.7.*` (version 2, MySQL 5.7).

## Why
Version 1 reached end of life on 2023-02-28; cfn-lint rejects `Engine: aurora` (E3690).
Version 2 left standard support on 2024-10-31: clusters are enrolled in paid RDS Extended
Support ([extended-support.html](https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/extended-support.html)),
and most 5.7 versions can no longer create clusters (cfn-lint W3690).
Severity: critical for version 1, high for a 5.7 version that cannot create clusters,
medium for a 5.7 Extended Support build.

## Fix
Moves the cluster to a concrete 8.0 version (`aurora-mysql-target`; default: the newest
non-deprecated version of the newest long-term-support series in the bundled table, regenerated
from cfn-lint's engine-version data by `scripts/gen_aurora_mysql_data.py`) together with
everything that has to move with it in the same update:

* `Engine: aurora` → `aurora-mysql`; `EngineVersion` → the target, always as a string;
* parameter groups (`Family` is create-only), as a person would (rule option
  `parameter-groups`, default `auto`):
  - a group that only this cluster and its instances use, without a custom name, is **edited
    in place**: `Family` → `aurora-mysql8.0`, parameters renamed (`tx_isolation` →
    `transaction_isolation`, `slave_*` → `replica_*` …) or removed (query cache,
    `innodb_file_format*` …) from the bundled table. Comments and layout stay;
    CloudFormation replaces the (stateless) group during the update;
  - a custom-named group (a replacement cannot take the same name) or one shared with
    resources this upgrade does not move is **copied** to an 8.0 group under the logical ID
    `<Old>Mysql80` (an 8.0 copy already there is reused), without the custom name; the old
    group is **removed** once nothing refers to it, and kept (with a note) while something
    still does. A fixed template never creates a 5.6/5.7 group it does not use;
  - `parameter-groups = "new"` always copies, `"in-place"` always edits (impossible for a
    custom-named group). `default.aurora-mysql5.7` becomes `default.aurora-mysql8.0`;
* instance classes offered through a template parameter (an instance's `DBInstanceClass:
  !Ref InstanceClass` used for nothing else): classes version 3 does not offer leave its
  `AllowedValues`, and a `Default` it does not offer becomes the nearest class it does;
* `DBInstanceParameterGroupName` on the cluster when its instances use a template
  parameter group (RDS refuses a major upgrade with custom instance groups otherwise);
* each member `AWS::RDS::DBInstance`: `Engine`, `EngineVersion` (if set), `DBParameterGroupName`.

`AllowMajorVersionUpgrade` is **not** added: the cluster schema has no such property
(E3002) and the cluster handler allows the major upgrade itself.

### Not fixed automatically (finding without a fix, saying why)
`EngineMode: serverless` (Serverless v1 has no 8.0; CFX302), a global database member or
`AWS::RDS::GlobalCluster`, an instance class version 3 lacks (db.r3, db.r4, db.t2,
db.t3.small; CFX304 fixes those first), an engine version or parameter group that comes from
a template parameter used elsewhere or lives outside the template, a custom-named group
with `parameter-groups = "in-place"`, and a configured target that is not a known 8.0
version.

Version 1 clusters that were still running at end of life were upgraded to version 2 by
AWS, so a live stack with `Engine: aurora` has drifted: check the real engine first. There
is no in-place path from version 1 straight to version 3, and `Engine` is conditionally
create-only: review the change set for a cluster **replacement** before executing it.

## Fix safety
**Unsafe**: a major version upgrade takes the cluster offline while its data dictionary is converted,
cannot be rolled back in place, and changes behaviour seen by applications (reserved words,
`utf8mb4` default, removed query cache, renamed replication variables). Run the pre-checks
and test before applying; applied only with `--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per 5.6/5.7 cluster or global cluster."""
        options: AuroraMysqlEndOfSupportOptions = ctx.options
        tgt = target(options.aurora_mysql_target)
        strategy = options.parameter_groups
        for res in of_type(ctx.data, CLUSTER, GLOBAL_CLUSTER):
            old = legacy(ctx.data, res)
            if old is None:
                continue
            if old.is_v1:
                severity = Severity.CRITICAL
            elif old.version is not None and is_deprecated(old.version):
                severity = Severity.HIGH
            else:
                severity = Severity.MEDIUM
            message = f"{res.id} runs {old.describe()} (lifecycle table of {table_date()})"
            if res.type == GLOBAL_CLUSTER:
                message += (
                    "; not fixed automatically: upgrade the global database's major version "
                    "(EngineVersion on the AWS::RDS::GlobalCluster) together with its member clusters"
                )
                yield self.finding(ctx, old.pointer, message, severity=severity)
                continue
            plan = plan_upgrade(ctx.data, res, tgt, strategy)
            if plan.blockers:
                message += "; not fixed automatically: " + "; ".join(plan.blockers)
                yield self.finding(ctx, old.pointer, message, severity=severity)
                continue
            note = ""
            if tgt.deprecated:
                note = " (the pinned target is deprecated and cannot create new clusters, W3690: see CFX303)"
            fix = Fix.unsafe(f"Upgrade to {tgt.version}{note}: " + "; ".join(plan.changes), plan.patch)
            yield self.finding(ctx, old.pointer, message, fix=fix, severity=severity)
