"""Reading the small text files cfnfix takes besides templates: configuration and patches.

Templates have their own reader (:func:`cfnfix.document.read_text`: devices, FIFOs, size
cap, positions of bad bytes); these files only need one clear error per way of failing.
"""

from __future__ import annotations

import sys

from .errors import CfnfixError


def read_utf8(path: str, *, error: type[CfnfixError], kind: str, source: str | None = None) -> str:
    """The UTF-8 text of ``path`` (``-``: standard input; a BOM is dropped).

    Every failure raises ``error`` naming ``source`` (default ``path``) and saying what
    went wrong with the ``kind`` of file ("configuration file", "patch").
    """
    name = source or path
    try:
        if path == "-":
            raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        else:
            with open(path, "rb") as fh:
                raw = fh.read()
    except FileNotFoundError:
        raise error("no such file", file=name) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {kind}", file=name) from None
    except OSError as exc:
        raise error(f"cannot read the {kind}: {exc.strerror or exc}", file=name) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"the {kind} is not UTF-8 text", file=name) from None
