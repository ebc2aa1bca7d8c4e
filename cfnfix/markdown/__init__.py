"""CloudFormation templates inside Markdown: every fenced block that is a template, checked and
fixed on its own and written back inside its fence (see :mod:`cfnfix.markdown.run`).

>>> from cfnfix.markdown import fix_markdown
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_getattr
from .fences import Fence, fences
from .recognise import MARKDOWN_SUFFIXES, is_markdown_path, looks_like_markdown

#: Public name → the module of this package that defines it, imported on first use (PEP 562):
#: recognising a Markdown file (:mod:`.recognise`, asked for every file ``check`` reads) does
#: not load the check and fix of its blocks, nor the fix loop they use.
_EXPORTS: dict[str, str] = {
    "BlockError": "run",
    "ChangedBlock": "run",
    "MarkdownCheck": "run",
    "MarkdownFixResult": "run",
    "changed_blocks": "run",
    "check_markdown": "run",
    "fix_markdown": "run",
}

if TYPE_CHECKING:
    from .run import (
        BlockError,
        ChangedBlock,
        MarkdownCheck,
        MarkdownFixResult,
        changed_blocks,
        check_markdown,
        fix_markdown,
    )


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())


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


def __dir__() -> list[str]:
    return sorted(__all__)
