"""What a fix does to a deployed stack: added, removed, updated in place, replaced, may be
replaced or renamed, for each resource a patch touches, with the property that causes it.

Computed from data only: the patch, the template before it, and the create-only properties
of cfn-lint's bundled resource schemas (``cfnfix/data/resource_replacement.json``). See
``docs/deployed-stack-impact.md`` for the CloudFormation behaviour behind it.
"""

from __future__ import annotations

from typing import Any

from ..findings import ResourceChange, ResourceImpact

__all__ = ["ResourceChange", "ResourceImpact", "impact_of", "unsafe_reason", "with_impact"]


def __getattr__(name: str) -> Any:
    # the computation (and jsonpatch) loads only when a fix is assessed
    if name in ("impact_of", "unsafe_reason", "with_impact"):
        from . import compute, safety

        return getattr(compute, name, None) or getattr(safety, name)
    raise AttributeError(name)
