"""CFX304 aurora-mysql-v3-instance-class: Aurora MySQL instances on a class version 3 does not offer.

Background: docs/cloudformation/rds.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, literal, of_type, parameter_default, ref_target
from ..base import Rule, RuleContext
from ._aurora import AURORA_MYSQL_ENGINES, engine_version
from ._aurora_tables import v3_class_successor
from ._rds import INSTANCE, cluster_of
from ._rds import engine as engine_of


class AuroraMysqlV3InstanceClass(Rule):
    """A DB instance of an Aurora MySQL cluster on db.r3, db.r4, db.t2 or db.t3.small."""

    id = "CFX304"
    name = "aurora-mysql-v3-instance-class"
    severity = Severity.HIGH
    summary = "Aurora MySQL instance class not offered by version 3 (8.0)"
    doc_url = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraMySQL.Compare-v2-v3.html"
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("E3062",)
    root_cause = "Aurora MySQL version 3 dropped the older instance families (db.r3, db.r4, db.t2) and db.t3.small."
    deployment_impact = (
        "Creating the instance on version 3 fails, and a 5.7 cluster with such an instance cannot be upgraded."
    )
    explanation = """\
## What
An `AWS::RDS::DBInstance` of an Aurora MySQL cluster (engine `aurora` or `aurora-mysql`,
version 5.6, 5.7 or 8.0) whose `DBInstanceClass` Aurora MySQL version 3 does not offer:
`db.r3.*`, `db.r4.*`, `db.t2.small`, `db.t2.medium`, `db.t3.small`.

## Why
On version 3 such an instance cannot be created or upgraded, and a 5.6/5.7 cluster cannot
move to 8.0 while it has one (CFX301 holds back its fix). cfn-lint only checks the class
when the instance itself sets `Engine`, `EngineVersion` and `DBInstanceClass`, which Aurora
instances rarely do, and its 8.0 list is looser than the documentation.

## Fix
Replace the class with a same-size class that versions 2 **and** 3 offer (db.r3/db.r4 →
db.r5 of the same size; db.t2.small, db.t2.medium, db.t3.small → db.t3.medium), so it can be
applied before the major upgrade. A class that comes from a template parameter is reported
without a fix: change the parameter's `Default` / `AllowedValues`.

## Fix safety
**Unsafe**: changing the class restarts the instance (downtime unless another instance takes over) and
changes its cost and capacity.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per affected instance."""
        for inst in of_type(ctx.data, INSTANCE):
            context = _aurora_mysql_context(ctx.data, inst)
            if context is None:
                continue
            raw = inst.props.get("DBInstanceClass")
            cls = literal(raw)
            param = ref_target(raw)
            if cls is None and param is not None:
                cls = parameter_default(ctx.data, param)
            successor = v3_class_successor(cls) if cls is not None else None
            if successor is None:
                continue
            message = f"{inst.id} uses {cls}, which Aurora MySQL version 3 (MySQL 8.0) does not offer; {context}"
            pointer = inst.prop_pointer("DBInstanceClass")
            if param is not None:
                message += f"; the class is the default of parameter {param}: change its Default and AllowedValues"
                yield self.finding(ctx, pointer, message)
                continue
            fix = Fix.unsafe(
                f"Change DBInstanceClass to {successor} (offered by Aurora MySQL versions 2 and 3; "
                "the instance restarts and its cost changes)",
                [Op.replace(pointer, successor)],
            )
            yield self.finding(ctx, pointer, message, fix=fix)


def _aurora_mysql_context(data: object, inst: Resource) -> str | None:
    """Why version 3 matters for this instance, or None when it is not Aurora MySQL 5.6–8.0."""
    cluster = cluster_of(data, inst)
    owner = cluster or inst
    engine = engine_of(owner) or engine_of(inst)
    if engine not in AURORA_MYSQL_ENGINES:
        return None
    legacy = "its cluster must move to version 3 (CFX301), which needs a supported class first"
    if engine == "aurora":
        return legacy
    version, _ = engine_version(data, owner)
    if version is None:
        # absent: the engine default, version 3; computed: unknown
        return None if "EngineVersion" in owner.props else "version 3 cannot run it"
    if version.startswith(("5.6", "5.7")):
        return legacy
    return "version 3 cannot run it" if version.startswith("8.0") else None
