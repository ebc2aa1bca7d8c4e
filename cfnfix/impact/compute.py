"""Compute what a patch does to a deployed stack, resource by resource.

The rules CloudFormation follows (docs/deployed-stack-impact.md):

- a change to a create-only property (the resource schema's ``createOnlyProperties``), or
  to ``Type``, replaces the resource: a new one is created and the old one deleted;
  a change to a ``conditionalCreateOnlyProperties`` entry may replace it; other property
  changes update it in place;
- a new logical ID is a new resource and the old one is deleted — unless the stack is
  refactored (``CreateStackRefactor`` with a resource mapping), which moves the resource to
  its new ID untouched; a logical ID CloudFormation rejects was never deployed, so renaming
  it replaces nothing;
- a replaced resource gets a new physical ID, so a resource that refers to it (``Ref``,
  ``Fn::GetAtt``, ``Fn::Sub``) in a create-only property is replaced too, and updated in
  place through any other property;
- ``DeletionPolicy``, ``UpdateReplacePolicy``, ``DependsOn``, ``Metadata`` and the other
  resource attributes change nothing in the resource itself.

Only plain data is read; nothing of the template is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress
from operator import is_not
from typing import Any

from ..document.datapatch import ParsedOp, applied, parse_ops
from ..document.pointer import escape_token, parse_pointer
from ..findings import Patch, ResourceChange, ResourceImpact
from ..template.kept import KeptByIdentity
from ..template.references import ReferenceIndex
from .reach import Reach
from .tables import changes_on_update, generated_type, holds_data, interruption, replacement

_VALID_ID = re.compile(r"[A-Za-z0-9]+\Z")
_SUB_VAR = re.compile(r"\$\{([^!}][^}]*)\}")
_FOREACH = "Fn::ForEach::"
_ATTRIBUTES = (
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Condition",
    "Metadata",
    "UpdatePolicy",
    "CreationPolicy",
)

Path = tuple[str, ...]
#: The sections whose patched values the comparison reads.
_COMPARED = frozenset({"Resources", "Globals"})


def impact_of(before: Any, patch: Patch, *, reuse: bool = False) -> list[ResourceImpact]:
    """The impact of applying ``patch`` to the template data ``before``, one entry per
    resource it changes (in the order of the patched template).

    ``reuse``: ``before`` is read-only (a parsed document's data) and will see many patches
    (one per finding): copies of its large containers are kept between calls (see
    :func:`~cfnfix.impact.reach.applied`).
    """
    if not patch or not isinstance(before, dict):
        return []
    ops = parse_ops(patch)
    quick = _rejected_id_renamed(before, ops)
    if quick is not None:
        return quick
    with applied(before, _compared(ops), reuse=reuse) as after:
        return _Comparison(before, after, ops).run()


def _rejected_id_renamed(before: dict[str, Any], ops: list[ParsedOp]) -> list[ResourceImpact] | None:
    """The impact of a patch that only renames resources whose logical IDs CloudFormation
    rejects and rewrites references to them (CFX101's fixes, one or a pass of them), worked
    out without a comparison (a chain of thousands of such renames checks each one, then
    their combined patch); None for any other patch. No deployed stack has an old ID, so the
    references to it change nothing and each resource is "renamed, nothing to replace", in
    the order of the renames — what :class:`_Comparison` finds, at the cost of the patch
    (``tests/impact/test_impact.py`` holds the two to each other)."""
    block = before.get("Resources")
    if not isinstance(block, dict):
        return None
    renames: dict[str, str] = {}  # old ID → new ID, in the order of the moves
    targets: set[str] = set()
    for op in ops:
        if op.op == "move":
            source, target = op.source or [], op.path
            if len(source) != 2 or len(target) != 2 or source[0] != "Resources" or target[0] != "Resources":
                return None
            old, new = source[1], target[1]
            if old in renames or _VALID_ID.match(old) or not isinstance(block.get(old), dict):
                return None  # not a rename of a rejected ID of the template as it was
            if new in block or new in targets or old == new:
                return None
            renames[old] = new
            targets.add(new)
        elif op.op not in ("replace", "test"):
            return None
    if not renames:
        return None
    index = ReferenceIndex.of(before)
    renamed_at: dict[str, list[str]] = {}  # pointer of a reference to a renamed resource → its old IDs
    for old in renames:
        for occ in index.named(old):
            renamed_at.setdefault(occ.pointer, []).append(old)
    moved: dict[str, str] = {}  # a resource renamed so far: its new ID → its old one
    current: dict[str, str] = {}  # a reference string as the operations so far left it
    for op in ops:
        if op.op == "test":
            continue
        if op.op == "move":
            moved[op.path[1]] = op.source[1]  # type: ignore[index]
            continue
        path = op.path
        if not isinstance(op.value, str) or len(path) < 2:
            return None
        if path[0] == "Resources" and path[1] in moved:
            path = ["Resources", moved[path[1]], *path[2:]]  # written after that resource's rename
        elif path[0] == "Resources" and path[1] in renames and renames[path[1]] in moved:
            return None  # inside a resource renamed before: no longer at that path
        pointer = "/" + "/".join(escape_token(token) for token in path)
        olds = renamed_at.get(pointer)
        if not olds:
            return None  # not a reference to a renamed resource
        text = current.get(pointer)
        if text is None:
            text = index.value(pointer)
        if not isinstance(text, str) or not any(op.value == text.replace(old, renames[old]) for old in olds):
            return None  # not the reference rewritten to the new ID
        current[pointer] = op.value
    return [
        ResourceImpact(
            logical_id=new,
            resource_type=_type_of(block[old]),
            change=ResourceChange.RENAMED,
            cause=f"new logical ID (was {old!r}, which CloudFormation rejects, so no deployed stack has it): nothing to replace",
            properties=[],
            renamed_from=old,
            refactor_avoids_replacement=False,
            stateful=False,
            holds=None,
        )
        for old, new in renames.items()
    ]


def _type_of(body: dict[str, Any]) -> str | None:
    rtype = body.get("Type")
    return rtype if isinstance(rtype, str) else None


def _compared(ops: list[ParsedOp]) -> list[ParsedOp]:
    """The operations whose effect the comparison reads: those in ``Resources`` or ``Globals``
    (the rest, such as a removed condition, only matter through the renames and references
    found from every operation). All of them when one crosses between those and the rest."""
    inside: list[ParsedOp] = []
    for op in ops:
        where = {bool(tokens) and tokens[0] in _COMPARED for tokens in (op.path, op.source) if tokens is not None}
        if where == {True}:
            inside.append(op)
        elif len(where) > 1 or not op.path:
            return ops
    return inside


#: SAM ``Globals`` sections and the resource types they apply to.
_GLOBALS = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
    "CapacityProvider": "AWS::Serverless::CapacityProvider",
}


def _renames(ops: list[ParsedOp]) -> dict[str, dict[str, str]]:
    """Section → {new name: old name}, for each ``move`` of a whole entry of a template section
    (a renamed resource, parameter, mapping, condition or output; chains followed)."""
    old_of: dict[str, dict[str, str]] = {}
    for op in ops:
        if op.op != "move" or op.source is None:
            continue
        src, dst = op.source, op.path
        if len(src) == len(dst) == 2 and src[0] == dst[0] and src[1] != dst[1]:
            section = old_of.setdefault(src[0], {})
            section[dst[1]] = section.pop(src[1], src[1])
    return old_of


def _targets(value: Any) -> Iterator[str]:
    """Logical names a value refers to through ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub``."""
    return (name for name, _ in _attribute_targets(value))


def _reaches(value: Any, pattern: tuple[str, ...]) -> bool:
    """Whether ``value`` holds anything at the schema path ``pattern`` (``*``: any item or entry)."""
    if not pattern:
        return True
    token, rest = pattern[0], pattern[1:]
    if token == "*":
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        return any(_reaches(item, rest) for item in items)
    return isinstance(value, dict) and token in value and _reaches(value[token], rest)


def _attribute_targets(value: Any) -> Iterator[tuple[str, str | None]]:
    """(logical name, attribute) of each ``Ref`` (attribute None), ``Fn::GetAtt`` and
    ``Fn::Sub`` variable in a value."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if len(node) == 1:
                ((key, arg),) = node.items()
                if key == "Ref" and isinstance(arg, str):
                    yield arg, None
                    continue
                if key == "Fn::GetAtt":
                    if isinstance(arg, str):
                        head, _, tail = arg.partition(".")
                        yield head, tail or None
                    elif isinstance(arg, list) and arg and isinstance(arg[0], str):
                        yield arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], str) else None
                    if isinstance(arg, list):
                        stack.extend(arg[1:])
                    continue
                if key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        for m in _SUB_VAR.finditer(text):
                            head, _, tail = m.group(1).strip().partition(".")
                            yield head, tail or None
                    if isinstance(arg, list):
                        stack.extend(arg[1:])
                    continue
            stack.extend(node.values())


