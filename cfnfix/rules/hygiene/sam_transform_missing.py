"""CFX803 sam-transform-missing: SAM resources or Globals without ``Transform: AWS::Serverless-2016-10-31``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Patch, Severity
from ..base import Rule, RuleContext

SAM = "AWS::Serverless-2016-10-31"
#: Transforms that must run before SAM's (listed first), as CloudFormation processes them in order.
_BEFORE = ("AWS::LanguageExtensions",)
_SAM_ATTRIBUTES = ("IgnoreGlobals",)


def _sam_signals(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(pointer to point at, what) for each thing only SAM understands."""
    found: list[tuple[str, str]] = []
    resources = data.get("Resources")
    if isinstance(resources, dict):
        for name, res in resources.items():
            if not isinstance(res, dict):
                continue
            kind = res.get("Type")
            if isinstance(kind, str) and kind.startswith("AWS::Serverless::"):
                found.append((make_pointer(["Resources", name, "Type"]), f"resource {name} ({kind})"))
            for attr in _SAM_ATTRIBUTES:
                if attr in res:
                    found.append((make_pointer(["Resources", name, attr]), f"the {attr} attribute of {name}"))
    if "Globals" in data:
        found.insert(0, ("/Globals", "the Globals section"))
    return found


class SamTransformMissing(Rule):
    """A SAM template must declare the serverless transform."""

    id = "CFX803"
    name = "sam-transform-missing"
    severity = Severity.CRITICAL
    summary = "SAM resources (AWS::Serverless::*) or Globals without Transform: AWS::Serverless-2016-10-31"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/transform-aws-serverless.html"
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3038", "E3724", "E3066")
    root_cause = (
        "The template was copied from a SAM project without its Transform line, or the line was dropped in an edit."
    )
    deployment_impact = (
        "CloudFormation rejects the template: without the transform, AWS::Serverless::* types and the "
        "Globals section are unknown."
    )
    explanation = f"""\
## What
A template that uses `AWS::Serverless::Function`, the other `AWS::Serverless::*` types, the
`Globals` section or the `IgnoreGlobals` attribute, and does not declare
`Transform: {SAM}`.

## Why
These exist only in AWS SAM: CloudFormation understands them only when the template declares
the transform, which expands them into plain resources. Without it, the template is rejected
(cfn-lint E3038, E3724, E3066).

## Fix
`Transform: {SAM}` is added at the top level. When the template already has other
transforms, SAM's is added to the list: after `AWS::LanguageExtensions` (which must run
first), before any other. A `Transform` written with an intrinsic function is left alone.

## Fix safety
**Safe**: the template cannot be deployed without it, and with it the resources mean what
their SAM types say.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding for the template, at the first SAM-only construct."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        transform = data.get("Transform")
        listed = [transform] if isinstance(transform, str) else transform if isinstance(transform, list) else None
        if listed is not None and SAM in listed:
            return
        signals = _sam_signals(data)
        if not signals:
            return
        at, what = signals[0]
        more = (
            f" (and {len(signals) - 1} more SAM construct{'s' if len(signals) > 2 else ''})" if len(signals) > 1 else ""
        )
        patch: Patch | None
        if transform is None:
            patch = [Op.add("/Transform", SAM)]
        elif isinstance(transform, str):
            value = [transform, SAM] if transform in _BEFORE else [SAM, transform]
            patch = [Op.replace("/Transform", value)]
        elif isinstance(transform, list) and all(isinstance(t, str) for t in transform):
            index = max((i + 1 for i, t in enumerate(transform) if t in _BEFORE), default=0)
            patch = [Op.add(f"/Transform/{index}", SAM)]
        else:
            patch = None
        message = f"{what[0].upper()}{what[1:]}{more} needs Transform: {SAM}, which the template does not declare"
        fix = None if patch is None else Fix.safe(f"add the {SAM} transform", patch)
        finding = self.finding(ctx, "", message, fix=fix)
        line, column = ctx.document.locate(at)
        yield finding.model_copy(update={"line": line, "column": column})
