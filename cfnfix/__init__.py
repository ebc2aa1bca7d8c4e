"""cfnfix: find what is broken in CloudFormation templates and fix it, changing nothing else.

>>> from cfnfix import check, fix, apply_patch
"""

from __future__ import annotations

from .api import FailedFix, FixResult, check, fix
from .config import Settings
from .errors import (
    CfnfixError,
    ConfigError,
    ParseError,
    PatchConflictError,
    PatchError,
    PatchTestFailedError,
    TemplateError,
    VerificationError,
)
from .findings import Applicability, Finding, Fix, Severity
from .patch import apply_patch

__version__ = "0.1.0"

__all__ = [
    "Applicability",
    "CfnfixError",
    "ConfigError",
    "FailedFix",
    "Finding",
    "Fix",
    "FixResult",
    "ParseError",
    "PatchConflictError",
    "PatchError",
    "PatchTestFailedError",
    "Settings",
    "Severity",
    "TemplateError",
    "VerificationError",
    "__version__",
    "apply_patch",
    "check",
    "fix",
]
