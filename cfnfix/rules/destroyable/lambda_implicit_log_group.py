"""CFX257 lambda-implicit-log-group: Lambda creates the function's log group outside the stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Severity
from ...template.model import Resource, resources
from ..base import RuleContext
from ._common import DestroyableRule, summary

FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
PREFIX = "/aws/lambda/"


class LambdaImplicitLogGroup(DestroyableRule):
    """A Lambda function with no log group in the template (``LoggingConfig.LogGroup`` or an
    ``AWS::Logs::LogGroup`` named ``/aws/lambda/<function name>``)."""

    id = "CFX257"
    name = "lambda-implicit-log-group"
    severity = Severity.LOW
    fix_applicability = Applicability.NONE
    summary = summary(
        "Lambda function without a log group in the stack: Lambda creates one outside it, which stays after deletion"
    )
    doc_url = "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html"
    root_cause = "Lambda writes to /aws/lambda/<function name> and creates that log group on first use when it does not exist; CloudFormation never knew about it."
    deployment_impact = "Deploys fine; after the stack is deleted the log group stays (never expiring by default), and a later stack that declares it fails with 'already exists'."
    explanation = """\
## What
An `AWS::Lambda::Function` or `AWS::Serverless::Function` that neither names a log group
in `LoggingConfig.LogGroup` nor has an `AWS::Logs::LogGroup` in the template named
`/aws/lambda/<its name>` (`!Sub /aws/lambda/${Function}`, `!Join` with `!Ref Function`,
or its literal `FunctionName`). Part of the `destroyable` profile: reported only with
`--profile destroyable`.

## Why
By default Lambda sends the function's logs to the log group `/aws/lambda/<function
name>`, creating it on the first invocation if it does not exist. That log group is not
part of the stack: deleting the stack leaves it, with its logs kept forever unless a
retention is set. With a fixed `FunctionName`, the next copy of the stack that declares
the log group itself fails with "already exists".

## Not fixed
Declare the log group in the stack, so it is created before the function runs and
deleted with the stack:

```yaml
FunctionLogGroup:
  Type: AWS::Logs::LogGroup
  Properties:
    LogGroupName: !Sub /aws/lambda/${Function}
    RetentionInDays: 7
```

or point `LoggingConfig.LogGroup` at a log group of the stack.

## Fix safety
**None**: cfnfix does not write the log group: on a stack that already ran the function, the
new log group collides with the one Lambda created (delete that one first).
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per function whose log group is created outside the stack."""
        all_res = resources(ctx.data)
        names = [_render(r.props.get("LogGroupName")) for r in all_res if r.type == "AWS::Logs::LogGroup"]
        declared = {n for n in names if n is not None}
        for res in all_res:
            if res.type not in FUNCTION_TYPES or _has_logging_config(res):
                continue
            if _expected_names(res) & declared:
                continue
            fixed = res.props.get("FunctionName")
            shown = f"{PREFIX}{fixed}" if isinstance(fixed, str) else f"{PREFIX}<name of {res.id}>"
            message = (
                f"{res.id} ({res.type}) has no log group in the stack: Lambda creates {shown} on the first invocation, "
                "outside the stack, and deleting the stack leaves it behind; declare an AWS::Logs::LogGroup named "
                f"!Sub {PREFIX}${{{res.id}}} (or set LoggingConfig.LogGroup)"
            )
            yield self.finding(ctx, res.pointer, message, at_key=True)


def _has_logging_config(res: Resource) -> bool:
    config = res.props.get("LoggingConfig")
    return isinstance(config, dict) and "LogGroup" in config


def _expected_names(res: Resource) -> set[str]:
    """Renderings of ``/aws/lambda/<name>`` that mean this function's default log group."""
    found = {PREFIX + "${" + res.id + "}"}
    name = _render(res.props.get("FunctionName"))
    if name is not None:
        found.add(PREFIX + name)
    return found


def _render(value: Any) -> str | None:
    """A name as text with references as ``${X}`` (``!Ref X``, ``!Sub`` strings, ``!Join ''``); None when unreadable."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((fn, arg),) = value.items()
    if fn == "Ref" and isinstance(arg, str):
        return "${" + arg + "}"
    if fn == "Fn::Sub":
        text = (
            arg
            if isinstance(arg, str)
            else (arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else None)
        )
        return text
    if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        parts = [_render(p) for p in arg[1]]
        if isinstance(arg[0], str) and all(p is not None for p in parts):
            return arg[0].join(p for p in parts if p is not None)
    return None
