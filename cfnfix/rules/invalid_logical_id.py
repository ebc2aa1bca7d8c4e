"""CFX101 invalid-logical-id: a logical name CloudFormation rejects, renamed with every reference.

Background: docs/cloudformation/logical-ids.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..findings import Applicability, Finding, Related, Severity
from ..template.comments import is_comment_entry
from ..template.computed import Computed, ComputedStrings
from ..template.naming import MAX_LENGTH, allowed_characters, plan_renames
from ..template.references import ReferenceIndex
from ..template.rename import rename_plan
from .base import Rule, RuleContext

if TYPE_CHECKING:
    from ..document import Document

_GUIDE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"

#: Section → (what one entry is called, AWS documentation page of the section).
SECTION_INFO: dict[str, tuple[str, str]] = {
    "Parameters": ("Parameter", _GUIDE + "parameters-section-structure.html"),
    "Rules": ("Rule", _GUIDE + "rules-section-structure.html"),
    "Mappings": ("Mapping", _GUIDE + "mappings-section-structure.html"),
    "Conditions": ("Condition", _GUIDE + "conditions-section-structure.html"),
    "Resources": ("Resource", _GUIDE + "resources-section-structure.html"),
    "Outputs": ("Output", _GUIDE + "outputs-section-structure.html"),
}

_MAX_MENTIONS = 3


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _count(references: int, computed: int) -> str:
    """``3 references``, or with computed ones: ``1 computed reference the rename cannot follow``."""
    if not computed:
        return _plural(references, "reference")
    built = f"{_plural(computed, 'computed reference')} the rename cannot follow"
    return built if not references else f"{_plural(references, 'reference')} and {built}"


def _related(doc: Document, computed: list[Computed], mentions: list[str], old: str, new: str) -> tuple[Related, ...]:
    """Places to review after the rename: functions that build the old name, then plain-text mentions."""
    out = []
    for c in computed:
        line, column = doc.locate(c.pointer)
        message = (
            f"{c.function} builds {_show(old)}, the old name of {_show(new)}: the rename leaves it unchanged, review it"
        )
        out.append(Related(path=c.pointer, line=line, column=column, message=message))
    for pointer in mentions:
        line, column = doc.locate(pointer)
        message = f"plain text mentions {_show(old)}, the old name of {_show(new)}: left unchanged, review it"
        out.append(Related(path=pointer, line=line, column=column, message=message))
    return tuple(out)


def _show(name: str, limit: int = 60) -> str:
    """``repr`` of a name, shortened in the middle when very long."""
    if len(name) <= limit:
        return repr(name)
    return repr(name[: limit // 2] + "…" + name[-(limit // 2) :])


class InvalidLogicalId(Rule):
    """Logical names must be alphanumeric and at most 255 characters long."""

    id = "CFX101"
    name = "invalid-logical-id"
    severity = Severity.CRITICAL
    summary = "Logical name with characters other than A-Z, a-z, 0-9 (or over 255 characters)"
    doc_url = SECTION_INFO["Resources"][1]
    fix_applicability = Applicability.SAFE
    # cfn_lint_ids stays empty: E3001/E2001/E6001/E7001/E8001/E1700 check whole sections, not
    # just names, so silencing one of them in a template must not silence this rule.
    root_cause = (
        "The template names something the way a person would (spaces, dashes, accents) or was "
        "generated from display names, while CloudFormation accepts only alphanumeric logical IDs."
    )
    deployment_impact = "CloudFormation rejects the whole template before creating or changing anything."
    explanation = f"""\
## What
A logical name in `Parameters`, `Resources`, `Outputs`, `Mappings` or `Rules` that does not
match `^[A-Za-z0-9]{{1,{MAX_LENGTH}}}$` (letters and digits only, at most {MAX_LENGTH}
characters), or a `Conditions` name with characters other than those, `&` and `_` (as
cfn-lint accepts): `SchemaSync Lambda`, `bucket-name`, `Bücket`.

## Why
Such a name makes CloudFormation reject the whole template before anything is created
(cfn-lint E3001, E2001, E6001, E7001, E8001, E1700).

## Fix
The name becomes a readable alphanumeric one: accents are stripped and the words are joined
in PascalCase (`SchemaSync Lambda` → `SchemaSyncLambda`, `bucket-name` → `BucketName`,
`Bücket` → `Bucket`); a name that is only too long is truncated. The new name collides with
no other name in any section (ignoring case), nor with IDs that AWS SAM generates
(`<Function>Role` …) or `Fn::ForEach` loops; when it would, a number is appended
(`SchemaSyncLambda2`). Invalid names that read the same get distinct names, always the same
ones.

