"""CFX252 rds-snapshot-default: an RDS database without DeletionPolicy keeps the default Snapshot."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from ...findings import Finding, Severity
from ...template.model import resources
from ..base import RuleContext
from ..fixes import deletable_database
from ._common import DestroyableRule, summary

CLUSTER = "AWS::RDS::DBCluster"
INSTANCE = "AWS::RDS::DBInstance"
#: Instance properties that make it a cluster member or a read replica: CloudFormation's
#: Snapshot default applies to instances without DBClusterIdentifier, and the handler never
#: snapshots cluster members or replicas.
_NOT_STANDALONE = ("DBClusterIdentifier", "SourceDBInstanceIdentifier", "SourceDBClusterIdentifier")


class RdsSnapshotDefaultOptions(BaseModel):
    """Options of CFX252 (``[rules.rds-snapshot-default]``)."""

    model_config = ConfigDict(extra="forbid")
    types: list[str] = Field(
        default_factory=list,
        description="More resource types that must state DeletionPolicy: Delete explicitly although they default "
        "to it (e.g. AWS::S3::Bucket, AWS::DynamoDB::Table, AWS::Logs::LogGroup, AWS::KMS::Key, "
        "AWS::Neptune::DBCluster, AWS::DocDB::DBCluster), as pipelines that check for explicit policies want.",
    )


class RdsSnapshotDefault(DestroyableRule):
    """An RDS cluster or standalone instance with no ``DeletionPolicy`` (default ``Snapshot``)."""

    id = "CFX252"
    name = "rds-snapshot-default"
    severity = Severity.MEDIUM
    summary = summary("RDS cluster or standalone instance without DeletionPolicy keeps the default Snapshot on delete")
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
    options_model = RdsSnapshotDefaultOptions
    root_cause = (
        "CloudFormation's default DeletionPolicy is Snapshot for RDS clusters and for DB instances without "
        "DBClusterIdentifier, unlike every other type."
    )
    deployment_impact = (
        "Deploys fine; deleting the stack leaves a final snapshot behind (billed until someone deletes it)."
    )
    explanation = """\
## What
An `AWS::RDS::DBCluster`, or an `AWS::RDS::DBInstance` that is neither a cluster member
nor a read replica, has no `DeletionPolicy`. Part of the `destroyable` profile: reported
only with `--profile destroyable`.

## Why
For these two types, and only these, CloudFormation's default `DeletionPolicy` is
`Snapshot`: deleting the stack leaves a final snapshot behind. Neptune and DocumentDB
clusters default to `Delete` (an explicit `Snapshot` on them is CFX250's).

## Fix
`DeletionPolicy: Delete`, and `UpdateReplacePolicy: Delete` when that is absent too
(cfn-lint W3011 wants both); a stray `SkipFinalSnapshot` property (not a CloudFormation
property: E3002) is removed. Under this profile CFX201 (`rds-deletion-snapshot`), which
reports the case `DeletionProtection: false` only, stands down; the `rds-deletion-style`
setting does not apply here.

### Option
`[rules.rds-snapshot-default] types = ["AWS::S3::Bucket", "AWS::DynamoDB::Table", …]`
asks for an explicit `DeletionPolicy: Delete` on more types, although they default to it
(for pipelines, or cfn-lint's informational I3011, that want every stateful resource to
state its policy). For those types the fix changes nothing CloudFormation does.

## Fix safety
**Unsafe**: after the fix, deleting the stack, removing the database from the template or an update
that replaces it destroys the data **without a final snapshot**: applied only with
`--unsafe-fixes`.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per RDS database that would leave a final snapshot."""
        options: RdsSnapshotDefaultOptions = ctx.options
        extra = set(options.types) - {CLUSTER, INSTANCE}
        for res in resources(ctx.data):
            if res.type not in (CLUSTER, INSTANCE, *extra) or "DeletionPolicy" in res.body:
                continue
            if res.type in extra:
                message = (
                    f"{res.id} ({res.type}) has no explicit DeletionPolicy (required for this type by the rule option "
                    "'types'; it defaults to Delete)"
                )
                yield self.finding(
                    ctx,
                    res.pointer,
                    message,
                    fix=deletable_database(res.pointer, res.body, drop_skip_final_snapshot=False),
                    at_key=True,
                )
                continue
            if res.type == INSTANCE and any(k in res.props for k in _NOT_STANDALONE):
                continue
            kind = "cluster" if res.type == CLUSTER else "standalone DB instance"
            message = (
                f"{res.id} ({res.type}) has no DeletionPolicy, so this {kind} keeps CloudFormation's default "
                "Snapshot: deleting the stack leaves a final snapshot behind"
            )
            yield self.finding(ctx, res.pointer, message, fix=deletable_database(res.pointer, res.body), at_key=True)
