"""CFX801 json-trailing-comma-or-comment: JSON that only trailing commas or comments keep from parsing."""

from __future__ import annotations

from collections.abc import Iterator

from ...document.repair import RepairedDocument
from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext

_WHAT = {
    "trailing comma": "a trailing comma (JSON allows none before `}` or `]`)",
    "line comment": "a `//` comment (JSON has no comments)",
    "block comment": "a `/* */` comment (JSON has no comments)",
}


class JsonTrailingCommaOrComment(Rule):
    """JSON with trailing commas or comments: removed, nothing else changed."""

    id = "CFX801"
    name = "json-trailing-comma-or-comment"
    severity = Severity.CRITICAL
    summary = "JSON template with trailing commas or // and /* */ comments, which JSON (and CloudFormation) rejects"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html"
    fix_applicability = Applicability.SAFE
    repairs_text = True
    cfn_lint_ids = ("E0000",)
    root_cause = "The template was written like JavaScript (or JSON5): comments to label sections, a comma after the last member."
    deployment_impact = "CloudFormation cannot parse the template and rejects it before anything is created."
    explanation = """\
## What
A JSON template with comments (`// …`, `/* … */`) or a comma after the last member of an
object or array (`"a": 1,}`).

## Why
JSON allows neither: the template does not parse, CloudFormation rejects it, and cfn-lint
reports E0000. Editors that accept JSON5 or JSONC hide the problem.

## Fix
When removing exactly those characters makes the text parse, cfnfix removes them, before
any other rule runs: the comments, the trailing commas, the blanks a removal leaves at the
end of a line, and a line that held only a comment. Nothing else changes; text inside
strings (`"http://…"`, `"a,]"`) is never touched. The other rules see the template as if the
characters were blanks, so their findings keep the original lines and columns.

Any other syntax error (a YAML block pasted into JSON, a duplicate key, a missing comma, text
after the document) stays an error with its line and column: there is no single right
repair for it.

## Fix safety
**Safe**: the template means exactly what it meant with the comments and commas ignored
(checked: both texts parse to the same data). The comments' text is lost; JSON cannot keep it
(convert the template to YAML to have comments).
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per removal, when the document was read through the repair."""
        doc = ctx.document
        if not isinstance(doc, RepairedDocument) or doc.repair is None:
            return
        for removal in doc.repair.removals:
            line, column = doc.lines.line_col(removal.start)
            fix = Fix.safe(f"remove the {removal.kind}")
            yield Finding(
                rule_id=self.id,
                rule_name=self.name,
                severity=self.severity,
                path="",
                line=line,
                column=column,
                message=f"JSON does not parse because of {_WHAT[removal.kind]}; remove it",
                doc_url=self.doc_url,
                file=doc.file,
                fix=fix,
            )