The fix is one JSON Patch: a `move` of the key (it keeps its position) and one `replace`
for every place that refers to the name — `Ref`, `Fn::GetAtt` (list and `A.B` forms),
`${{Name}}` and `${{Name.Attr}}` in `Fn::Sub` (not `${{!Literal}}`, not names the variable map
defines), `DependsOn`, `Condition` on resources and outputs, `Fn::If`, the `Condition`
function, `Fn::FindInMap`, `AWS::CloudFormation::Interface` parameter groups and labels,
`Fn::ValueOf` in `Rules`, SAM connectors, blue/green hook IDs, and references to the IDs SAM
derives from a renamed serverless resource (`MyFnRole`, `MyFn.Alias`). Nothing else changes.
Plain text that merely mentions the name (UserData `--resource X`, descriptions) is listed in
the finding and left as it is: review it. So are places that *build* the old name from
literal pieces (`!Join ['-', [Html, Api]]` or `!Sub 'Html-Api'` for `Html-Api`): they are not
references (CloudFormation does not look up a string), the rename cannot follow them, and
they are counted as computed references and listed (`cfnfix apply` prints a `note:` for
each); most likely they were meant as a `Ref`.

## Fix safety
**Safe**: renaming the logical ID of a deployed resource replaces the resource, and renaming
a parameter breaks callers that pass it, but a template with a name CloudFormation rejects
can never have been deployed, so this fix is **safe**. Any rename of a *valid* name (for example
to resolve a collision) would be unsafe; cfnfix never does that automatically. An output
renamed here could not have been read by a parent stack either (`!GetAtt Child.Outputs.X`).
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding, with its rename patch, per invalid logical name."""
        data = ctx.data
        plans = plan_renames(data)
        if not plans:
            return
        index = ReferenceIndex.of(data)
        computed_index = ComputedStrings(data)
        for plan in plans:
            if is_comment_entry(plan.old, data[plan.section][plan.old]):
                continue  # a comment written as an entry: CFX802 removes it (a rename would not deploy either)
            what, url = SECTION_INFO[plan.section]
            rename = rename_plan(data, plan.section, plan.old, plan.new, index=index)
            fix = rename.fix()
            count = len(rename.references)
            computed = computed_index.equal_to(plan.old)
            if plan.reason.startswith("is ") and "long" in plan.reason:
                problem = f"{plan.reason}: CloudFormation accepts at most {MAX_LENGTH} and rejects the template"
            else:
                problem = (
                    f"{plan.reason}: CloudFormation accepts only {allowed_characters(plan.section)} "
                    "and rejects the template"
                )
            message = (
                f"{what} logical ID {_show(plan.old)} {problem}; rename it to {_show(plan.new)} "
                f"({_count(count, len(computed))})."
            )
            if computed:
                shown = ", ".join(f"{c.pointer} ({c.function})" for c in computed[:_MAX_MENTIONS])
                more = f" and {len(computed) - _MAX_MENTIONS} more" if len(computed) > _MAX_MENTIONS else ""
                message += f" Fn::Join/Fn::Sub build the old name, which the rename leaves unchanged, review it: {shown}{more}."
                noun = "reference" if count == 1 else "references"
                fix = fix.model_copy(
                    update={
                        "message": f"Rename {plan.old!r} to {plan.new!r}"
                        + (f" and update {count} {noun}" if count else "")
                        + f"; {_plural(len(computed), 'computed reference')} left for review"
                    }
                )
            inside = tuple(c.pointer + "/" for c in computed)
            mentions = [m for m in index.mentions(plan.old) if not m.startswith(inside)]
            if mentions:
                shown = ", ".join(mentions[:_MAX_MENTIONS])
                more = f" and {len(mentions) - _MAX_MENTIONS} more" if len(mentions) > _MAX_MENTIONS else ""
                message += f" Plain text mentioning it is left unchanged, review it: {shown}{more}."
            path = fix.patch[0]["from"]
            finding = self.finding(ctx, path, message, fix=fix, at_key=True)
            related = _related(ctx.document, computed, mentions, plan.old, plan.new)
            yield finding.model_copy(update={"doc_url": url, "related": related})
