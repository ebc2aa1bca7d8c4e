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

import copy
import re
from collections.abc import Iterator
from typing import Any

import jsonpatch

from ..document.pointer import parse_pointer
from ..findings import Patch, ResourceChange, ResourceImpact
from ..template.references import ReferenceIndex
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


def impact_of(before: Any, patch: Patch) -> list[ResourceImpact]:
    """The impact of applying ``patch`` to the template data ``before``, one entry per
    resource it changes (in the order of the patched template)."""
    if not patch or not isinstance(before, dict):
        return []
    after = _apply(before, patch)
    return _Comparison(before, after, _renames(patch)).run()


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


def _apply(before: dict[str, Any], patch: Patch) -> Any:
    """``patch`` applied to a copy of ``before`` that shares every entry the patch cannot
    reach (a section's entries are copied only when an operation names them). ``before`` is
    often the parse cache's data: it must never change."""
    doc = dict(before)
    copied: set[tuple[str, str]] = set()
    for op in patch:
        for pointer in (op.get("path"), op.get("from")):
            if not isinstance(pointer, str):
                continue
            tokens = parse_pointer(pointer)
            if not tokens:
                return jsonpatch.apply_patch(before, patch)
            section = tokens[0]
            if isinstance(doc.get(section), dict) and (section, "") not in copied:
                doc[section] = dict(doc[section])
                copied.add((section, ""))
            # an entry is copied even when the operation replaces or moves it whole: a moved
            # entry may be changed by a later operation at its new place
            if len(tokens) > 1 and isinstance(doc.get(section), dict) and (section, tokens[1]) not in copied:
                if tokens[1] in doc[section]:
                    doc[section][tokens[1]] = copy.deepcopy(doc[section][tokens[1]])
                copied.add((section, tokens[1]))
            elif len(tokens) > 1 and isinstance(doc.get(section), list):
                doc[section] = copy.deepcopy(doc[section])
    return jsonpatch.apply_patch(doc, copy.deepcopy(patch), in_place=True)


def _renames(patch: Patch) -> dict[str, dict[str, str]]:
    """Section → {new name: old name}, for each ``move`` of a whole entry of a template section
    (a renamed resource, parameter, mapping, condition or output; chains followed)."""
    old_of: dict[str, dict[str, str]] = {}
    for op in patch:
        if op.get("op") != "move":
            continue
        src, dst = parse_pointer(op.get("from", "")), parse_pointer(op.get("path", ""))
        if len(src) == len(dst) == 2 and src[0] == dst[0] and src[1] != dst[1]:
            section = old_of.setdefault(src[0], {})
            section[dst[1]] = section.pop(src[1], src[1])
    return old_of


def _resources(data: Any) -> dict[str, dict[str, Any]]:
    block = data.get("Resources") if isinstance(data, dict) else None
    if not isinstance(block, dict):
        return {}
    return {k: v for k, v in block.items() if isinstance(k, str) and not k.startswith(_FOREACH) and isinstance(v, dict)}


def _targets(value: Any) -> Iterator[str]:
    """Logical names a value refers to through ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub``."""
    return (name for name, _ in _attribute_targets(value))


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


def _renamed(value: Any, new_of: dict[str, str]) -> Any:
    """``value`` with every reference to an old logical ID rewritten to its new one."""
    if not new_of:
        return value
    if isinstance(value, list):
        return [_renamed(v, new_of) for v in value]
    if not isinstance(value, dict):
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
                return {key: [new_of.get(arg[0], arg[0]), *(_renamed(v, new_of) for v in arg[1:])]}
        if key in ("Fn::FindInMap", "Fn::If") and isinstance(arg, list) and arg and isinstance(arg[0], str):
            return {key: [new_of.get(arg[0], arg[0]), *(_renamed(v, new_of) for v in arg[1:])]}
        if key == "Fn::Sub":
            # names the variable map defines shadow template names inside the string
            defined = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
            visible = {k: v for k, v in new_of.items() if k not in defined}

            def sub(text: Any) -> Any:
                if not isinstance(text, str):
                    return text
                return _SUB_VAR.sub(lambda m: "${" + _rename_var(m.group(1), visible) + "}", text)

            if isinstance(arg, list) and arg:
                return {key: [sub(arg[0]), *(_renamed(v, new_of) for v in arg[1:])]}
            return {key: sub(arg)}
    return {
        # a SAM connector names its ends as {Id: LogicalId}
        k: new_of.get(v, v) if k == "Id" and isinstance(v, str) else _renamed(v, new_of)
        for k, v in value.items()
    }


def _canonical(value: Any) -> Any:
    """``value`` with each ``Fn::Sub`` of a string without variables written as the string it
    yields (``${!Literal}`` → ``${Literal}``): the same value to CloudFormation."""
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(value.get("Fn::Sub"), str) and not _SUB_VAR.search(value["Fn::Sub"]):
        return value["Fn::Sub"].replace("${!", "${")
    return {k: _canonical(v) for k, v in value.items()}


def _attribute(value: Any, new_of: dict[str, str]) -> Any:
    """A resource attribute with renamed names rewritten (``DependsOn`` and ``Condition`` name them as plain strings)."""
    if isinstance(value, str):
        return new_of.get(value, value)
    if isinstance(value, list):
        return [new_of.get(v, v) if isinstance(v, str) else _renamed(v, new_of) for v in value]
    return _renamed(value, new_of)


def _rename_var(var: str, new_of: dict[str, str]) -> str:
    """``Name`` or ``Name.Attr`` (blanks around it kept, as in ``${ Name }``) with ``Name`` renamed."""
    core = var.strip()
    head, dot, rest = core.partition(".")
    lead = var[: len(var) - len(var.lstrip())]
    trail = var[len(var.rstrip()) :]
    return lead + new_of.get(head, head) + dot + rest + trail


