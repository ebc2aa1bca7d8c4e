"""Check and fix every template of a Markdown text, each on its own, and put the fixed ones back.

Each fenced block that is a template (:mod:`cfnfix.markdown.blocks`) is checked and fixed as
a template file would be, with the same settings (suppression comments and Metadata work
inside it). Its findings, fixes and errors are then placed in the Markdown text: line and
column of the ``.md`` file, pointers ``/<fence index>/…``. A block that does not parse, or
whose fix is refused, is an error at its position and stays as it was; the other blocks are
fixed all the same. The fixed text of a block replaces its content only: every byte outside
the fences, and inside them outside the fix, stays as it was; lines of an indented fence
(in a list item) that the fix adds get the fence's indentation. The result is read again:
the same fences must come back, with the fixed templates in them, or the block is refused.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..checking import findings_for, load_template
from ..config import Settings
from ..document.text import split_lines
from ..errors import CfnfixError, ParseError, TemplateError
from ..findings import Finding
from ..fixing import FailedFix, FixResult, fix_text
from .blocks import BlockMap, is_candidate
from .fences import Fence, fences

__all__ = [
    "BlockError",
    "ChangedBlock",
    "MarkdownCheck",
    "MarkdownFixResult",
    "changed_blocks",
    "check_markdown",
    "fix_markdown",
    "splice",
]


class BlockError(BaseModel):
    """A fenced template that could not be checked or fixed (it is left as it was)."""

    model_config = ConfigDict(frozen=True)

    block: int = Field(description="Index of the fence (every fence of the text counts, from 0).")
    line: int | None = Field(description="1-based line in the Markdown text.")
    column: int | None = Field(description="1-based column in the Markdown text.")
    message: str = Field(description="One line: what is wrong.")

    def error(self, file: str | None) -> CfnfixError:
        """As a :class:`~cfnfix.errors.TemplateError` of ``file``."""
        return TemplateError(self.message, file=file, line=self.line, column=self.column)


class MarkdownCheck(BaseModel):
    """The findings of every template of a Markdown text."""

    model_config = ConfigDict(frozen=True)

    file: str | None = None
    findings: list[Finding] = Field(description="Findings placed in the Markdown text, by position.")
    errors: list[BlockError] = Field(default_factory=list, description="Templates that could not be checked.")
    templates: list[int] = Field(default_factory=list, description="Indexes of the fences read as templates.")


class MarkdownFixResult(FixResult):
    """:class:`~cfnfix.FixResult` of a Markdown text: ``original`` and ``text`` are the Markdown
    text; ``patch``, ``fixed``, ``remaining`` and ``failed`` gather every template's, with
    pointers ``/<fence index>/…`` and Markdown positions."""

    errors: list[BlockError] = Field(default_factory=list, description="Templates left alone, with the reason.")
    templates: list[int] = Field(default_factory=list, description="Indexes of the fences read as templates.")


@dataclass
class _Block:
    """One fence read as a template."""

    fence: Fence
    where: BlockMap
    findings: list[Finding] = field(default_factory=list)
    result: FixResult | None = None
    checked: list[Finding] | None = None
    """With ``checked``, the template's findings as ``check`` reports them (also when its fix failed)."""


def _error(where: BlockMap, exc: CfnfixError) -> BlockError:
    fence = where.fence
    if exc.line is not None:
        line, column = where.position(exc.line, exc.column or 1)
        col: int | None = column if exc.column is not None else None
    else:
        line, col = fence.line, fence.column
    lang = f"```{fence.language}" if fence.marker.startswith("`") else f"~~~{fence.language}"
    return BlockError(
        block=fence.index,
        line=line,
        column=col,
        message=f"{exc.reason} (the {lang} block of line {fence.line}, left as it is)",
    )


def _templates(
    markdown: str, file: str | None, settings: Settings, mode: Literal["check", "fix"], checked: bool = False
) -> tuple[list[_Block], list[BlockError]]:
    """Every fenced template, checked (``check``) or fixed (``fix``), and the errors of the others.

    ``checked`` (with ``fix``): each block's findings as ``check`` reports them come along
    (``_Block.checked``), the fix's first pass; a block whose fix fails is then returned too
    (without a result) when ``check`` would have reported it."""
    from ..document import detect_format, parse_cached
    from ..template.model import is_template

    blocks: list[_Block] = []
    errors: list[BlockError] = []
    for fence in fences(markdown):
        if not is_candidate(fence):
            continue
        where = BlockMap(fence, markdown, file)
        text = fence.text
        try:
            try:
                data = parse_cached(text, file, nodes=False)[2]
            except ParseError:
                data = None  # broken: the JSON repair may read it (then judged below), else the error
            if data is not None and not is_template(data):
                continue
            document = load_template(text, file, settings, nodes=mode == "fix" and detect_format(text) == "yaml")
            if not is_template(document.data):
                continue
            block = _Block(fence, where)
            if mode == "check":
                block.findings = findings_for(document, settings)
            else:
                try:
                    block.result = fix_text(text, file, settings, document, checked=checked)
                except (CfnfixError, RecursionError):
                    if checked:  # the fix failed, not the check: the block's findings are still reported
                        with contextlib.suppress(CfnfixError, RecursionError):
                            blocks.append(_Block(fence, where, checked=findings_for(document, settings)))
                    raise
                block.findings = list(block.result.remaining)
                block.checked = block.result.checked
        except CfnfixError as exc:
            errors.append(_error(where, exc))
            continue
        except RecursionError:
            errors.append(_error(where, TemplateError("nesting is too deep to process")))
            continue
        blocks.append(block)
    return blocks, errors


