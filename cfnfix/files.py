"""Reading the small text files cfnfix takes besides templates: configuration and patches.

Templates have their own reader (:func:`cfnfix.document.read_text`: devices, FIFOs, size
cap, positions of bad bytes); these files only need one clear error per way of failing.
"""

from __future__ import annotations

import os
import stat
import sys

from .errors import CfnfixError

#: The most a configuration file or a patch may hold (a template: 16 MB, see
#: :data:`cfnfix.document.MAX_TEMPLATE_BYTES`): a patch of every fix of a 1 MB template is far
#: smaller, and a configuration file is a few hundred bytes.
MAX_BYTES = 16 * 1024 * 1024


def read_utf8(
    path: str, *, error: type[CfnfixError], kind: str, source: str | None = None, limit: int = MAX_BYTES
) -> str:
    """The UTF-8 text of ``path`` (``-``: standard input; a BOM is dropped).

    Only regular files (and standard input) are read, and at most ``limit`` bytes: a device
    (``/dev/zero``), a FIFO (which may never be written to), a socket or an endless standard
    input is refused, not waited on or read without end. Every failure raises ``error``
    naming ``source`` (default ``path``) and saying what went wrong with the ``kind`` of file
    ("configuration file", "patch").
    """
    name = source or path
    try:
        if path == "-":
            if hasattr(sys.stdin, "buffer"):
                raw = sys.stdin.buffer.read(limit + 1)
            else:
                raw = sys.stdin.read(limit + 1).encode("utf-8")
        else:
            raw = _read_regular(path, name, error=error, kind=kind, limit=limit)
    except FileNotFoundError:
        raise error("no such file", file=name) from None
    except IsADirectoryError:
        raise error(f"is a directory, not a {kind}", file=name) from None
    except OSError as exc:
        raise error(f"cannot read the {kind}: {exc.strerror or exc}", file=name) from None
    if len(raw) > limit:
        raise error(f"larger than {limit // (1024 * 1024)} MB, not a {kind}", file=name)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"the {kind} is not UTF-8 text", file=name) from None


def _read_regular(path: str, name: str, *, error: type[CfnfixError], kind: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``; anything else is refused
    (opened without blocking, so a FIFO nobody writes to is refused at once)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(mode):
            what = "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise error(f"not a regular file ({what}), not a {kind}", file=name)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
