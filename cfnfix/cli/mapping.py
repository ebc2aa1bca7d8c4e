"""``cfnfix apply --refactor-mapping FILE --stack-name NAME``: where the stack-refactor mapping goes.

The path is checked before anything is written — not a symbolic link, not a folder or a
device, not one of the run's templates (by identity: a hard link or another spelling of an
input counts), in a folder that exists — and the mappings are computed (and their errors
found: an invalid stack name, renames in several templates) before any template is written.
The file is written only with ``--write`` and only when some resource needs a mapping; the
mappings then cover only the templates that were written.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import CfnfixError, WriteError

if TYPE_CHECKING:
    from ..batch.outcome import FileOutcome

__all__ = ["check_mapping_path", "mappings_of", "write_mapping"]


def check_mapping_path(path: str, inputs: Iterable[str] = ()) -> None:
    """Raise :class:`~cfnfix.errors.WriteError` (naming ``--refactor-mapping``) when the mapping
    cannot or must not be written at ``path``; ``inputs``: the run's template files."""

    def refuse(reason: str) -> WriteError:
        return WriteError(f"--refactor-mapping: {reason}", file=path)

    if path in ("", "-"):
        raise refuse("name a file")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise refuse(f"cannot use the file: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise refuse("is a symbolic link: cfnfix does not write through one (name its target)")
        if stat.S_ISDIR(st.st_mode):
            raise refuse("is a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise refuse("is not a regular file")
        for other in inputs:
            try:
                if os.path.samestat(st, os.stat(other)):
                    raise refuse(f"is a template of this run ({other}): the mapping would replace it")
            except OSError:
                continue
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise refuse(f"no such folder: {os.path.dirname(path) or '.'}")
    if not os.access(folder, os.W_OK):
        raise refuse(f"cannot write in {os.path.dirname(path) or '.'} (permission denied)")


def mappings_of(outcomes: Sequence[FileOutcome], stack_name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The mappings (and notes) of the renames in the changed templates of ``outcomes``;
    a :class:`~cfnfix.errors.CfnfixError` for an invalid stack name or renames in several templates."""
    from ..impact.refactor import mapping_for_run

    results = [(str(o.file), o.result.impact) for o in outcomes if o.result is not None and o.result.changed]
    try:
        return mapping_for_run(results, stack_name)
    except ValueError as exc:
        raise CfnfixError(f"--refactor-mapping: {exc}") from None


def write_mapping(path: str, mappings: list[dict[str, Any]], inputs: Iterable[str] = ()) -> None:
    """Write ``mappings`` to ``path`` (checked again first): a new file is created (never
    following a link), an existing one replaced atomically with its permissions kept."""
    from ..io.writer import write_text

    check_mapping_path(path, inputs)
    text = json.dumps(mappings, indent=2, ensure_ascii=False) + "\n"
    try:
        if os.path.lexists(path):
            write_text(path, text)
        else:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags, 0o666)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as exc:
        raise WriteError(f"--refactor-mapping: cannot write the file: {exc.strerror or exc}", file=path) from None
