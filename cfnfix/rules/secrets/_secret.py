"""Building blocks of the secrets fixes: a generated Secrets Manager secret, the dynamic
reference that reads it, rewriting the places that used the old value, and removing a
template parameter nothing needs any more (with its Interface metadata)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token, parse_pointer
from ...findings import Op, Operation
from ...template.model import section
from ...template.references import Kind, Reference, ReferenceIndex

SECRET = "AWS::SecretsManager::Secret"
ATTACHMENT = "AWS::SecretsManager::SecretTargetAttachment"

#: Generated passwords have letters and digits only: every engine accepts them (RDS refuses
#: ``/``, ``"`` and ``@``, Redshift also ``'``, ``\\`` and spaces), and so does every place a
#: template may paste them into (a connection URL, a shell line): docs/cloudformation/secrets.md.
#: Long enough to be strong, short enough for every engine (RDS for Oracle: at most 30).
LENGTH = 30

#: Sections and positions where a secretsmanager dynamic reference is allowed: resource properties only.
_PROPERTIES = re.compile(r"^/Resources/[^/]+/Properties(/|$)")


def dynamic_reference(secret_id: str, key: str | None = None) -> dict[str, Any]:
    """``{"Fn::Sub": "{{resolve:secretsmanager:${Secret}:SecretString:key}}"}`` (the whole secret string without ``key``)."""
    return {"Fn::Sub": dynamic_text(secret_id, key)}


def dynamic_text(secret_id: str, key: str | None = None) -> str:
    """The text of :func:`dynamic_reference`, for use inside a ``Fn::Sub`` template."""
    tail = f":SecretString:{key}" if key else ""
    return "{{resolve:secretsmanager:${" + secret_id + "}" + tail + "}}"


def is_dynamic(value: Any) -> bool:
    """True when a string (or a ``Fn::Sub``/``Fn::Join`` around one) contains a dynamic reference."""
    if isinstance(value, str):
        return "{{resolve:" in value
    if isinstance(value, list):
        return any(is_dynamic(v) for v in value)
    if isinstance(value, dict):
        return any(is_dynamic(v) for v in value.values())
    return False


def in_properties(data: Any, pointer: str) -> bool:
    """True when ``pointer`` lies inside the ``Properties`` of a resource that takes a dynamic
    reference to a secret: not a custom resource, where such references are not supported."""
    m = _PROPERTIES.match(pointer)
    if not m:
        return False
    res_id = parse_pointer(pointer)[1]
    res = section(data, "Resources").get(res_id)
    rtype = res.get("Type") if isinstance(res, dict) else None
    return (
        isinstance(rtype, str) and not rtype.startswith("Custom::") and rtype != "AWS::CloudFormation::CustomResource"
    )


def generated_secret(
    description: str, username: Any = None, *, key: str | None = "password", condition: str | None = None
) -> dict[str, Any]:
    """An ``AWS::SecretsManager::Secret`` whose value Secrets Manager generates.

    With ``key``: a JSON secret ``{"username": …, "password": <generated>}`` (``username``
    only when given: a literal or an expression); without: the generated string alone.
    """
    generate: dict[str, Any] = {}
    if key is not None:
        generate["SecretStringTemplate"] = _username_template(username)
        generate["GenerateStringKey"] = key
    generate["PasswordLength"] = LENGTH
    generate["ExcludePunctuation"] = True
    body: dict[str, Any] = {"Type": SECRET}
    if condition is not None:
        body["Condition"] = condition
    body["Properties"] = {"Description": description, "GenerateSecretString": generate}
    return body


def _username_template(username: Any) -> Any:
    if username is None:
        return "{}"
    if isinstance(username, (str, int, float)) and not isinstance(username, bool):
        return json.dumps({"username": str(username)})
    if isinstance(username, dict) and set(username) == {"Ref"} and isinstance(username["Ref"], str):
        return {"Fn::Sub": '{"username": "${' + username["Ref"] + '}"}'}
    return {"Fn::Sub": ['{"username": "${Username}"}', {"Username": username}]}


def attachment(secret_id: str, target_id: str, target_type: str, *, condition: str | None = None) -> dict[str, Any]:
    """An ``AWS::SecretsManager::SecretTargetAttachment`` that adds the database's connection details to the secret."""
    body: dict[str, Any] = {"Type": ATTACHMENT}
    if condition is not None:
        body["Condition"] = condition
    body["Properties"] = {"SecretId": {"Ref": secret_id}, "TargetId": {"Ref": target_id}, "TargetType": target_type}
    return body


# ------------------------------------------------------------------ uses of a template parameter


@dataclass(frozen=True)
class ParameterUses:
    """Where one template parameter is used, sorted by what a fix can do with each place."""

    name: str
    values: tuple[Reference, ...]
    """``Ref``/``${Name}`` inside resource properties (rewritable to a dynamic reference)."""
    metadata: tuple[Reference, ...]
    """Interface metadata entries (removed with the parameter)."""
    elsewhere: tuple[Reference, ...]
    """Anywhere else (Outputs, Conditions, Rules, resource Metadata …): the fix cannot follow."""


