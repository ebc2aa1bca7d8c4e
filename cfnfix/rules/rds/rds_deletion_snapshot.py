"""CFX201 rds-deletion-snapshot: an RDS database meant to be deletable still keeps a final snapshot.

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, literal, resource_map
from ..base import Rule, RuleContext
from ..fixes import deletable_database
from ._rds import CLUSTER, INSTANCE

#: Types whose *documented* default DeletionPolicy is ``Snapshot`` (DB instances only when
#: they are not cluster members). Neptune and DocumentDB clusters default to ``Delete``.
SNAPSHOT_DEFAULT_TYPES = (CLUSTER, INSTANCE)

#: Instance properties that make it a cluster member or a read replica; the handler never
#: takes a final snapshot of those.
_NO_SNAPSHOT_INSTANCE_PROPS = ("DBClusterIdentifier", "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")


class RdsDeletionSnapshotOptions(BaseModel):
    """Options of CFX201 (``[rules.rds-deletion-snapshot]``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    rds_deletion_style: Literal["deletion-policy", "skip-final-snapshot-property"] = Field(
        "deletion-policy",
        alias="rds-deletion-style",
        description="How the fix makes the database deletable: DeletionPolicy/UpdateReplacePolicy Delete (valid), "
        "or the SkipFinalSnapshot property some pipelines expect (fails schema validation, E3002).",
    )
    types: list[str] = Field(
        default_factory=list,
        description="More resource types that must state a DeletionPolicy when DeletionProtection is false "
        "(e.g. AWS::Neptune::DBCluster, AWS::DocDB::DBCluster).",
    )


class RdsDeletionSnapshot(Rule):
    """``DeletionProtection: false`` without ``DeletionPolicy`` on an RDS cluster or standalone instance."""

    id = "CFX201"
    name = "rds-deletion-snapshot"
    severity = Severity.MEDIUM
    summary = "RDS database with DeletionProtection false but the default Snapshot DeletionPolicy"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html"
    fix_applicability = Applicability.UNSAFE
    options_model = RdsDeletionSnapshotOptions
    replaced_by_profile = "destroyable"  # CFX252 reports every RDS database that keeps the Snapshot default
    root_cause = (
        "CloudFormation's default DeletionPolicy is Snapshot for RDS clusters and standalone instances, "
        "unlike every other type; SkipFinalSnapshot, the usual API/Terraform answer, is not a CloudFormation property."
    )
    deployment_impact = (
        "Deploys fine; deleting the stack or replacing the database leaves a final snapshot behind (cost, and a "
        "name that blocks re-creating a custom-named database)."
    )
    explanation = """\
## What
An `AWS::RDS::DBCluster`, or an `AWS::RDS::DBInstance` that is neither a cluster member nor
a read replica, sets `DeletionProtection: false` but has no `DeletionPolicy` attribute.

### Not reported
* Under the `destroyable` profile this rule stands down: CFX252 (`rds-snapshot-default`)
  reports every such database, whatever its `DeletionProtection`, with the same fix.
* `DeletionPolicy` already set (any value, also `Snapshot` or `Retain`): an explicit choice.
* `DeletionProtection: true`, absent, or computed: deletion is either blocked anyway or the
  intent is unknown, and the `Snapshot` default is the safe one.
* Cluster members and read replicas: the handler never snapshots them.
* `AWS::Neptune::DBCluster`, `AWS::DocDB::DBCluster`: their documented default is `Delete`.
  List them in the rule option `types` to require an explicit policy on them too.

## Why
`DeletionProtection: false` says the database is meant to be torn down with its stack, but
CloudFormation's default `DeletionPolicy` for these two types is `Snapshot` (every other
type defaults to `Delete`). Deleting the stack therefore leaves a final snapshot behind,
which costs money and blocks re-creating a custom-named database from a clean slate. The
same default applies to `UpdateReplacePolicy`-driven replacements.

`SkipFinalSnapshot` is **not** a CloudFormation property of these resources (it is an API
and Terraform flag): the registry schema rejects it (`additionalProperties: false`,
cfn-lint **E3002**) and pre-deployment validation fails the change set.

## Fix
Add the resource attributes `DeletionPolicy: Delete` and (when absent)
`UpdateReplacePolicy: Delete`, next to `Type` and `Properties`; a stray
`SkipFinalSnapshot` property is removed at the same time.

With `rds-deletion-style = "skip-final-snapshot-property"` the fix instead adds
`SkipFinalSnapshot: true` under `Properties`, for pipelines whose reference output expects
that literal. **That output fails schema validation (E3002) and does not deploy**; use it
only to reproduce such a reference.

## Fix safety
**Unsafe**: the fix changes what happens to data: after it, deleting the stack, removing the resource
from the template, or an update that replaces the database destroys the data **without any
snapshot**. `DeletionProtection: false` signals that intent, but only a human can confirm
it, so the fix is applied only with `--unsafe-fixes`.
"""

    def _types(self, ctx: RuleContext) -> tuple[str, ...]:
        options: RdsDeletionSnapshotOptions = ctx.options
        return SNAPSHOT_DEFAULT_TYPES + tuple(options.types)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per deletable database that would still leave a snapshot."""
        types = self._types(ctx)
        skip_style = ctx.options.rds_deletion_style == "skip-final-snapshot-property"
        for res in resource_map(ctx.data).values():
            if res.type not in types or not _applies(res):
                continue
            if skip_style and res.props.get("SkipFinalSnapshot") is True:
                continue
            if res.type in SNAPSHOT_DEFAULT_TYPES:
                message = (
                    f"{res.id} ({res.type}) sets DeletionProtection: false but has no DeletionPolicy, so it keeps "
                    "the default Snapshot: deleting the stack leaves a final snapshot behind"
                )
            else:
                message = (
                    f"{res.id} ({res.type}) sets DeletionProtection: false but has no explicit DeletionPolicy "
                    "(required for this type by the rule option 'types')"
                )
            fix = _skip_property_fix(res) if skip_style else deletable_database(res.pointer, res.body)
            if skip_style:
                message += (
                    "; the configured rds-deletion-style adds SkipFinalSnapshot, which is not a CloudFormation "
                    "property and fails schema validation (E3002)"
                )
            yield self.finding(ctx, res.pointer, message, fix=fix, at_key=True)


def _applies(res: Resource) -> bool:
    """DeletionProtection is literally false, no DeletionPolicy, and the handler would snapshot."""
    if "DeletionPolicy" in res.body:
        return False
    protection = literal(res.props.get("DeletionProtection"))
    if protection is None or protection.lower() != "false":
        return False
    if res.type == INSTANCE and any(k in res.props for k in _NO_SNAPSHOT_INSTANCE_PROPS):
        return False
    return True


def _skip_property_fix(res: Resource) -> Fix:
    return Fix.unsafe(
        "Add SkipFinalSnapshot: true (rds-deletion-style); this property fails schema validation (E3002)",
        [Op.set(res.prop_pointer("SkipFinalSnapshot"), True, exists="SkipFinalSnapshot" in res.props)],
    )