def _renamed_node(value: Any, new_of: dict[str, str]) -> Any:
    """``value`` with the names *it* holds renamed (``Ref``, ``Fn::GetAtt``, ``Fn::FindInMap``
    and ``Fn::If`` names, ``${…}`` in ``Fn::Sub``, a SAM connector's ``Id``); what lies below
    it is left as it is, for the comparison to rename as it gets there."""
    if not new_of or not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" and isinstance(arg, str):
            return {key: _rename_var(arg, new_of)}  # SAM: X.Alias, X.Version
        if key == "Fn::GetAtt":
            if isinstance(arg, str):
                head, dot, rest = arg.partition(".")
                return {key: new_of.get(head, head) + dot + rest}
            if isinstance(arg, list) and arg and isinstance(arg[0], str):
                return {key: [new_of.get(arg[0], arg[0]), *arg[1:]]}
        if key in ("Fn::FindInMap", "Fn::If") and isinstance(arg, list) and arg and isinstance(arg[0], str):
            return {key: [new_of.get(arg[0], arg[0]), *arg[1:]]}
        if key == "Fn::Sub":
            # names the variable map defines shadow template names inside the string
            defined = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
            visible = {k: v for k, v in new_of.items() if k not in defined}

            def sub(text: Any) -> Any:
                if not isinstance(text, str):
                    return text
                return _SUB_VAR.sub(lambda m: "${" + _rename_var(m.group(1), visible) + "}", text)

            if isinstance(arg, list) and arg:
                return {key: [sub(arg[0]), *arg[1:]]}
            return {key: sub(arg)}
    if isinstance(value.get("Id"), str):  # a SAM connector names its ends as {Id: LogicalId}
        return {k: new_of.get(v, v) if k == "Id" else v for k, v in value.items()}
    return value


