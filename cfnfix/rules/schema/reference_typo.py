"""CFX704 reference-typo: ``Ref``/``Fn::GetAtt``/``Fn::Sub`` naming nothing (E1020, E1010, E1019)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...document.pointer import escape_token, parse_pointer
from ...findings import Applicability, Finding, Fix, Op, Severity
from ...template.references import Kind, ReferenceIndex, sub_variables
from ..base import RuleContext
from ._base import NEEDS, SchemaRule, either
from ._match import closest
from ._names import PSEUDO_PARAMETERS, Names, names
from ._schemas import attributes, resource_schema

#: Template sections the reference index keeps as plain text: searched on their own for pseudo parameters.
_UNINDEXED = ("Parameters", "Mappings", "Transform")
_PSEUDO = frozenset(PSEUDO_PARAMETERS)
_CHECK = {Kind.REF: "E1020", Kind.GETATT: "E1010", Kind.GETATT_STRING: "E1010", Kind.SUB: "E1019"}


class ReferenceTypo(SchemaRule):
    """A reference to a logical ID, pseudo parameter or attribute that does not exist."""

    id = "CFX704"
    name = "reference-typo"
    severity = Severity.CRITICAL
    summary = "Ref/GetAtt/Sub naming nothing: the one close logical ID or pseudo parameter (unsafe), an attribute in the wrong case"
    doc_url = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ref.html"
    )
    fix_applicability = Applicability.SAFE
    cfn_lint_ids = ("E1020", "E1010", "E1019")
    root_cause = "A logical ID, pseudo parameter or attribute name was mistyped where it is referenced."
    deployment_impact = "CloudFormation rejects the template: the reference names nothing."
    explanation = (
        """\
## What
A `Ref` (E1020), `Fn::GetAtt` (E1010) or `${…}` in `Fn::Sub` (E1019) whose name is not a
parameter, resource or pseudo parameter of the template, or a `Fn::GetAtt` attribute the
resource type does not have.
"""
        + NEEDS
        + """
## Why
CloudFormation rejects the template: the reference names nothing (no such parameter,
resource or attribute), so nothing is created.

## Fix
- The name differs from exactly one declared name (or pseudo parameter) in case or by one
  or two edits: it is replaced by that name, **unsafe** (the reference then points at an
  existing resource or parameter: review that it is the one meant).
- The attribute differs from one of the type's attributes only in case (`Arn` for `ARN`):
  replaced, **safe**.
- Two names equally close: nothing is fixed; the finding lists both.
- Several names to fix in one `Fn::Sub` string: one fix rewrites them all, carried by the
  string's first finding (the others say they are fixed with it), so the string is
  rewritten once, in one pass.

Templates whose names cannot be known statically (a macro other than SAM, `Fn::ForEach`
loops that generate resources) are left alone. Attributes are known from the resource
schemas (read-only properties), so only types cfn-lint has a schema for are checked.