def check_markdown(text: str, file: str | None = None, settings: Settings | None = None) -> MarkdownCheck:
    """Findings of every template fenced in the Markdown ``text``, placed in it."""
    settings = settings or Settings()
    blocks, errors = _templates(text, file, settings, "check")
    findings = sorted((b.where.finding(f) for b in blocks for f in b.findings), key=Finding.sort_key)
    return MarkdownCheck(file=file, findings=findings, errors=errors, templates=[b.fence.index for b in blocks])


def splice(markdown: str, fence: Fence, new: str) -> str:
    """``markdown`` with the content of ``fence`` replaced by ``new`` (the block's new text, without
    indentation). Lines the change leaves as they were keep their bytes (indentation included);
    new lines get the fence's indentation (blank ones none)."""
    if not any(fence.removed) and fence.column == 1:
        return markdown[: fence.start] + new + markdown[fence.end :]
    from ..textdiff import opcodes

    old_lines = split_lines(fence.text)
    new_lines = split_lines(new)
    written = split_lines(markdown[fence.start : fence.end])
    indent = " " * (fence.column - 1)
    out: list[str] = []
    for tag, i1, i2, j1, j2 in opcodes(old_lines, new_lines):
        if tag == "equal":
            out.extend(written[i1:i2])
        else:
            out.extend(line if not line.strip(" \t\r\n") else indent + line for line in new_lines[j1:j2])
    return markdown[: fence.start] + "".join(out) + markdown[fence.end :]


def _put_back(markdown: str, block: _Block, new: str) -> str:
    """``markdown`` with the block's content replaced, read back: the same fences must come out,
    this one holding ``new`` and the others unchanged (else :class:`TemplateError`)."""
    fence = block.fence
    if fence.closed and new and not new.endswith(("\n", "\r")):
        raise TemplateError("the fixed template does not end with a line break, so it would run into the fence")
    out = splice(markdown, fence, new)
    before, after = fences(markdown), fences(out)
    if len(before) != len(after) or any(
        (a.text, a.info, a.closed) != ((new if b.index == fence.index else b.text), b.info, b.closed)
        for b, a in zip(before, after)
    ):
        raise TemplateError("the fixed template would change the Markdown around it (a fence line in its text)")
    return out


def fix_markdown(
    text: str, file: str | None = None, settings: Settings | None = None, *, checked: bool = False
) -> MarkdownFixResult:
    """Fix every template fenced in the Markdown ``text``, each on its own, and put them back.

    ``checked``: the result's ``checked`` holds what :func:`check_markdown` finds in ``text``
    (each template's rules run once: the fix's first pass is the check)."""
    settings = settings or Settings()
    every, errors = _templates(text, file, settings, "fix", checked)
    found = (
        sorted((b.where.finding(f) for b in every for f in b.checked or ()), key=Finding.sort_key) if checked else None
    )
    blocks = [b for b in every if b.result is not None]
    out = text
    kept: list[_Block] = []
    for block in reversed(blocks):  # from the end: earlier fences keep their offsets
        result = block.result
        assert result is not None
        if result.changed:
            try:
                out = _put_back(out, block, result.text)
            except CfnfixError as exc:
                errors.append(_error(block.where, exc))
                continue
        kept.append(block)
    kept.reverse()
    errors.sort(key=lambda e: e.block)
    results = [(b, b.result) for b in kept if b.result is not None]
    patch: list[Any] = [op for b, r in results for op in b.where.patch(r.patch)]
    now = fences(out) if out != text else None  # remaining findings are placed in the fixed text
    remaining = sorted(
        (
            (BlockMap(now[b.fence.index], out, file) if now is not None else b.where).finding(f)
            for b, r in results
            for f in r.remaining
        ),
        key=Finding.sort_key,
    )
    return MarkdownFixResult(
        file=file,
        original=text,
        text=out,
        patch=patch,
        fixed=[b.where.finding(f) for b, r in results for f in r.fixed],
        remaining=remaining,
        failed=[FailedFix(finding=b.where.finding(f.finding), reason=f.reason) for b, r in results for f in r.failed],
        passes=max((r.passes for _, r in results), default=0),
        converged=all(r.converged for _, r in results),
        impact=[i for _, r in results for i in r.impact],
        errors=errors,
        templates=[b.fence.index for b in kept],
        checked=found,
    )


@dataclass(frozen=True)
class ChangedBlock:
    """A fenced template a fix changed: its index and line, its text before and after, and its
    own patch (pointers into the template, as for a file)."""

    index: int
    line: int
    original: str
    text: str
    patch: list[Any]


def changed_blocks(result: FixResult) -> list[ChangedBlock]:
    """The fenced templates of a Markdown :class:`FixResult` that its fixes changed."""
    out = []
    for old, new in zip(fences(result.original), fences(result.text)):
        if old.text == new.text:
            continue
        prefix = f"/{old.index}/"
        patch = []
        for op in result.patch:
            if op["path"].startswith(prefix):
                own = dict(op, path=op["path"][len(prefix) - 1 :])
                if "from" in op:
                    own["from"] = op["from"][len(prefix) - 1 :]
                patch.append(own)
        out.append(ChangedBlock(old.index, old.line, old.text, new.text, patch))
    return out