def _canonical_node(value: Any) -> Any:
    """An ``Fn::Sub`` of a string without variables as the string it yields (``${!Literal}`` →
    ``${Literal}``): the same value to CloudFormation. Anything else as it is."""
    if isinstance(value, dict) and len(value) == 1:
        text = value.get("Fn::Sub")
        if isinstance(text, str) and not _SUB_VAR.search(text):
            return text.replace("${!", "${")
    return value


def _rename_var(var: str, new_of: dict[str, str]) -> str:
    """``Name`` or ``Name.Attr`` (blanks around it kept, as in ``${ Name }``) with ``Name`` renamed."""
    core = var.strip()
    head, dot, rest = core.partition(".")
    lead = var[: len(var) - len(var.lstrip())]
    trail = var[len(var.rstrip()) :]
    return lead + new_of.get(head, head) + dot + rest + trail


def _attribute(value: Any, new_of: dict[str, str]) -> Any:
    """``DependsOn`` or ``Condition`` with renamed names rewritten (they name them as plain strings)."""
    if isinstance(value, str):
        return new_of.get(value, value)
    if isinstance(value, list):
        return [new_of.get(v, v) if isinstance(v, str) else v for v in value]
    return value


def _touched(ops: list[ParsedOp]) -> dict[str, set[str] | None] | None:
    """Resource ID → the property names the patch's operations reach in it (None: all of them,
    the operation names the resource or its ``Properties`` whole); None when an operation
    replaces ``Resources`` or the whole template."""
    touched: dict[str, set[str] | None] = {}
    for op in ops:
        for tokens in (op.path, op.source):
            if tokens is None:
                continue
            if not tokens or tokens == ["Resources"]:
                return None
            if tokens[0] != "Resources":
                continue
            keys = touched.setdefault(tokens[1], set())
            if len(tokens) == 2 or (len(tokens) == 3 and tokens[2] == "Properties"):
                touched[tokens[1]] = None
            elif keys is not None and len(tokens) > 3 and tokens[2] == "Properties":
                keys.add(tokens[3])
    return touched