## Fix safety
**Safe** for an attribute written in another case; **unsafe** for a replaced name: the
reference then points at an existing resource or parameter, review that it is the one meant.
"""
    )

    def scan(self, ctx: RuleContext) -> Iterator[Finding]:
        """One finding per broken reference; the fixes of the typos of one ``Fn::Sub`` string
        are one fix, carried by its first finding: the string is rewritten once (one rewrite
        per typo cost the whole string each time, and a pass each)."""
        found = list(self._scan(ctx))
        groups: dict[tuple[str, Applicability], list[int]] = {}
        for i, finding in enumerate(found):
            op = finding.fix.patch[0] if finding.fix is not None and len(finding.fix.patch) == 1 else None
            if op is not None and isinstance(op.get("value"), _Span):
                groups.setdefault((op["path"], finding.fix.applicability), []).append(i)  # type: ignore[union-attr]
        for (pointer, applicability), members in groups.items():
            first = found[members[0]]
            assert first.fix is not None
            spans = [found[i].fix.patch[0]["value"] for i in members]  # type: ignore[union-attr]
            message = first.fix.message
            if len(members) > 1:
                more = len(members) - 1
                message += f" (and {more} more {'name' if more == 1 else 'names'} in this Fn::Sub)"
            patch = [Op.replace(pointer, _rewritten(spans))]
            fix = Fix.unsafe(message, patch) if applicability is Applicability.UNSAFE else Fix.safe(message, patch)
            found[members[0]] = first.model_copy(update={"fix": fix})
            for i in members[1:]:
                found[i] = found[i].model_copy(
                    update={"fix": None, "message": found[i].message + " (fixed with the first one of this Fn::Sub)"}
                )
        yield from found

    def _scan(self, ctx: RuleContext) -> Iterator[Finding]:
        known = names(ctx.data)
        if known is None:
            return
        index = ReferenceIndex.of(ctx.data)
        for occ in index.occurrences:
            if occ.kind not in _CHECK:
                continue
            if occ.kind is Kind.REF:
                yield from self._name(ctx, occ.pointer, occ.text, known.refable, "Ref", lambda new: new)
            elif occ.kind is Kind.GETATT:
                attr = _list_attr(ctx.data, occ.pointer)
                yield from self._getatt(
                    ctx, occ.pointer, occ.text, attr, known, lambda new: new, f"{_parent(occ.pointer)}/1"
                )
            elif occ.kind is Kind.GETATT_STRING:
                head, _, attr = occ.text.partition(".")
                yield from self._getatt(
                    ctx, occ.pointer, head, attr or None, known, lambda new, a=attr: f"{new}.{a}", None, whole=occ.text
                )
            elif occ.kind is Kind.SUB and isinstance(value := index.value(occ.pointer), str):
                head, dot, attr = occ.text.partition(".")
                start, end = occ.start, occ.start + len(head)

                def rewrite(new: str, s: str = value, a: int = start, b: int = end) -> _Span:
                    return _Span(s, a, b, new)

                if dot:
                    yield from self._getatt(ctx, occ.pointer, head, attr, known, rewrite, None, sub=(value, end + 1))
                else:
                    yield from self._name(ctx, occ.pointer, head, known.refable, "Fn::Sub", rewrite)
        for occ in index.pseudo:
            if occ.text in PSEUDO_PARAMETERS:
                continue
            if occ.kind is Kind.REF:
                yield from self._name(
                    ctx,
                    occ.pointer,
                    occ.text,
                    _PSEUDO,
                    "Ref",
                    lambda new: new,
                    "a pseudo parameter",
                )
            else:
                yield from self._sub_pseudo(ctx, occ.pointer, index.value(occ.pointer), occ.text, occ.start)
        for section in _UNINDEXED:  # where the index reads no functions (none belong there)
            if section in ctx.data:
                yield from self._pseudo(ctx, ctx.data[section], f"/{section}")

    def _name(
        self,
        ctx: RuleContext,
        pointer: str,
        name: str,
        pool: frozenset[str],
        how: str,
        rewrite: Any,
        what: str = "a parameter, resource or pseudo parameter of this template",
    ) -> Iterator[Finding]:
        if name in pool:
            return
        head = f"{how} names '{name}', which is not {what}"
        match = closest(name, pool)
        if match is None:
            return  # nothing close: cfn-lint's own report says all there is to say
        if match.unique is None:
            yield self.finding(ctx, pointer, f"{head}; it could be {either(match.names)}")
            return
        new = match.unique
        fix = Fix.unsafe(f"Refer to '{new}'", [Op.replace(pointer, rewrite(new))])
        yield self.finding(ctx, pointer, f"{head}; '{new}' is the one close name", fix=fix)

    def _getatt(
        self,
        ctx: RuleContext,
        pointer: str,
        head: str,
        attr: str | None,
        known: Names,
        rewrite: Any,
        attr_pointer: str | None,
        *,
        whole: str | None = None,
        sub: tuple[str, int] | None = None,
    ) -> Iterator[Finding]:
        if head not in known.resources:
            if head in known.parameters:
                return
            yield from self._name(
                ctx,
                pointer,
                head,
                known.resources,
                "Fn::GetAtt" if sub is None else "Fn::Sub",
                rewrite,
                "a resource of this template",
            )
            return
        kind = known.types.get(head)
        if attr is None or kind is None:
            return
        schema = resource_schema(kind)
        attrs = attributes(kind)
        if (
            schema is None
            or not attrs
            or attr in attrs
            or attr in (schema.get("properties") or {})
            or "." in attr
            and kind == "AWS::CloudFormation::Stack"
        ):
            return
        same = [a for a in attrs if a.casefold() == attr.casefold()]
        if len(same) != 1:
            return
        new = same[0]
        if attr_pointer is not None:
            patch = [Op.replace(attr_pointer, new)]
        elif sub is not None:
            text, at = sub
            patch = [Op.replace(pointer, _Span(text, at, at + len(attr), new))]
        else:
            patch = [Op.replace(pointer, f"{head}.{new}")]
        fix = Fix.safe(f"Write the attribute as '{new}'", patch)
        yield self.finding(
            ctx,
            attr_pointer or pointer,
            f"{head} ({kind}) has no attribute '{attr}'; '{new}' differs only in case",
            fix=fix,
        )

    def _pseudo(self, ctx: RuleContext, value: Any, pointer: str) -> Iterator[Finding]:
        """``Ref: AWS::Regoin`` and ``${AWS::Regoin}``: pseudo parameters with a typo (paths
        are built only for what is found)."""
        stack: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
        while stack:
            node, tokens = stack.pop()
            if isinstance(node, list):
                stack.extend((item, (*tokens, str(i))) for i, item in enumerate(node) if isinstance(item, (dict, list)))
                continue
            if not isinstance(node, dict):
                continue
            if len(node) == 1:
                ((key, item),) = node.items()
                here = pointer + "".join("/" + escape_token(t) for t in (*tokens, key))
                if key == "Ref" and isinstance(item, str) and "::" in item and item not in PSEUDO_PARAMETERS:
                    yield from self._name(ctx, here, item, _PSEUDO, "Ref", lambda new: new, "a pseudo parameter")
                    continue
                if key == "Fn::Sub":
                    if isinstance(item, str) and "::" in item:
                        yield from self._sub_pseudos(ctx, here, item)
                    elif isinstance(item, list) and item and isinstance(item[0], str):
                        if "::" in item[0]:
                            yield from self._sub_pseudos(ctx, f"{here}/0", item[0])
                        stack.extend(
                            (sub, (*tokens, key, str(i)))
                            for i, sub in enumerate(item[1:], 1)
                            if isinstance(sub, (dict, list))
                        )
                    continue
            stack.extend((item, (*tokens, key)) for key, item in node.items() if isinstance(item, (dict, list)))

    def _sub_pseudo(self, ctx: RuleContext, pointer: str, template: str, var: str, start: int) -> Iterator[Finding]:
        yield from self._name(
            ctx,
            pointer,
            var,
            _PSEUDO,
            "Fn::Sub",
            lambda new, a=start, b=start + len(var): _Span(template, a, b, new),  # noqa: B008 (binds the span now)
            "a pseudo parameter",
        )

    def _sub_pseudos(self, ctx: RuleContext, pointer: str, template: str) -> Iterator[Finding]:
        for var, start in sub_variables(template):
            if "::" in var and var not in PSEUDO_PARAMETERS:
                yield from self._sub_pseudo(ctx, pointer, template, var, start)


@dataclass(frozen=True)
class _Span:
    """A name to replace in an ``Fn::Sub`` string: ``text[start:end]`` by ``new`` (the string
    is rewritten once, for all of them, by :meth:`ReferenceTypo.scan`)."""

    text: str
    start: int
    end: int
    new: str


def _rewritten(spans: list[_Span]) -> str:
    """The string with every span replaced (in order; a span overlapping an earlier one is left out)."""
    text, parts, at = spans[0].text, [], 0
    for span in sorted(spans, key=lambda sp: sp.start):
        if span.start < at:
            continue
        parts += [text[at : span.start], span.new]
        at = span.end
    parts.append(text[at:])
    return "".join(parts)


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0]


def _list_attr(data: Any, pointer: str) -> str | None:
    node = data
    for token in parse_pointer(_parent(pointer)):
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node[1] if isinstance(node, list) and len(node) == 2 and isinstance(node[1], str) else None
