"""cfn-lint as a detector (``--cfn-lint``, ``cfn-lint = true``): its matches as findings.

Each cfn-lint match becomes a :class:`~cfnfix.findings.Finding` with cfn-lint's own rule id
(``E3002``), a name made from the rule's short description (``resource-properties-are-invalid``),
cfn-lint's level as the severity (:data:`SEVERITY`), its message, its position and the JSON
Pointer of the node it is about. Such findings carry no fix: the fixes come from cfnfix's
own rules, which say which cfn-lint checks they correspond to (``Rule.cfn_lint_ids``, plus
the ``[rules]`` and ``[same-problem]`` tables of ``cfnfix/data/cfn_lint_ids.toml``).

**One problem, one finding.** A cfn-lint finding is dropped when a cfnfix finding reports the
same problem: the cfnfix rule corresponds to that cfn-lint id and the two paths are the
same, or one encloses the other. The cfnfix finding is the one kept, since it has the fix.

cfn-lint is imported only when this module lints (never by ``cfnfix check`` without the
option); its rules are loaded once per process and region set (:mod:`cfnfix.cfn_lint.runner`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any, ClassVar

from ..config import Settings
from ..document import Document
from ..findings import Applicability, Finding, Severity
from ..rules.base import Rule, RuleContext

__all__ = [
    "SEVERITY",
    "CfnLintRule",
    "cfn_lint_rule",
    "cfn_lint_rules",
    "is_cfn_lint_id",
    "is_cfn_lint_rule_name",
    "lint_findings",
    "without_duplicates",
]

#: cfn-lint level → cfnfix severity. An error usually means CloudFormation rejects the
#: template or the deployment fails (``high``; cfnfix keeps ``critical`` for its own rules,
#: which know that the whole template is rejected); a warning is a lifecycle or correctness
#: risk (``medium``); informational is hygiene (``low``).
SEVERITY: dict[str, Severity] = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "informational": Severity.LOW}
_ID = re.compile(r"^[EWI]\d{4}$")
_DOCS = "https://github.com/aws-cloudformation/cfn-lint/blob/main/docs/rules.md"


def is_cfn_lint_id(text: str) -> bool:
    """True for a cfn-lint rule id such as ``E3002`` or ``W1020``."""
    return _ID.match(text) is not None


def _kebab(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class CfnLintRule(Rule):
    """A cfn-lint rule seen as a cfnfix rule (for ``rules --cfn-lint``, ``explain E3002`` and
    the findings' names). It is not registered: its findings come from :func:`lint_findings`."""

    fix_applicability: ClassVar[Applicability] = Applicability.NONE

    def __init__(self, source: Any) -> None:
        self.id = source.id
        self.name = _kebab(source.shortdesc) or source.id.lower()
        self.severity = SEVERITY.get(str(source.severity).lower(), Severity.MEDIUM)
        self.summary = f"cfn-lint: {source.shortdesc}"
        self.doc_url = source.source_url or _DOCS
        self.cfn_lint_ids = (source.id,)
        covered = [r for r in _covering_rules() if source.id in _ids_of(r)]
        fixes = (
            "\n".join(f"- {r.id} `{r.name}` ({r.fix_applicability.value} fix): {r.summary}" for r in covered)
            if covered
            else "None of cfnfix's rules fixes it: the finding is reported as cfn-lint reports it."
        )
        self.explanation = (
            f"## What is wrong\n{source.description}\n\n"
            f"This is cfn-lint's rule {source.id} (level: {source.severity}; tags: {', '.join(source.tags) or 'none'}), "
            "reported by `cfnfix check --cfn-lint` with cfn-lint's own message and position.\n\n"
            f"## The fix\n{fixes}\n\n"
            "## Safety\nA cfn-lint finding has no fix of its own. Where a cfnfix rule reports the same "
            "problem, only the cfnfix finding is shown (it carries the fix)."
        )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        """Nothing: cfn-lint findings come from :func:`lint_findings`."""
        return iter(())


@lru_cache(maxsize=1)
def _sources() -> dict[str, Any]:
    from .runner import loaded_rules, require

    require("--cfn-lint")
    _, rules = loaded_rules(("us-east-1",))
    return dict(rules.items())


@cache
def cfn_lint_rule(rule_id: str) -> CfnLintRule | None:
    """cfn-lint's rule ``rule_id`` (case-insensitive), or None (imports cfn-lint)."""
    source = _sources().get(rule_id.upper())
    return CfnLintRule(source) if source is not None else None


def is_cfn_lint_rule_name(name: str) -> bool:
    """True when ``name`` is the name of a rule of the installed cfn-lint (imports cfn-lint)."""
    return any(r.name == name for r in cfn_lint_rules())


def cfn_lint_rules() -> list[CfnLintRule]:
    """Every rule of the installed cfn-lint, ordered by id (imports cfn-lint)."""
    return [r for r in (cfn_lint_rule(i) for i in sorted(_sources())) if r is not None]


def _covering_rules() -> list[Rule]:
    from ..rules import all_rules

    return [r for r in all_rules() if _ids_of(r)]


def _ids_of(rule: Rule) -> tuple[str, ...]:
    """cfn-lint ids whose findings ``rule``'s findings stand for (suppression mapping + same-problem table)."""
    from ..suppression import cfn_lint_ids, same_problem_ids

    return cfn_lint_ids().get(rule.id, ()) + same_problem_ids().get(rule.id, ())


def lint_findings(document: Document, settings: Settings) -> list[Finding]:
    """cfn-lint's matches for ``document`` as findings (only the rules ``settings`` selects)."""
    from .runner import lint_matches

    out: list[Finding] = []
    for match in lint_matches(document.text, tuple(settings.cfn_lint_regions), what="--cfn-lint"):
        rule = cfn_lint_rule(match.rule_id)
        name = rule.name if rule is not None else match.rule_id.lower()
        if not settings.selects(match.rule_id, name):
            continue
        out.append(
            Finding(
                rule_id=match.rule_id,
                rule_name=name,
                severity=SEVERITY.get(match.level, Severity.MEDIUM),
                path=match.path,
                line=max(1, match.line),
                column=max(1, match.column),
                message=match.message,
                doc_url=rule.doc_url if rule is not None else _DOCS,
                file=document.file,
            )
        )
    return out


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + "/") or b.startswith(a + "/") or a == "" or b == ""


def without_duplicates(own: list[Finding], linted: list[Finding]) -> list[Finding]:
    """``own`` plus the cfn-lint findings no cfnfix finding already reports, sorted by position."""
    from ..suppression import cfn_lint_ids, same_problem_ids

    mapped, same = cfn_lint_ids(), same_problem_ids()
    covers: dict[str, list[str]] = {}
    for finding in own:
        for lint_id in (*mapped.get(finding.rule_id, ()), *same.get(finding.rule_id, ())):
            covers.setdefault(lint_id, []).append(finding.path)
    kept = [f for f in linted if not any(_related(f.path, p) for p in covers.get(f.rule_id, ()))]
    return sorted([*own, *kept], key=Finding.sort_key)
