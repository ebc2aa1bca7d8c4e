"""What the language server knows about one text: findings with their spans, or why it has none.

Pure functions over cfnfix's API, no LSP types: :func:`analyse` runs the same pipeline as
``cfnfix check`` on a file found in a folder (recognise the template, parse, run the
selected rules, honour the template's suppressions) and records, for every finding, the
span of text an editor should underline. A text that does not parse gives one
:class:`Problem` at the parser's position instead; :func:`carry_over` moves the last good
findings onto the new text so that they stay visible while the user is mid-edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..checking import kept_findings, run_rules
from ..config import Settings
from ..document import Document, MappingNode, load, parse_cached, remember
from ..document.pointer import parse_pointer
from ..document.text import LineIndex
from ..errors import CfnfixError
from ..findings import Finding
from ..template.model import is_template, looks_like_template
from .reparse import edit_region, reparse

__all__ = ["Analysis", "Problem", "analyse", "carry_over", "finding_span", "impacted", "with_impacts", "with_lint"]


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
    """The parse of ``text`` with its node tree: quick fixes start from it and the next edit
    is re-parsed from it (the shared parse cache holds only the last few texts)."""
    document: Document | None = field(default=None, repr=False)
    """The parsed template (None when the text did not parse)."""
    own: list[Finding] = field(default_factory=list, repr=False)
    """The rules' findings before the template's suppressions: cfn-lint's are merged with these
    (:func:`with_lint`), as ``cfnfix check --cfn-lint`` merges them."""
    linted: bool = False
    """True when cfn-lint's findings are merged in."""
    impacted: dict[int, Finding] = field(default_factory=dict, repr=False)
    """Findings with their fix's impact computed (by ``id`` of the finding in ``findings``):
    diagnostics do not need it, a code action does (:func:`with_impacts`)."""


def analyse(text: str, file: str | None, settings: Settings, *, previous: Analysis | None = None) -> Analysis:
    """Findings of ``text`` as ``cfnfix check`` reports them for a template found in a folder.

    The text is parsed with its node tree (findings are located with it, quick fixes start
    from it, and the next edit re-parses from it): when ``previous`` (an analysis of an
    earlier text of the document that parsed) is given and the edit stays inside one entry
    of a top-level section, only that entry is parsed again (:func:`~.reparse.reparse`).
    cfn-lint never runs here (it is merged in later, :func:`with_lint`) and the fixes'
    impact is left for the code actions (:func:`with_impacts`). Never raises: a text that
    does not parse (or a rule that fails) becomes a :class:`Problem`.
    """
    if not looks_like_template(text):
        return Analysis(text, template=False)
    try:
        if previous is not None and previous.parsed is not None:
            found = previous.parsed if previous.text == text else reparse(previous.text, previous.parsed, text, file)
            if found is not None:
                remember(text, found)
        data = parse_cached(text, file, nodes=True)[2]
        if not is_template(data):
            return Analysis(text, template=False)
        document = load(text, file)
        own = run_rules(document, settings, impact=False)
        findings = kept_findings(document, settings, own)
        spans = [finding_span(document, f) for f in findings]
        parsed = parse_cached(text, file, nodes=True)
    except CfnfixError as exc:
        return Analysis(text, template=True, problem=Problem(exc.reason, _error_span(text, exc)))
    except RecursionError:
        return Analysis(text, template=True, problem=Problem("nesting is too deep to process", (0, 0)))
    except Exception as exc:
        return Analysis(text, template=True, problem=_internal(exc))
    return Analysis(text, template=True, findings=findings, spans=spans, parsed=parsed, document=document, own=own)


def _internal(exc: Exception) -> Problem:
    return Problem(f"internal error: {type(exc).__name__}: {exc} (please report this)", (0, 0), internal=True)


def with_lint(analysis: Analysis, settings: Settings, linted: list[Finding]) -> Analysis:
    """``analysis`` with cfn-lint's findings merged in: what ``cfnfix check --cfn-lint`` reports
    (one finding per problem, then the template's suppressions, which may now judge entries
    naming cfn-lint ids). The findings already there keep their spans, fixes and impacts."""
    document = analysis.document
    assert document is not None and analysis.problem is None
    try:
        findings = kept_findings(document, settings, analysis.own, linted)
        known = {id(f): span for f, span in zip(analysis.findings, analysis.spans)}
        spans = [known.get(id(f)) or finding_span(document, f) for f in findings]
        parsed = analysis.parsed
        if parsed is None and findings:
            parsed = parse_cached(analysis.text, document.file, nodes=True)
    except Exception as exc:
        return replace(analysis, problem=_internal(exc))
    kept = {id(f) for f in findings}
    impacts = analysis.impacted  # shared: an impact computed for the older object counts for this one
    for key in [key for key in impacts if key not in kept]:
        del impacts[key]  # a finding no longer there (its id may be reused)
    return replace(analysis, findings=findings, spans=spans, parsed=parsed, linted=True, impacted=impacts)


def with_impacts(analysis: Analysis, indices: Iterable[int]) -> None:
    """Compute the fix impact of the findings at ``indices`` (once each; kept in ``analysis.impacted``).

    The impact can make a fix its rule calls safe unsafe (it would destroy data on a
    deployed stack), so a code action needs it before it names its kind.
    """
    from ..impact import with_impact

    document = analysis.document
    if document is None:
        return
    for index in indices:
        finding = analysis.findings[index]
        if id(finding) not in analysis.impacted:
            analysis.impacted[id(finding)] = with_impact(finding, document.data)


def impacted(analysis: Analysis, index: int) -> Finding:
    """Finding ``index`` with its fix's impact when computed (else as its rule made it)."""
    finding = analysis.findings[index]
    return analysis.impacted.get(id(finding), finding)


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
    head, old_end, new_end = edit_region(old, text)
    delta = new_end - old_end

    def move(offset: int) -> int:
        if offset <= head:
            return offset
        if offset >= old_end:
            return offset + delta
        return head

    spans = [(move(s), max(move(s), move(e))) for s, e in previous.spans]
    return list(previous.findings), spans
