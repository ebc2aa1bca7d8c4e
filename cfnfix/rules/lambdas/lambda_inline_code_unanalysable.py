"""CFX403 lambda-inline-code-unanalysable: inline Python code cfnfix cannot check.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Finding, Severity
from ..base import Rule, RuleContext
from ._lambda_inline import inline_python


class LambdaInlineCodeUnanalysable(Rule):
    """Inline Python code that is computed, so its imports and syntax cannot be checked."""

    id = "CFX403"
    name = "lambda-inline-code-unanalysable"
    severity = Severity.LOW
    summary = "Inline Python Lambda code is computed (Fn::Join with references, Fn::If …) and cannot be checked."
    explanation = """\
## What
Inline Python code (`Code.ZipFile`, SAM `InlineCode`) that cfnfix cannot read or parse here.
It can read the code when it is a string, an `Fn::Sub` template (placeholders are
neutralised), or an `Fn::Join` of literal strings. Code built any other way — `Fn::Join`
with `Ref`/`Fn::GetAtt` parts, `Fn::If`, a `Ref` to a parameter — is only known at
deployment, and code using syntax newer than the Python cfnfix runs on cannot be parsed here.

## Why
cfnfix checks inline Python code for imports the runtime does not provide (CFX401) and for
syntax errors (CFX402). This finding says that those checks did not run, so a clean report
is not mistaken for a clean function.

## Not fixed
Prefer `Fn::Sub` over `Fn::Join` for inline code: it keeps the code readable and checkable.

## Fix safety
**None**: there is nothing to repair, only code cfnfix could not check.
"""
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html"
    root_cause = "The code is assembled from intrinsic functions whose values are only known at deployment."
    deployment_impact = "Unknown: the code was not checked."

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per function whose inline code could not be read or parsed here."""
        for item in inline_python(ctx.data):
            if item.analysis is None:
                reason = item.source.reason
            elif item.analysis.undecidable:
                reason = item.analysis.undecidable
            else:
                continue
            yield self.finding(
                ctx,
                item.pointer,
                f"inline code of {item.function.name} could not be analysed: {reason}; "
                "its imports and syntax were not checked",
            )
