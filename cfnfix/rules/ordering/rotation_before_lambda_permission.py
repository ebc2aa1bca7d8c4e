"""CFX971 rotation-before-lambda-permission: a Secrets Manager rotation schedule that CloudFormation
may create before the Lambda permission that lets Secrets Manager invoke its rotation function.

Background: docs/cloudformation/ordering.md ("Rotation schedules and Lambda permissions").
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Severity
from ...template.graph import build_graph
from ...template.model import Resource, getatt_target, literal, of_type, ref_target
from ..base import Rule, RuleContext
from ._depends import Need, blocked_note, describe, fix_for, plan

_FUNCTION = "AWS::Lambda::Function"


def _function(value: Any) -> str | None:
    """The logical ID a function-valued expression names: ``Ref F``, ``Fn::GetAtt F.Arn``, ``${F}``, ``${F.Arn}``."""
    name = ref_target(value)
    if name is not None:
        return name
    getatt = getatt_target(value)
    if getatt is not None and getatt[1] == "Arn":
        return getatt[0]
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
        text: str = value["Fn::Sub"]
        if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
            inner = text[2:-1].strip()
            if inner.endswith(".Arn"):
                inner = inner[: -len(".Arn")]
            if inner and "." not in inner and not inner.startswith("!"):
                return inner
    return None


def _secrets_manager(principal: Any) -> bool:
    """True for ``secretsmanager.amazonaws.com`` (or the same built with ``${AWS::URLSuffix}``)."""
    text = literal(principal)
    if text is None and isinstance(principal, dict) and isinstance(principal.get("Fn::Sub"), str):
        text = principal["Fn::Sub"].replace("${AWS::URLSuffix}", "amazonaws.com")
    return text == "secretsmanager.amazonaws.com"


def _permissions(data: Any, function: str) -> list[Resource]:
    """The ``AWS::Lambda::Permission`` resources that let Secrets Manager invoke ``function``."""
    return [
        res
        for res in of_type(data, "AWS::Lambda::Permission")
        if _function(res.props.get("FunctionName")) == function and _secrets_manager(res.props.get("Principal"))
    ]


class RotationBeforeLambdaPermission(Rule):
    """DependsOn from a rotation schedule to the Lambda permission of its rotation function."""

    id = "CFX971"
    name = "rotation-before-lambda-permission"
    severity = Severity.HIGH
    summary = (
        "Secrets Manager RotationSchedule not ordered after the Lambda permission of its rotation function: "
        "Secrets Manager cannot invoke it"
    )
    doc_url = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::SecretsManager::RotationSchedule"})
    root_cause = (
        "The schedule names the function and the permission names the function; nothing relates the schedule to "
        "the permission, so CloudFormation creates them in parallel."
    )
    deployment_impact = (
        "Creating the schedule fails (Secrets Manager checks that it may invoke the function when rotation is "
        "configured) whenever the permission is not there yet."
    )
    explanation = """\
## What
An `AWS::SecretsManager::RotationSchedule` names a Lambda function of the template as its
`RotationLambdaARN`, and an `AWS::Lambda::Permission` of the template lets
`secretsmanager.amazonaws.com` invoke that function, but nothing orders the permission
before the schedule.

## Why
When rotation is configured, Secrets Manager checks that the function's resource policy
lets it invoke the function, and starts the first rotation at once unless told otherwise.
The schedule and the permission both refer to the function, so CloudFormation creates the
function first and then the two in parallel; if the schedule comes first, creation fails
with "Secrets Manager cannot invoke the specified Lambda function". Sources:
docs/cloudformation/ordering.md.

## Fix
The permission is added to the schedule's `DependsOn` (a string becomes a list). Nothing is
added when a chain of references already orders them, when the permission depends on the
schedule (a circle; reported without a fix), or when the permission exists only under a
condition the schedule does not share.

## Fix safety
**Safe**: `DependsOn` only orders creation and deletion; the schedule and the permission are
unchanged.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per rotation schedule created in parallel with its function's permission."""
        data = ctx.data
        schedules = list(of_type(data, "AWS::SecretsManager::RotationSchedule"))
        if not schedules:
            return
        graph = build_graph(data)
        functions = {res.id for res in of_type(data, _FUNCTION)}
        for schedule in schedules:
            function = _function(schedule.props.get("RotationLambdaARN"))
            if function is None or function not in functions:
                continue
            needs = [Need(p, f"lets Secrets Manager invoke {function}") for p in _permissions(data, function)]
            found = plan(graph, schedule, needs)
            if not found.missing:
                continue
            message = (
                f"{schedule.id} is not ordered after {describe(found)}: if CloudFormation creates the schedule "
                "first, Secrets Manager cannot invoke the rotation function and creation fails." + blocked_note(found)
            )
            yield self.finding(ctx, schedule.pointer, message, fix=fix_for(found), at_key=True)
