"""Atomic in-place writes: the file holds either the old text or the new, never a mix.

The new text goes to a temporary file in the same folder as the target (so the final
rename stays on one file system), is flushed and fsynced, gets the target's owner and
group (where allowed: as root, or the group for its owner), permission bits and extended
attributes (ACLs, SELinux labels, where the platform allows), and then replaces the
target with ``os.replace`` (an atomic rename on POSIX and Windows); the folder is fsynced
afterwards so the rename itself survives a crash. A symlink is followed: its target is rewritten and the link stays a link.

The replaced file is a new inode: other hard links to the old one keep the old content.

Refused before anything is written (:class:`~cfnfix.errors.WriteError`): a file without
write permission (even for root, whose ``os.access`` always says yes, a file with no write
bit is left alone), and a file whose content changed since it was read (a **conflict**).
Any failure on the way (disk full, permission denied on the folder, …) removes the temporary
file and leaves the original untouched. If the process is killed mid-way, the original is
intact and at worst a ``.<name>.*.cfnfix-tmp`` file is left next to it.

**Concurrent writers.** The comparison with the text that was read and the rename happen
under an advisory lock (``flock``) on the file being replaced, so two cfnfix processes that
fix the same file never both replace the text they read: the second one finds the first
one's text, reports a conflict and writes nothing. Once the lock is held, the file at the
path must still be the inode that was locked (another writer may have renamed a new one
over it meanwhile; then the new one is locked instead). A lock held longer than
:data:`LOCK_TIMEOUT` seconds is a conflict too. Where ``flock`` does not exist (Windows) or
the file system refuses it, the comparison right before the rename is the only guard.
Writers that take no lock (an editor) are not held off by it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator

from ..errors import WriteError

__all__ = ["CONFLICT", "LOCK_TIMEOUT", "TEMP_SUFFIX", "write_text"]

TEMP_SUFFIX = ".cfnfix-tmp"
#: Seconds to wait for another process's lock on a file before giving up (a conflict).
LOCK_TIMEOUT = 30.0
#: How a conflict's reason starts (another writer changed the file since it was read).
CONFLICT = "not written (conflict)"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_text(path: str | os.PathLike[str], text: str, *, expected: str | None = None) -> None:
    """Replace the content of ``path`` with ``text`` (UTF-8, line endings as given), atomically.

    ``expected``: the text the file held when it was read; when the file now holds
    something else, nothing is written.
    """
    name = os.fspath(path)
    target = os.path.realpath(name)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(
            f"cannot write: the text cannot be saved as UTF-8 (lone surrogate at offset {exc.start})", file=name
        ) from None
    with _locked(target, name):
        _replace(target, name, data, expected)


def _replace(target: str, name: str, data: bytes, expected: str | None) -> None:
    """Check ``target`` (under the lock) and replace its content with ``data``."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        raise WriteError("cannot write: the file no longer exists", file=name) from None
    except OSError as exc:
        raise WriteError(f"cannot write: {_reason(exc)}", file=name) from None
    if not stat.S_ISREG(st.st_mode):
        raise WriteError("cannot write: not a regular file", file=name)
    if not (st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(target, os.W_OK):
        raise WriteError("cannot write: the file is read-only (permission denied)", file=name)
    if expected is not None:
        try:
            with open(target, "rb") as fh:
                current = fh.read()
        except OSError as exc:
            raise WriteError(f"cannot write: {_reason(exc)}", file=name) from None
        if current != expected.encode("utf-8"):
            raise WriteError(
                f"{CONFLICT}: the file changed while cfnfix was working on it (another process wrote it?); "
                "run cfnfix again",
                file=name,
            )
    folder = os.path.dirname(target) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise WriteError(
            f"cannot write: cannot create a temporary file in {folder}: {_reason(exc)}", file=name
        ) from None
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if hasattr(os, "chown"):
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, stat.S_IMODE(st.st_mode))  # after chown, which may clear setuid/setgid bits
        _copy_xattrs(target, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise WriteError(f"cannot write: {_reason(exc)}; the file is unchanged", file=name) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


@contextlib.contextmanager
def _locked(target: str, name: str) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file at ``target`` (the inode the path names when
    the lock is granted) for the duration; without ``flock``, or when it fails, no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            yield  # no such file, not readable …: the checks under "lock" say so
            return
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                yield  # the checks under "lock" refuse it
                return
            if not _lock(fd, fcntl, deadline):
                raise WriteError(
                    f"{CONFLICT}: another process has held a lock on the file for {LOCK_TIMEOUT:.0f} s", file=name
                )
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(target))
            except OSError:
                same = False
            if same:
                yield
                return
            # another writer replaced the file while we waited: lock the new one
        finally:
            with contextlib.suppress(OSError):
                os.close(fd)  # releases the lock


def _lock(fd: int, fcntl: object, deadline: float) -> bool:
    """Take an exclusive ``flock`` on ``fd``, waiting until ``deadline``; True also when the
    file system does not support locks (nothing to wait for)."""
    flock, exclusive, nonblocking = (
        fcntl.flock,  # type: ignore[attr-defined]
        fcntl.LOCK_EX,  # type: ignore[attr-defined]
        fcntl.LOCK_NB,  # type: ignore[attr-defined]
    )
    delay = 0.001
    while True:
        try:
            flock(fd, exclusive | nonblocking)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        except OSError:
            return True  # e.g. ENOLCK on some network file systems: the comparison still guards


def _copy_xattrs(source: str, dest: str) -> None:
    """Copy extended attributes (POSIX ACLs, SELinux labels, user attributes), best effort."""
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(source)
    except OSError:
        return
    for attr in names:
        with contextlib.suppress(OSError):
            os.setxattr(dest, attr, os.getxattr(source, attr))


def _fsync_folder(folder: str) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
