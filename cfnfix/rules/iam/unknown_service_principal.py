"""CFX961 unknown-service-principal: a ``Principal: {Service: …}`` (or a Lambda permission's
``Principal``) that names no AWS service principal.

Background: docs/cloudformation/iam.md ("Service principals", "Who assumes a role").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...document.pointer import escape_token
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import Resource, resources
from ..base import Rule, RuleContext
from ._names import principal_candidates, principal_known, table_date
from ._usage import role_services

#: Pseudo parameters a principal may be built from, and a value each stands for when checking.
_PSEUDO = {"${AWS::Region}": "us-east-1", "${AWS::URLSuffix}": "amazonaws.com"}
_SERVICE_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


def _principal_sites(value: Any, pointer: str) -> Iterator[tuple[str, Any, bool, Any]]:
    """``(pointer, value, allows assuming, all the Service values of its statement)`` of every
    ``Service`` principal inside ``value``."""
    found: list[tuple[list[str], Any, bool, Any]] = []
    _find(value, [], found)
    for tokens, service, trust, siblings in found:
        yield pointer + "".join("/" + escape_token(t) for t in tokens), service, trust, siblings


def _find(value: Any, path: list[str], found: list[tuple[list[str], Any, bool, Any]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("Principal", "NotPrincipal") and isinstance(item, dict) and "Service" in item:
                services = item["Service"]
                trust = key == "Principal" and _assumes(value)
                if isinstance(services, list):
                    for i, service in enumerate(services):
                        found.append(([*path, key, "Service", str(i)], service, trust, services))
                else:
                    found.append(([*path, key, "Service"], services, trust, services))
            elif isinstance(item, (dict, list)):
                path.append(key)
                _find(item, path, found)
                path.pop()
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                path.append(str(i))
                _find(item, path, found)
                path.pop()


def _assumes(statement: dict[str, Any]) -> bool:
    action = statement.get("Action")
    actions = action if isinstance(action, list) else [action]
    return statement.get("Effect") == "Allow" and any(
        isinstance(a, str) and a.lower() in ("sts:assumerole", "sts:*", "*") for a in actions
    )


def _readable(value: Any) -> str | None:
    """The principal a value names, with pseudo parameters filled in; None when computed otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str) and len(value) == 1:
        text = value["Fn::Sub"]
        for token, sample in _PSEUDO.items():
            text = text.replace(token, sample)
        return None if "${" in text else text
    return None


class UnknownServicePrincipal(Rule):
    """A service principal that AWS does not have."""

    id = "CFX961"
    name = "unknown-service-principal"
    severity = Severity.HIGH
    summary = "Service principal that does not exist (lambda.amazon.com, ecs-task.amazonaws.com, an invented one)"
    doc_url = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services"
    )
    fix_applicability = Applicability.UNSAFE
    root_cause = (
        "Service principal names are irregular (ecs-tasks, monitoring.rds, vpc-flow-logs) and written from memory."
    )
    deployment_impact = (
        "IAM rejects a policy with an invalid principal (MalformedPolicyDocument) and the stack rolls back; "
        "where it is accepted, the service the template meant cannot use the role or resource."
    )
    explanation = """\
## What
A `Principal` (or `NotPrincipal`) with `Service:` in a policy of the template (a role's trust
policy, a bucket, key, queue or topic policy …), or the `Principal` of a Lambda permission,
names a service principal that does not exist: a wrong domain (`lambda.amazon.com`), a
missing one (`lambda`), a typo (`ecs-task.amazonaws.com`), or an invented name
(`monitoring.amazonaws.com` for a Lambda function's role).

## Why
IAM rejects a policy whose principal names no service (`MalformedPolicyDocument: Invalid
principal in policy`), so the role or resource policy is not created and the stack rolls
back; a trust policy that names the wrong service leaves the service that uses the role
unable to assume it.

Principals are checked against a dated table (`cfnfix/rules/iam/data/iam_names.json`,
`scripts/gen_iam_names.py`): the principals AWS's own managed policies name, a public list
generated from the AWS documentation, and documented ones cfnfix adds with their page.
Regional forms (`logs.eu-west-1.amazonaws.com`) and China forms (`….amazonaws.com.cn`) of a
known principal are known; one built with `${AWS::Region}` or `${AWS::URLSuffix}` is checked
with them filled in; other computed values are skipped. There is no official complete list:
a principal newer than the table may be reported (the finding gives the table's date).

## Fix
In the trust policy of a role that a resource of the template hands to a service (the `Role`
of a Lambda function, the `TaskRoleArn` of a task definition, the role of an instance
profile, a state machine, a CodeBuild project …), the unknown principal becomes that
service's (`lambda.amazonaws.com`), unless the statement already names it. Elsewhere it
becomes the one known principal it is a near miss of (domain fixed, case folded, one or two
typing mistakes). Otherwise the finding says the principal is unknown, without a fix.

## Fix safety
**Unsafe**: the principal decides who may assume the role or use the resource. The fix names
the service the template itself uses, or the closest existing name; review it.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per service principal that is not in the table."""
        data = ctx.data
        usage: dict[str, set[str]] | None = None
        for res in resources(data):
            for pointer, value, trust, siblings in self._sites(res):
                name = _readable(value)
                if name is None or principal_known(name):
                    continue
                if usage is None:
                    usage = role_services(data)
                services = usage.get(res.id, set()) if trust else set()
                yield self._finding(ctx, res, pointer, value, name, services, siblings)

    @staticmethod
    def _sites(res: Resource) -> Iterator[tuple[str, Any, bool, Any]]:
        props = res.body.get("Properties")
        if res.type == "AWS::Lambda::Permission":
            principal = res.props.get("Principal")
            if isinstance(principal, str) and ".amazon" in principal and not principal.startswith("arn:"):
                yield res.prop_pointer("Principal"), principal, False, principal
            return
        trust = res.type == "AWS::IAM::Role"
        for pointer, value, assumes, siblings in _principal_sites(props, f"{res.pointer}/Properties"):
            in_trust = trust and "/AssumeRolePolicyDocument/" in pointer and assumes
            yield pointer, value, in_trust, siblings

    def _finding(
        self,
        ctx: RuleContext,
        res: Resource,
        pointer: str,
        value: Any,
        name: str,
        services: set[str],
        siblings: Any,
    ) -> Finding:
        shown = value if isinstance(value, str) else f"!Sub {value['Fn::Sub']}"
        message = f"{res.id}: {shown} is not a service principal (table of {table_date()})"
        if not isinstance(value, str) or not _SERVICE_LIKE.match(value):
            return self.finding(ctx, pointer, message)
        target: str | None = None
        if len(services) == 1:
            (target,) = services
            if target == siblings or (isinstance(siblings, list) and target in siblings):
                return self.finding(ctx, pointer, f"{message}; the statement already names {target}")
            message += f"; the role is used by {target.split('.')[0]}, which assumes it as {target}"
        else:
            candidates = principal_candidates(name)
            if len(candidates) == 1:
                target = candidates[0]
                message += f"; {target} is meant"
            elif candidates:
                message += f"; as close: {', '.join(candidates)}"
        if target is None:
            return self.finding(ctx, pointer, message)
        fix = Fix.unsafe(f"Write {target} (review who may use it)", [Op.replace(pointer, target)])
        return self.finding(ctx, pointer, message, fix=fix)