def parameter_uses(data: Any, name: str) -> ParameterUses:
    """The references to parameter ``name``, sorted (see :class:`ParameterUses`)."""
    values, metadata, elsewhere = [], [], []
    for ref in ReferenceIndex.of(data).references("Parameters", name):
        if ref.kind in (Kind.INTERFACE_GROUP, Kind.INTERFACE_LABEL):
            metadata.append(ref)
        elif ref.kind in (Kind.REF, Kind.SUB) and in_properties(data, ref.pointer):
            values.append(ref)
        else:
            elsewhere.append(ref)
    return ParameterUses(name, tuple(values), tuple(metadata), tuple(elsewhere))


def ref_node(ref: Reference) -> str:
    """Pointer of the ``{"Ref": name}`` mapping a ``Ref`` reference lies in."""
    tokens = parse_pointer(ref.pointer)
    return "".join("/" + escape_token(t) for t in tokens[:-1])


def rewrite_references(data: Any, refs: Iterable[Reference], name: str, text: str) -> list[Operation]:
    """Operations that replace each ``Ref name`` with ``{"Fn::Sub": text}`` and each ``${name}``
    inside a ``Fn::Sub`` template with ``text`` (``text`` is a Sub template, e.g. a dynamic reference)."""
    ops: list[Operation] = []
    subs: dict[str, None] = {}
    for ref in refs:
        if ref.kind is Kind.REF:
            ops.append(Op.replace(ref_node(ref), {"Fn::Sub": text}))
        elif ref.kind is Kind.SUB:
            subs[ref.pointer] = None
    index = ReferenceIndex.of(data)
    pattern = re.compile(r"\$\{\s*" + re.escape(name) + r"\s*\}")
    for pointer in subs:
        template = index.value(pointer)
        if isinstance(template, str):
            ops.append(Op.replace(pointer, pattern.sub(lambda _m: text, template)))
    return ops


def remove_parameter(data: Any, uses: ParameterUses) -> list[Operation]:
    """Operations that remove the parameter and its Interface metadata entries (list items last
    to first, so that indices stay right; a group or label table left empty goes too); the whole
    ``Parameters`` section when it was the only one."""
    ops: list[Operation] = []
    iface = section(section(data, "Metadata"), "AWS::CloudFormation::Interface")
    groups = iface.get("ParameterGroups")
    emptied: set[int] = set()
    for ref in sorted((r for r in uses.metadata if r.kind is Kind.INTERFACE_GROUP), key=_index_key, reverse=True):
        tokens = parse_pointer(ref.pointer)  # …/ParameterGroups/<g>/Parameters/<i>
        group = int(tokens[-3]) if tokens[-3].isdigit() else -1
        names = groups[group].get("Parameters") if isinstance(groups, list) and 0 <= group < len(groups) else None
        if isinstance(names, list) and all(n == uses.name for n in names):
            emptied.add(group)
        else:
            ops.append(Op.remove(ref.pointer))
    if emptied and isinstance(groups, list) and len(emptied) == len(groups):
        ops.append(Op.remove(_IFACE + "/ParameterGroups"))
    else:
        ops.extend(Op.remove(f"{_IFACE}/ParameterGroups/{g}") for g in sorted(emptied, reverse=True))
    labels = iface.get("ParameterLabels")
    for ref in uses.metadata:
        if ref.kind is Kind.INTERFACE_LABEL:
            only = isinstance(labels, dict) and list(labels) == [uses.name]
            ops.append(Op.remove(_IFACE + "/ParameterLabels" if only else ref.pointer))
    params = section(data, "Parameters")
    if len(params) == 1:
        ops.append(Op.remove("/Parameters"))
    else:
        ops.append(Op.remove("/Parameters/" + escape_token(uses.name)))
    return ops


_IFACE = "/Metadata/AWS::CloudFormation::Interface"


def _index_key(ref: Reference) -> tuple[Any, ...]:
    return tuple(int(t) if t.isdigit() else t for t in parse_pointer(ref.pointer))


def literal_uses(data: Any, value: str, skip: Iterable[str]) -> tuple[list[str], list[str]]:
    """Pointers of resource-property strings (outside ``skip``) equal to the literal ``value``:
    (where a dynamic reference can go, where it cannot — a custom resource)."""
    skipped = set(skip)
    found: tuple[list[str], list[str]] = ([], [])
    for res_id, body in section(data, "Resources").items():
        if not isinstance(body, dict) or not isinstance(body.get("Properties"), dict):
            continue
        base = "/Resources/" + escape_token(res_id) + "/Properties"
        for pointer, text in _strings(body["Properties"], base):
            if text == value and pointer not in skipped:
                found[0 if in_properties(data, pointer) else 1].append(pointer)
    return found


def _strings(value: Any, pointer: str) -> Iterable[tuple[str, str]]:
    stack: list[tuple[str, Any]] = [(pointer, value)]
    while stack:
        at, node = stack.pop()
        if isinstance(node, str):
            yield at, node
        elif isinstance(node, dict):
            stack.extend((f"{at}/{escape_token(str(k))}", v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((f"{at}/{i}", v) for i, v in reversed(list(enumerate(node))))
