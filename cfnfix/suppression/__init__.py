"""Suppressions written in the template itself.

Two spellings are honoured, at the top level (the whole template) and on a resource (that
resource only: findings whose JSON Pointer starts with ``/Resources/<LogicalId>``)::

    Metadata:
      cfnfix:
        ignore: [CFX101, logical-id-not-alphanumeric, CFX2]   # ids, names or id prefixes
      cfn-lint:
        config:
          ignore_checks: [E3001]                              # cfn-lint ids or prefixes

Comments in YAML (``# cfnfix: ignore[CFX201]`` on the finding's line or the resource's key
line) are read by :mod:`cfnfix.suppression.comments` and honoured here too.

A cfn-lint id silences the cfnfix rules mapped to it: by the rule's ``cfn_lint_ids`` class
attribute and by the data table ``cfnfix/data/cfn_lint_ids.toml``.

``cfnfix`` entries that silence nothing are reported as ``CFX900 unused-suppression`` when
``show-unused-suppressions`` is on, with a safe fix that deletes the entry. An entry is only
judged when every rule it names ran (``--select`` may have left some out). cfn-lint entries
are never reported: cfn-lint reads them too.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from ..document import Document
from ..document.pointer import make_pointer, parse_pointer
from ..findings import Finding, Fix, Op, Patch
from ..rules import Rule, all_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "UNUSED_RULE_ID",
    "Suppression",
    "apply_suppressions",
    "cfn_lint_ids",
    "cfn_lint_table",
    "collect",
    "same_problem_ids",
    "scope_of",
]

#: Id of the rule that reports unused suppressions (see :mod:`cfnfix.rules.unused_suppression`).
UNUSED_RULE_ID = "CFX900"


@dataclass(frozen=True)
class Suppression:
    """One entry of an ignore list in the template's Metadata."""

    scope: str | None
    """Logical id of the resource it belongs to, or None for the whole template."""
    pointer: str
    """JSON Pointer of the entry (of the ``ignore`` value itself when that is a string)."""
    code: str
    """The entry: a cfnfix rule id, name or id prefix, or a cfn-lint id or prefix."""
    kind: Literal["cfnfix", "cfn-lint"]

    def matches(self, rule_id: str, rule_name: str) -> bool:
        """True when this entry names the rule."""
        if self.kind == "cfnfix":
            return rule_id.startswith(self.code) or self.code == rule_name
        if not rule_id.startswith("CFX"):  # a cfn-lint finding (--cfn-lint): its own id
            return rule_id.startswith(self.code)
        return any(cl.startswith(self.code) for cl in cfn_lint_ids().get(rule_id, ()))

    def covers(self, finding: Finding) -> bool:
        """True when this entry silences ``finding`` (it names the rule, and the scope holds the finding)."""
        if self.scope is not None and scope_of(finding.path) != self.scope:
            return False
        return self.matches(finding.rule_id, finding.rule_name)


def scope_of(pointer: str) -> str | None:
    """The resource a JSON Pointer lies in (``/Resources/A/Properties`` → ``A``), else None."""
    if not pointer.startswith("/Resources/"):
        return None
    try:
        tokens = parse_pointer(pointer)
    except Exception:
        return None
    return tokens[1] if len(tokens) >= 2 else None


def cfn_lint_table(table: str = "rules") -> dict[str, list[str]]:
    """A table of ``cfnfix/data/cfn_lint_ids.toml``: cfnfix rule id or name → cfn-lint ids
    (``rules``: the suppression mapping; ``same-problem``: only for showing one finding, not two)."""
    text = resources.files("cfnfix").joinpath("data/cfn_lint_ids.toml").read_text(encoding="utf-8")
    rules = tomllib.loads(text).get(table, {})
    return {str(k): [str(i) for i in v] for k, v in rules.items()}


@lru_cache(maxsize=1)
def same_problem_ids() -> dict[str, tuple[str, ...]]:
    """cfnfix rule id → cfn-lint ids whose matches at the same (or an enclosing) path are the
    same problem, beyond :func:`cfn_lint_ids` (``[same-problem]`` of the data table): with
    ``--cfn-lint`` they are shown once, but ``ignore_checks`` of those ids does not silence the rule."""
    mapped = cfn_lint_table("same-problem")
    out: dict[str, tuple[str, ...]] = {}
    for rule in all_rules():
        ids = [*mapped.get(rule.id, ()), *mapped.get(rule.name, ())]
        if ids:
            out[rule.id] = tuple(dict.fromkeys(ids))
    return out


@lru_cache(maxsize=1)
def cfn_lint_ids() -> dict[str, tuple[str, ...]]:
    """cfnfix rule id → the cfn-lint ids it corresponds to (class attributes + data table)."""
    mapped = cfn_lint_table()
    out: dict[str, tuple[str, ...]] = {}
    for rule in all_rules():
        ids = [*rule.cfn_lint_ids, *mapped.get(rule.id, ()), *mapped.get(rule.name, ())]
        if ids:
            out[rule.id] = tuple(dict.fromkeys(ids))
    return out


def _entries(value: Any, pointer: str) -> Iterable[tuple[str, str]]:
    """(pointer, code) of each string in an ignore value (a list, or one string)."""
    if isinstance(value, str):
        yield pointer, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield f"{pointer}/{i}", item


