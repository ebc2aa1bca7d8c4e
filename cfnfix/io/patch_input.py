"""Reading an RFC 6902 patch document for ``cfnfix patch``."""

from __future__ import annotations

import json
import os
from typing import Any

from ..errors import PatchError
from .files import STDIN, read_utf8

__all__ = ["parse_patch", "read_patch"]


def parse_patch(text: str, *, source: str, for_file: str | None = None) -> list[dict[str, Any]]:
    """The operations in ``text``: a JSON array of operation objects, or an object mapping
    file names to such arrays (``cfnfix apply --patch`` output), from which the entry for
    ``for_file`` (or the only entry) is taken. Errors name ``source`` and the line/column."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatchError(f"invalid JSON patch: {exc.msg}", file=source, line=exc.lineno, column=exc.colno) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        raise PatchError(f"invalid JSON patch: {str(exc).split(';')[0]}", file=source) from None
    if isinstance(data, dict) and "op" in data:
        raise PatchError("a JSON patch must be an array of operations: put the operation in [ ]", file=source)
    if isinstance(data, dict):
        if for_file is not None and for_file in data:
            data = data[for_file]
        elif for_file is not None and os.path.normpath(for_file) in data:
            data = data[os.path.normpath(for_file)]
        elif len(data) == 1:
            (data,) = data.values()
        else:
            raise PatchError(
                f"the patch object has no entry for {for_file!r} (entries: {', '.join(map(repr, data)) or 'none'})",
                file=source,
            )
    if not isinstance(data, list):
        raise PatchError("a JSON patch must be an array of operations", file=source)
    for i, op in enumerate(data):
        if not isinstance(op, dict):
            raise PatchError(f"operation {i} is not an object", file=source)
        if not isinstance(op.get("op"), str) or not isinstance(op.get("path"), str):
            raise PatchError(f"operation {i} needs string members 'op' and 'path'", file=source)
    return data


def read_patch(path: str, *, for_file: str | None = None) -> list[dict[str, Any]]:
    """Read and parse a patch file (``-``: standard input)."""
    source = STDIN if path == "-" else path
    text = read_utf8(path, error=PatchError, kind="patch", source=source)
    return parse_patch(text, source=source, for_file=for_file)
