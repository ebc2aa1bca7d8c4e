"""Writing the fixed files of a run in place (``cfnfix apply --write``)."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import CfnfixError
from ..io.files import STDIN
from .outcome import FileOutcome

__all__ = ["write_fixed"]


def write_fixed(outcomes: Iterable[FileOutcome]) -> None:
    """Write each fixed file in place, atomically (standard input is left to the caller).

    A file that cannot be written gets the error, loses its findings and its result (it
    was not fixed), and is left as it was.
    """
    from ..io.writer import write_text

    for o in outcomes:
        result = o.result
        if result is None or not result.changed or o.file == STDIN:
            continue
        try:
            write_text(o.file, result.text, expected=result.original)
        except CfnfixError as exc:
            o.error = exc
            o.findings = []
            o.result = None
