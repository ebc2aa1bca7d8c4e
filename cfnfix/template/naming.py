"""Logical names: which are valid, and readable, collision-free replacements for the rest.

Rules (docs/cloudformation/logical-ids.md, "Naming rules" and "Namespaces"): names in
Parameters, Resources, Outputs, Mappings and Rules match ``^[A-Za-z0-9]{1,255}$``; Conditions are accepted with ``&`` and ``_`` too (as cfn-lint
does) but generated names are always alphanumeric. A new name must differ — ignoring
case, so that no case-only variants appear — from every name in every section, from
``Fn::ForEach`` loop names and the keys the loops generate, from ``ParameterLabels`` keys,
and from the IDs AWS SAM generates (``<Function>Role`` …).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import sam
from .kept import KeptByIdentity
from .references import FOREACH_PREFIX, SECTIONS, declared_names

__all__ = [
    "MAX_LENGTH",
    "NameAllocator",
    "Rename",
    "allowed_characters",
    "invalid_reason",
    "is_valid",
    "plan_renames",
    "readable_name",
    "sam_suffixes",
]

MAX_LENGTH = 255
_ALNUM = re.compile(r"[A-Za-z0-9]+")
_CONDITION = re.compile(r"[A-Za-z0-9&_]+")

#: Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLIT = {
    "ß": "ss", "ẞ": "SS", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Ø": "O", "ø": "o",
    "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "Ł": "L", "ł": "l", "ı": "i",
}  # fmt: skip

_SINGULAR = {
    "Parameters": "Parameter",
    "Rules": "Rule",
    "Mappings": "Mapping",
    "Conditions": "Condition",
    "Resources": "Resource",
    "Outputs": "Output",
}


def is_valid(section: str, name: str) -> bool:
    """True when ``name`` is an acceptable logical name in ``section``."""
    return invalid_reason(section, name) is None


def invalid_reason(section: str, name: str) -> str | None:
    """Why ``name`` is not a valid logical name in ``section`` (one phrase), or None."""
    pattern = _CONDITION if section == "Conditions" else _ALNUM
    if name == "":
        return "is empty"
    bad = sorted(set(pattern.sub("", name)), key=name.index)
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5]) + (", …" if len(bad) > 5 else "")
        return f"contains {shown}"
    if len(name) > MAX_LENGTH:
        return f"is {len(name)} characters long"
    return None


def allowed_characters(section: str) -> str:
    """Human wording of the allowed characters of ``section``'s names."""
    return "A-Z, a-z, 0-9, '&' and '_'" if section == "Conditions" else "A-Z, a-z and 0-9"


