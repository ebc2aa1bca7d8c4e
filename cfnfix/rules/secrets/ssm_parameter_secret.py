"""CFX912 ssm-parameter-secret: an ``AWS::SSM::Parameter`` that holds a secret.

Background: docs/cloudformation/secrets.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token, make_pointer, parse_pointer
from ...findings import Applicability, Finding, Fix, Op, Operation, Severity
from ...template.model import Resource, literal, of_type, ref_target, section
from ...template.naming import NameAllocator
from ...template.references import Kind, Reference, ReferenceIndex
from ..base import Rule, RuleContext
from ._secret import SECRET, dynamic_text, in_properties, is_dynamic, parameter_uses, remove_parameter

SSM_PARAMETER = "AWS::SSM::Parameter"

#: Words that say a parameter holds a secret (in its logical ID, Name or Description) —
#: unless they name one (``SecretArn``, ``password-name``, ``TokenId``).
_SIGNAL = re.compile(
    r"(passw(?:or)?d|secret|api[-_ ]?key|access[-_ ]?key|token|credential|private[-_ ]?key)"
    r"(?![-_ /]?(?:name|arn|id|path|url|ttl|endpoint)(?![a-z]))",
    re.IGNORECASE,
)
#: Attributes of the removed parameter that the secret can stand in for.
_VALUE = "Value"
#: Resource attributes carried over to the secret.
_CARRIED = ("Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy")


@dataclass(frozen=True)
class _Candidate:
    res: Resource
    secure: bool
    signal: str | None
    """What says the value is a secret (``Type: SecureString``, or the word found)."""
    kind: str | None
    """``literal``, ``default`` (a parameter's Default), ``parameter``; None: computed."""
    parameter: str | None


class SsmParameterSecret(Rule):
    """An SSM parameter of ``Type: SecureString``, or a ``String`` one named as a secret with a literal value."""

    id = "CFX912"
    name = "ssm-parameter-secret"
    severity = Severity.HIGH
    fix_applicability = Applicability.UNSAFE
    resource_types = frozenset({SSM_PARAMETER})
    cfn_lint_ids = ("E3030",)
    summary = "SSM parameter holding a secret (SecureString, which CloudFormation cannot create, or a password in a String): a generated Secrets Manager secret"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html"
    root_cause = (
        "Parameter Store was used as a secret store from a template, which can only create plain String parameters."
    )
    deployment_impact = (
        "Type SecureString: the stack fails (CloudFormation does not create SecureString parameters). Type String: "
        "the secret is stored unencrypted, readable by anyone with ssm:GetParameter, and written in the template."
    )
    explanation = """\
## What
An `AWS::SSM::Parameter` that holds a secret:

* `Type: SecureString` — CloudFormation cannot create SecureString parameters (only
  `String` and `StringList`), so the stack fails; or
* `Type: String` whose logical ID, `Name` or `Description` says it holds a password, a
  secret, an API or access key, a token, a credential or a private key, with a literal
  `Value` (or a template parameter's value): the secret is written in the template and
  stored unencrypted. Words that name a secret rather than hold one (`SecretArn`,
  `password-name`, `TokenId`) do not count.

## Why
A `String` parameter is not encrypted, and anyone with `ssm:GetParameter` reads it; a
literal value also sits in the template's text and history. Turning it into `String` to
make the stack deploy (as a schema fix would) stores the secret in plain text.
Secrets Manager is the place for secrets created by a template: it encrypts them with KMS
and can generate the value so that nobody ever writes it.

## Fix
The parameter is replaced by an `AWS::SecretsManager::Secret` (new logical ID, same `Name`,
`Description`, tags and resource attributes) whose value Secrets Manager generates
(`GenerateSecretString`) — or, when the value came from a template parameter without a
default, whose `SecretString` is that parameter (the deployer's value, now encrypted). A
literal value is never copied: it has been exposed. References are rewritten:
`!GetAtt Param.Value` (and `${Param.Value}`) and `{{resolve:ssm:<name>}}` /
`{{resolve:ssm-secure:<name>}}` in resource properties become
`{{resolve:secretsmanager:<secret>}}`, `DependsOn` names the secret. No fix while something
uses the parameter's name (`!Ref Param`, `${Param}`: code that calls `ssm:GetParameter`,
IAM policies on its ARN) or reads it outside resource properties: those need a person.

## Fix safety
**Unsafe**: The parameter is deleted and a secret created: code and people that read the parameter
must read the secret instead (`secretsmanager:GetSecretValue`), and a generated value is a
new value — if the secret was issued by someone else (an API key, a token), put the real
one into the secret (`aws secretsmanager put-secret-value`) after deploying.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per SSM parameter that holds a secret."""
        for res in of_type(ctx.data, SSM_PARAMETER):
            candidate = _candidate(ctx.data, res)
            if candidate is None:
                continue
            fix, note = _fix(ctx.data, candidate)
            if candidate.secure:
                message = (
                    f"{res.id} is an SSM parameter of Type SecureString, which CloudFormation cannot create (the "
                    f"stack fails); String would store the secret unencrypted; {note}"
                )
                path = res.prop_pointer("Type")
                yield self.finding(ctx, path, message, fix=fix, severity=Severity.CRITICAL)
            else:
                message = (
                    f"{res.id} is an SSM String parameter that holds a secret ({candidate.signal}) "
                    f"{_held(candidate)}: it is stored unencrypted and readable with ssm:GetParameter; {note}"
                )
                yield self.finding(ctx, res.prop_pointer(_VALUE), message, fix=fix)


def _held(candidate: _Candidate) -> str:
    if candidate.kind == "literal":
        return "as a literal in the template"
    if candidate.kind == "default":
        return f"from parameter {candidate.parameter}, whose Default is in the template"
    return f"from parameter {candidate.parameter}"


def _candidate(data: Any, res: Resource) -> _Candidate | None:
    props = res.props
    secure = literal(props.get("Type")) == "SecureString"
    kind, parameter = _value_source(data, props.get(_VALUE))
    if secure:
        return _Candidate(res, True, "Type SecureString", kind, parameter)
    if literal(props.get("Type")) != "String" or kind is None:
        return None
    texts = [res.id, *(t for t in (literal(props.get("Name")), literal(props.get("Description"))) if t)]
    for text in texts:
        m = _SIGNAL.search(text)
        if m:
            return _Candidate(res, False, f"'{m.group(1)}' in {text!r}", kind, parameter)
    return None


def _value_source(data: Any, value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, str):
        if not value or is_dynamic(value) or value.startswith("arn:"):
            return None, None
        return "literal", None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "literal", None
    name = ref_target(value)
    spec = section(data, "Parameters").get(name) if name else None
    if not isinstance(spec, dict):
        return None, None
    ptype = spec.get("Type")
    if isinstance(ptype, str) and ptype.startswith("AWS::SSM::Parameter::Value"):
        return None, None
    default = literal(spec.get("Default"))
    return ("default" if default else "parameter"), name


def _fix(data: Any, c: _Candidate) -> tuple[Fix | None, str]:
    """The fix, and a phrase for the message (what it does, or why there is none)."""
    if c.kind is None:
        return None, "no fix: its Value is computed, so cfnfix cannot tell what the secret should hold"
    index = ReferenceIndex.of(data)
    refs = index.references("Resources", c.res.id)
    values: list[Reference] = []
    blockers: list[str] = []
    for ref in refs:
        attr = _attribute(index, ref)
        if ref.kind is Kind.DEPENDS_ON:
            continue
        if (
            attr == _VALUE
            and ref.kind in (Kind.GETATT, Kind.GETATT_STRING, Kind.SUB)
            and in_properties(data, ref.pointer)
        ):
            values.append(ref)
        else:
            blockers.append(_describe(ref, attr))
    if blockers:
        shown = ", ".join(sorted(set(blockers))[:3])
        return None, (
            f"no fix: the template also uses the parameter itself ({shown}), which a secret cannot stand in for "
            "(read the secret with secretsmanager:GetSecretValue there)"
        )
    names = NameAllocator(data)
    new_id = names.allocate(_secret_base(c.res.id))
    text = dynamic_text(new_id)
    ops: list[Operation] = [Op.remove(c.res.pointer)]
    ops.extend(_rewrite_values(index, values, c.res.id, text))
    ops.extend(_rewrite_depends_on(index, refs, c.res.id, new_id))
    name = literal(c.res.props.get("Name"))
    resolves = _rewrite_resolves(data, name, text) if name else []
    ops.extend(resolves)
    body = _secret_body(c, new_id)
    ops.append(Op.add("/Resources/" + escape_token(new_id), body))
    what = f"replace it with a Secrets Manager secret {new_id}"
    if c.kind == "parameter":
        what += f" holding parameter {c.parameter}'s value (encrypted)"
    else:
        what += " with a generated value (the old value is not copied: it is in the template)"
        if c.parameter is not None:
            uses = parameter_uses(data, c.parameter)
            if [u.pointer for u in uses.values] == [c.res.prop_pointer(_VALUE) + "/Ref"] and not uses.elsewhere:
                ops.extend(remove_parameter(data, uses))
                what += f", and remove parameter {c.parameter}"
    if values or resolves:
        what += "; what read its value reads the secret"
    fix = Fix.unsafe(
        what[0].upper()
        + what[1:]
        + "; code that read the parameter must read the secret (secretsmanager:GetSecretValue)",
        ops,
    )
    return fix, what


def _attribute(index: ReferenceIndex, ref: Reference) -> str | None:
    """The attribute a ``Fn::GetAtt``/``${X.Attr}`` reference reads (None for ``Ref``, ``${X}``)."""
    if ref.kind is Kind.GETATT:
        tokens = parse_pointer(ref.pointer)  # …/Fn::GetAtt/0
        attr = index.value(make_pointer([*tokens[:-1], "1"])) if tokens and tokens[-1] == "0" else None
        return attr if isinstance(attr, str) else None
    text = index.value(ref.pointer)
    if not isinstance(text, str):
        return None
    if ref.kind is Kind.GETATT_STRING:
        return text.partition(".")[2] or None
    if ref.kind is Kind.SUB and text[ref.end : ref.end + 1] == ".":
        close = text.find("}", ref.end)
        return text[ref.end + 1 : close].strip() if close > 0 else None
    return None


def _describe(ref: Reference, attr: str | None) -> str:
    where = _where(ref.pointer)
    shown = {Kind.REF: "Ref", Kind.SUB: "${...}"}.get(ref.kind, ref.kind.value)
    return f"{shown}{'.' + attr if attr else ''} in {where}"


def _where(pointer: str) -> str:
    parts = parse_pointer(pointer)
    return " ".join(parts[1:3]) if parts and parts[0] in ("Resources", "Outputs") else parts[0] if parts else "?"


def _secret_base(logical_id: str) -> str:
    base = re.sub(r"(SSM|Ssm)?(Parameter|Param)$", "", logical_id) or logical_id
    return base if base.endswith("Secret") else base + "Secret"


def _secret_body(c: _Candidate, new_id: str) -> dict[str, Any]:
    props = c.res.props
    body: dict[str, Any] = {"Type": SECRET}
    for attr in _CARRIED:
        if attr in c.res.body:
            body[attr] = c.res.body[attr]
    new_props: dict[str, Any] = {}
    if "Name" in props:
        new_props["Name"] = props["Name"]
    if "Description" in props:
        new_props["Description"] = props["Description"]
    if c.kind == "parameter":
        new_props["SecretString"] = {"Ref": c.parameter}
    else:
        new_props["GenerateSecretString"] = {"PasswordLength": 30, "ExcludePunctuation": True}
    tags = props.get("Tags")
    if isinstance(tags, dict) and tags:
        new_props["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    body["Properties"] = new_props
    return body


def _rewrite_values(index: ReferenceIndex, values: list[Reference], old: str, text: str) -> list[Operation]:
    ops: list[Operation] = []
    subs: dict[str, None] = {}
    for ref in values:
        if ref.kind is Kind.SUB:
            subs[ref.pointer] = None
        else:  # the Fn::GetAtt mapping: its list or string argument is where the reference sits
            tokens = parse_pointer(ref.pointer)
            cut = tokens.index("Fn::GetAtt", max(0, len(tokens) - 2))
            ops.append(Op.replace(make_pointer(tokens[:cut]), {"Fn::Sub": text}))
    pattern = re.compile(r"\$\{\s*" + re.escape(old) + r"\.Value\s*\}")
    for pointer in subs:
        template = index.value(pointer)
        if isinstance(template, str):
            ops.append(Op.replace(pointer, pattern.sub(lambda _m: text, template)))
    return ops


def _rewrite_depends_on(index: ReferenceIndex, refs: list[Reference], old: str, new: str) -> list[Operation]:
    return [Op.replace(r.pointer, new) for r in refs if r.kind is Kind.DEPENDS_ON and index.value(r.pointer) == old]


def _rewrite_resolves(data: Any, name: str, text: str) -> list[Operation]:
    """``{{resolve:ssm:<name>}}`` / ``{{resolve:ssm-secure:<name>[:version]}}`` in resource properties → ``text``."""
    pattern = re.compile(r"\{\{resolve:ssm(?:-secure)?:" + re.escape(name) + r"(?::\d+)?\}\}")
    ops: list[Operation] = []
    for res_id, body in section(data, "Resources").items():
        if not isinstance(body, dict) or not isinstance(body.get("Properties"), dict):
            continue
        base = "/Resources/" + escape_token(res_id) + "/Properties"
        if not in_properties(data, base):
            continue  # a custom resource: dynamic references to secrets are not supported there
        for pointer, parent_is_sub, value in _strings(body["Properties"], base, False):
            if not pattern.search(value):
                continue
            if parent_is_sub:
                ops.append(Op.replace(pointer, pattern.sub(lambda _m: text, value)))
            else:
                escaped = value.replace("${", "${!")
                ops.append(Op.replace(pointer, {"Fn::Sub": pattern.sub(lambda _m: text, escaped)}))
    return ops


def _strings(value: Any, pointer: str, in_sub: bool) -> Iterator[tuple[str, bool, str]]:
    """(pointer, is a Fn::Sub template, text) of every string under ``value``."""
    if isinstance(value, str):
        yield pointer, in_sub, value
    elif isinstance(value, dict):
        for key, item in value.items():
            at = f"{pointer}/{escape_token(str(key))}"
            if key == "Fn::Sub" and isinstance(item, str):
                yield at, True, item
            elif key == "Fn::Sub" and isinstance(item, list) and item and isinstance(item[0], str):
                yield f"{at}/0", True, item[0]
                for i, sub in enumerate(item[1:], start=1):
                    yield from _strings(sub, f"{at}/{i}", False)
            else:
                yield from _strings(item, at, False)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{pointer}/{i}", False)
