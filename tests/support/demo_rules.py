"""Test-only rules, registered for one test and removed afterwards (real rules land separately).

CFX991 demo-deletion-policy   high    safe fix: add DeletionPolicy: Snapshot to a DBCluster without one
CFX992 demo-protection        medium  unsafe fix: DeletionProtection false → true
CFX993 demo-pymysql           low     no fix: inline Lambda code importing pymysql (cfn-lint id W9993)
CFX994 demo-broken-fix        high    a fix whose patch cannot apply (when Metadata has DemoBroken)
CFX995 demo-crash             low     raises KeyError (when Metadata has DemoCrash)
CFX996 demo-flip              low     a fix that undoes itself (Metadata DemoFlip: A ⇄ B)
CFX997 demo-count             low     a fix that never converges (Metadata DemoCount: n → n + 1)
CFX998 demo-bucket-name       low     "safe" fix that renames a bucket (when Metadata has DemoBucketName): replaces it
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pydantic import BaseModel, ConfigDict

from cfnfix.document.pointer import make_pointer
from cfnfix.findings import Applicability, Finding, Fix, Severity
from cfnfix.rules import Rule, RuleContext, all_rules
from cfnfix.suppression import cfn_lint_ids

DEMO_IDS = ("CFX991", "CFX992", "CFX993", "CFX994", "CFX995", "CFX996", "CFX997", "CFX998")


def _resources(ctx: RuleContext, kind: str) -> Iterator[tuple[str, dict]]:
    resources = ctx.data.get("Resources")
    if isinstance(resources, dict):
        for name, res in resources.items():
            if isinstance(res, dict) and res.get("Type") == kind:
                yield name, res


class PymysqlOptions(BaseModel):
    """Options of the demo rule CFX993."""

    model_config = ConfigDict(extra="forbid")
    level: int = 1


def _define() -> list[type[Rule]]:
    class DemoDeletionPolicy(Rule):
        id = "CFX991"
        name = "demo-deletion-policy"
        severity = Severity.HIGH
        summary = "Demo: a DB cluster without DeletionPolicy."
        explanation = "Demo rule for tests."
        doc_url = (
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"
        )
        fix_applicability = Applicability.SAFE
        root_cause = "Demo root cause."

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            for name, res in _resources(ctx, "AWS::RDS::DBCluster"):
                if "DeletionPolicy" not in res:
                    path = make_pointer(["Resources", name])
                    fix = Fix(
                        applicability=Applicability.SAFE,
                        message="add DeletionPolicy: Snapshot",
                        patch=[{"op": "add", "path": path + "/DeletionPolicy", "value": "Snapshot"}],
                    )
                    yield self.finding(ctx, path, f"DB cluster {name!r} has no DeletionPolicy", fix=fix, at_key=True)

    class DemoProtection(Rule):
        id = "CFX992"
        name = "demo-protection"
        severity = Severity.MEDIUM
        summary = "Demo: DeletionProtection is false."
        explanation = "Demo rule for tests."
        doc_url = (
            "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbcluster.html"
        )
        fix_applicability = Applicability.UNSAFE
        deployment_impact = "Demo deployment impact."

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            for name, res in _resources(ctx, "AWS::RDS::DBCluster"):
                props = res.get("Properties")
                if isinstance(props, dict) and props.get("DeletionProtection") is False:
                    path = make_pointer(["Resources", name, "Properties", "DeletionProtection"])
                    fix = Fix(
                        applicability=Applicability.UNSAFE,
                        message="turn deletion protection on",
                        patch=[{"op": "replace", "path": path, "value": True}],
                    )
                    yield self.finding(ctx, path, "DeletionProtection is false", fix=fix)

    class DemoPymysql(Rule):
        id = "CFX993"
        name = "demo-pymysql"
        severity = Severity.LOW
        summary = "Demo: inline code imports pymysql."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html"
        cfn_lint_ids = ("W9993",)
        options_model = PymysqlOptions

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            for name, res in _resources(ctx, "AWS::Lambda::Function"):
                code = (res.get("Properties") or {}).get("Code") or {}
                if isinstance(code, dict) and "import pymysql" in str(code.get("ZipFile", "")):
                    path = make_pointer(["Resources", name, "Properties", "Code", "ZipFile"])
                    yield self.finding(ctx, path, "inline code imports pymysql, which the runtime lacks")

    class DemoBrokenFix(Rule):
        id = "CFX994"
        name = "demo-broken-fix"
        severity = Severity.HIGH
        summary = "Demo: a fix that cannot apply."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            meta = ctx.data.get("Metadata")
            if isinstance(meta, dict) and "DemoBroken" in meta:
                fix = Fix(
                    applicability=Applicability.SAFE,
                    message="remove a key that is not there",
                    patch=[{"op": "remove", "path": "/Resources/DoesNotExist"}],
                )
                yield self.finding(ctx, "/Metadata/DemoBroken", "demo broken fix", fix=fix, at_key=True)

    class DemoCrash(Rule):
        id = "CFX995"
        name = "demo-crash"
        severity = Severity.LOW
        summary = "Demo: a rule with a bug."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            meta = ctx.data.get("Metadata")
            if isinstance(meta, dict) and "DemoCrash" in meta:
                raise KeyError("boom")
            return iter(())

    class DemoFlip(Rule):
        id = "CFX996"
        name = "demo-flip"
        severity = Severity.LOW
        summary = "Demo: a fix that undoes itself (A ⇄ B)."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            meta = ctx.data.get("Metadata")
            if isinstance(meta, dict) and meta.get("DemoFlip") in ("A", "B"):
                new = "B" if meta["DemoFlip"] == "A" else "A"
                fix = Fix(
                    applicability=Applicability.SAFE,
                    message="flip",
                    patch=[{"op": "replace", "path": "/Metadata/DemoFlip", "value": new}],
                )
                yield self.finding(ctx, "/Metadata/DemoFlip", f"flip to {new}", fix=fix)

    class DemoCount(Rule):
        id = "CFX997"
        name = "demo-count"
        severity = Severity.LOW
        summary = "Demo: a fix that never converges (n → n + 1)."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            meta = ctx.data.get("Metadata")
            if isinstance(meta, dict) and isinstance(meta.get("DemoCount"), int):
                n = meta["DemoCount"]
                fix = Fix(
                    applicability=Applicability.SAFE,
                    message="count",
                    patch=[{"op": "replace", "path": "/Metadata/DemoCount", "value": n + 1}],
                )
                yield self.finding(ctx, "/Metadata/DemoCount", f"count is {n}", fix=fix)

    class DemoBucketName(Rule):
        id = "CFX998"
        name = "demo-bucket-name"
        severity = Severity.LOW
        summary = "Demo: a fix its rule calls safe that replaces a bucket."
        explanation = "Demo rule for tests."
        doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-bucket.html"
        fix_applicability = Applicability.SAFE

        def check(self, ctx: RuleContext) -> Iterator[Finding]:
            meta = ctx.data.get("Metadata")
            if not (isinstance(meta, dict) and isinstance(meta.get("DemoBucketName"), str)):
                return
            for name, res in _resources(ctx, "AWS::S3::Bucket"):
                props = res.get("Properties")
                if isinstance(props, dict) and props.get("BucketName") != meta["DemoBucketName"]:
                    path = make_pointer(["Resources", name, "Properties", "BucketName"])
                    op = "replace" if "BucketName" in props else "add"
                    fix = Fix(
                        applicability=Applicability.SAFE,
                        message="rename the bucket",
                        patch=[{"op": op, "path": path, "value": meta["DemoBucketName"]}],
                    )
                    yield self.finding(
                        ctx, make_pointer(["Resources", name]), "bucket name differs", fix=fix, at_key=True
                    )

    classes: list[type[Rule]] = [
        DemoDeletionPolicy,
        DemoProtection,
        DemoPymysql,
        DemoBrokenFix,
        DemoCrash,
        DemoFlip,
        DemoCount,
        DemoBucketName,
    ]
    for cls in classes:
        # the registry only takes rules from modules of the cfnfix.rules package
        cls.__module__ = "cfnfix.rules._demo"
    return classes


def _reset() -> None:
    all_rules.cache_clear()
    cfn_lint_ids.cache_clear()


#: Real rules that stay registered beside the demo rules (the suppression machinery's own).
KEEP_REAL = ("CFX900",)


@pytest.fixture
def demo_rules() -> Iterator[list[str]]:
    """Register the demo rules for one test, alone: the real rules (but CFX900) are retired
    meanwhile, so the tests' templates give exactly the demo findings whatever rules exist.
    Afterwards the demo rules are gone and the real ones back."""
    _reset()
    real = [type(r) for r in all_rules() if r.id not in KEEP_REAL]
    for cls in real:
        cls.__abstractmethods__ = frozenset({"check"})
    classes = _define()
    _reset()
    try:
        yield [c.id for c in classes]
    finally:
        for cls in real:
            cls.__abstractmethods__ = frozenset()
        # A class cannot be unregistered from Rule.__subclasses__() at will (it lingers
        # until collected), so retire it: the registry skips abstract classes.
        for cls in classes:
            cls.__abstractmethods__ = frozenset({"check"})
        del classes
        gc.collect()
        _reset()
        assert not any(r.id in DEMO_IDS for r in all_rules()), "demo rules leaked into the registry"