def _from_metadata(metadata: Any, base: str, scope: str | None) -> Iterable[Suppression]:
    if not isinstance(metadata, dict):
        return
    own = metadata.get("cfnfix")
    if isinstance(own, dict) and "ignore" in own:
        for ptr, code in _entries(own["ignore"], f"{base}/cfnfix/ignore"):
            yield Suppression(scope, ptr, code.strip(), "cfnfix")
    lint = metadata.get("cfn-lint")
    if isinstance(lint, dict) and isinstance(lint.get("config"), dict) and "ignore_checks" in lint["config"]:
        for ptr, code in _entries(lint["config"]["ignore_checks"], f"{base}/cfn-lint/config/ignore_checks"):
            yield Suppression(scope, ptr, code.strip(), "cfn-lint")


def collect(data: Any) -> list[Suppression]:
    """Every suppression entry of a template's plain data, top level first."""
    if not isinstance(data, dict):
        return []
    found = list(_from_metadata(data.get("Metadata"), "/Metadata", None))
    resources_ = data.get("Resources")
    if isinstance(resources_, dict):
        for logical_id, resource in resources_.items():
            if isinstance(resource, dict):
                base = make_pointer(["Resources", logical_id, "Metadata"])
                found.extend(_from_metadata(resource.get("Metadata"), base, logical_id))
    return [s for s in found if s.code]


def apply_suppressions(
    document: Document,
    findings: list[Finding],
    *,
    ran: Iterable[Rule],
    report_unused: bool,
    linted: bool = False,
) -> tuple[list[Finding], list[Finding]]:
    """(kept, suppressed) findings; with ``report_unused``, kept includes CFX900 findings.

    ``linted``: cfn-lint ran as a detector, so entries naming cfn-lint ids can be judged."""
    from . import comments as line_suppression

    entries = collect(document.data)
    comments = line_suppression.directives(document)  # `# cfnfix: ignore[...]` (YAML)
    if not entries and not comments:
        return findings, []
    used: set[Suppression] = set()
    used_codes: dict[line_suppression.LineDirective, set[str]] = {}
    kept: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        hits = [s for s in entries if s.covers(finding)]
        line_hits = [d for d in comments if d.covers(finding)]
        # a comment over a finding that Metadata already silences is redundant: not counted as used
        for d in line_hits if not hits else ():
            codes = [c for c in d.codes if d.names(c, finding.rule_id, finding.rule_name)] or ["*"]
            used_codes.setdefault(d, set()).update(codes)
        if hits or line_hits:
            used.update(hits)
            suppressed.append(finding)
        else:
            kept.append(finding)
    if report_unused:
        ran_ids = {r.id for r in ran}
        unused = _unused_findings(document, entries, used, ran_ids, linted)
        unused += line_suppression.unused_findings(document, comments, used_codes, ran_ids)
        for finding in unused:
            others = [d for d in comments if (d.line, d.column) != (finding.line, finding.column)]  # not itself
            if any(s.covers(finding) for s in entries) or any(d.covers(finding) for d in others):
                suppressed.append(finding)
            else:
                kept.append(finding)
        kept.sort(key=Finding.sort_key)
    return kept, suppressed


def _unused_findings(
    document: Document, entries: list[Suppression], used: set[Suppression], ran: set[str], linted: bool = False
) -> list[Finding]:
    """CFX900 findings for cfnfix entries that silenced nothing although their rules ran."""
    from .comments import all_ran

    if UNUSED_RULE_ID not in ran:
        return []
    from ..rules import get_rule

    rule = get_rule(UNUSED_RULE_ID)
    assert rule is not None
    out: list[Finding] = []
    for entry in entries:
        if entry.kind != "cfnfix" or entry in used:
            continue
        named = [r for r in all_rules() if entry.matches(r.id, r.name)]
        if any(r.id == UNUSED_RULE_ID for r in named):
            continue  # an entry that silences CFX900 is not judged by CFX900
        if named and not all_ran(named, ran):
            continue  # some rule it names did not run: we cannot tell
        if not named and entry.code[:1] in ("E", "W", "I") and entry.code[1:].isdigit():
            if not linted:
                continue  # names cfn-lint rules, which did not run (no --cfn-lint): we cannot tell
            named_lint = True
        else:
            named_lint = False
        where = "this template" if entry.scope is None else f"resource {entry.scope!r}"
        if named or named_lint:
            message = f"suppression {entry.code!r} in {where} silences nothing"
        else:
            message = f"suppression {entry.code!r} in {where} names no cfnfix rule"
        fix = Fix.safe(f"remove {entry.code!r} from the ignore list", _removal(document.data, entry))
        out.append(
            Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                severity=rule.severity,
                path=entry.pointer,
                line=document.locate(entry.pointer)[0],
                column=document.locate(entry.pointer)[1],
                message=message,
                doc_url=rule.doc_url,
                file=document.file,
                fix=fix,
            )
        )
    return out


def _removal(data: Any, entry: Suppression) -> Patch:
    """Patch deleting one entry; containers it would leave empty go too (up to ``Metadata``)."""
    tokens = parse_pointer(entry.pointer)
    chain = [data]  # chain[i] is the value at tokens[:i]
    for tok in tokens:
        node = chain[-1]
        chain.append(node[int(tok)] if isinstance(node, list) else node[tok])
    is_item = isinstance(chain[-2], list)
    meta_len = len(tokens) - (3 if is_item else 2)  # tokens[:meta_len] points at Metadata
    cut = len(tokens)
    while cut > meta_len and len(chain[cut - 1]) <= 1:
        cut -= 1
    path = make_pointer(tokens[:cut])
    if cut == len(tokens) and is_item:  # an item: make sure it is still the one seen
        return [Op.test(path, chain[-1]), Op.remove(path)]
    return [Op.remove(path)]
