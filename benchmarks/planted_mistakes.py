"""Mistakes planted in real templates, then repaired by the schema rules: ``python benchmarks/planted_mistakes.py [--corpus DIR] [--per-kind N]``.

Each kind of mistake that cfn-lint reports and the schema rules (CFX701–CFX739) fix is
planted at sites of ``../shared/corpus``, one mistake per template at a time, with
cfnfix's own ``apply_patch`` (the planted text keeps its format):

====================  ======================================================================
property-case         a property name with its case changed (``queueName``, ``QUEUENAME``)
property-letter       a property name with one letter (not the first) dropped (``QueueNme``)
enum-case             an allowed value with its case changed (``pay_per_request``)
ref-typo              a ``Ref`` to a parameter or resource with one letter dropped
getatt-typo           the logical ID of a ``Fn::GetAtt`` with one letter dropped
lost-sub              a ``Fn::Sub`` string written as the plain string
scalar-for-list       a one-item list written as its item
type-case             a resource type with its last part lowercased (``AWS::SQS::queue``)
====================  ======================================================================

A site counts as *planted* when cfn-lint (region us-east-1, errors only) reports an error
for the planted text that it does not report for the original. Then ``cfnfix`` fixes the
planted text with the schema rules and unsafe fixes (``select = ["CFX7"]``), and the site is

- *repaired* when none of the planted errors is left and cfn-lint reports no error that
  neither the planted text nor the original had (a planted mistake can hide an error the
  original has: cfn-lint does not look inside a resource of an unknown type);
- *restored* when the fixed template's data equals the original's after the same fix run
  (so a pre-existing problem the same rules fix does not count against it).

It also counts fixed templates with a new cfn-lint error and second runs that change
anything. Which letter is dropped and how the case changes are fixed by the name (a hash);
a name that would be equally close to two real ones (``SecurityGroupIds`` → ``SecurityGroupIs``,
as close to ``SecurityGroups``; ``Subnet1`` → ``Subnet``) has no one right answer and must
stay unfixed (golden near misses hold the rules to that), so it is not planted: another site
of the template is taken. Sites are taken in a fixed order (a hash of file and path), at most one per
template and kind; ``--per-kind N`` keeps the first N of each kind (0: all). Templates
with a macro (a ``Transform`` other than SAM or LanguageExtensions) are left out: the
schema rules do not judge what a macro rewrites.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus_fixes import load_corpus  # noqa: E402
from cfnfix import apply_patch  # noqa: E402
from cfnfix.config import Settings  # noqa: E402
from cfnfix.document import Document, load  # noqa: E402
from cfnfix.document.pointer import escape_token  # noqa: E402
from cfnfix.errors import CfnfixError  # noqa: E402
from cfnfix.fixing import fix_text  # noqa: E402
from cfnfix.rules.schema._match import closest  # noqa: E402
from cfnfix.rules.schema._names import has_macro, names  # noqa: E402
from cfnfix.rules.schema._schemas import resource_types  # noqa: E402
from cfnfix.rules.schema._values import allowed  # noqa: E402
from cfnfix.rules.schema._walk import child_schema, object_shape, schema_types, walk  # noqa: E402
from cfnfix.rules.schema.scalar_for_list import _single  # noqa: E402
from cfnfix.rules.schema.sub_needed import _TOKEN, _resolves  # noqa: E402
from cfnfix.template.model import resources, section  # noqa: E402

#: How the measurement fixes: the schema rules only, unsafe fixes included.
SETTINGS = Settings(unsafe_fixes=True, select=["CFX7"])

Op = dict[str, Any]
Planter = Callable[[Any], Iterator[tuple[str, list[Op]]]]


def _pick(text: str, n: int) -> int:
    """A number in ``range(n)`` fixed by ``text`` (the same on every run and machine)."""
    return int(hashlib.sha256(text.encode()).hexdigest(), 16) % n


def _drop_letter(name: str) -> str:
    """``name`` without one of its letters after the first (which one is fixed by the name):
    a dropped last letter can make two names equally close (``Subnet1``/``Subnet2``)."""
    i = 1 + _pick(name, len(name) - 1)
    return name[:i] + name[i + 1 :]


def _one_answer(planted: str, meant: str, names: Any) -> bool:
    """True when ``meant`` is the one name of ``names`` closest to ``planted``: a name equally
    close to two real ones (``SecurityGroupIs``: ``SecurityGroupIds`` or ``SecurityGroups``) has
    no one right answer and must stay unfixed, so it is not planted."""
    match = closest(planted, frozenset(names) | {meant})
    return match is not None and match.unique == meant


def _recase(name: str) -> str:
    """``name`` with its case changed in one of three ways fixed by the name: all lower case,
    the first letter flipped, or all upper case."""
    if not name:
        return name
    options = [name.lower(), name[0].swapcase() + name[1:], name.upper()]
    start = _pick(name, 3)
    for k in range(3):
        if options[(start + k) % 3] != name:
            return options[(start + k) % 3]
    return name


def _property_sites(data: Any, rename: Callable[[str], str]) -> Iterator[tuple[str, list[Op]]]:
    for res in resources(data):
        for node in walk(res):
            if not isinstance(node.value, dict):
                continue
            shape = object_shape(node.schema, node.root)
            if not shape.closed:
                continue
            free = [k for k in shape.known if k not in node.value]
            for key in node.value:
                new = rename(key) if isinstance(key, str) and key in shape.known else key
                if new == key or len(key) < 4 or shape.allows(new) or new in node.value:
                    continue
                if not _one_answer(new, key, free):
                    continue
                src = f"{node.pointer}/{escape_token(key)}"
                yield src, [{"op": "move", "from": src, "path": f"{node.pointer}/{escape_token(new)}"}]


def property_case(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """Property names in another case."""
    return _property_sites(data, _recase)


def property_letter(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """Property names with a letter dropped."""
    return _property_sites(data, _drop_letter)


def enum_case(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """Allowed values in another case."""
    for res in resources(data):
        for node in walk(res):
            if isinstance(node.value, str):
                spec = allowed(node)
                new = _recase(node.value)
                if spec is not None and node.value in spec.values and new not in spec.values:
                    yield node.pointer, [{"op": "replace", "path": node.pointer, "value": new}]


def _refs(value: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _refs(item, f"{pointer}/{escape_token(key)}")
        if len(value) == 1:
            yield pointer, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _refs(item, f"{pointer}/{i}")


def _intrinsics(data: Any) -> Iterator[tuple[str, Any]]:
    for res in resources(data):
        yield from _refs(res.body.get("Properties"), f"{res.pointer}/Properties")
    for name, out in section(data, "Outputs").items():
        yield from _refs(out, f"/Outputs/{escape_token(name)}")


def ref_typo(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """``Ref`` targets with a letter dropped."""
    known = names(data)
    if known is None:
        return
    for pointer, fn in _intrinsics(data):
        target = fn.get("Ref")
        if isinstance(target, str) and target in (known.parameters | known.resources) and len(target) >= 3:
            new = _drop_letter(target)
            if new not in known.refable and _one_answer(new, target, known.refable):
                yield pointer, [{"op": "replace", "path": f"{pointer}/Ref", "value": new}]


def getatt_typo(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """``Fn::GetAtt`` logical IDs with a letter dropped."""
    known = names(data)
    if known is None:
        return
    for pointer, fn in _intrinsics(data):
        arg = fn.get("Fn::GetAtt")
        if (
            isinstance(arg, list)
            and len(arg) == 2
            and isinstance(arg[0], str)
            and arg[0] in known.resources
            and len(arg[0]) >= 3
        ):
            new = _drop_letter(arg[0])
            if new not in known.refable and _one_answer(new, arg[0], known.resources):
                yield pointer, [{"op": "replace", "path": f"{pointer}/Fn::GetAtt/0", "value": new}]
        elif isinstance(arg, str) and "." in arg:
            head, _, attr = arg.partition(".")
            new = _drop_letter(head)
            if (
                head in known.resources
                and len(head) >= 3
                and new not in known.refable
                and _one_answer(new, head, known.resources)
            ):
                yield (
                    pointer,
                    [{"op": "replace", "path": f"{pointer}/Fn::GetAtt", "value": f"{new}.{attr}"}],
                )


def lost_sub(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """``Fn::Sub`` strings whose every ``${…}`` names something, written without ``Fn::Sub``."""
    known = names(data)
    if known is None:
        return
    for pointer, fn in _intrinsics(data):
        text = fn.get("Fn::Sub")
        if not isinstance(text, str) or "${!" in text:
            continue
        variables = [m.group(1) for m in _TOKEN.finditer(text)]
        if variables and all(_resolves(v, known) and v == v.strip() for v in variables):
            yield pointer, [{"op": "replace", "path": pointer, "value": text}]


def scalar_for_list(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """One-item lists written as their item."""
    params = section(data, "Parameters")
    types = {res.id: res.type for res in resources(data)}
    for res in resources(data):
        for node in walk(res):
            if not isinstance(node.value, dict):
                continue
            for key, value in node.value.items():
                if not (isinstance(value, list) and len(value) == 1 and _single(value[0], params, types)):
                    continue
                sub = child_schema(node.schema, node.root, key)
                if sub is not None and schema_types(sub, node.root) == {"array"}:
                    pointer = f"{node.pointer}/{escape_token(key)}"
                    yield pointer, [{"op": "replace", "path": pointer, "value": value[0]}]


def type_case(data: Any) -> Iterator[tuple[str, list[Op]]]:
    """Resource types with their last part lowercased."""
    known = resource_types()
    for res in resources(data):
        head, sep, last = res.type.rpartition("::")
        new = f"{head}{sep}{last.lower()}"
        if res.type in known and new not in known and new != res.type:
            yield f"{res.pointer}/Type", [{"op": "replace", "path": f"{res.pointer}/Type", "value": new}]


KINDS: dict[str, Planter] = {
    "property-case": property_case,
    "property-letter": property_letter,
    "enum-case": enum_case,
    "ref-typo": ref_typo,
    "getatt-typo": getatt_typo,
    "lost-sub": lost_sub,
    "scalar-for-list": scalar_for_list,
    "type-case": type_case,
}


@dataclass
class Site:
    """One planted mistake: the template, where, and the planted text."""

    doc: Document
    kind: str
    pointer: str
    text: str


def _key(file: str | None, pointer: str) -> str:
    return hashlib.sha256(f"{file}\0{pointer}".encode()).hexdigest()


def sites(docs: list[Document], kind: str, per_kind: int = 0, max_bytes: int = 0) -> list[Site]:
    """Sites of one kind, at most one per template, in a fixed order (first ``per_kind``; 0: all),
    in templates of at most ``max_bytes`` characters (0: any size)."""
    found: list[Site] = []
    for doc in docs:
        if not isinstance(doc.data, dict) or has_macro(doc.data) or (max_bytes and len(doc.text) > max_bytes):
            continue
        options = sorted(KINDS[kind](doc.data), key=lambda s: _key(doc.file, s[0]))
        for pointer, ops in options:
            try:
                text = apply_patch(doc.text, ops, file=doc.file)
            except CfnfixError:
                continue
            found.append(Site(doc, kind, pointer, text))
            break
    found.sort(key=lambda s: _key(s.doc.file, s.pointer))
    return found[:per_kind] if per_kind else found


class Linter:
    """cfn-lint errors of a text as a multiset of (rule id, message), cached by text."""

    def __init__(self) -> None:
        self._cache: dict[str, collections.Counter[tuple[str, str]]] = {}

    def __call__(self, text: str) -> collections.Counter[tuple[str, str]]:
        if text not in self._cache:
            from cfnfix.cfn_lint.verify import lint_errors

            self._cache[text] = collections.Counter((e.rule_id, e.message) for e in lint_errors(text))
        return self._cache[text]


def measure(
    site: Site, lint: Linter, settings: Settings = SETTINGS, problems: list[str] | None = None
) -> dict[str, bool]:
    """What happened at one site: planted, repaired, restored, new error, second run changed
    (a line for each site that was not repaired and restored is added to ``problems``)."""
    before = lint(site.doc.text)
    planted_errors = lint(site.text) - before
    out = {"planted": bool(planted_errors)}
    if not planted_errors:
        return out
    result = fix_text(site.text, site.doc.file, settings)
    after = lint(result.text)
    new = after - (lint(site.text) | before)  # an error the original had is not new (a planted mistake can mask it)
    out["new error"] = bool(new)
    out["repaired"] = not (planted_errors & after) and not new
    baseline = fix_text(site.doc.text, site.doc.file, settings)
    out["restored"] = load(result.text, site.doc.file).data == load(baseline.text, site.doc.file).data
    out["second run changed"] = fix_text(result.text, site.doc.file, settings).text != result.text
    if problems is not None and not (out["repaired"] and out["restored"] and not out["second run changed"]):
        left = sorted(planted_errors & after)
        problems.append(f"{site.kind} {site.doc.file} {site.pointer}: left {left[:2]} new {sorted(new)[:2]}"[:400])
    return out


def run(
    docs: list[Document],
    per_kind: int = 0,
    kinds: list[str] | None = None,
    problems: list[str] | None = None,
    max_bytes: int = 0,
) -> dict[str, collections.Counter[str]]:
    """Plant, fix and judge every kind: kind → counts (sites not repaired or restored: ``problems``)."""
    lint = Linter()
    table: dict[str, collections.Counter[str]] = {}
    for kind in kinds or list(KINDS):
        row: collections.Counter[str] = collections.Counter()
        for site in sites(docs, kind, per_kind, max_bytes):
            row["sites"] += 1
            row.update(k for k, v in measure(site, lint, problems=problems).items() if v)
        table[kind] = row
    return table


def render(table: dict[str, collections.Counter[str]]) -> str:
    """The table as markdown, with an overall row."""
    cols = ("planted", "repaired", "restored", "new error", "second run changed")
    lines = ["| kind | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    total: collections.Counter[str] = collections.Counter()
    for kind, row in [*table.items()]:
        total.update(row)
        lines.append(_line(kind, row, cols))
    lines.append(_line("**overall**", total, cols))
    return "\n".join(lines)


def _line(kind: str, row: collections.Counter[str], cols: tuple[str, ...]) -> str:
    cells = []
    for col in cols:
        n = row[col]
        if col in ("repaired", "restored") and row["planted"]:
            cells.append(f"{n} ({100 * n / row['planted']:.0f}%)")
        else:
            cells.append(str(n))
    return f"| {kind} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    """Plant, fix and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--per-kind", type=int, default=0, help="sites per kind (0: every template with a site)")
    parser.add_argument("--kind", action="append", choices=list(KINDS), help="only these kinds")
    parser.add_argument(
        "--max-bytes", type=int, default=0, help="only templates of at most this many characters (0: any)"
    )
    parser.add_argument("--verbose", action="store_true", help="list the sites not repaired or not restored")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    problems: list[str] = []
    table = run(load_corpus(args.corpus), args.per_kind, args.kind, problems, args.max_bytes)
    print(render(table))
    if args.verbose:
        print("\n".join(problems))
    print(f"\n{sum(r['sites'] for r in table.values())} sites in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
