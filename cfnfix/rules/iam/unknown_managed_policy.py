"""CFX960 unknown-managed-policy: an AWS managed policy ARN (``arn:aws:iam::aws:policy/…``) that
names no attachable policy: a near miss, a deprecated policy, or a service-linked role policy.

Background: docs/cloudformation/iam.md ("Managed policies", "Near misses").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import property_values, resources
from ...template.subtext import Text, literal_spans, texts
from ..base import Rule, RuleContext
from ._names import Policy, choose, policies, policy_candidates, table_date

#: Where a resource attaches managed policies (paths under Properties).
ATTACHING: dict[str, tuple[str, ...]] = {
    "AWS::IAM::Role": ("ManagedPolicyArns/*", "PermissionsBoundary"),
    "AWS::IAM::User": ("ManagedPolicyArns/*", "PermissionsBoundary"),
    "AWS::IAM::Group": ("ManagedPolicyArns/*",),
    "AWS::SSO::PermissionSet": ("ManagedPolicies/*",),
    "AWS::Serverless::Function": ("Policies", "Policies/*"),
}

_ARN = re.compile(r"arn:(?:aws(?:-[a-z0-9-]+)?|\$\{AWS::Partition\}):iam::aws:policy/(?P<rest>[\w+=,.@/-]+)")
_NAME = re.compile(r"^[\w+=,.@-]+$")
_SERVICE_LINKED = "aws-service-role/"


@dataclass(frozen=True)
class _Written:
    """One managed policy written in a string: ``path`` and ``name`` span ``[start, end)`` of the text."""

    text: Text
    start: int
    end: int
    path: str
    name: str
    bare: bool  # a SAM policy name without an ARN


def _written(text: Text, sam: bool) -> Iterator[_Written]:
    value = text.value
    if sam and not text.sub and _NAME.match(value) and not value.startswith("arn"):
        yield _Written(text, 0, len(value), "", value, bare=True)
        return
    spans = literal_spans(text)
    for m in _ARN.finditer(value):
        if not any(lo <= m.start("rest") and m.end("rest") <= hi for lo, hi in spans):
            continue
        rest = m.group("rest")
        path, _, name = rest.rpartition("/")
        yield _Written(text, m.start("rest"), m.end("rest"), path + "/" if path else "", name, bare=False)


class UnknownManagedPolicy(Rule):
    """A managed policy ARN, attached to a role, user or group, that AWS does not have."""

    id = "CFX960"
    name = "unknown-managed-policy"
    severity = Severity.HIGH
    summary = "AWS managed policy ARN that does not exist, is deprecated, or is for service-linked roles only"
    doc_url = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies"
    )
    fix_applicability = Applicability.UNSAFE
    root_cause = (
        "Managed policy names are long and irregular (AWS_ConfigRole, service-role/…), and are written from memory."
    )
    deployment_impact = (
        "Creating or updating the role, user or group fails (the policy does not exist or is not attachable), "
        "and the stack rolls back."
    )
    explanation = """\
## What
A role, user, group, permission set or SAM function attaches an AWS managed policy
(`ManagedPolicyArns`, `PermissionsBoundary`, `ManagedPolicies`, SAM `Policies`) that AWS does
not offer for attaching:

* no policy has that name, or not under that path (`arn:aws:iam::aws:policy/service-role/ConfigRole`:
  the policy is `service-role/AWS_ConfigRole`);
* the policy is deprecated (`AWSLambdaFullAccess`): it stays on the roles that had it but
  cannot be attached to new ones;
* the policy is a service-linked role's (`aws-service-role/…`): only the service attaches it.

## Why
Attaching a policy that does not exist, or that AWS no longer lets anyone attach, fails:
CloudFormation cannot create or update the role, user or group, and the stack rolls back.
Managed policy names are long and irregular (`AWS_ConfigRole`, `AWSLambda_FullAccess`,
`service-role/…`), so templates written from memory often miss them by a letter or a path.

The names are checked against a dated table of every AWS managed policy
(`cfnfix/rules/iam/data/iam_names.json`, generated from the public iam-dataset repository,
which tracks the IAM API daily: `scripts/gen_iam_names.py`). A name the table does not have
may be newer than the table: the finding gives its date.

## Fix
When one attachable policy is the obvious meaning, the ARN is rewritten to it: the same name
under its real path; the same letters and digits (`AWS_Config_Role` → `AWS_ConfigRole`,
`AWSLambdaFullAccess` → `AWSLambda_FullAccess`); the `AWS`/`Amazon` prefix left out
(`ConfigRole` → `AWS_ConfigRole`); or one or two typing mistakes. Between equally close
candidates, the one under the written path wins, then the one still maintained (updated at
least a year after the others: `AWSConfigRole` was last changed in 2022, `AWS_ConfigRole`
since). Otherwise the finding lists the candidates, or says the name is unknown.

## Fix safety
**Unsafe**: the role gets the permissions of the policy chosen, which the template's author
did not name exactly. Review them (a deprecated policy's successor may grant more or less).
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per attached managed policy that cannot be attached."""
        known = policies()
        for res in resources(ctx.data):
            for path in ATTACHING.get(res.type, ()):
                for pointer, value, _ in property_values(res, path):
                    if path == "Policies" and isinstance(value, list):
                        continue  # its items are visited through Policies/*
                    sam = res.type == "AWS::Serverless::Function" and isinstance(value, str)
                    for text in texts(value, pointer):
                        for written in _written(text, sam):
                            finding = self._judge(ctx, res.id, written, known)
                            if finding is not None:
                                yield finding

    def _judge(self, ctx: RuleContext, owner: str, w: _Written, known: dict[str, Policy]) -> Finding | None:
        policy = known.get(w.name)
        shown = w.name if w.bare else w.path + w.name
        where = f"{owner} attaches {shown}"
        if policy is not None and not policy.deprecated:
            if policy.path is None or w.bare or policy.path == w.path:
                if policy.path == _SERVICE_LINKED:
                    return self.finding(
                        ctx,
                        w.text.pointer,
                        f"{where}, a service-linked role's policy: only the service can attach it",
                    )
                return None
            return self._found(ctx, w, where, f"{w.name} is under {policy.path or 'the root path'}", policy)
        if policy is not None:
            reason = "which AWS has deprecated: it cannot be attached to new roles, users or groups"
        else:
            reason = f"which is not an AWS managed policy (table of {table_date()})"
        candidates = policy_candidates(w.name)
        if not candidates:
            return self.finding(ctx, w.text.pointer, f"{where}, {reason}")
        chosen, why = choose(candidates, w.path)
        if chosen is None:
            return self.finding(ctx, w.text.pointer, f"{where}, {reason}; {why}")
        return self._found(ctx, w, where, reason + (f"; {chosen.full} is meant ({why})" if why else ""), chosen)

    def _found(self, ctx: RuleContext, w: _Written, where: str, reason: str, policy: Policy) -> Finding:
        new = policy.name if w.bare else policy.full
        value = w.text.value[: w.start] + new + w.text.value[w.end :]
        fix = Fix.unsafe(f"Attach {new} instead (review its permissions)", [Op.replace(w.text.pointer, value)])
        sep = ", " if reason.startswith("which") else ": "
        return self.finding(ctx, w.text.pointer, f"{where}{sep}{reason}", fix=fix)
