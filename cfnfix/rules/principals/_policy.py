"""Reading and extending resource policies (bucket policies, key policies) in a template's plain data.

A statement's principal, actions and effect are read only where they are literals; anything
computed (``Fn::If``, a parameter) *may* grant what we look for, so the readers below treat it
as granting: a rule never reports a statement it cannot read as missing. Fixes append
statements to a policy's ``Statement`` list (turning a lone statement into a list) or
replace one principal; they never remove a statement or a condition.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token
from ...findings import Op, Operation
from ...template.model import Resource, getatt_target, literal, ref_target, resource_map
from ...template.naming import NameAllocator

#: The policy language version every added document states.
VERSION = "2012-10-17"


@dataclass(frozen=True)
class Statement:
    """One statement of a policy document and its JSON Pointer."""

    body: dict[str, Any]
    pointer: str

    @property
    def allows(self) -> bool:
        """True unless the statement is a literal ``Deny`` (a computed effect may allow)."""
        return literal(self.body.get("Effect")) != "Deny"

    def principal_values(self, key: str) -> list[Any] | None:
        """The values under ``Principal.<key>`` (``Service``, ``AWS``) as a list; None when the
        principal is computed or ``*`` (it may be anyone)."""
        principal = self.body.get("Principal")
        if principal == "*" or not isinstance(principal, dict):
            return None
        if any(not isinstance(k, str) or k.startswith("Fn::") or k == "Ref" for k in principal):
            return None
        value = principal.get(key)
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    def grants(self, action: str) -> bool:
        """True when the statement may allow ``action`` (``s3:PutObject``): a literal action or
        wildcard covers it, or the actions are computed."""
        if not self.allows or "Action" not in self.body:
            return False
        actions = self.body["Action"]
        items = actions if isinstance(actions, list) else [actions]
        for item in items:
            text = literal(item)
            if text is None or fnmatch.fnmatchcase(action.lower(), text.lower()):
                return True
        return False


def policy_document(res: Resource, prop: str) -> tuple[dict[str, Any], str] | None:
    """The policy document under ``prop`` (``PolicyDocument``, ``KeyPolicy``) and its pointer, when it is a mapping."""
    document = res.props.get(prop)
    if not isinstance(document, dict):
        return None
    return document, res.prop_pointer(prop)


def statements(document: dict[str, Any], pointer: str) -> list[Statement] | None:
    """The statements of a document (a lone statement counts as one); None when ``Statement`` is computed."""
    value = document.get("Statement")
    if isinstance(value, dict) and not any(k.startswith("Fn::") for k in value):
        return [Statement(value, f"{pointer}/Statement")]
    if not isinstance(value, list):
        return None
    found = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or any(k.startswith("Fn::") for k in item):
            return None
        found.append(Statement(item, f"{pointer}/Statement/{i}"))
    return found


def append_statements(document: dict[str, Any], pointer: str, new: list[dict[str, Any]]) -> list[Operation]:
    """Operations that append ``new`` to the document's statements (a lone statement becomes a list)."""
    path = f"{pointer}/Statement"
    value = document.get("Statement")
    if isinstance(value, list):
        return [Op.add(f"{path}/-", item) for item in new]
    return [Op.test(path, value), Op.replace(path, [value, *new])]


def service_is(value: Any, service: str) -> bool:
    """True when a principal value is ``service`` (literal, or built with ``${AWS::URLSuffix}``)."""
    text = literal(value)
    if text is None and isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text = value["Fn::Sub"].replace("${AWS::URLSuffix}", "amazonaws.com")
    return text == service


def computed(value: Any) -> bool:
    """True when a principal value is not a literal (it may be anything)."""
    return literal(value) is None


def names_resource(value: Any, data: Any, *types: str) -> Resource | None:
    """The resource of ``types`` that ``value`` names: ``Ref X``, ``Fn::GetAtt X.Arn`` or ``${X}``/``${X.Arn}`` in ``Fn::Sub``."""
    name = ref_target(value)
    if name is None:
        getatt = getatt_target(value)
        if getatt is not None and getatt[1] == "Arn":
            name = getatt[0]
    if name is None and isinstance(value, dict) and isinstance(value.get("Fn::Sub"), str):
        text: str = value["Fn::Sub"].strip()
        if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
            inner = text[2:-1].strip()
            inner = inner[: -len(".Arn")] if inner.endswith(".Arn") else inner
            name = inner if "." not in inner else None
    res = resource_map(data).get(name) if name else None
    return res if res is not None and (not types or res.type in types) else None


