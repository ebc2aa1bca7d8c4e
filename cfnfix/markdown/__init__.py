"""CloudFormation templates inside Markdown: every fenced block that is a template, checked and
fixed on its own and written back inside its fence (see :mod:`cfnfix.markdown.run`).

>>> from cfnfix.markdown import fix_markdown
"""

from __future__ import annotations

from .fences import Fence, fences
from .recognise import MARKDOWN_SUFFIXES, is_markdown_path, looks_like_markdown
from .run import (
    BlockError,
    ChangedBlock,
    MarkdownCheck,
    MarkdownFixResult,
    changed_blocks,
    check_markdown,
    fix_markdown,
)

__all__ = [
    "MARKDOWN_SUFFIXES",
    "BlockError",
    "ChangedBlock",
    "Fence",
    "MarkdownCheck",
    "MarkdownFixResult",
    "changed_blocks",
    "check_markdown",
    "fences",
    "fix_markdown",
    "is_markdown_path",
    "looks_like_markdown",
]
