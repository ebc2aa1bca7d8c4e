"""Applicability follows from impact: a fix that may destroy a stateful resource's data is never safe."""

from __future__ import annotations

from typing import Any

from jsonpatch import JsonPatchException
from jsonpointer import JsonPointerException

from ..findings import Applicability, Finding, ResourceImpact
from .compute import impact_of


def unsafe_reason(impact: list[ResourceImpact]) -> str | None:
    """Why a fix with this impact cannot be safe (it replaces, may replace, renames without a
    refactor, or removes a resource that holds data), or None."""
    lost = [r for r in impact if r.destroys_data]
    if not lost:
        return None
    parts = [f"{r.logical_id} ({r.resource_type}) {r.change.value}, losing its {r.holds}" for r in lost]
    return "on a deployed stack " + "; ".join(parts)


def with_impact(finding: Finding, data: Any) -> Finding:
    """``finding`` with its fix's impact on a deployed stack computed from ``data`` (the
    template the fix applies to, read-only: a parsed document's data), and a safe fix made
    unsafe when that impact destroys data."""
    fix = finding.fix
    if fix is None or not fix.patch:
        return finding
    try:
        impact = impact_of(data, fix.patch, reuse=True)  # data: a parsed document's, read-only
    except (JsonPatchException, JsonPointerException, TypeError, KeyError, IndexError):
        return finding  # the patch does not apply: the fix loop drops it and says why
    update: dict[str, Any] = {"impact": impact}
    reason = unsafe_reason(impact)
    if reason is not None and fix.applicability is Applicability.SAFE:
        update["applicability"] = Applicability.UNSAFE
        update["unsafe_reason"] = reason
    return finding.model_copy(update={"fix": fix.model_copy(update=update)})
