"""Findings and fixes: what a rule reports and the JSON Patch that repairs it."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .impact.model import ResourceImpact


class Severity(str, Enum):
    """How bad a finding is. ``critical``: CloudFormation rejects the template or the stack
    cannot be created/deleted; ``high``: deployment or runtime failure likely; ``medium``:
    lifecycle or cost risk; ``low``: hygiene."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for low (sort key)."""
        return ["critical", "high", "medium", "low"].index(self.value)


class Applicability(str, Enum):
    """Whether a fix is applied automatically (as in ruff).

    ``safe``: keeps the template's intent, applied by ``cfnfix apply``; ``unsafe``: changes
    behaviour or needs review, applied only with ``--unsafe-fixes``; ``none``: shown, never
    applied (display only)."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"


class Fix(BaseModel):
    """A repair: RFC 6902 operations on the template's plain data, and how safe they are."""

    model_config = ConfigDict(frozen=True)

    applicability: Applicability
    message: str = Field(description="One line saying what the fix does.")
    patch: list[dict[str, Any]] = Field(description="RFC 6902 JSON Patch operations.")
    impact: list[ResourceImpact] = Field(
        default_factory=list,
        description="What the fix does to a deployed stack, per resource it touches (computed by "
        "cfnfix.impact from the patch and the resource schemas; empty for a fix without a patch).",
    )
    unsafe_reason: str | None = Field(
        None, description="Why a fix its rule calls safe is unsafe: its impact destroys a stateful resource's data."
    )


class Finding(BaseModel):
    """One problem a rule found at one place of one template."""

    model_config = ConfigDict(frozen=True)

    rule_id: str = Field(description="Stable rule id, e.g. CFX101.")
    rule_name: str = Field(description="Stable kebab-case rule name.")
    severity: Severity
    path: str = Field(description="JSON Pointer into the template's plain (long-form) data.")
    line: int = Field(ge=1, description="1-based line of the node the finding points at.")
    column: int = Field(ge=1, description="1-based column of that node.")
    message: str
    doc_url: str
    file: str | None = None
    fix: Fix | None = None

    @property
    def fixable(self) -> bool:
        """True when the finding carries a fix that can be applied (safe or unsafe)."""
        return self.fix is not None and self.fix.applicability is not Applicability.NONE

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, position, then rule id."""
        return (self.file or "", self.line, self.column, self.rule_id)
