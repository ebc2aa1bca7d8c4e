"""What happened to one file: the type the reporters read (:class:`FileOutcome`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import CfnfixError
from ..findings import Finding
from ..io.files import STDIN

if TYPE_CHECKING:
    from ..fixing import FixResult

__all__ = ["STDIN", "FileOutcome"]


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
    """True when the file is not a CloudFormation template and was left out."""
    unsafe: bool = False
    """True when unsafe fixes were on for this file (flag or configuration)."""
    notes: list[str] = field(default_factory=list)
    """One-line notes for stderr (``--verify``: errors the fix unmasked)."""

    @property
    def checked(self) -> bool:
        """True when the file was checked (not skipped, no error)."""
        return not self.skipped and self.error is None
