"""cfnfix: find what is broken in CloudFormation templates and fix it, changing nothing else.

>>> from cfnfix import check, fix, apply_patch

Names are imported on first use (PEP 562), so ``cfnfix --version`` and ``import cfnfix``
stay fast; ``from cfnfix import check`` works as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_getattr

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS: dict[str, str] = {
    "AnchoredEditError": "errors",
    "ArgumentError": "errors",
    "Applicability": "findings",
    "BlockError": "markdown",
    "CfnfixError": "errors",
    "ConfigError": "errors",
    "FailedFix": "fixing",
    "Finding": "findings",
    "Fix": "findings",
    "FixResult": "fixing",
    "LintRefusalError": "errors",
    "MarkdownFixResult": "markdown",
    "ParseError": "errors",
    "PatchConflictError": "errors",
    "PatchError": "errors",
    "PatchTestFailedError": "errors",
    "PatchVerificationError": "errors",
    "Related": "findings",
    "ResourceChange": "findings",
    "ResourceImpact": "findings",
    "Settings": "config",
    "Severity": "findings",
    "TemplateError": "errors",
    "TextEdit": "findings",
    "VerificationError": "errors",
    "WriteError": "errors",
    "apply_patch": "api",
    "check": "api",
    "fix": "api",
}

__all__ = [
    "AnchoredEditError",
    "Applicability",
    "ArgumentError",
    "BlockError",
    "CfnfixError",
    "ConfigError",
    "FailedFix",
    "Finding",
    "Fix",
    "FixResult",
    "LintRefusalError",
    "MarkdownFixResult",
    "ParseError",
    "PatchConflictError",
    "PatchError",
    "PatchTestFailedError",
    "PatchVerificationError",
    "Related",
    "ResourceChange",
    "ResourceImpact",
    "Settings",
    "Severity",
    "TemplateError",
    "TextEdit",
    "VerificationError",
    "WriteError",
    "__version__",
    "apply_patch",
    "check",
    "fix",
]

if TYPE_CHECKING:
    from .api import apply_patch, check, fix
    from .config import Settings
    from .errors import (
        AnchoredEditError,
        ArgumentError,
        CfnfixError,
        ConfigError,
        LintRefusalError,
        ParseError,
        PatchConflictError,
        PatchError,
        PatchTestFailedError,
        PatchVerificationError,
        TemplateError,
        VerificationError,
        WriteError,
    )
    from .findings import Applicability, Finding, Fix, Related, ResourceChange, ResourceImpact, Severity, TextEdit
    from .fixing import FailedFix, FixResult
    from .markdown import BlockError, MarkdownFixResult


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
