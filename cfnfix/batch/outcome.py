"""What happened to one file: the type the reporters read (:class:`FileOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import CfnfixError
from ..findings import Finding
from ..io.files import STDIN

if TYPE_CHECKING:
    from ..fixing import FixResult

__all__ = ["STDIN", "FileOutcome", "with_part_errors"]


@dataclass
class FileOutcome:
    """What happened to one file."""

    file: str
    text: str | None = None
    """The text read (None when it could not be read)."""
    findings: list[Finding] = field(default_factory=list)
    """``check``: the findings; ``fix``: the findings that remain after fixing."""
    result: FixResult | None = None
    """``fix`` only: the fix result."""
    error: CfnfixError | None = None
    skipped: bool = False
    """True when the file was left out: not a CloudFormation template, or a walk does not follow the link to it."""
    skip_reason: str | None = None
    """Why a file is skipped, when the user should be told (a file named explicitly that is not a
    template, a link out of a walked folder): a ``note:`` line. None for the quiet skips of a walk."""
    unsafe: bool = False
    """True when unsafe fixes were on for this file (flag or configuration)."""
    notes: list[str] = field(default_factory=list)
    """One-line notes for stderr (``--verify``: errors the fix unmasked)."""
    part_errors: list[CfnfixError] = field(default_factory=list)
    """Errors in parts of the file that did not stop the rest (a Markdown fence that does not
    parse, or whose fix is refused: it is left as it was, the other fences are checked and fixed)."""

    @property
    def checked(self) -> bool:
        """True when the file was checked (not skipped, no error)."""
        return not self.skipped and self.error is None


def with_part_errors(outcomes: list[FileOutcome]) -> list[FileOutcome]:
    """``outcomes`` with an error outcome after each file for each of its :attr:`~FileOutcome.part_errors`,
    so every reporter (and the exit code) shows them as errors, while the file's own outcome
    keeps its findings and its fixes (they are written)."""
    if not any(o.part_errors for o in outcomes):
        return outcomes
    out: list[FileOutcome] = []
    for o in outcomes:
        out.append(o)
        out.extend(FileOutcome(o.file, error=e) for e in o.part_errors)
    return out
