"""Suppression comments in YAML templates: ``# cfnfix: ignore[CFX201]``, like ruff's ``# noqa``.

Forms (the directive may follow other comment text, and a reason may follow it)::

    DeletionProtection: false  # cfnfix: ignore[CFX201]
    OrdersCluster:             # cfnfix: ignore[CFX201, aurora-mysql-end-of-support, CFX4]
    Runtime: python3.8         # cfnfix: ignore            (every rule: discouraged)

A directive silences the findings whose rule it names (ids, names or id prefixes, as in
Metadata) that point at its line; on the key line of a resource (``  OrdersCluster:``) it
silences them anywhere in that resource. Only real YAML comments count: a ``#`` inside a
quoted or block scalar (inline Lambda code) is text. JSON has no comments: use Metadata.

With ``show-unused-suppressions``, :func:`unused_findings` reports CFX900 for a directive
(or the ids in it) that silences nothing while every rule it names ran, for a directive
naming no rule, and for a malformed one (``# cfnfix: ignore CFX201``: brackets missing);
the safe fix removes the directive, or only its unused ids, as a text edit.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..document import Document, MappingNode, ScalarNode, SequenceNode
from ..document.nodes import Node
from ..document.pointer import escape_token
from ..findings import Finding, Fix, TextEdit

__all__ = ["LineDirective", "directives", "unused_findings"]

_DIRECTIVE = re.compile(r"#[^\S\r\n]*cfnfix:[^\S\r\n]*(?P<rest>[^\r\n]*)")
_HASH = re.compile(r"#(?=[^\S\r\n]*cfnfix:)")
_CODES = re.compile(r"ignore\[(?P<codes>[^\]\r\n]*)\]")
_BARE = re.compile(r"ignore[^\S\r\n]*(?=#|$)")
#: How every form is written, for messages.
SYNTAX = "`# cfnfix: ignore[CFX201]` (ids, names or prefixes, comma-separated) or `# cfnfix: ignore`"


@dataclass(frozen=True)
class LineDirective:
    """One ``# cfnfix: ignore…`` comment."""

    line: int
    column: int
    start: int
    """Offset of the directive's ``#``."""
    end: int
    """Offset just after ``]`` (or after ``ignore`` for the bare form)."""
    text: str
    """The directive as written (``# cfnfix: ignore[CFX201]``)."""
    codes: tuple[str, ...]
    """Rule ids, names or id prefixes; empty: every rule."""
    pointer: str
    """JSON Pointer of the first key (or node) on the line; ``""`` when there is none."""
    resource: str | None
    """Logical ID when the directive is on that resource's key line."""
    valid: bool = True

    def names(self, code: str, rule_id: str, rule_name: str) -> bool:
        """True when ``code`` (one of :attr:`codes`) names the rule."""
        return rule_id.startswith(code) or code == rule_name

    def matches(self, rule_id: str, rule_name: str) -> bool:
        """True when the directive names the rule (the bare form names every rule)."""
        return self.valid and (not self.codes or any(self.names(c, rule_id, rule_name) for c in self.codes))

    def covers(self, finding: Finding) -> bool:
        """True when the directive silences ``finding``: its line, or its resource, and its rule."""
        if not self.matches(finding.rule_id, finding.rule_name):
            return False
        if finding.line == self.line:
            return True
        return self.resource is not None and _scope(finding.path) == self.resource


def _scope(pointer: str) -> str | None:
    from . import scope_of

    return scope_of(pointer)


def _scalar_spans(document: Document) -> tuple[list[int], list[int], dict[int, str], dict[int, str]]:
    """Starts and ends of every scalar's text, the first pointer on each line, resource key lines."""
    lines = document.lines
    spans: list[tuple[int, int]] = []
    first: dict[int, str] = {}
    stack: list[tuple[Node, str]] = [(document.root, "")]
    while stack:
        node, pointer = stack.pop()  # children are pushed in reverse: popped in document order
        if isinstance(node, ScalarNode):
            first.setdefault(lines.line_col(node.start)[0], pointer)
            start = node.start
            if node.style in ("|", ">"):  # the header line may carry a comment; the text starts below
                start = lines.next_line_start(node.start)
            spans.append((start, node.end))
        elif isinstance(node, MappingNode):
            children = []
            for key, value in node.items:
                child = f"{pointer}/{escape_token(str(key.value))}"
                first.setdefault(lines.line_col(key.start)[0], child)
                spans.append((key.start, key.end))
                children.append((value, child))
            stack.extend(reversed(children))
        elif isinstance(node, SequenceNode):
            for i in range(len(node.items) - 1, -1, -1):
                stack.append((node.items[i], f"{pointer}/{i}"))
    spans.sort()
    resources: dict[int, str] = {}
    root = document.root
    if isinstance(root, MappingNode):
        for key, value in root.items:
            if key.value == "Resources" and isinstance(value, MappingNode):
                for rkey, _ in value.items:
                    resources[lines.line_col(rkey.start)[0]] = rkey.value
    return [s for s, _ in spans], [e for _, e in spans], first, resources


def _inside_scalar(offset: int, starts: list[int], ends: list[int]) -> bool:
    i = bisect.bisect_right(starts, offset) - 1  # scalars do not overlap: only the last one starting before can hold it
    return i >= 0 and offset < ends[i]


