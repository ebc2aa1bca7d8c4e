"""Reading what cfnfix is given: templates (from files or standard input) and the small
text files besides them (configuration, patches).

A template is read with :func:`read_text` (files, FIFOs) or :func:`stdin_text`: UTF-8 (a BOM
kept), line endings as they are, at most :data:`MAX_TEMPLATE_BYTES`, and devices, sockets,
binary data and other encodings refused with a one-line error naming the file (and the
position of a bad byte). Configuration files and patches are small and only need one clear
error per way of failing (:func:`read_utf8`).
"""

from __future__ import annotations

import os
import stat
import sys

from ..errors import CfnfixError, ParseError, TemplateError

__all__ = [
    "MAX_BYTES",
    "MAX_TEMPLATE_BYTES",
    "STDIN",
    "decode_template",
    "read_text",
    "read_utf8",
    "stdin_text",
    "too_large",
]

#: Display name of standard input.
STDIN = "<stdin>"


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


#: Largest template read (bytes). CloudFormation itself accepts at most 1 MB (from S3);
#: anything far beyond is not a template, and an endless stream must not exhaust memory.
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_UTF16_32 = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a template file as text: UTF-8 (BOM allowed), line endings kept as they are.

    Regular files are read, and so are pipes (``cfnfix check <(cmd)``); a FIFO that no
    process writes to reads as empty instead of blocking. Devices, sockets and folders
    are refused, as is anything over :data:`MAX_TEMPLATE_BYTES`, binary data (NUL bytes)
    and text that is not UTF-8. Every failure is a :class:`~cfnfix.errors.TemplateError`
    naming the file.
    """
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO without a writer must not block (it reads as empty)
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(name):
            raise TemplateError(
                f"broken symbolic link: its target {os.readlink(name)!r} does not exist", file=name
            ) from None
        raise TemplateError("no such file", file=name) from None
    except IsADirectoryError:
        raise TemplateError("is a directory, not a template file", file=name) from None
    except PermissionError:
        raise TemplateError("permission denied: cannot read the file", file=name) from None
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    try:
        raw = _read_fd(fd, name)
    finally:
        os.close(fd)
    return decode_template(raw, name)


def _read_fd(fd: int, name: str) -> bytes:
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        raise TemplateError("is a directory, not a template file", file=name)
    if stat.S_ISFIFO(mode):
        os.set_blocking(fd, True)  # a writer is there (or none ever comes: end of file)
    elif not stat.S_ISREG(mode):
        raise TemplateError("not a regular file (a device or socket), not a template", file=name)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            if b"\x00" in chunk and not _utf16_32(chunks[0] if chunks else chunk):
                raise ParseError("binary file (contains NUL bytes), not a template", file=name)
            size += len(chunk)
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateError(too_large(), file=name)
            chunks.append(chunk)
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    return b"".join(chunks)


def too_large() -> str:
    """The reason given for input over :data:`MAX_TEMPLATE_BYTES`."""
    return f"larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB, not a template (CloudFormation accepts at most 1 MB)"


def _utf16_32(raw: bytes) -> str | None:
    for bom, encoding in _UTF16_32:
        if raw.startswith(bom):
            return encoding
    return None


def decode_template(raw: bytes, name: str) -> str:
    """Template bytes as text: UTF-8 (BOM allowed) or a :class:`~cfnfix.errors.ParseError` naming ``name``."""
    encoding = _utf16_32(raw)
    if encoding is not None:
        raise ParseError(f"{encoding} text: save the template as UTF-8 (CloudFormation reads UTF-8 only)", file=name)
    if b"\x00" in raw:
        raise ParseError("binary file (contains NUL bytes), not a template", file=name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ParseError(
            f"not UTF-8 text: invalid byte 0x{raw[exc.start]:02x}", file=name, line=line, column=col
        ) from None


def stdin_text() -> str:
    """Standard input as text (UTF-8; BOM and line endings kept), as :func:`read_text` reads files."""
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    raw = stream.read(MAX_TEMPLATE_BYTES + 1) if stream is not None else sys.stdin.read().encode("utf-8")
    if len(raw) > MAX_TEMPLATE_BYTES:
        raise TemplateError(too_large(), file=STDIN)
    return decode_template(raw, STDIN)
