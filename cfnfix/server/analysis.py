"""What the language server knows about one text: findings with their spans, or why it has none.

Pure functions over cfnfix's API, no LSP types: :func:`analyse` runs the same pipeline as
``cfnfix check`` on a file found in a folder (recognise the template, parse, run the
selected rules, honour the template's suppressions) and records, for every finding, the
span of text an editor should underline. A text that does not parse gives one
:class:`Problem` at the parser's position instead; :func:`carry_over` moves the last good
findings onto the new text so that they stay visible while the user is mid-edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..batch import is_template, looks_like_template
from ..config import Settings
from ..document import Document, MappingNode, ScalarNode, load, parse_cached
from ..document.pointer import parse_pointer
from ..document.text import LineIndex
from ..errors import CfnfixError
from ..findings import Finding

__all__ = ["Analysis", "Problem", "analyse", "carry_over", "finding_span"]


@dataclass(frozen=True)
class Problem:
    """Why a text has no fresh findings: a parse or template error at ``span`` (offsets)."""

    message: str
    span: tuple[int, int]
    internal: bool = False
    """True for an unexpected exception (a bug), not a fault of the template."""


@dataclass
class Analysis:
    """The result of analysing one text (a version of an open document)."""

    text: str
    template: bool
    """False when the text is not a CloudFormation template (nothing to report)."""
    findings: list[Finding] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Span (start, end offsets in ``text``) of each finding, in the same order."""
    problem: Problem | None = None
    stale: bool = False
    """True when ``findings`` are the last good ones, carried over from an earlier text."""
    parsed: Any = field(default=None, repr=False)
    """The parse of ``text`` with its node tree, kept while there are findings: their quick
    fixes start from it (the shared parse cache holds only the last few texts)."""


def analyse(text: str, file: str | None, settings: Settings, *, positions: bool = False) -> Analysis:
    """Findings of ``text`` as ``cfnfix check`` reports them for a template found in a folder.

    ``positions``: parse with the node tree at once (when findings are expected, e.g. the
    previous version had some: locating a finding needs the nodes, so a data-only parse
    first would be a second parse of the whole text). Never raises: a text that does not
    parse (or a rule that fails) becomes a :class:`Problem`.
    """
    if not looks_like_template(text):
        return Analysis(text, template=False)
    try:
        data = parse_cached(text, file, nodes=positions)[2]
        if not is_template(data):
            return Analysis(text, template=False)
        document = load(text, file)
        findings = _findings(document, settings)
        spans = [finding_span(document, f) for f in findings]
        parsed = parse_cached(text, file, nodes=True) if findings else None
    except CfnfixError as exc:
        return Analysis(text, template=True, problem=Problem(exc.reason, _error_span(text, exc)))
    except RecursionError:
        return Analysis(text, template=True, problem=Problem("nesting is too deep to process", (0, 0)))
    except Exception as exc:  # noqa: BLE001 - a bug in a rule must not take the server down
        return Analysis(text, template=True, problem=Problem(f"internal error: {type(exc).__name__}: {exc} (please report this)", (0, 0), internal=True))
    return Analysis(text, template=True, findings=findings, spans=spans, parsed=parsed)


def _findings(document: Document, settings: Settings) -> list[Finding]:
    from ..api import findings_for

    return findings_for(document, settings)


def _error_span(text: str, exc: CfnfixError) -> tuple[int, int]:
    """The character at an error's line and column (empty at the end of a line)."""
    if exc.line is None:
        return (0, 0)
    lines = LineIndex(text)
    row = min(max(exc.line, 1), len(lines.starts)) - 1
    start = lines.starts[row]
    end = lines.line_end(start)
    offset = min(start + max((exc.column or 1) - 1, 0), end)
    return (offset, min(offset + 1, end))


def finding_span(document: Document, finding: Finding) -> tuple[int, int]:
    """The text a finding is about: the key or node that starts at its line and column.

    A key or a one-line node is underlined whole; a node over several lines (a resource, a
    block literal) only to the end of its first line, so that an editor does not paint a
    whole resource. A position that no node starts at (rare) gets the rest of its line.
    """
    lines = document.lines
    row = min(finding.line, len(lines.starts)) - 1
    start = lines.starts[row] + finding.column - 1
    line_end = lines.line_end(start)
    best: tuple[int, int] | None = None
    tokens = parse_pointer(finding.path)
    for depth, view in enumerate(document.views(finding.path)):
        node = view.node
        if node.start == start and view.part is None:
            best = (node.start, node.end)
        if depth < len(tokens) and isinstance(node, MappingNode) and not view.wrapped:
            for key, _ in node.items:
                if key.value == tokens[depth] and key.start == start:
                    best = (key.start, key.end)
    if best is None:
        end = line_end
    else:
        end = min(best[1], line_end)
    text = document.text
    while end > start and text[end - 1] in " \t":
        end -= 1
    if best is None or end <= start:
        end = max(end, start)
    return (start, end)


def carry_over(previous: Analysis, text: str) -> tuple[list[Finding], list[tuple[int, int]]]:
    """``previous``'s findings with their spans moved onto ``text`` (the same document, edited).

    The edit is taken as one region (the common head and tail of the two texts stay): a
    span before it keeps its offsets, one after it shifts by the length difference, one
    inside it shrinks to the region's start.
    """
    old = previous.text
    if old == text:
        return list(previous.findings), list(previous.spans)
    limit = min(len(old), len(text))
    head = 0
    step = 4096
    while head < limit:  # common prefix, block by block, then character by character
        n = min(step, limit - head)
        if old[head : head + n] == text[head : head + n]:
            head += n
        elif n > 1:
            step = max(1, n // 2)
        else:
            break
    tail = 0
    limit = min(len(old), len(text)) - head
    step = 4096
    while tail < limit:
        n = min(step, limit - tail)
        if old[len(old) - tail - n : len(old) - tail] == text[len(text) - tail - n : len(text) - tail]:
            tail += n
        elif n > 1:
            step = max(1, n // 2)
        else:
            break
    old_end = len(old) - tail
    delta = len(text) - len(old)

    def move(offset: int) -> int:
        if offset <= head:
            return offset
        if offset >= old_end:
            return offset + delta
        return head

    spans = [(move(s), max(move(s), move(e))) for s, e in previous.spans]
    return list(previous.findings), spans