def directives(document: Document) -> list[LineDirective]:
    """Every ``# cfnfix:`` comment of a YAML template (none for JSON), in text order."""
    text = document.text
    if document.format != "yaml" or "cfnfix:" not in text:
        return []
    # every '#' that starts a directive (one inside a quoted scalar must not hide a real one after it)
    candidates = [m for h in _HASH.finditer(text) if (m := _DIRECTIVE.match(text, h.start())) is not None]
    if not candidates:
        return []
    starts, ends, first, resources = _scalar_spans(document)
    out: list[LineDirective] = []
    for m in candidates:
        comment = _comment_start(text, m.start(), starts, ends)
        if comment is None:
            continue
        line, column = document.lines.line_col(m.start())
        rest = m.group("rest")
        codes_m = _CODES.match(rest)
        bare = _BARE.match(rest)
        rest_at = m.start("rest")
        if codes_m is not None:
            codes = tuple(c.strip() for c in codes_m.group("codes").split(",") if c.strip())
            valid = bool(codes)
            end = rest_at + codes_m.end()
        elif bare is not None:
            codes, valid, end = (), True, rest_at + len("ignore")
        else:
            codes, valid, end = (), False, document.lines.line_end(m.start())
        out.append(
            LineDirective(
                line=line,
                column=column,
                start=m.start(),
                end=end,
                text=text[m.start() : end].rstrip(),
                codes=codes,
                pointer=first.get(line, ""),
                resource=resources.get(line),
                valid=valid,
            )
        )
    return out


def _comment_start(text: str, offset: int, starts: list[int], ends: list[int]) -> int | None:
    """Offset of the comment that holds ``offset`` (a ``#``), or None when it is scalar text."""
    if _inside_scalar(offset, starts, ends):
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    line_start = max(line_start, text.rfind("\r", 0, offset) + 1)
    i = line_start
    while True:
        i = text.find("#", i, offset + 1)
        if i < 0:
            return None
        if (i == line_start or text[i - 1] in " \t") and not _inside_scalar(i, starts, ends):
            return i  # the first '#' that opens a comment on this line
        i += 1


# ---------------------------------------------------------------------------- unused ones


def _removal(document: Document, d: LineDirective) -> TextEdit:
    """Delete the directive, any reason after it, and the blanks before it (the line if nothing else is on it)."""
    text = document.text
    lines = document.lines
    line_start = lines.line_start(d.start)
    line_end = lines.line_end(d.start)
    cut = d.start
    while cut > line_start and text[cut - 1] in " \t":
        cut -= 1
    if cut == line_start:  # a comment line of its own: drop the whole line
        return TextEdit(start=line_start, end=lines.next_line_start(d.start), new="")
    return TextEdit(start=cut, end=line_end, new="")


def unused_findings(
    document: Document,
    found: Iterable[LineDirective],
    used: dict[LineDirective, set[str]],
    ran: set[str],
) -> list[Finding]:
    """CFX900 findings for directives (or ids in them) that silenced nothing although their rules ran.

    ``used`` maps a directive to the codes that silenced something (``"*"`` for the bare form).
    """
    from ..rules import all_rules, get_rule
    from . import UNUSED_RULE_ID

    if UNUSED_RULE_ID not in ran:
        return []
    rule = get_rule(UNUSED_RULE_ID)
    assert rule is not None
    rules = all_rules()
    out: list[Finding] = []

    def finding(d: LineDirective, message: str, fix: Fix | None) -> Finding:
        return Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            severity=rule.severity,
            path=d.pointer,
            line=d.line,
            column=d.column,
            message=message,
            doc_url=rule.doc_url,
            file=document.file,
            fix=fix,
        )

    for d in found:
        if not d.valid:
            out.append(finding(d, f"{d.text!r} is not a valid suppression comment: write {SYNTAX}", None))
            continue
        if d.matches(UNUSED_RULE_ID, rule.name) and d.codes:
            continue  # a directive that silences CFX900 is not judged by CFX900
        named_by = {c: [r for r in rules if d.names(c, r.id, r.name)] for c in d.codes}
        if not d.codes:
            if used.get(d) or not all_ran([r for r in rules if r.id != UNUSED_RULE_ID], ran):
                continue
            unused: list[str] = []
        else:
            unused = [
                c for c in d.codes if c not in used.get(d, set()) and (not named_by[c] or all_ran(named_by[c], ran))
            ]
            if not unused:
                continue
        keep = [c for c in d.codes if c not in unused]
        if keep:
            new = f"# cfnfix: ignore[{', '.join(keep)}]"
            edit = TextEdit(start=d.start, end=d.end, new=new)
            message = f"{', '.join(map(repr, unused))} in {d.text!r} " + _why(unused, named_by)
            fix_message = f"remove {', '.join(map(repr, unused))} from the comment"
        else:
            edit = _removal(document, d)
            reason = "names no cfnfix rule" if unused and all(not named_by[c] for c in unused) else "silences nothing"
            message = f"suppression comment {d.text!r} {reason}"
            fix_message = "remove the suppression comment"
        out.append(finding(d, message, Fix.safe(fix_message, edits=(edit,))))
    return out


def _why(unused: list[str], named_by: Mapping[str, Sequence[object]]) -> str:
    if all(not named_by[c] for c in unused):
        return "names no cfnfix rule" if len(unused) == 1 else "name no cfnfix rule"
    return "silences nothing" if len(unused) == 1 else "silence nothing"


def all_ran(rules: list[Any], ran: set[str]) -> bool:
    """True when every rule a suppression names ran, so it can be judged. Rules of a profile
    that is off (``Rule.profile``) and opt-in rules that were not selected (``Rule.opt_in``) do
    not count when the entry also names ordinary rules (a bare ``# cfnfix: ignore``, a prefix
    such as ``CFX2``); an entry naming only such rules is never judged."""
    counted = [
        r for r in rules if (getattr(r, "profile", None) is None and not getattr(r, "opt_in", False)) or r.id in ran
    ]
    return bool(counted) and all(r.id in ran for r in counted)
