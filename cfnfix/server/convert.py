"""cfnfix's findings and edits as LSP objects (lsprotocol types)."""

from __future__ import annotations

from lsprotocol import types as lsp

from ..cfn_lint.findings import is_cfn_lint_id
from ..findings import Finding, Severity, TextEdit
from ..rules import Tag, rule_tags
from .analysis import Analysis, Problem
from .positions import PositionMap

__all__ = ["LINT_SOURCE", "SOURCE", "diagnostics", "lsp_range", "text_edits", "workspace_edit"]

#: ``Diagnostic.source`` of the diagnostics of cfnfix's rules and parser.
SOURCE = "cfnfix"
#: ``Diagnostic.source`` of cfn-lint's findings (``cfn-lint = true``); their code is cfn-lint's rule id.
LINT_SOURCE = "cfn-lint"
#: Code of the diagnostic for a text that does not parse (not a rule id).
PARSE_ERROR = "parse-error"

_SEVERITY = {
    Severity.CRITICAL: lsp.DiagnosticSeverity.Error,
    Severity.HIGH: lsp.DiagnosticSeverity.Error,
    Severity.MEDIUM: lsp.DiagnosticSeverity.Warning,
    Severity.LOW: lsp.DiagnosticSeverity.Information,
}
#: A rule's tags (:attr:`cfnfix.rules.Rule.tags`) as LSP tags: unused code is shown faded, deprecated struck through.
_TAGS = {Tag.UNNECESSARY: lsp.DiagnosticTag.Unnecessary, Tag.DEPRECATED: lsp.DiagnosticTag.Deprecated}


def lsp_range(positions: PositionMap, span: tuple[int, int]) -> lsp.Range:
    """An offset span as an LSP range."""
    sl, sc = positions.position(span[0])
    el, ec = positions.position(span[1])
    return lsp.Range(start=lsp.Position(line=sl, character=sc), end=lsp.Position(line=el, character=ec))


def finding_diagnostic(finding: Finding, rng: lsp.Range, index: int, version: int | None) -> lsp.Diagnostic:
    """One finding as a diagnostic: rule id as code, its documentation as codeDescription."""
    tags = [_TAGS[tag] for tag in Tag if tag in rule_tags(finding.rule_id)]
    return lsp.Diagnostic(
        range=rng,
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule_id,
        code_description=lsp.CodeDescription(href=finding.doc_url),
        source=LINT_SOURCE if is_cfn_lint_id(finding.rule_id) else SOURCE,
        tags=tags or None,
        data={"index": index, "version": version, "rule": finding.rule_name},
    )


def problem_diagnostic(problem: Problem, positions: PositionMap) -> lsp.Diagnostic:
    """A parse or template error (or an internal error) as one error diagnostic."""
    return lsp.Diagnostic(
        range=lsp_range(positions, problem.span),
        message=problem.message,
        severity=lsp.DiagnosticSeverity.Error,
        code="internal-error" if problem.internal else PARSE_ERROR,
        source=SOURCE,
    )


def diagnostics(analysis: Analysis, positions: PositionMap, version: int | None) -> list[lsp.Diagnostic]:
    """Every diagnostic of an analysis: its findings (fresh or carried over) and its problem."""
    out = [
        finding_diagnostic(f, lsp_range(positions, span), i, version)
        for i, (f, span) in enumerate(zip(analysis.findings, analysis.spans))
    ]
    if analysis.problem is not None:
        out.append(problem_diagnostic(analysis.problem, positions))
    return out


def text_edits(positions: PositionMap, edits: list[TextEdit]) -> list[lsp.TextEdit]:
    """Offset edits (sorted, non-overlapping, in one text) as LSP text edits."""
    return [lsp.TextEdit(range=lsp_range(positions, (e.start, e.end)), new_text=e.new) for e in edits]


def workspace_edit(
    uri: str, version: int | None, edits: list[lsp.TextEdit], *, document_changes: bool
) -> lsp.WorkspaceEdit:
    """A WorkspaceEdit of one document: versioned (the client refuses it for a newer text) when the client supports that."""
    if document_changes:
        ident = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=ident, edits=edits)])
    return lsp.WorkspaceEdit(changes={uri: edits})
