"""Comments written as template entries: ``"/* ===== NETWORKING ===== */": {}``.

JSON has no comments, so templates sometimes label their parts with keys that read as
comments. Such an entry is not a logical ID: the hygiene rule CFX802 removes it, and the
rename of invalid names (CFX101) leaves it alone.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["is_comment_entry", "is_comment_key", "is_empty"]

#: A key that is a comment, not a name: ``/* … */``, ``// …``, ``# …``, or a run of
#: decoration (``===== NETWORKING =====``, ``---- storage ----``).
_COMMENT_KEY = re.compile(r"^\s*(?:/\*.*\*/|//.*|#.*|[-=*#~_+]{3,}.*)\s*$", re.DOTALL)


def is_comment_key(key: str) -> bool:
    """True when ``key`` reads as a comment (see :data:`_COMMENT_KEY`)."""
    return _COMMENT_KEY.match(key) is not None


def is_empty(value: Any) -> bool:
    """True for a value that carries no data: ``{}``, ``[]``, ``""``, null."""
    return value is None or value == {} or value == [] or (isinstance(value, str) and not value.strip())


def is_comment_entry(key: str, value: Any) -> bool:
    """A comment written as an entry (``"/* NETWORKING */": {}``): a comment key whose value is
    empty or a plain string (the note). Anything else under such a key is left to other rules."""
    return is_comment_key(key) and (is_empty(value) or isinstance(value, str))
