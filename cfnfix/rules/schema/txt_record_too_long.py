"""CFX707 txt-record-too-long: a Route 53 TXT value with a string over 255 characters (E3023)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.model import resources
from ..base import RuleContext
from ._base import NEEDS, SchemaRule

#: The longest character-string a DNS TXT record holds (RFC 1035 §3.3).
LIMIT = 255
_VALID = re.compile(r'^("[^"]{1,255}" *)*"[^"]{1,255}"$')
_QUOTED = re.compile(r'^(?:"[^"\\]*" *)+$')


class TxtRecordTooLong(SchemaRule):
    """A TXT record value longer than one DNS character-string allows."""

    id = "CFX707"
    name = "txt-record-too-long"
    severity = Severity.CRITICAL
    summary = "TXT record string over 255 characters: split into quoted chunks"
    doc_url = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/ResourceRecordTypes.html#TXTFormat"
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E3023",)
    root_cause = "A long TXT value (a DKIM key, an SPF list) was written as one string."
    deployment_impact = "Route 53 rejects the record set: one character-string holds at most 255 characters."
    explanation = (
        """\
## What
A `TXT` record of an `AWS::Route53::RecordSet` (or of a `RecordSets` item of an
`AWS::Route53::RecordSetGroup`) whose value is, or contains, a string longer than 255
characters (cfn-lint's E3023).
"""
        + NEEDS
        + """
## Why
DNS stores TXT data as character-strings of at most 255 bytes each (RFC 1035 §3.3), and
Route 53 wants each one in double quotes: it rejects the record set (cfn-lint's E3023).

## Fix
The long string is cut into quoted chunks of 255 characters separated by a space
(`"…255…" "…rest…"`), **safe**: resolvers join the chunks of one record back into one
value (DKIM and SPF read it so). Values holding escaped quotes or intrinsic functions are
left alone.

## Fix safety
**Safe**: resolvers join the chunks of one record back into one value (DKIM and SPF read it
so).
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per TXT value with an over-long string."""
        for res in resources(ctx.data):
            if res.type == "AWS::Route53::RecordSet":
                yield from self._record(ctx, res.id, res.props, f"{res.pointer}/Properties")
            elif res.type == "AWS::Route53::RecordSetGroup" and isinstance(res.props.get("RecordSets"), list):
                for i, item in enumerate(res.props["RecordSets"]):
                    if isinstance(item, dict):
                        yield from self._record(ctx, res.id, item, f"{res.pointer}/Properties/RecordSets/{i}")

    def _record(self, ctx: RuleContext, rid: str, props: dict[str, Any], pointer: str) -> Iterator[Finding]:
        records = props.get("ResourceRecords")
        if props.get("Type") != "TXT" or not isinstance(records, list):
            return
        for i, value in enumerate(records):
            if not isinstance(value, str) or _VALID.match(value):
                continue
            fixed = split(value)
            if fixed is None:
                continue
            here = f"{pointer}/ResourceRecords/{i}"
            fix = Fix.safe("Split the value into quoted strings of at most 255 characters", [Op.replace(here, fixed)])
            yield self.finding(ctx, here, f"{rid}: TXT value has a string over {LIMIT} characters", fix=fix)


def split(value: str) -> str | None:
    """``value`` as quoted chunks of at most 255 characters, or None when it is not over-long text."""
    if _QUOTED.match(value):
        parts = re.findall(r'"([^"]*)"', value)
    elif '"' not in value and "\\" not in value:
        parts = [value]
    else:
        return None
    if not any(len(p) > LIMIT for p in parts) or any(not p for p in parts):
        return None
    chunks = [p[i : i + LIMIT] for p in parts for i in range(0, len(p), LIMIT)]
    return " ".join(f'"{c}"' for c in chunks)
