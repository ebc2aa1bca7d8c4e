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
from ...template.model import Resource, resources, section
from ...template.subtext import Text, texts

#: Resource types whose ARNs name us-east-1 by design: CloudFront takes its certificate,
#: Lambda@Edge functions and web ACL from us-east-1 (environment.md, "Global services").
GLOBAL_TYPES = ("AWS::CloudFront::", "AWS::Route53::", "AWS::GlobalAccelerator::")

#: Keys whose values are not rewritten (policy principals and conditions).
SKIPPED = frozenset({"Principal", "NotPrincipal", "Condition"})

_TOKEN = r"\$\{[^}]*\}"
_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z0-9]+)*|" + _TOKEN + r"):"
    r"(?P<service>[a-z0-9-]+|" + _TOKEN + r"):"
    r"(?P<region>[a-z0-9-]*|" + _TOKEN + r"):"
    r"(?P<account>[0-9]{12}|aws|" + _TOKEN + r"|):"
)


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


def arn_texts(data: Any) -> Iterator[tuple[Resource | None, Text]]:
    """Every string where ARNs are looked for (see module doc), with its resource (None: an output)."""
    for res in resources(data):
        if global_type(res.type):
            continue
        props = res.body.get("Properties")
        if props is not None:
            for text in texts(props, f"{res.pointer}/Properties", skip=SKIPPED):
                yield res, text
    for name, out in section(data, "Outputs").items():
        if isinstance(out, dict):
            base = f"/Outputs/{escape_token(name)}"
            yield from ((None, t) for t in texts(out.get("Value"), f"{base}/Value"))
            export = out.get("Export")
            if isinstance(export, dict):
                yield from ((None, t) for t in texts(export.get("Name"), f"{base}/Export/Name"))


def arn_fields(data: Any, field: str) -> Iterator[ArnField]:
    """The ``field`` (``partition``, ``region`` or ``account``) of every ARN in the template's text."""
    for res, text in arn_texts(data):
        if "arn:" not in text.value:
            continue
        for m in _ARN.finditer(text.value):
            tail = text.value[m.end() :]
            yield ArnField(
                resource=res,
                text=text,
                field=field,
                value=m.group(field),
                start=m.start(field),
                end=m.end(field),
                service=m.group("service"),
                resource_part=re.split(r"[\s\"',]", tail, maxsplit=1)[0],
            )