def _ascii_letters(text: str) -> str:
    text = "".join(_TRANSLIT.get(c, c) for c in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def readable_name(name: str) -> str:
    """An alphanumeric rendering of ``name``: accents stripped, words joined in PascalCase.

    ``SchemaSync Lambda`` → ``SchemaSyncLambda``, ``bucket-name`` → ``BucketName``,
    ``Bücket`` → ``Bucket``. Truncated to 255 characters (a name that is only too long is
    just truncated); empty when nothing is left.
    """
    if _ALNUM.fullmatch(name):
        return name[:MAX_LENGTH]  # only too long: keep it as written
    words = _ALNUM.findall(_ascii_letters(name))
    return "".join(w[:1].upper() + w[1:] for w in words)[:MAX_LENGTH]


def sam_suffixes(data: Any, section: str, name: str) -> list[str]:
    """Suffixes of the IDs SAM generates from resource ``name`` (empty unless a SAM resource)."""
    if section != "Resources" or not isinstance(data, dict):
        return []
    resources = data.get("Resources")
    res = resources.get(name) if isinstance(resources, dict) else None
    return sam.generated_suffixes(res, data.get("Globals"))


_LOOP_VAR = re.compile(r"([$&])\{([^}]*)\}")


def _foreach_keys(block: Any, env: dict[str, list[str] | None], keys: set[str], loops: set[str]) -> None:
    """Loop names, and the keys ``Fn::ForEach`` loops generate (``Queue${Name}`` → ``QueueA`` …).

    Keys are expanded when every loop variable they use iterates over a literal list;
    a collection known only at deploy time (``!Ref Names``) cannot be expanded.
    """
    if not isinstance(block, dict):
        return
    for key, value in block.items():
        if not (isinstance(key, str) and key.startswith(FOREACH_PREFIX)):
            continue
        loops.add(key[len(FOREACH_PREFIX) :])
        if not (
            isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and isinstance(value[2], dict)
        ):
            continue
        ident, collection, fragment = value
        literal = isinstance(collection, list) and all(isinstance(v, (str, int, float)) for v in collection)
        inner = {**env, ident: [str(v) for v in collection] if literal else None}
        _foreach_keys(fragment, inner, keys, loops)
        for template in fragment:
            if isinstance(template, str) and not template.startswith(FOREACH_PREFIX):
                keys.update(_expand(template, inner))


def _expand(template: str, env: dict[str, list[str] | None]) -> list[str]:
    """Every key a loop key template stands for (empty when a variable's values are unknown)."""
    names = [template]
    for m in _LOOP_VAR.finditer(template):
        kind, var = m.groups()
        values = env.get(var)
        if values is None:
            return []
        if kind == "&":
            values = ["".join(_ALNUM.findall(v)) for v in values]
        names = [n.replace(m.group(0), v, 1) for n in names for v in values]
    return names


def _taken(data: Any, exclude: tuple[str, str] | None) -> set[str]:
    """Lower-cased names a new name must avoid.

    ``exclude`` (section, name): leave out that declaration and the IDs SAM derives from it.
    """
    return set(_taken_names(data, exclude))


def _taken_names(data: Any, exclude: tuple[str, str] | None) -> Iterator[str]:
    """Each lower-cased name a new name must avoid, once per place that uses it."""
    if not isinstance(data, dict):
        return
    for section, names in declared_names(data).items():
        yield from (n.lower() for n in names if (section, n) != exclude)
    keys: set[str] = set()
    loops: set[str] = set()
    for section in SECTIONS:
        _foreach_keys(data.get(section), {}, keys, loops)
    yield from (n.lower() for n in loops | keys)
    resources = data.get("Resources")
    if isinstance(resources, dict):
        sam_used = False
        for name, res in resources.items():
            if isinstance(res, dict) and sam.is_sam_type(res.get("Type")):
                sam_used = True
                if ("Resources", name) == exclude:
                    continue
                yield from (g.lower() for g in sam.generated_names(name, res, data.get("Globals")))
        if sam_used or _has_sam_transform(data):
            yield from (n.lower() for n in sam.global_generated_names())
    meta = data.get("Metadata")
    iface = meta.get("AWS::CloudFormation::Interface") if isinstance(meta, dict) else None
    labels = iface.get("ParameterLabels") if isinstance(iface, dict) else None
    if isinstance(labels, dict):
        yield from (str(k).lower() for k in labels)


#: Every taken name of the last few templates, counted, by the identity of their data.
_COUNTED: KeptByIdentity[Counter[str]] = KeptByIdentity(4)


def name_is_free(data: Any, name: str, suffixes: Iterable[str] = (), *, exclude: tuple[str, str] | None = None) -> bool:
    """``NameAllocator(data, exclude=exclude).is_free(name, suffixes)``, answered from the
    template's names counted once (shared, by the identity of ``data``, which must be
    read-only): a rule that checks one new name per finding does not walk every name each time."""
    counts = _COUNTED.get(id(data), data)
    if counts is None:
        counts = _COUNTED.put(id(data), data, Counter(_taken_names(data, None)))
    removed = Counter(_excluded_names(data, exclude)) if exclude is not None else Counter()
    return all(counts[c.lower()] - removed[c.lower()] <= 0 for c in [name, *(name + s for s in suffixes)])


def _excluded_names(data: Any, exclude: tuple[str, str]) -> Iterator[str]:
    """What :func:`_taken_names` leaves out for ``exclude``: the declaration and SAM's IDs from it."""
    section, name = exclude
    block = data.get(section) if isinstance(data, dict) and section in SECTIONS else None
    if not isinstance(block, dict) or name not in block or name.startswith(FOREACH_PREFIX):
        return
    yield name.lower()
    res = block[name]
    if section == "Resources" and isinstance(res, dict) and sam.is_sam_type(res.get("Type")):
        yield from (g.lower() for g in sam.generated_names(name, res, data.get("Globals")))


def _has_sam_transform(data: dict[str, Any]) -> bool:
    transform = data.get("Transform")
    items = transform if isinstance(transform, list) else [transform]
    return any(isinstance(t, str) and t.startswith("AWS::Serverless") for t in items)


class NameAllocator:
    """Hands out new logical names that collide with nothing in one template.

    Deterministic: the same template and the same sequence of requests give the same names.
    ``exclude`` (section, name): a name about to be renamed, which the new name may replace
    (its other declarations, in other sections, still count).
    """

    def __init__(self, data: Any, *, exclude: tuple[str, str] | None = None) -> None:
        self._taken = _taken(data, exclude)

    def is_free(self, name: str, suffixes: Iterable[str] = ()) -> bool:
        """True when ``name`` (and ``name + s`` for each suffix) is unused, ignoring case."""
        for candidate in [name, *(name + s for s in suffixes)]:
            if candidate.lower() in self._taken:
                return False
        return True

    def candidates(self, base: str, suffixes: Iterable[str] = ()) -> Iterator[str]:
        """``base``, ``base2``, ``base3`` … cut to fit 255 characters (with the longest suffix), free or not.

        Finite: each taken name can rule out at most ``1 + len(suffixes)`` candidates, so one
        more candidate than that many is enough, and no more are given: a caller looking for a
        free one (or an existing one to share) always stops. ``base`` is made alphanumeric
        (:func:`readable_name`); when nothing is left, ``Name``.
        """
        suffixes = list(suffixes)
        limit = MAX_LENGTH - max((len(s) for s in suffixes), default=0)  # generated IDs must fit too
        if limit < 10:
            raise ValueError(f"no room for a name: a generated suffix is {MAX_LENGTH - limit} characters long")
        base = readable_name(base) or "Name"
        wanted = len(self._taken) * (1 + len(suffixes)) + 1
        seen: set[str] = set()  # a cut base can repeat a candidate (``…a1``+``2`` = ``…a``+``12``)
        n = 1
        while len(seen) < wanted:
            tail = "" if n == 1 else str(n)
            n += 1
            candidate = base[: limit - len(tail)] + tail
            if candidate.lower() not in seen:
                seen.add(candidate.lower())
                yield candidate

    def allocate(self, base: str, suffixes: Iterable[str] = ()) -> str:
        """The first free name of ``base``, ``base2``, ``base3`` … (each ≤ 255 characters), reserved.

        ``suffixes``: SAM-generated suffixes the name will carry; those names must be free too.
        Bounded: see :meth:`candidates`.
        """
        suffixes = list(suffixes)
        for candidate in self.candidates(base, suffixes):
            if self.is_free(candidate, suffixes):
                self.reserve(candidate, suffixes)
                return candidate
        raise AssertionError("unreachable: more candidates than taken names can rule out")  # pragma: no cover

    def reserve(self, name: str, suffixes: Iterable[str] = ()) -> None:
        """Mark ``name`` (and ``name + s`` for each suffix) as used."""
        self._taken.add(name.lower())
        self._taken.update((name + s).lower() for s in suffixes)


@dataclass(frozen=True)
class Rename:
    """One planned rename of an invalid logical name."""

    section: str
    old: str
    new: str
    reason: str


def _fallback(section: str, item: Any) -> str:
    """A base name when nothing readable is left of the old one (``日本`` → ``Function``)."""
    if section == "Resources" and isinstance(item, dict) and isinstance(item.get("Type"), str):
        last = readable_name(item["Type"].rsplit("::", 1)[-1])
        if last:
            return last
    return _SINGULAR.get(section, "Name")


def plan_renames(data: Any) -> list[Rename]:
    """A new name for every invalid logical name, in document order.

    Names are allocated one after another, each avoiding every existing name and every
    name allocated before it, so two invalid names with the same readable form get
    distinct names (``a-b`` → ``AB``, ``a b`` → ``AB2``) and a second run over a
    partly fixed template allocates the remaining ones the same way.
    """
    plans: list[Rename] = []
    if not isinstance(data, dict):
        return plans
    allocator: NameAllocator | None = None  # built for the first invalid name: most templates have none
    for section in [k for k in data if k in SECTIONS]:
        block = data[section]
        if not isinstance(block, dict):
            continue
        for name, item in block.items():
            if not isinstance(name, str) or name.startswith(FOREACH_PREFIX):
                continue
            reason = invalid_reason(section, name)
            if reason is None:
                continue
            base = readable_name(name) or _fallback(section, item)
            allocator = allocator or NameAllocator(data)
            new = allocator.allocate(base, sam_suffixes(data, section, name))
            plans.append(Rename(section, name, new, reason))
    return plans