def _at(value: Any, pattern: Path) -> list[tuple[Path, Any]]:
    """Values at a schema path (``*`` matches every list item or mapping entry)."""
    found: list[tuple[Path, Any]] = [((), value)]
    for token in pattern:
        nxt: list[tuple[Path, Any]] = []
        for path, node in found:
            if token == "*":
                items = enumerate(node) if isinstance(node, list) else node.items() if isinstance(node, dict) else ()
                nxt.extend((path + (str(k),), v) for k, v in items)
            elif isinstance(node, dict) and token in node:
                nxt.append((path + (token,), node[token]))
        found = nxt
    return found


def _changed_keys(before: Any, after: Any) -> list[str]:
    """Top-level property names whose values differ."""
    b = before if isinstance(before, dict) else {}
    a = after if isinstance(after, dict) else {}
    return [k for k in dict.fromkeys([*b, *a]) if b.get(k, _MISSING) != a.get(k, _MISSING)]


_MISSING = object()


class _Comparison:
    """One before/after comparison (see :func:`impact_of`)."""

    def __init__(self, before: Any, after: Any, renames: dict[str, dict[str, str]]) -> None:
        self.before = _resources(before)
        self.after = _resources(after)
        resources = renames.get("Resources", {})
        self.old_of = {new: old for new, old in resources.items() if old in self.before and new in self.after}
        #: every rename, any section: old name → new name (references to them are compared through it)
        self.new_of = {old: new for section in renames.values() for new, old in section.items()}
        # Only a resource renamed from a valid logical ID is a new resource on a deployed stack.
        # A name CloudFormation rejects was never deployed; a renamed parameter, mapping or
        # condition keeps its value, so what refers to it sees no change.
        self.free = {
            old: new for old, new in self.new_of.items() if old not in self.old_of.values() or not _VALID_ID.match(old)
        }
        self.results: dict[str, ResourceImpact] = {}
        self.data_before = before
        self.globals_before = before.get("Globals") if isinstance(before, dict) else None
        self.globals_after = after.get("Globals") if isinstance(after, dict) else None

    def run(self) -> list[ResourceImpact]:
        naming_old = self._naming_old()
        for new_id, body in self.after.items():
            old_id = self.old_of.get(new_id, new_id)
            old_body = self.before.get(old_id)
            if old_body is body and new_id not in naming_old:
                # an entry the patch does not reach is shared, not copied (see _apply); one
                # that refers to a renamed name is still compared: the patch may have left
                # that reference behind
                continue
            if old_body is None:
                self._put(new_id, body.get("Type"), ResourceChange.ADDED, "new resource")
                continue
            self._compare(old_id, new_id, old_body, body)
        for old_id, body in self.before.items():
            if old_id not in self.after and old_id not in self.new_of:
                self._put(old_id, body.get("Type"), ResourceChange.REMOVED, "no longer in the template", deleted=True)
        self._globals()
        self._propagate()
        order = {k: i for i, k in enumerate([*self.after, *self.before])}
        return sorted(self.results.values(), key=lambda r: order.get(r.logical_id, len(order)))

    def _naming_old(self) -> set[str]:
        """Resources of the template before the patch that refer to a name the patch renames
        (found through the shared reference index, not by comparing every resource)."""
        if not self.new_of:
            return set()
        index = ReferenceIndex.of(self.data_before)
        found: set[str] = set()
        for old in self.new_of:
            for occ in index.named(old):
                tokens = parse_pointer(occ.pointer)
                if len(tokens) > 1 and tokens[0] == "Resources":
                    found.add(tokens[1])
        return found

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
        raw = self._properties_change(new_type, old_body.get("Properties"), body.get("Properties"), dict(self.free))
        kept = self._properties_change(new_type, old_body.get("Properties"), body.get("Properties"), self.new_of)
        attributes = [
            a for a in _ATTRIBUTES if _attribute(old_body.get(a, _MISSING), self.new_of) != body.get(a, _MISSING)
        ]
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

    def _properties_change(
        self, resource_type: Any, before: Any, after: Any, new_of: dict[str, str]
    ) -> tuple[ResourceChange, str, list[str]] | None:
        before = _canonical(_renamed(before, new_of))
        after = _canonical(after)
        changed = _changed_keys(before, after)
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
        b = before if isinstance(before, dict) else {}
        a = after if isinstance(after, dict) else {}
        for patterns, change, verb in (
            (table.create_only, ResourceChange.REPLACED, "create-only"),
            (table.conditional, ResourceChange.MAY_BE_REPLACED, "may require replacement"),
        ):
            hit = ["/".join(p) for p in patterns if _at(b, p) != _at(a, p)]
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
        for kind in _changed_keys(b, a):
            resource_type = _GLOBALS.get(kind)
            for key in _changed_keys(b.get(kind), a.get(kind)) if resource_type else ():
                for logical_id, body in self.after.items():
                    own = body.get("Properties")
                    if (
                        body.get("Type") != resource_type
                        or logical_id in self.results
                        or (isinstance(own, dict) and key in own)
                    ):
                        continue
                    change, cause, props = self._properties_change(
                        resource_type, {key: b.get(kind, {}).get(key)}, {key: a.get(kind, {}).get(key)}, {}
                    )  # type: ignore[misc]
                    self._put(logical_id, resource_type, change, f"Globals {kind} {key} applies here: {cause}", props)

    # ------------------------------------------------------------------ dependents

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
            for dep_id, body in self.after.items():
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