def sub_name(value: Any) -> tuple[str, dict[str, Any]] | None:
    """How a name-valued expression reads inside a ``Fn::Sub`` string: ``${X}`` for ``Ref X``, the
    text for a literal, else a ``${Name}`` variable bound in the returned map; None for a boolean."""
    if isinstance(value, bool):
        return None
    name = ref_target(value)
    if name is not None:
        return "${" + name + "}", {}
    text = literal(value)
    if text is not None:
        return text.replace("${", "${!"), {}
    return "${Name}", {"Name": value}


def sub(template: str, variables: dict[str, Any]) -> Any:
    """``{"Fn::Sub": template}``, with the variable map when there is one."""
    return {"Fn::Sub": [template, variables]} if variables else {"Fn::Sub": template}


def prefix_text(prefix: Any) -> str | None:
    """A literal key prefix as it appears in an object key (``logs/`` for ``logs``), ``""`` for none;
    None when the prefix is computed."""
    if prefix is None:
        return ""
    text = literal(prefix)
    if text is None or isinstance(prefix, bool):
        return None
    text = text.strip("/")
    return f"{text}/" if text else ""


def add_resource_ops(data: Any, name: str, body: dict[str, Any]) -> list[Operation]:
    """Operations that add one resource."""
    return [Op.add(f"/Resources/{escape_token(name)}", body)]


def section_entry_ops(data: Any, section_name: str, name: str, value: Any) -> list[Operation]:
    """Operations that add ``name`` to a top-level section (creating the section when absent)."""
    if isinstance(data, dict) and isinstance(data.get(section_name), dict):
        return [Op.add(f"/{section_name}/{escape_token(name)}", value)]
    return [Op.add(f"/{section_name}", {name: value})]


def iter_policy_statements(policies: list[Resource], prop: str) -> Iterator[Statement] | None:
    """Every statement of ``policies``; None when one of them cannot be read (computed)."""
    found: list[Statement] = []
    for res in policies:
        doc = policy_document(res, prop)
        items = statements(*doc) if doc is not None else None
        if items is None:
            return None
        found.extend(items)
    return iter(found)


def sids(items: list[Statement]) -> set[str]:
    return {s.body["Sid"] for s in items if isinstance(s.body.get("Sid"), str)}


def with_sids(new: list[dict[str, Any]], taken: set[str]) -> list[dict[str, Any]]:
    """``new`` with each ``Sid`` made unique against ``taken`` (``Name``, ``Name2`` …), in place order kept."""
    out = []
    used = set(taken)
    for item in new:
        sid = item.get("Sid")
        if isinstance(sid, str):
            base, n = sid, 2
            while sid in used:
                sid, n = f"{base}{n}", n + 1
            used.add(sid)
            item = {"Sid": sid, **{k: v for k, v in item.items() if k != "Sid"}}
        out.append(item)
    return out


def add_to_bucket_policy(
    data: Any, bucket: Any, bucket_res: Resource | None, policies: list[Resource], new: list[dict[str, Any]]
) -> tuple[list[Operation], str] | None:
    """Operations that put ``new`` statements into the bucket's first readable policy, or into a new
    ``AWS::S3::BucketPolicy`` when the template has none for a bucket it declares; with where they go.
    None when neither is possible."""
    for policy in policies:
        doc = policy_document(policy, "PolicyDocument")
        items = statements(*doc) if doc is not None else None
        if doc is None or items is None:
            continue
        return append_statements(doc[0], doc[1], with_sids(new, sids(items))), f"to {policy.id}"
    if policies or bucket_res is None:
        return None
    name = NameAllocator(data).allocate(f"{bucket_res.id}Policy")
    body = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": bucket, "PolicyDocument": {"Version": VERSION, "Statement": with_sids(new, set())}},
    }
    return add_resource_ops(data, name, body), f"in a new bucket policy {name}"


def may_grant_service(stmt: Statement, service: str, action: str) -> bool:
    """True when a statement may allow ``action`` to the service principal ``service``
    (its principal names it, is ``*``, or is computed)."""
    if not stmt.grants(action):
        return False
    services = stmt.principal_values("Service")
    if services is None:
        return True
    aws = stmt.principal_values("AWS") or []
    if any(computed(v) or v == "*" for v in aws):
        return True
    return any(computed(v) or service_is(v, service) for v in services)


def names_service(stmt: Statement, service: str) -> bool:
    """True when the statement's principal names ``service`` literally."""
    return any(service_is(v, service) for v in stmt.principal_values("Service") or [])


def bucket_arn(bucket: Any, path: str = "") -> Any:
    """``arn:${AWS::Partition}:s3:::<bucket><path>`` as a ``Fn::Sub`` (None for a bucket that cannot be named)."""
    name = sub_name(bucket)
    if name is None:
        return None
    text, variables = name
    return sub(f"arn:${{AWS::Partition}}:s3:::{text}{path}", variables)
