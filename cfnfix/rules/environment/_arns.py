"""ARNs written in a template's text, and the fields of them that are literal.

An ARN is ``arn:<partition>:<service>:<region>:<account>:<resource>``; in a ``Fn::Sub``
template any field may be a ``${…}`` token instead (``${AWS::Region}``). Only the fields
written literally are offered for rewriting (docs/cloudformation/environment.md, "ARNs").

Where ARNs are looked for: the ``Properties`` of every resource and every output's value and
export name. Left out: ``Principal``, ``NotPrincipal`` and ``Condition`` blocks of policies
(who may act, and under which condition, is not this family's to change), and resources of
global services that must name ``us-east-1`` whatever the stack's Region
(:data:`GLOBAL_TYPES`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token
from ...findings import Operation
from ...template.kept import KeptByIdentity
from ...template.model import Resource, resources, section
from ...template.subtext import Text, substituted, texts

#: Resource types whose ARNs name us-east-1 by design: CloudFront takes its certificate,
#: Lambda@Edge functions and web ACL from us-east-1 (environment.md, "Global services").
GLOBAL_TYPES = ("AWS::CloudFront::", "AWS::Route53::", "AWS::GlobalAccelerator::")

#: Keys whose values are not rewritten (policy principals and conditions).
SKIPPED = frozenset({"Principal", "NotPrincipal", "Condition"})

_TOKEN = r"\$\{[^}]*\}"
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z0-9]+)*|" + _TOKEN + r"):"
    r"(?P<service>[a-z0-9-]+|" + _TOKEN + r"):"
    r"(?P<region>[a-z0-9-]*|" + _TOKEN + r")(?=:|$)"
    r"(?::(?P<account>[0-9]{12}|aws|" + _TOKEN + r"|)(?=:|$))?"
)
"""An ARN's first fields; the text may end after the Region or account field (a ``Fn::Join`` part)."""


@dataclass(frozen=True)
class ArnField:
    """One field of one ARN in one string: ``value`` spans ``[start, end)`` of ``text.value``."""

    resource: Resource | None
    text: Text
    field: str
    value: str
    start: int
    end: int
    service: str
    resource_part: str

    @property
    def literal(self) -> bool:
        """True when the field is written as text (not a ``${…}`` token)."""
        return bool(self.value) and not self.value.startswith("${")


def global_type(resource_type: str) -> bool:
    """True for the resource types of :data:`GLOBAL_TYPES`."""
    return resource_type.startswith(GLOBAL_TYPES)


def arn_texts(data: Any, *, global_types: bool = False) -> Iterator[tuple[Resource | None, Text]]:
    """Every string where ARNs are looked for (see module doc), with its resource (None: an
    output); resources of :data:`GLOBAL_TYPES` only with ``global_types``."""
    for res in resources(data):
        if global_type(res.type) and not global_types:
            continue
        props = res.body.get("Properties")
        if props is not None:
            for text in texts(props, f"{res.pointer}/Properties", skip=SKIPPED, needle="arn:"):
                yield res, text
    for name, out in section(data, "Outputs").items():
        if isinstance(out, dict):
            base = f"/Outputs/{escape_token(name)}"
            yield from ((None, t) for t in texts(out.get("Value"), f"{base}/Value", needle="arn:"))
            export = out.get("Export")
            if isinstance(export, dict):
                yield from ((None, t) for t in texts(export.get("Name"), f"{base}/Export/Name", needle="arn:"))


_FIELDS: KeptByIdentity[list[tuple[Resource | None, Text, re.Match[str]]]] = KeptByIdentity(8)


def _matches(data: Any, global_types: bool) -> list[tuple[Resource | None, Text, re.Match[str]]]:
    """Every ARN match of the template's text, kept while ``data`` is the same object."""
    kept = _FIELDS.get(global_types, data)
    if kept is None:
        found = [
            (res, text, m)
            for res, text in arn_texts(data, global_types=global_types)
            for m in _ARN.finditer(text.value)
        ]
        kept = _FIELDS.put(global_types, data, found)
    return kept


def arn_fields(data: Any, field: str, *, global_types: bool = False) -> Iterator[ArnField]:
    """The ``field`` (``partition``, ``region`` or ``account``) of every ARN in the template's text."""
    for res, text, m in _matches(data, global_types):
        tail = text.value[m.end() :].lstrip(":")
        yield ArnField(
            resource=res,
            text=text,
            field=field,
            value=m.group(field) or "",
            start=max(m.start(field), 0),
            end=max(m.end(field), 0),
            service=m.group("service"),
            resource_part=re.split(r"[\s\"',]", tail, maxsplit=1)[0],
        )


def where(f: ArnField) -> str:
    """Where a field is, for messages: ``Role`` or ``output Url``."""
    if f.resource is not None:
        return f.resource.id
    return "output " + f.text.pointer.split("/")[2]


def grouped(fields: list[ArnField]) -> dict[str, list[ArnField]]:
    """Fields by the string that holds them (one rewrite per string), in template order."""
    out: dict[str, list[ArnField]] = {}
    for f in fields:
        out.setdefault(f.text.pointer, []).append(f)
    return out


def rewrite(fields: list[ArnField], variable: str) -> Operation | None:
    """The operation that writes ``${variable}`` for each field (all in one string); None when
    the string cannot be rewritten exactly (see :func:`~cfnfix.template.subtext.substituted`)."""
    return substituted(fields[0].text, [(f.start, f.end, "${" + variable + "}") for f in fields])
