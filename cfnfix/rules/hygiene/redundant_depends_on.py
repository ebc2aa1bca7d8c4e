"""CFX806 redundant-depends-on: DependsOn entries a Ref or GetAtt already enforces (cfn-lint W3005)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ...template.references import sub_variables
from ..base import Rule, RuleContext
from ..fixes import guarded_remove, remove_items


def _targets(value: Any, found: set[str]) -> None:
    """Resources ``value`` refers to by Ref, Fn::GetAtt or ``${X}`` in Fn::Sub, outside Fn::If
    (whose branches may not be evaluated)."""
    if isinstance(value, list):
        for item in value:
            _targets(item, found)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Fn::If":
            return
        if key == "Ref" and isinstance(arg, str):
            found.add(arg)
            return
        if key == "Fn::GetAtt":
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add(arg[0])
            elif isinstance(arg, str):
                found.add(arg.split(".", 1)[0])
            return
        if key == "Fn::Sub":
            template, variables = (
                (arg, {})
                if isinstance(arg, str)
                else (arg[0], arg[1])
                if (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict))
                else (None, {})
            )
            if template is not None:
                for name, _ in sub_variables(template):
                    head = name.split(".", 1)[0]
                    if head not in variables:
                        found.add(head)
                _targets(variables, found)
            return
    for item in value.values():
        _targets(item, found)


class RedundantDependsOn(Rule):
    """Drop DependsOn entries that the resource's own references already imply."""

    id = "CFX806"
    name = "redundant-depends-on"
    severity = Severity.LOW
    summary = "DependsOn entries that a Ref, Fn::GetAtt or Fn::Sub in the resource's Properties already enforces"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html"
    fix_applicability = Applicability.SAFE
    keeps_meaning = True
    cfn_lint_ids = ("W3005",)
    root_cause = (
        "DependsOn was written out of caution (or by a generator) for resources the properties already reference."
    )
    deployment_impact = "None: the order is the same. The redundant entries hide the real, non-obvious dependencies."
    explanation = """\
## What
A `DependsOn` entry naming a resource that the resource's properties already refer to with
`Ref`, `Fn::GetAtt` or `${Name}` in `Fn::Sub` (cfn-lint W3005).

## Why
CloudFormation creates a resource after every resource its properties refer to, so such an
entry says it twice, and hides the entries that matter: those for dependencies no reference
shows (an IAM policy a function needs, a route before an instance).

## Fix
The redundant entries are removed from `DependsOn` (the whole attribute when none is left).
Only references in `Properties` count, and none inside `Fn::If` (a branch may not be taken,
and then the reference does not order anything). SAM resources are skipped: the transform
moves their properties to other generated resources, so a reference does not always order
the resource itself.

## Fix safety
**Safe**: the creation and deletion order is unchanged, since the references remain.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per resource with redundant DependsOn entries."""
        declared = {r.id for r in resources(ctx.data)}
        for res in resources(ctx.data):
            if res.type.startswith("AWS::Serverless::"):
                continue
            depends = res.body.get("DependsOn")
            entries = [depends] if isinstance(depends, str) else depends if isinstance(depends, list) else []
            if not entries or not all(isinstance(e, str) for e in entries):
                continue
            found: set[str] = set()
            _targets(res.props, found)
            redundant = [i for i, e in enumerate(entries) if e in found and e in declared and e != res.id]
            if not redundant:
                continue
            path = make_pointer(["Resources", res.id, "DependsOn"])
            names = ", ".join(repr(entries[i]) for i in redundant)
            if len(redundant) == len(entries):
                patch = guarded_remove(path, depends)
            else:
                patch = [Op.test(path, depends), *remove_items(path, redundant)]
            fix = Fix.safe(f"remove {names} from DependsOn", patch)
            message = f"{res.id} DependsOn {names}, which its Properties already reference (Ref/GetAtt/Sub): the entry is redundant"
            where = path if isinstance(depends, str) else f"{path}/{redundant[0]}"
            yield self.finding(ctx, where, message, fix=fix)