class _Resources:
    """The resources of one template's data (``Fn::ForEach::`` loops and entries that are not
    mappings left out), looked up by ID: nothing is built per resource, so a comparison that
    looks at a few resources costs as much in a template of ten as in one of ten thousand."""

    def __init__(self, data: Any) -> None:
        block = data.get("Resources") if isinstance(data, dict) else None
        self.block: dict[Any, Any] = block if isinstance(block, dict) else {}

    def get(self, logical_id: Any) -> dict[str, Any] | None:
        """The body of ``logical_id``, or None."""
        if not isinstance(logical_id, str) or logical_id.startswith(_FOREACH):
            return None
        body = self.block.get(logical_id)
        return body if isinstance(body, dict) else None

    def __contains__(self, logical_id: Any) -> bool:
        return self.get(logical_id) is not None

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every resource, in document order."""
        for key, body in self.block.items():
            if isinstance(key, str) and not key.startswith(_FOREACH) and isinstance(body, dict):
                yield key, body


_MISSING = object()
_NO_RENAMES: dict[str, str] = {}

#: Position of each key of a template's ``Resources``, by the identity of that mapping.
_POSITIONS: KeptByIdentity[dict[Any, int]] = KeptByIdentity(4)


def _positions(block: dict[Any, Any]) -> dict[Any, int]:
    """Key → its position in ``block`` (read-only data: kept while it is the same object)."""
    found = _POSITIONS.get(id(block), block)
    if found is None:
        found = _POSITIONS.put(id(block), block, {key: i for i, key in enumerate(block)})
    return found


def _list_index(token: str) -> int | None:
    return int(token) if token.isdigit() and token.isascii() else None


class _Comparison:
    """One before/after comparison (see :func:`impact_of`).

    Only the resources the patch names, and those that refer to a name it renames (found
    through the shared reference index), are compared; inside them, a value the patch did
    not reach is the very object it was before (see :func:`_apply`) and is skipped unless it
    holds a renamed name. So the cost follows the patch, not the template.
    """

    def __init__(self, before: Any, after: Any, ops: list[ParsedOp]) -> None:
        renames = _renames(ops)
        self.before = _Resources(before)
        self.after = _Resources(after)
        self.touched = _touched(ops)
        #: where the patch reaches: below a value it reached, only the keys it names can differ
        self.reach = Reach.of(ops)
        resources = renames.get("Resources", {})
        self.old_of = {new: old for new, old in resources.items() if old in self.before and new in self.after}
        #: every rename, any section: old name → new name (references to them are compared through it)
        self.new_of = {old: new for section in renames.values() for new, old in section.items()}
        # Only a resource renamed from a valid logical ID is a new resource on a deployed stack.
        # A name CloudFormation rejects was never deployed; a renamed parameter, mapping or
        # condition keeps its value, so what refers to it sees no change.
        renamed_resources = set(self.old_of.values())
        self.free = {
            old: new for old, new in self.new_of.items() if old not in renamed_resources or not _VALID_ID.match(old)
        }
        #: every rename is free (``free`` is ``new_of`` less some entries): asked once per resource
        #: compared, so not a comparison of two dicts of every rename each time
        self.all_free = len(self.free) == len(self.new_of)
        self.results: dict[str, ResourceImpact] = {}
        self.data_before = before
        self.globals_before = before.get("Globals") if isinstance(before, dict) else None
        self.globals_after = after.get("Globals") if isinstance(after, dict) else None
        #: paths (of the data before) that hold a reference to a renamed name, with every prefix
        self.dirty: set[tuple[str, ...]] = set()
        #: path → the tokens below it that lead to such a reference
        self.dirty_children: dict[tuple[str, ...], set[str]] = {}
        self.naming_old: set[str] = set()
        if self.new_of:
            index = ReferenceIndex.of(before)
            for old in self.new_of:
                for occ in index.named(old):
                    tokens = tuple(parse_pointer(occ.pointer))
                    self.dirty.update(tokens[:i] for i in range(1, len(tokens) + 1))
                    for i in range(len(tokens)):
                        self.dirty_children.setdefault(tokens[:i], set()).add(tokens[i])
                    if len(tokens) > 1 and tokens[0] == "Resources":
                        self.naming_old.add(tokens[1])

    def run(self) -> list[ResourceImpact]:
        candidates = (
            list(self.after.block)
            if self.touched is None
            else list(dict.fromkeys([*self.touched, *self.naming_old, *self.old_of]))
        )
        for new_id in candidates:
            body = self.after.get(new_id)
            if body is None:
                continue
            old_id = self.old_of.get(new_id, new_id)
            old_body = self.before.get(old_id)
            if old_body is body and old_id == new_id and new_id not in self.naming_old:
                continue  # shared, not copied: the patch does not reach it
            if old_body is None:
                self._put(new_id, body.get("Type"), ResourceChange.ADDED, "new resource")
                continue
            self._compare(old_id, new_id, old_body, body)
        gone = list(self.before.block) if self.touched is None else list(self.touched)
        for old_id in gone:
            body = self.before.get(old_id)
            if body is not None and old_id not in self.after and old_id not in self.new_of:
                self._put(old_id, body.get("Type"), ResourceChange.REMOVED, "no longer in the template", deleted=True)
        self._globals()
        self._propagate()
        return self._ordered()

    def _ordered(self) -> list[ResourceImpact]:
        """The results in the patched template's order: new IDs first, then the template's own."""
        results = list(self.results.values())
        if len(results) < 2:
            return results
        before_at = _positions(self.before.block)
        # new IDs were added last (a rename moves the entry to the end): found from the end
        wanted = {r.logical_id for r in results if r.logical_id not in self.before and r.logical_id in self.after}
        after_at: dict[str, int] = {}
        for back, key in enumerate(reversed(self.after.block)):
            if not wanted:
                break
            if key in wanted:
                after_at[key] = -back
                wanted.discard(key)

        def position(logical_id: str) -> tuple[int, int]:
            if logical_id in self.before:
                at = before_at.get(logical_id)
                return (1, at if at is not None else list(self.before.block).index(logical_id))
            if logical_id in self.after:
                return (0, after_at[logical_id])
            return (2, 0)

        return sorted(results, key=lambda r: position(r.logical_id))

    # ------------------------------------------------------------------ comparing values

    def _differs(self, b: Any, a: Any, new_of: dict[str, str], path: Path, full: bool = False) -> bool:
        """Whether ``b`` (before, with ``new_of``'s names renamed) and ``a`` (after) differ to
        CloudFormation; ``path`` is where ``b`` is in the data before. ``full``: compare every
        key (the patch replaced a value above whole); else only those the patch reaches
        (:class:`~cfnfix.impact.reach.Reach`) and those holding a renamed name."""
        if b is a and (not new_of or path not in self.dirty):
            return False
        full = full or path in self.reach.full  # (what is above was judged by the caller)
        b, a = _canonical_node(_renamed_node(b, new_of)), _canonical_node(a)
        if isinstance(b, dict) and isinstance(a, dict):
            if full and b.keys() != a.keys():
                return True
        elif isinstance(b, list) and isinstance(a, list):
            if len(b) != len(a):
                return True
        elif isinstance(b, (dict, list)) or isinstance(a, (dict, list)):
            return True
        else:
            return bool(b != a)
        for key in self._unshared(b, a, new_of, path, full):
            if isinstance(b, dict) and (key in b) != (key in a):
                return True
            if self._differs(b[key], a[key], new_of, (*path, str(key)), full):
                return True
        return False

    def _unshared(self, b: Any, a: Any, new_of: dict[str, str], path: Path, full: bool) -> list[Any]:
        """The keys (indexes) of two mappings (lists) whose values may differ: with ``full``, those
        whose values are not the very same object, found without a Python step per entry (a
        list of thousands of items costs microseconds); else the ones the patch reaches (keys
        of ``b`` or ``a``: one may be new or gone). Then those holding a renamed name."""
        if full:
            if isinstance(b, dict):
                keys = list(compress(b.keys(), map(is_not, b.values(), map(a.__getitem__, b.keys()))))
            else:
                keys = list(compress(range(len(b)), map(is_not, b, a)))
        elif isinstance(b, dict):
            keys = [k for k in self.reach.keys(path) if k in b or k in a]
        else:
            keys = [i for i in map(_list_index, self.reach.keys(path)) if i is not None and i < len(b)]
        if new_of and path in self.dirty_children:
            seen = set(keys)
            for token in self.dirty_children[path]:
                key: Any = token if isinstance(b, dict) else _list_index(token)
                if key is not None and key not in seen and (key in b if isinstance(b, dict) else key < len(b)):
                    keys.append(key)
        return keys

    def _pattern_differs(
        self, b: Any, a: Any, pattern: tuple[str, ...], new_of: dict[str, str], path: Path, full: bool = False
    ) -> bool:
        """Whether the values at a schema path (``*``: every list item or mapping entry) differ."""
        if not pattern:
            return self._differs(b, a, new_of, path, full)
        if b is a and (not new_of or path not in self.dirty):
            return False
        full = full or path in self.reach.full
        b, a = _canonical_node(_renamed_node(b, new_of)), _canonical_node(a)
        token, rest = pattern[0], pattern[1:]
        if token == "*":
            if isinstance(b, list) and isinstance(a, list):
                if len(b) != len(a):
                    return True
            elif isinstance(b, dict) and isinstance(a, dict):
                if full and b.keys() != a.keys():
                    return True
            else:
                has_b = isinstance(b, (dict, list)) and bool(b)
                has_a = isinstance(a, (dict, list)) and bool(a)
                return has_b or has_a
            for k in self._unshared(b, a, new_of, path, full):
                if isinstance(b, dict) and (k in b) != (k in a):
                    return True
                if self._pattern_differs(b[k], a[k], rest, new_of, (*path, str(k)), full):
                    return True
            return False
        in_b = isinstance(b, dict) and token in b
        in_a = isinstance(a, dict) and token in a
        if in_b != in_a:
            # a parent added or removed changes the path only when a value sits at its end
            return _reaches(b[token] if in_b else a[token], rest)
        return in_b and self._pattern_differs(b[token], a[token], rest, new_of, (*path, token), full)

    # ------------------------------------------------------------------ one resource

    def _compare(self, old_id: str, new_id: str, old_body: dict[str, Any], body: dict[str, Any]) -> None:
        old_type, new_type = old_body.get("Type"), body.get("Type")
        if old_type != new_type and _rejected_type(old_type) and not _rejected_type(new_type):
            self._put(
                new_id,
                new_type,
                ResourceChange.ADDED,
                f"Type changes from {old_type}, which CloudFormation rejects, so no deployed stack has it: nothing to replace",
                renamed_from=self._from(old_id, new_id),
                free=True,
            )
            return
        if old_type != new_type:
            self._put(
                new_id,
                new_type,
                ResourceChange.REPLACED,
                f"Type changes from {old_type} to {new_type}",
                renamed_from=self._from(old_id, new_id),
            )
            return
        keys = self._property_keys(old_id, new_id, old_body.get("Properties"), body.get("Properties"))
        where = ("Resources", old_id, "Properties")
        raw = self._properties_change(
            new_type, old_body.get("Properties"), body.get("Properties"), self.free, where, keys
        )
        kept = (
            raw
            if self.all_free  # no rename of a deployed resource: the same comparison
            else self._properties_change(
                new_type, old_body.get("Properties"), body.get("Properties"), self.new_of, where, keys
            )
        )
        attributes = [a for a in _ATTRIBUTES if self._attribute_differs(old_id, a, old_body, body)]
        if old_id != new_id:
            if old_id in self.free:
                cause = f"new logical ID (was {old_id!r}, which CloudFormation rejects, so no deployed stack has it): nothing to replace"
                if kept is not None and kept[0] is not ResourceChange.UPDATED:
                    self._put(new_id, new_type, kept[0], f"{kept[1]}; {cause}", kept[2], renamed_from=old_id)
                else:
                    self._put(
                        new_id,
                        new_type,
                        ResourceChange.RENAMED,
                        cause,
                        kept[2] if kept else [],
                        renamed_from=old_id,
                        free=True,
                    )
                return
            avoid = kept is None or kept[0] is ResourceChange.UPDATED
            cause = f"new logical ID (was {old_id}): CloudFormation creates it anew and deletes the old one"
            self._put(
                new_id,
                new_type,
                ResourceChange.RENAMED,
                cause,
                kept[2] if kept else [],
                renamed_from=old_id,
                refactor=avoid,
            )
            return
        if raw is not None:
            change, cause, props = raw
            refactor = change.rank >= ResourceChange.MAY_BE_REPLACED.rank and (
                kept is None or kept[0] is ResourceChange.UPDATED
            )
            if attributes:
                cause += f"; {', '.join(attributes)} set"
            self._put(new_id, new_type, change, cause, props, refactor=refactor)
        elif attributes:
            self._put(
                new_id,
                new_type,
                ResourceChange.UPDATED,
                f"{', '.join(attributes)} only: the resource itself is not touched",
            )

    def _property_keys(self, old_id: str, new_id: str, before: Any, after: Any) -> list[Any]:
        """The property names that may differ, in the order of the properties before then after:
        those the patch reaches and those holding a renamed name (every one when the patch
        names the resource or its properties whole)."""
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        reached: set[Any] = set()
        touched = self.touched
        for logical_id in {old_id, new_id}:
            keys = None if touched is None else touched.get(logical_id, set())
            if keys is None:
                return list(dict.fromkeys([*b, *a]))
            reached |= keys
        if self.dirty:
            reached |= {p[3] for p in self.dirty if len(p) == 4 and p[1] == old_id and p[2] == "Properties"}
        wanted = [k for k in reached if k in b or k in a]
        if len(wanted) < 2:
            return wanted
        b_keys, a_keys = list(b), list(a)
        return sorted(wanted, key=lambda k: (0, b_keys.index(k)) if k in b else (1, a_keys.index(k)))

    def _attribute_differs(self, old_id: str, name: str, old_body: dict[str, Any], body: dict[str, Any]) -> bool:
        b, a = old_body.get(name, _MISSING), body.get(name, _MISSING)
        path = ("Resources", old_id, name)
        if b is a and (not self.new_of or path not in self.dirty):
            return False
        if b is _MISSING or a is _MISSING:
            return True
        if name in ("DependsOn", "Condition"):
            if isinstance(b, list) and isinstance(a, list) and len(b) != len(a):
                return True
            return bool(_attribute(b, self.new_of) != a)
        return self._differs(b, a, self.new_of, path, self.reach.whole(path))

    def _properties_change(
        self,
        resource_type: Any,
        before: Any,
        after: Any,
        new_of: dict[str, str],
        path: Path,
        keys: list[Any] | None = None,
        full: bool = False,
    ) -> tuple[ResourceChange, str, list[str]] | None:
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        if keys is None:
            keys = list(dict.fromkeys([*b, *a]))
        full = full or self.reach.whole(path)  # once here: below, each level checks itself
        changed = [
            k for k in keys if (k in b) != (k in a) or (k in b and self._differs(b[k], a[k], new_of, (*path, k), full))
        ]
        if not changed:
            return None
        table = replacement(resource_type) if isinstance(resource_type, str) else None
        if table is None and isinstance(resource_type, str):
            generated = generated_type(resource_type, changed)
            table = replacement(generated) if generated else None
        if table is None:
            return (
                ResourceChange.MAY_BE_REPLACED,
                f"no resource schema for {resource_type}: replacement cannot be ruled out",
                changed,
            )
        changed_set = set(changed)
        for patterns, change, verb in (
            (table.create_only, ResourceChange.REPLACED, "create-only"),
            (table.conditional, ResourceChange.MAY_BE_REPLACED, "may require replacement"),
        ):
            # a pattern below a property that did not change cannot differ: only those are looked at
            hit = [
                "/".join(p)
                for p in patterns
                if p and p[0] in changed_set and self._pattern_differs(b, a, p, new_of, path, full)
            ]
            if hit:
                noun = "is" if len(hit) == 1 else "are"
                return (
                    change,
                    f"{', '.join(hit)} {noun} {verb}" if verb == "create-only" else f"{', '.join(hit)} {verb}",
                    hit,
                )
        cause = f"{', '.join(changed)} change{'s' if len(changed) == 1 else ''}"
        notes = [n for n in (interruption(resource_type, k) for k in changed) if n]
        return ResourceChange.UPDATED, cause + "".join(f": {n}" for n in dict.fromkeys(notes)), changed

    def _globals(self) -> None:
        """A SAM ``Globals`` entry applies to every resource of its type that does not set it."""
        b = self.globals_before if isinstance(self.globals_before, dict) else {}
        a = self.globals_after if isinstance(self.globals_after, dict) else {}
        if b is a:
            return
        for kind in self._changed_keys(b, a):
            resource_type = _GLOBALS.get(kind)
            for key in self._changed_keys(b.get(kind), a.get(kind)) if resource_type else ():
                for logical_id, body in self.after.items():
                    own = body.get("Properties")
                    if (
                        body.get("Type") != resource_type
                        or logical_id in self.results
                        or (isinstance(own, dict) and key in own)
                    ):
                        continue
                    old, new = b.get(kind), a.get(kind)  # a mapping, or text being typed
                    change, cause, props = self._properties_change(
                        resource_type,
                        {key: old.get(key) if isinstance(old, dict) else None},
                        {key: new.get(key) if isinstance(new, dict) else None},
                        _NO_RENAMES,
                        (),
                        full=True,  # values made here, not the template's: compare them all
                    )  # type: ignore[misc]
                    self._put(logical_id, resource_type, change, f"Globals {kind} {key} applies here: {cause}", props)

    def _changed_keys(self, before: Any, after: Any) -> list[str]:
        """Top-level names whose values differ (``Globals``: no renames apply)."""
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        return [
            k
            for k in dict.fromkeys([*b, *a])
            if (k in b) != (k in a) or (k in b and self._differs(b[k], a[k], _NO_RENAMES, (), full=True))
        ]

    # ------------------------------------------------------------------ dependents

    def _referrers(self, names: set[str]) -> list[str]:
        """IDs (in the patched template) of the resources that may refer to ``names``: those
        the reference index finds for them before the patch, and those the patch reaches."""
        if self.touched is None:
            return list(self.after.block)
        index = ReferenceIndex.of(self.data_before)
        new_of_resource = {old: new for new, old in self.old_of.items()}
        found: dict[str, None] = {}
        for name in names | {self.old_of.get(n, n) for n in names}:
            for occ in index.named(name):
                tokens = parse_pointer(occ.pointer)
                if len(tokens) > 2 and tokens[0] == "Resources" and tokens[2] == "Properties":
                    found[new_of_resource.get(tokens[1], tokens[1])] = None
        found.update(dict.fromkeys(self.touched))
        return list(found)

    def _propagate(self) -> None:
        """A replaced resource gets a new physical ID, and some attributes of a resource change on
        every update (a launch template's ``LatestVersionNumber``): what refers to them changes too."""
        done: set[tuple[str, str | None]] = set()
        while True:
            changed: dict[tuple[str, str | None], str] = {}
            for r in self.results.values():
                if r.logical_id not in self.after:
                    continue
                if r.change is ResourceChange.REPLACED:
                    changed[(r.logical_id, None)] = "which is replaced"
                elif r.change is ResourceChange.UPDATED:
                    for name in changes_on_update(r.resource_type):
                        changed[(r.logical_id, name)] = f"which changes on every update of {r.logical_id}"
            changed = {k: v for k, v in changed.items() if k not in done}
            if not changed:
                return
            done |= set(changed)
            replaced = {logical_id for logical_id, attribute in changed if attribute is None}
            for dep_id in self._referrers({logical_id for logical_id, _ in changed}):
                body = self.after.get(dep_id)
                if body is None:
                    continue
                props = body.get("Properties")
                if not isinstance(props, dict):
                    continue
                reached: dict[str, list[str]] = {}
                for key, value in props.items():
                    for target, attr in _attribute_targets(value):
                        if target == dep_id:
                            continue
                        if target in replaced:
                            reached.setdefault(key, []).append(f"{target}, {changed[(target, None)]}")
                        elif (target, attr) in changed:
                            reached.setdefault(key, []).append(f"{target}.{attr}, {changed[(target, attr)]}")
                if not reached:
                    continue
                hits = list(reached)
                table = replacement(body.get("Type")) if isinstance(body.get("Type"), str) else None
                create_only = {p[0] for p in table.create_only} if table else set()
                forced = [k for k in hits if k in create_only]
                target = "; ".join(sorted({t for k in hits for t in reached[k]}))
                if forced:
                    change, cause, props_hit = (
                        ResourceChange.REPLACED,
                        f"{', '.join(forced)} refers to {target}",
                        forced,
                    )
                elif table is None:
                    change, cause, props_hit = (
                        ResourceChange.MAY_BE_REPLACED,
                        f"{', '.join(hits)} refers to {target}",
                        hits,
                    )
                else:
                    change, cause, props_hit = (
                        ResourceChange.UPDATED,
                        f"{', '.join(hits)} refers to {target}",
                        hits,
                    )
                current = self.results.get(dep_id)
                if current is None or current.change.rank < change.rank:
                    self._put(dep_id, body.get("Type"), change, cause, props_hit)

    # ------------------------------------------------------------------ helpers

    def _from(self, old_id: str, new_id: str) -> str | None:
        return old_id if old_id != new_id else None

    def _put(
        self,
        logical_id: str,
        resource_type: Any,
        change: ResourceChange,
        cause: str,
        properties: list[str] | None = None,
        *,
        renamed_from: str | None = None,
        refactor: bool = False,
        free: bool = False,
        deleted: bool = False,
    ) -> None:
        rtype = resource_type if isinstance(resource_type, str) else None
        holds = None if free else holds_data(rtype)
        self.results[logical_id] = ResourceImpact(
            logical_id=logical_id,
            resource_type=rtype,
            change=change,
            cause=cause,
            properties=list(properties or []),
            renamed_from=renamed_from,
            refactor_avoids_replacement=refactor,
            stateful=holds is not None,
            holds=holds,
        )


def _rejected_type(resource_type: Any) -> bool:
    """True for an ``AWS::`` type no resource schema has (not SAM's): CloudFormation rejects it,
    so no deployed stack holds a resource of it (docs/deployed-stack-impact.md)."""
    return (
        isinstance(resource_type, str)
        and resource_type.startswith("AWS::")
        and not resource_type.startswith("AWS::Serverless::")
        and replacement(resource_type) is None
    )
