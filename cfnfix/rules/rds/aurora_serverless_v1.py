"""CFX302 aurora-serverless-v1: ``EngineMode: serverless`` clusters (Aurora Serverless v1, end of life).

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Severity
from ...template.model import literal, of_type
from ..base import Rule, RuleContext
from ._rds import CLUSTER
from ._rds import engine as engine_of


class AuroraServerlessV1(Rule):
    """An Aurora cluster in Serverless v1 mode."""

    id = "CFX302"
    name = "aurora-serverless-v1"
    severity = Severity.CRITICAL
    summary = "Aurora Serverless v1 (EngineMode serverless) reached end of life; needs a migration to Serverless v2"
    doc_url = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless.relnotes.html"
    fix_applicability = Applicability.NONE
    root_cause = (
        "Aurora Serverless v1 (EngineMode serverless) was retired; Serverless v2 is a provisioned-mode feature."
    )
    deployment_impact = (
        "The cluster cannot be created, and EngineMode is create-only: changing it replaces the cluster."
    )
    explanation = """\
## What
An `AWS::RDS::DBCluster` with `EngineMode: serverless` (Aurora Serverless v1).

## Why
Aurora Serverless v1 reached end of life on 2025-03-31, and it never supported Aurora MySQL
version 3 (8.0): such a cluster can neither be created nor moved to a supported MySQL
version as it is. cfn-lint does not report it.

## Not fixed
By hand: Serverless v2 is a provisioned cluster with `db.serverless` instances: set
`EngineMode: provisioned` (or remove it), replace `ScalingConfiguration` with
`ServerlessV2ScalingConfiguration: {MinCapacity, MaxCapacity}`, and add at least one
`AWS::RDS::DBInstance` with `DBInstanceClass: db.serverless`.

## Fix safety
**None**: `EngineMode` is create-only: changing it in the template makes CloudFormation **replace the
cluster with a new, empty one** and delete the old one according to its DeletionPolicy.
Migrate the data first (snapshot and restore with `SnapshotIdentifier`, or convert the live
cluster outside CloudFormation and import it), so cfnfix only reports this.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per Serverless v1 cluster."""
        for res in of_type(ctx.data, CLUSTER):
            if literal(res.props.get("EngineMode")) != "serverless":
                continue
            engine = engine_of(res) or "its engine"
            yield self.finding(
                ctx,
                res.prop_pointer("EngineMode"),
                f"{res.id} uses EngineMode serverless (Aurora Serverless v1), which reached end of life on "
                f"2025-03-31 and has no version of {engine} that is still supported; move it to Serverless v2 "
                "(EngineMode provisioned with db.serverless instances) by snapshot restore, since changing "
                "EngineMode replaces the cluster with an empty one",
            )
