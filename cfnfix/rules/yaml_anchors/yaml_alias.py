"""CFX850 yaml-alias: YAML aliases and merge keys, which CloudFormation itself rejects.

Facts: docs/cloudformation/quotas.md, "YAML that CloudFormation reads"; behaviour:
docs/yaml-anchors.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Finding, Severity
from ..base import Rule, RuleContext


def _serverless(data: Any) -> bool:
    """True when the template declares the SAM transform (deployed through the SAM CLI)."""
    transform = data.get("Transform") if isinstance(data, dict) else None
    names = transform if isinstance(transform, list) else [transform]
    return any(isinstance(n, str) and n.startswith("AWS::Serverless") for n in names)


class YamlAlias(Rule):
    """An alias (``*name``) or merge key (``<<``) that only a packaging step can expand."""

    id = "CFX850"
    name = "yaml-alias"
    severity = Severity.LOW
    summary = "YAML alias or merge key: CloudFormation rejects it unless a packaging step (SAM CLI, `aws cloudformation package`) expands it"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html"
    cfn_lint_ids = ("W1100", "W1101")
    root_cause = "YAML anchors, aliases and merge keys are a client-side convenience: CloudFormation's own YAML reader does not accept them."
    deployment_impact = (
        "Uploaded as is (console, `aws cloudformation deploy` without packaging, CDK assets), the template is rejected."
    )
    explanation = """\
## What
A YAML alias (`*name`, reusing a node marked `&name`) or a merge key (`<<: *name`) in a
template that does not declare the SAM transform. Templates that declare
`Transform: AWS::Serverless-2016-10-31` are deployed through the SAM CLI and are not
reported.

## Why
CloudFormation does not support YAML aliases or merge keys (AWS's template-formats page).
The SAM CLI (`sam build`, `sam package`, `sam deploy`) and `aws cloudformation package`
read the template with a YAML library that expands them, and upload the expanded template,
so such files are common and valid *if* they always go through one of those steps. Uploaded
directly, CloudFormation rejects them. cfn-lint reports the same (W1101 for aliases,
skipped for SAM templates, and W1100 for merge keys).

cfnfix reads the template as the packaging step will: rules see the expanded data. `apply`
fixes such files as long as no edit lands inside an anchored or aliased node or a mapping
with a merge key; otherwise it refuses the whole file (exit 2, nothing written) and names
the node, since an edit there would change the data at every place the text stands for.

## Not fixed
Keep deploying through a packaging step, or expand the alias by hand (copy the anchored
node in its place).

## Fix safety
**None**: whether the template always goes through a packaging step is known only to the
people who deploy it.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per alias and per merge key, at its own position."""
        doc = ctx.document
        if not doc.expansions or _serverless(ctx.data):
            return
        merges = [e.pointer + "/<<" for e in doc.expansions if e.kind == "merge"]
        for expansion in doc.expansions:
            if expansion.kind == "anchor" or (expansion.kind == "alias" and _under(expansion.pointer, merges)):
                continue
            line, column = doc.lines.line_col(expansion.offset)
            if expansion.kind == "alias":
                message = (
                    f"YAML alias *{expansion.name}: CloudFormation rejects aliases unless a packaging step "
                    "(SAM CLI, `aws cloudformation package`) expands them before upload"
                )
            else:
                merged = [
                    f"*{e.name}"
                    for e in doc.expansions
                    if e.kind == "alias" and _under(e.pointer, [expansion.pointer + "/<<"])
                ]
                what = f" ({', '.join(merged)})" if merged else ""
                message = (
                    f"YAML merge key <<{what}: CloudFormation rejects merge keys and aliases unless a packaging step "
                    "(SAM CLI, `aws cloudformation package`) expands them before upload"
                )
            finding = self.finding(ctx, expansion.pointer, message)
            yield finding.model_copy(update={"line": line, "column": column})


def _under(pointer: str, roots: list[str]) -> bool:
    return any(pointer == r or pointer.startswith(r + "/") for r in roots)
