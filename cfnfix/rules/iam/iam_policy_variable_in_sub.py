"""CFX962 iam-policy-variable-in-sub: ``${aws:username}`` (an IAM policy variable) inside
``Fn::Sub``, which substitutes it as a template variable and fails (cfn-lint E1019).

Background: docs/cloudformation/iam.md ("Policy variables in Fn::Sub").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.references import ReferenceIndex
from ...template.subtext import Text
from ..base import Rule, RuleContext

_TOKEN = re.compile(r"\$\{([^}]*)\}")
#: ``prefix:key`` with one colon: a policy variable (``aws:username``, ``s3:prefix``,
#: ``cognito-identity.amazonaws.com:sub``); template names have none, pseudo parameters two.
_POLICY_VARIABLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*:(?!:)[^:]")
_SECTIONS = ("Resources", "Outputs")


def _templates(index: ReferenceIndex) -> Iterator[Text]:
    for pointer, arg in index.subs:
        if pointer[1:].split("/", 1)[0] not in _SECTIONS:
            continue
        if isinstance(arg, str):
            yield Text(f"{pointer}/Fn::Sub", arg, sub=True)
        elif isinstance(arg, list) and arg and isinstance(arg[0], str):
            names = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
            yield Text(f"{pointer}/Fn::Sub/0", arg[0], sub=True, variables=frozenset(names))


class IamPolicyVariableInSub(Rule):
    """A policy variable written unescaped in a ``Fn::Sub`` template."""

    id = "CFX962"
    name = "iam-policy-variable-in-sub"
    severity = Severity.CRITICAL
    summary = (
        "${aws:username} (an IAM policy variable) inside Fn::Sub: CloudFormation rejects it; write ${!aws:username}"
    )
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-sub.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E1019",)
    root_cause = "Fn::Sub was wrapped around a policy to insert a bucket or account, and its IAM variables were left as they were."
    deployment_impact = "CloudFormation rejects the template: the variable names no parameter or resource."
    explanation = """\
## What
An IAM policy variable such as `${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`
or `${cognito-identity.amazonaws.com:sub}` inside a `Fn::Sub` template
(`!Sub "arn:aws:s3:::${Bucket}/home/${aws:username}/*"`).

## Why
`Fn::Sub` treats every `${…}` as a variable to substitute: a parameter, a resource, a
resource attribute, a pseudo parameter, or a name of its variable map. `aws:username` is none
of them, so CloudFormation rejects the template (cfn-lint: E1019). IAM policy variables are
evaluated later, by IAM, and must reach the policy as written.

## Fix
Each such variable is escaped: `${aws:username}` → `${!aws:username}`, which `Fn::Sub`
renders as the literal `${aws:username}` (blanks inside the braces, which IAM would not
read, are dropped). Variables already escaped (`${!…}`), template names
and pseudo parameters (`${AWS::Region}`: two colons) are left alone, as are names the
`Fn::Sub` variable map defines.

## Fix safety
**Safe**: the template did not deploy, and the policy receives the text that was written
(without the blanks inside the braces). (In EC2 launch template user data a literal `${` needs a backslash as well; policy
variables do not belong there.)
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per ``Fn::Sub`` template with unescaped policy variables."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        for text in _templates(ReferenceIndex.of(data)):
            if ":" not in text.value:
                continue
            found = [
                m
                for m in _TOKEN.finditer(text.value)
                if not m.group(1).startswith("!")
                and _POLICY_VARIABLE.match(m.group(1).strip())
                and m.group(1).strip() not in text.variables
            ]
            if not found:
                continue
            new = text.value
            for m in reversed(found):
                new = new[: m.start()] + "${!" + m.group(1).strip() + "}" + new[m.end() :]
            shown = ", ".join(dict.fromkeys(m.group(0) for m in found))
            escaped = ", ".join(dict.fromkeys("${!" + m.group(1).strip() + "}" for m in found))
            what = "a template variable, which names" if len(found) == 1 else "template variables, which name"
            yield self.finding(
                ctx,
                text.pointer,
                f"Fn::Sub reads {shown} as {what} nothing: CloudFormation rejects it",
                fix=Fix.safe(f"Escape it for IAM: {escaped}", [Op.replace(text.pointer, new)]),
            )
