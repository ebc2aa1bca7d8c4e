"""Which fenced blocks are templates, and positions, paths and edits from a block to its Markdown text.

A block is read as a template by the test a folder walk applies to a file (it was not named
on its own): its info string is empty or a template language (:data:`TEMPLATE_LANGUAGES`),
its text mentions ``Resources`` or ``AWSTemplateFormatVersion`` as a key, and it parses to a
mapping with ``AWSTemplateFormatVersion`` or a ``Resources`` mapping. A block that mentions
the keys but does not parse is an error at its position; any other block is not a template.

Pointers: a Markdown text is read as the list of its fenced blocks, so ``/1/Resources/Queue``
is ``/Resources/Queue`` of the second fence (counting every fence, template or not, from 0).
"""

from __future__ import annotations

from typing import Any

from ..document.text import LineIndex
from ..findings import Finding, Fix, Operation, Related, TextEdit
from .fences import Fence

__all__ = ["TEMPLATE_LANGUAGES", "BlockMap", "is_candidate"]

#: Info strings (first word, lower case) of fences that may hold a template; "" is a fence without one.
TEMPLATE_LANGUAGES = frozenset({"", "yaml", "yml", "json", "jsonc", "cloudformation", "cfn", "template"})


def is_candidate(fence: Fence) -> bool:
    """True when the fence's language and text may be a template (before any parse)."""
    from ..template.model import looks_like_template

    return fence.language in TEMPLATE_LANGUAGES and looks_like_template(fence.text)


class BlockMap:
    """Positions, pointers and offsets of one fence's template, translated to the Markdown text."""

    def __init__(self, fence: Fence, markdown: str, file: str | None) -> None:
        self.fence = fence
        self.file = file
        self.prefix = f"/{fence.index}"
        self._lines: LineIndex | None = None
        self._starts: list[int] | None = None
        self._markdown = markdown

    def position(self, line: int, column: int) -> tuple[int, int]:
        """The Markdown (line, column) of the template's 1-based (``line``, ``column``)."""
        return self.fence.position(line, column)

    def offset(self, offset: int) -> int:
        """The Markdown offset of the template's character ``offset``."""
        if self._lines is None:
            self._lines = LineIndex(self.fence.text)
            starts = [self.fence.start]
            pos = self.fence.start
            for written in self._markdown_lines():
                pos += len(written)
                starts.append(pos)
            self._starts = starts
        assert self._starts is not None
        line, column = self._lines.line_col(offset)
        index = min(line - 1, len(self.fence.removed) - 1)
        return self._starts[index] + self.fence.removed[index] + column - 1

    def _markdown_lines(self) -> list[str]:
        from ..document.text import split_lines

        return split_lines(self._markdown[self.fence.start : self.fence.end])

    def pointer(self, path: str) -> str:
        """``path`` of the template as a pointer into the Markdown text's list of blocks."""
        return self.prefix + path

    def operation(self, op: Operation) -> Operation:
        """An RFC 6902 operation on the template, addressed in the Markdown text."""
        out: dict[str, Any] = dict(op)
        out["path"] = self.pointer(op["path"])
        if "from" in op:
            out["from"] = self.pointer(op["from"])
        return out  # type: ignore[return-value]

    def patch(self, ops: list[Any]) -> list[Any]:
        """Every operation of ``ops`` addressed in the Markdown text."""
        return [self.operation(op) for op in ops]

    def finding(self, finding: Finding) -> Finding:
        """``finding`` of the template, placed in the Markdown text (line, column, pointer, file, fix, related)."""
        line, column = self.position(finding.line, finding.column)
        update: dict[str, Any] = {"line": line, "column": column, "path": self.pointer(finding.path), "file": self.file}
        if finding.fix is not None:
            update["fix"] = self._fix(finding.fix)
        if finding.related:
            update["related"] = tuple(self._related(r) for r in finding.related)
        return finding.model_copy(update=update)

    def _fix(self, fix: Fix) -> Fix:
        edits = tuple(TextEdit(start=self.offset(e.start), end=self.offset(e.end), new=e.new) for e in fix.edits)
        return fix.model_copy(update={"patch": self.patch(fix.patch), "edits": edits})

    def _related(self, related: Related) -> Related:
        line, column = self.position(related.line, related.column)
        return related.model_copy(update={"line": line, "column": column, "path": self.pointer(related.path)})
