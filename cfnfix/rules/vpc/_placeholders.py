"""Is this a real VPC, peering connection or account ID, or a placeholder someone forgot?

Real VPC and peering connection IDs are ``vpc-``/``pcx-`` plus 8 (older) or 17 lowercase
hexadecimal characters, random; account IDs are 12 digits. Placeholders are the values
that documentation and generators write instead: ``vpc-xxxxxxxx``, ``vpc-00000000``,
``vpc-12345678``, ``pcx-1a2b3c4d``, ``123456789012``.

Background: docs/cloudformation/vpc-peering.md.
"""

from __future__ import annotations

import re

_RESOURCE_ID = re.compile(r"^(vpc|pcx)-(.*)$", re.IGNORECASE | re.DOTALL)
_HEX = re.compile(r"^[0-9a-f]+$")
_RUN = "0123456789abcdef" * 3

#: Example suffixes from AWS documentation and generated templates.
_DOC_EXAMPLES = frozenset(
    {"1a2b3c4d", "a1b2c3d4", "abcd1234", "1234abcd", "abcdef01", "deadbeef", "111aaa22", "0a1b2c3d"}
)

#: Example account IDs (documentation, generators).
_EXAMPLE_ACCOUNTS = frozenset(
    {"123456789012", "012345678901", "210987654321", "111122223333", "444455556666", "777788889999", "098765432109"}
)

KIND_NAMES = {"vpc": "VPC ID", "pcx": "peering connection ID"}


def id_placeholder(value: str) -> str | None:
    """Why ``value`` (a ``vpc-``/``pcx-`` string) is a placeholder or malformed, or None.

    Values without one of those prefixes are not judged (None).
    """
    match = _RESOURCE_ID.match(value)
    if match is None:
        return None
    prefix, suffix = match.group(1), match.group(2)
    if re.search(r"[.:/\s]", suffix):
        return None  # a host name, ARN or sentence (vpc-flow-logs.amazonaws.com), not an ID
    kind = KIND_NAMES[prefix.lower()]
    if prefix != prefix.lower():
        return f"{value!r} is not a {kind}: the prefix must be lower case"
    if not suffix:
        return f"{value!r} is an empty {kind}"
    if not _HEX.match(suffix):
        return f"{value!r} is a placeholder, not a {kind} (not hexadecimal)"
    if len(set(suffix)) == 1:
        return f"{value!r} is a placeholder {kind} (one repeated character)"
    if len(suffix) >= 6 and suffix in _RUN:
        return f"{value!r} is a placeholder {kind} (a counting sequence)"
    if suffix in _DOC_EXAMPLES:
        return f"{value!r} is a placeholder {kind} (a documentation example)"
    if len(suffix) not in (8, 17):
        return f"{value!r} is not a well-formed {kind} (8 or 17 hexadecimal characters)"
    return None


def account_placeholder(value: str) -> str | None:
    """Why ``value`` is a placeholder or malformed AWS account ID, or None (also for values
    that are not meant as one, such as an empty string)."""
    if value == "":
        return None
    if not re.fullmatch(r"[0-9]{12}", value):
        if re.fullmatch(r"[0-9xX#*?<>_-]{8,}|<.*>|\{.*\}|[xX]+", value):
            return f"{value!r} is a placeholder, not an AWS account ID"
        return None
    if len(set(value)) == 1:
        return f"{value!r} is a placeholder account ID (one repeated digit)"
    if value in _EXAMPLE_ACCOUNTS or value in _RUN:
        return f"{value!r} is a placeholder account ID (a documentation example)"
    return None
