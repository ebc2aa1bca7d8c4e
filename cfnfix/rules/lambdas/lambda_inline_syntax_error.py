"""CFX402 lambda-inline-syntax-error: inline Python code that does not parse.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...findings import Finding, Severity
from ..base import Rule, RuleContext
from ._lambda_inline import inline_python


class LambdaInlineSyntaxError(Rule):
    """Inline Python code (``Code.ZipFile`` / SAM ``InlineCode``) that the runtime cannot parse."""

    id = "CFX402"
    name = "lambda-inline-syntax-error"
    severity = Severity.HIGH
    summary = "Inline Python Lambda code does not parse for its runtime's Python version."
    explanation = """\
## What
Inline code of a Python function (`Code.ZipFile`, SAM: `InlineCode`) that is not valid
Python for the function's runtime.

cfnfix parses the code with Python's `ast` module (it never runs it) for the runtime's
version: syntax newer than the runtime (a `match` statement on `python3.9`) counts as an
error as far as `ast` can tell. `Fn::Sub` code is read with its `${...}` placeholders
replaced by identifiers of the same length, so line and column in the message are those of
the code. When cfnfix runs on an older Python than the runtime's and the code uses syntax
that older Python lacks (type parameters, 3.12 f-strings, template strings), a parse error
cannot be judged: CFX403 reports that instead. The parser's wording comes from the Python
cfnfix runs on.

## Why
CloudFormation stores the code as the function's `index.py` without looking at it: the
stack deploys, but every invocation fails with `Runtime.UserCodeSyntaxError` — for a custom
resource, the stack then waits for a response that never comes (up to an hour).

## Not fixed
The message names the line of the code and the parser's complaint: correct it there.

## Fix safety
**None**: a syntax error has no single right repair.
"""
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-lambda-function-code.html"
    root_cause = "The inline code was edited inside the template, where no editor or linter checks it as Python."
    deployment_impact = "The stack deploys, but every invocation fails with Runtime.UserCodeSyntaxError."

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per function whose inline code has a syntax error."""
        for item in inline_python(ctx.data):
            problem = item.analysis.problem if item.analysis else None
            if problem is None:
                continue
            text = item.source.line(problem.line)
            shown = f": `{text[:60]}`" if text else ""
            yield self.finding(
                ctx,
                item.pointer,
                f"inline code of {item.function.name} does not parse for {item.runtime}: {problem.message} "
                f"(line {problem.line}, column {problem.column} of the code{shown})",
            )
