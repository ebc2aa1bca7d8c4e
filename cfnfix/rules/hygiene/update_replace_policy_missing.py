"""CFX808 update-replace-policy-missing: DeletionPolicy without the matching UpdateReplacePolicy (cfn-lint W3011).

Facts: docs/cloudformation/hygiene.md, "DeletionPolicy and UpdateReplacePolicy".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources as pkg_resources

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...impact.tables import holds_data
from ...template.model import resources
from ..base import Rule, RuleContext


@cache
def snapshot_types() -> frozenset[str]:
    """Resource types whose policies may be ``Snapshot`` (``data/snapshot_types.json``)."""
    text = (pkg_resources.files(__package__) / "data" / "snapshot_types.json").read_text(encoding="utf-8")
    return frozenset(json.loads(text)["types"])


#: Policy values valid for UpdateReplacePolicy (RetainExceptOnCreate is DeletionPolicy only).
_REPLACE = {"Retain": "Retain", "Snapshot": "Snapshot", "RetainExceptOnCreate": "Retain"}
_DELETE = {"Retain": "Retain", "Snapshot": "Snapshot"}
#: Types cfn-lint exempts (a new version replaces nothing).
_EXEMPT = ("AWS::Lambda::Version", "AWS::Lambda::LayerVersion")


class UpdateReplacePolicyMissing(Rule):
    """Give a resource that protects its data on deletion the same protection on replacement (and back)."""

    id = "CFX808"
    name = "update-replace-policy-missing"
    severity = Severity.MEDIUM
    summary = (
        "DeletionPolicy Retain/Snapshot without UpdateReplacePolicy (or the reverse): the data is lost on replacement"
    )
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html"
    fix_applicability = Applicability.UNSAFE
    cfn_lint_ids = ("W3011",)
    #: The destroyable profile turns both policies to Delete (CFX250, CFX251): adding Retain would undo it.
    replaced_by_profile = "destroyable"
    root_cause = "DeletionPolicy is well known; UpdateReplacePolicy, which covers the same data when an update replaces the resource, is not."
    deployment_impact = (
        "An update that replaces the resource (a changed name, engine, key schema …) deletes the old one and its data, "
        "although the DeletionPolicy says to keep it."
    )
    explanation = """\
## What
A resource with `DeletionPolicy: Retain` (or `Snapshot`, `RetainExceptOnCreate`) and no
`UpdateReplacePolicy`, or the reverse (cfn-lint W3011).

## Why
`DeletionPolicy: Retain` (or `Snapshot`) keeps a resource's data when the stack deletes it.
When an *update* replaces the resource (a property that requires replacement changed),
CloudFormation deletes the old one according to `UpdateReplacePolicy`, whose default is
`Delete`: the data the DeletionPolicy was meant to protect is lost. The
reverse — `UpdateReplacePolicy` without `DeletionPolicy` — has the same hole on deletion.

## Fix
The missing attribute is added with the same value, right beside the one that is there:
`UpdateReplacePolicy: Retain` next to `DeletionPolicy: Retain`, `Snapshot` next to
`Snapshot`; `DeletionPolicy: RetainExceptOnCreate` gets `UpdateReplacePolicy: Retain` (the
one it has). A policy written with an intrinsic function is left alone; so are
`AWS::Lambda::Version` and `AWS::Lambda::LayerVersion` (as cfn-lint does), and a `Snapshot`
policy on a type that cannot take snapshots (CloudFormation rejects it already: copying it
would only add a second error). The message says the resource's data is lost only for types
that hold data (a bucket, a table, a database …); for others (a bucket policy, an IAM user)
it says the resource itself is deleted. Under the `destroyable` profile the rule stands down
(CFX250 and CFX251 turn both policies to `Delete`).

## Fix safety
**Unsafe**: after the fix, an update that replaces the resource keeps the old one (and its
cost, and its name, which may make the replacement fail when the name is fixed) instead of
deleting it. That is what the existing policy asks for, but it changes what an update does:
review it.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per resource with one policy and not the other."""
        for res in resources(ctx.data):
            if res.type in _EXEMPT:
                continue
            has_delete, has_replace = "DeletionPolicy" in res.body, "UpdateReplacePolicy" in res.body
            if has_delete == has_replace:
                continue
            source, missing, table = (
                ("DeletionPolicy", "UpdateReplacePolicy", _REPLACE)
                if has_delete
                else ("UpdateReplacePolicy", "DeletionPolicy", _DELETE)
            )
            value = res.body[source]
            if not isinstance(value, str) or value not in table:
                continue
            new = table[value]
            if value == "Snapshot" and res.type not in snapshot_types():
                continue  # CloudFormation rejects Snapshot here already: copying it adds a second error
            here = make_pointer(["Resources", res.id, source])
            fix = Fix.unsafe(
                f"add {missing}: {new}",
                [Op.test(here, value), Op.add(make_pointer(["Resources", res.id, missing]), new)],
            )
            holds = holds_data(res.type)
            lost = f"its {holds} {'are' if holds.endswith('s') else 'is'} lost" if holds else "it is deleted"
            when = "when an update replaces it" if has_delete else "when the stack deletes it"
            message = f"{res.id} has {source}: {value} but no {missing}, so {lost} {when}; add {missing}: {new}"
            yield self.finding(ctx, here, message, fix=fix, at_key=True)
