"""CFX954 logs-key-principal: a KMS key that encrypts a CloudWatch Logs log group of the template,
whose key policy names the global ``logs.amazonaws.com`` or no CloudWatch Logs principal at all.

Background: docs/cloudformation/principals.md ("CloudWatch Logs and KMS keys").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...document.pointer import parse_pointer
from ...findings import Applicability, Finding, Fix, Op, Operation, Severity
from ...template.model import Resource, literal, of_type, resources
from ...template.references import ReferenceIndex
from ..base import Rule, RuleContext
from ._policy import (
    VERSION,
    Statement,
    append_statements,
    names_resource,
    policy_document,
    sids,
    statements,
    with_sids,
)

KEY = "AWS::KMS::Key"
GLOBAL = "logs.amazonaws.com"
REGIONAL = {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}
CONTEXT_KEY = "kms:EncryptionContext:aws:logs:arn"
CONTEXT_ARN = {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*"}
ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
_REGIONAL_TEXT = re.compile(r"logs\.([a-z0-9-]+|\$\{AWS::Region\})\.(amazonaws\.com(\.cn)?|\$\{AWS::URLSuffix\})")


def _regional(value: Any) -> bool:
    """True for ``logs.<region>.amazonaws.com``, literal or built with ``${AWS::Region}``."""
    text = literal(value)
    if text is None and isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"]
    return text is not None and _REGIONAL_TEXT.fullmatch(text) is not None


def _may_be_logs(stmt: Statement) -> bool:
    """True when the statement names a regional CloudWatch Logs principal or one computed at deploy time."""
    services = stmt.principal_values("Service")
    if services is None:
        return True
    return any(literal(v) is None and not _regional(v) or _regional(v) for v in services)


def _only_log_groups_use(data: Any, key: Resource) -> bool:
    """True when every reference to the key comes from a log group's ``KmsKeyId`` or a KMS alias
    (then a condition on CloudWatch Logs' encryption context cannot break another use of it)."""
    types = {r.id: r.type for r in resources(data)}
    for ref in ReferenceIndex.of(data).references("Resources", key.id):
        parts = parse_pointer(ref.pointer)
        if parts[0] != "Resources":
            return False  # an output: other stacks may use the key
        owner = parts[1]
        if owner == key.id or types.get(owner) == "AWS::KMS::Alias":
            continue
        if types.get(owner) != "AWS::Logs::LogGroup" or parts[2:4] != ["Properties", "KmsKeyId"]:
            return False
    return True


def _statement() -> dict[str, Any]:
    return {
        "Sid": "AllowCloudWatchLogs",
        "Effect": "Allow",
        "Principal": {"Service": REGIONAL},
        "Action": list(ACTIONS),
        "Resource": "*",
        "Condition": {"ArnLike": {CONTEXT_KEY: CONTEXT_ARN}},
    }


def _condition_ops(stmt: Statement) -> list[Operation]:
    """Add the encryption-context condition to a statement that has none (narrowing it)."""
    condition = stmt.body.get("Condition")
    if condition is None:
        return [Op.add(f"{stmt.pointer}/Condition", {"ArnLike": {CONTEXT_KEY: CONTEXT_ARN}})]
    if not isinstance(condition, dict) or CONTEXT_KEY in str(condition):
        return []
    like = condition.get("ArnLike")
    if like is None:
        return [Op.add(f"{stmt.pointer}/Condition/ArnLike", {CONTEXT_KEY: CONTEXT_ARN})]
    if isinstance(like, dict):
        return [Op.add(f"{stmt.pointer}/Condition/ArnLike/{CONTEXT_KEY}", CONTEXT_ARN)]
    return []


class LogsKeyPrincipal(Rule):
    """The key policy of a log group's KMS key must let the Region's CloudWatch Logs use it."""

    id = "CFX954"
    name = "logs-key-principal"
    severity = Severity.HIGH
    summary = (
        "KMS key of a log group names the global logs.amazonaws.com (or no CloudWatch Logs principal): the policy "
        "needs logs.<region>.amazonaws.com"
    )
    doc_url = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
    fix_applicability = Applicability.SAFE
    resource_types = frozenset({"AWS::Logs::LogGroup"})
    root_cause = (
        "CloudWatch Logs calls KMS as a regional service principal (logs.<region>.amazonaws.com); the global-looking "
        "logs.amazonaws.com is not the one it uses."
    )
    deployment_impact = (
        "Creating the log group fails: CloudWatch Logs checks that it may use the key when the key is associated "
        '("The specified KMS key does not exist or is not allowed to be used").'
    )
    explanation = """\
## What
An `AWS::Logs::LogGroup` of the template is encrypted with an `AWS::KMS::Key` of the template
(`KmsKeyId`), and the key's `KeyPolicy` either names `Service: logs.amazonaws.com` or has no
statement for CloudWatch Logs at all (a key without `KeyPolicy` gets the default policy, which
only trusts the account).

## Why
CloudWatch Logs uses a key as the service principal of its Region,
`logs.<region>.amazonaws.com`, and must be allowed to in the key policy; the global name
matches nothing. AWS recommends limiting the statement with an `ArnLike` condition on
`kms:EncryptionContext:aws:logs:arn` (the log group's ARN, which CloudWatch Logs passes as
encryption context). Without the permission, associating the key fails and so does creating
the log group. Sources: docs/cloudformation/principals.md.

## Fix
* `logs.amazonaws.com` is replaced with `!Sub logs.${AWS::Region}.amazonaws.com` (the
  Region the stack is deployed in). When the statement has no other principal and the key
  serves only log groups (and aliases) of the template, the condition
  `ArnLike: {kms:EncryptionContext:aws:logs:arn: arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:*}`
  is added too (a narrowing: existing conditions stay).
* With no CloudWatch Logs statement, the statement AWS documents is added
  (`kms:Encrypt*`, `kms:Decrypt*`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`, `kms:Describe*` on
  `*`, with that condition); a key without `KeyPolicy` gets one with the default statement
  (the account's root, `kms:*`) and this one.

## Fix safety
**Safe** for the replaced principal: the statement meant CloudWatch Logs, the global name
never granted anything, and the new principal is limited to this Region (and, with the
condition, to this account's log groups). Adding a statement is **unsafe**: it grants a
service the use of the key, which a person should approve.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per wrong statement, or per key with no CloudWatch Logs statement."""
        data = ctx.data
        used: dict[str, list[str]] = {}
        keys: dict[str, Resource] = {}
        for group in of_type(data, "AWS::Logs::LogGroup"):
            key = names_resource(group.props.get("KmsKeyId"), data, KEY)
            if key is not None:
                used.setdefault(key.id, []).append(group.id)
                keys[key.id] = key
        for key_id, groups in used.items():
            key = keys[key_id]
            yield from self._key(ctx, key, groups)

    def _key(self, ctx: RuleContext, key: Resource, groups: list[str]) -> Iterator[Finding]:
        names = ", ".join(groups)
        if "KeyPolicy" not in key.props:
            policy = {
                "Version": VERSION,
                "Statement": [
                    {
                        "Sid": "EnableRootAccess",
                        "Effect": "Allow",
                        "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    _statement(),
                ],
            }
            fix = Fix.unsafe(
                "add a KeyPolicy: the default statement (the account) and the CloudWatch Logs statement AWS documents",
                [Op.add(key.prop_pointer("KeyPolicy"), policy)],
            )
            message = (
                f"{key.id} encrypts log group {names} but has no KeyPolicy: the default policy does not let "
                "CloudWatch Logs (logs.<region>.amazonaws.com) use it, and creating the log group fails."
            )
            yield self.finding(ctx, key.pointer, message, fix=fix, at_key=True)
            return
        doc = policy_document(key, "KeyPolicy")
        items = statements(*doc) if doc is not None else None
        if doc is None or items is None:
            return
        wrong = [s for s in items if any(literal(v) == GLOBAL for v in s.principal_values("Service") or [])]
        for stmt in wrong:
            yield self._wrong(ctx, key, stmt, names)
        if wrong or any(_may_be_logs(s) for s in items):
            return
        message = (
            f"{key.id} encrypts log group {names}, but its key policy has no statement for CloudWatch Logs "
            "(logs.<region>.amazonaws.com): creating the log group fails."
        )
        fix = Fix.unsafe(
            "add the CloudWatch Logs statement AWS documents (logs.${AWS::Region}.amazonaws.com, limited to this "
            "account's log groups by the encryption context)",
            append_statements(doc[0], doc[1], with_sids([_statement()], sids(items))),
        )
        yield self.finding(ctx, f"{doc[1]}/Statement", message, fix=fix)

    def _wrong(self, ctx: RuleContext, key: Resource, stmt: Statement, names: str) -> Finding:
        service = stmt.body["Principal"]["Service"]
        if isinstance(service, list):
            index = next(i for i, v in enumerate(service) if literal(v) == GLOBAL)
            path = f"{stmt.pointer}/Principal/Service/{index}"
        else:
            path = f"{stmt.pointer}/Principal/Service"
        patch: list[Operation] = [Op.replace(path, REGIONAL)]
        alone = set(stmt.body["Principal"]) == {"Service"} and (not isinstance(service, list) or len(service) == 1)
        narrowed = alone and _only_log_groups_use(ctx.data, key)
        if narrowed:
            patch += _condition_ops(stmt)
        text = "replace logs.amazonaws.com with logs.${AWS::Region}.amazonaws.com"
        if narrowed and len(patch) > 1:
            text += " and limit the statement to this account's log groups (encryption context)"
        message = (
            f"{key.id} encrypts log group {names}, but its key policy names the global logs.amazonaws.com: "
            "CloudWatch Logs uses the key as logs.<region>.amazonaws.com, so creating the log group fails."
        )
        return self.finding(ctx, path, message, fix=Fix.safe(text, patch))
