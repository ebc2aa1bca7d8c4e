"""CFX804 section-name-typo: a top-level section (``Parameter``) or SAM Globals key (``Functions``) misspelt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...document.pointer import make_pointer
from ...findings import Applicability, Finding, Fix, Severity
from ..base import Rule, RuleContext
from ..fixes import rename_key
from ._names import close_names, is_comment_key, sections_table


class SectionNameTypo(Rule):
    """Rename a misspelt top-level section or Globals key to the one it can only mean."""

    id = "CFX804"
    name = "section-name-typo"
    severity = Severity.CRITICAL
    summary = "Misspelt top-level section (Parameter, resources, Output) or SAM Globals key (Functions)"
    doc_url = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html"
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E1001",)
    root_cause = "A section name was typed by hand: singular for plural, wrong case, a slipped letter."
    deployment_impact = (
        "CloudFormation rejects a template with an unknown top-level section (SAM an unknown Globals key)."
    )
    explanation = """\
## What
A top-level key, or a key of `Globals`, that is not a section name. A template's top level
may only have `AWSTemplateFormatVersion`, `Description`, `Metadata`,
`Parameters`, `Rules`, `Mappings`, `Conditions`, `Transform`, `Resources`, `Outputs` (and
`Globals` in SAM templates); `Globals` may only have `Function`, `Api`, `HttpApi`,
`SimpleTable`, `StateMachine`, `LayerVersion`, `CapacityProvider`, `WebSocketApi` (the lists
come from cfn-lint's bundled schemas, `scripts/gen_template_sections.py`).

## Why
Anything else makes CloudFormation (or the SAM transform) reject the template (cfn-lint
E1001, E3724).

## Fix
An unknown key is renamed to the one it can only mean — the same ignoring case
(`resources`), the same up to a plural `s` (`Parameter`, `Functions`), or the single nearest
name within two edits (`Ouputs`) — when the template does not have that section already.
The key keeps its place and its contents. Two equally close candidates: no fix, the finding
lists both. Comment-like keys are left to CFX802.

## Fix safety
**Safe**: the template as written is rejected, so nothing deployed depends on the old
spelling, and the renamed section means what its contents say.
"""

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per unknown top-level or Globals key."""
        data = ctx.data
        if not isinstance(data, dict):
            return
        table = sections_table()
        yield from self._keys(ctx, data, [], table["sections"], "top-level section")
        glob = data.get("Globals")
        if isinstance(glob, dict):
            yield from self._keys(ctx, glob, ["Globals"], table["globals"], "Globals key")

    def _keys(
        self, ctx: RuleContext, block: dict[str, Any], base: list[str], valid: list[str], what: str
    ) -> Iterator[Finding]:
        for key in block:
            if key in valid or is_comment_key(key):
                continue
            path = make_pointer([*base, key])
            meant = close_names(key, valid)
            free = [m for m in meant if m not in block]
            if len(free) == 1:
                target = free[0]
                fix = Fix.safe(f"rename {key!r} to {target!r}", [rename_key(make_pointer(base), key, target)])
                message = f"Unknown {what} {key!r}: it can only mean {target!r}; rename it"
                yield self.finding(ctx, path, message, fix=fix, at_key=True)
            elif len(meant) == 1:
                message = f"Unknown {what} {key!r}: it looks like {meant[0]!r}, which the template already has; merge them by hand"
                yield self.finding(ctx, path, message, at_key=True)
            elif meant:
                listed = " or ".join(repr(m) for m in meant)
                yield self.finding(
                    ctx,
                    path,
                    f"Unknown {what} {key!r}: did you mean {listed}? (no fix: more than one is as close)",
                    at_key=True,
                )
            else:
                listed = ", ".join(valid)
                yield self.finding(ctx, path, f"Unknown {what} {key!r}: expected one of {listed}", at_key=True)
