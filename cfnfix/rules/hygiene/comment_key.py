"""CFX802 comment-key: a comment written as an entry (``"/* ===== NETWORKING ===== */": {}``)."""

from __future__ import annotations

from collections.abc import Iterator

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Op, Severity
from ..base import Rule, RuleContext
from ..fixes import guarded_remove
from ._names import is_comment_entry, is_empty

#: Sections whose keys are logical names.
SECTIONS = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")


class CommentKey(Rule):
    """A key that is a comment, with an empty value (or a note), in a section of logical names."""

    id = "CFX802"
    name = "comment-key"
    severity = Severity.CRITICAL
    summary = 'A comment written as an entry ("/* NETWORKING */": {}) in Resources or another section: removed'
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/resources-section-structure.html"
    fix_applicability = Applicability.SAFE
    root_cause = (
        "JSON has no comments, so the author (often a code generator or a model) labelled the "
        'parts of the template with keys such as "/* ===== NETWORKING ===== */": {}.'
    )
    deployment_impact = "CloudFormation rejects the template: the entry is not a valid logical ID and has no Type."
    explanation = """\
## What
An entry written as a comment inside `Resources` (or `Parameters`, `Mappings`, `Conditions`,
`Outputs`): JSON has no comments, so templates sometimes label their parts with entries such
as `"/* ===== NETWORKING ===== */": {}` or `"// storage": ""`.

A key counts as a comment when it is `/* … */`, starts with `//` or `#`, or starts with a run
of three or more decoration characters (`=====`, `-----`, `*****`).

## Why
CloudFormation reads such entries as logical IDs: the name is invalid and the entry has no
`Type`, so the template is rejected (cfn-lint E3001 and friends). Renaming the key (what
CFX101 would do to any invalid name) leaves an entry that still cannot deploy: CFX101 leaves
such keys to this rule.

## Fix
The entry is removed. Nothing refers to it (a comment has no references).

## Fix safety
**Safe** when the value is empty (`{}`, `[]`, `""`, null): such an entry cannot deploy and
carries no data. When the value is a note (`"// TODO": "add alarms"`), removing it loses that
text: the fix is **unsafe** and the finding quotes the note. An entry with any other value
(a mapping with a `Type` …) is not a comment and is left alone.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per comment entry, with the removal."""
        data = ctx.data
        for section in SECTIONS:
            block = data.get(section) if isinstance(data, dict) else None
            if not isinstance(block, dict):
                continue
            for key, value in block.items():
                if not is_comment_entry(key, value):
                    continue
                path = make_pointer([section, key])
                if is_empty(value):
                    fix = Fix.safe(f"remove the comment entry {key!r}", [Op.remove(path)])
                    message = f"{section} entry {key!r} is a comment, not a logical ID (its value is empty); remove it"
                else:
                    fix = Fix.unsafe(f"remove the comment entry {key!r} and its note", guarded_remove(path, value))
                    message = (
                        f"{section} entry {key!r} is a comment, not a logical ID; removing it loses its note {value!r}"
                    )
                yield self.finding(ctx, path, message, fix=fix, at_key=True)
