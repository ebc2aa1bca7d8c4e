"""Who points at whom: every place a template refers to a logical ID by name.

:class:`ReferenceIndex` walks a template's plain data (CloudFormation long form) once and
records each *occurrence* of a name in a reference position
(docs/cloudformation/logical-ids.md, "Where a name is referenced"):

========================  ==========================================  ===================
kind                      where                                       names in section
========================  ==========================================  ===================
``Ref``                   ``{"Ref": X}``; ``X.Alias`` (SAM)            Parameters, Resources
``Fn::GetAtt``            ``["X", "Attr"]`` (first item)              Resources
``Fn::GetAtt string``     ``"X.Attr.Sub"`` (split at the first dot)   Resources
``Fn::Sub``               ``${X}``, ``${X.Attr}`` in the template      Parameters, Resources
``DependsOn``             string or list item                         Resources
``Condition``             resource / output attribute                 Conditions
``Fn::If``                first argument                              Conditions
``Condition function``    ``{"Condition": X}`` in Conditions/And/Or/Not  Conditions
``Fn::FindInMap``         first argument                              Mappings
``Fn::ValueOf``           first argument (Rules)                      Parameters
``ParameterGroups``       Interface metadata ``Parameters`` items      Parameters
``ParameterLabels``       Interface metadata label *keys*              Parameters
``Connector Id``          SAM connector ``Source``/``Destination``     Resources
``Hook LogicalID``        ``AWS::CodeDeploy::BlueGreen`` hook ids      Resources
========================  ==========================================  ===================

Not references: ``${!Literal}`` in ``Fn::Sub``; names that a ``Fn::Sub`` variable map
defines (they *shadow* template names inside that template string, while ``Ref``\\ s in
the map's values are ordinary references); ``Fn::ForEach`` loop identifiers (inside the
loop's fragment ``Ref``/``${…}`` to the identifier mean the loop variable); pseudo
parameters (``AWS::Region``); computed names (``Ref`` of an intrinsic).

Plain strings that merely *mention* a name — UserData text ``--resource MyInstance``,
descriptions — are not references; :meth:`ReferenceIndex.mentions` lists them so that a
renamer can report them.

Known limits: names computed at deploy time (``!Ref !Sub "${Env}Bucket"``, keys that
``Fn::ForEach`` generates) cannot be resolved statically and are not indexed; references
from other templates (a parent stack's ``!GetAtt Child.Outputs.X``) are out of reach.

The module reads data only: nothing from the template is ever evaluated.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..document.pointer import escape_token, parse_pointer
from .kept import PER_RESOURCE, KeptByIdentity

__all__ = [
    "FOREACH_PREFIX",
    "SECTIONS",
    "Kind",
    "Occurrence",
    "Reference",
    "ReferenceIndex",
    "declared_names",
    "sub_variables",
]

#: Template sections whose keys are logical names, in the order CloudFormation documents them.
SECTIONS: tuple[str, ...] = ("Parameters", "Rules", "Mappings", "Conditions", "Resources", "Outputs")

#: Key prefix of a LanguageExtensions loop (``Fn::ForEach::Topics``): not a logical ID.
FOREACH_PREFIX = "Fn::ForEach::"

_SUB_TOKEN = re.compile(r"\$\{([^}]*)\}")


class Kind(str, Enum):
    """How an occurrence refers to its name."""

    REF = "Ref"
    GETATT = "Fn::GetAtt"
    GETATT_STRING = "Fn::GetAtt string"
    SUB = "Fn::Sub"
    DEPENDS_ON = "DependsOn"
    CONDITION = "Condition"
    IF = "Fn::If"
    CONDITION_FN = "Condition function"
    FIND_IN_MAP = "Fn::FindInMap"
    VALUE_OF = "Fn::ValueOf"
    INTERFACE_GROUP = "ParameterGroups"
    INTERFACE_LABEL = "ParameterLabels"
    CONNECTOR = "Connector Id"
    HOOK = "Hook LogicalID"

    @property
    def namespaces(self) -> frozenset[str]:
        """Sections a name in this position can belong to."""
        return _NAMESPACES[self]

    @property
    def dotted(self) -> bool:
        """True when the name may be followed by ``.Attr`` (GetAtt, Sub, SAM ``X.Alias``)."""
        return self in (Kind.REF, Kind.GETATT, Kind.GETATT_STRING, Kind.SUB)


_VALUE = frozenset({"Parameters", "Resources"})
_NAMESPACES: dict[Kind, frozenset[str]] = {
    Kind.REF: _VALUE,
    Kind.GETATT: frozenset({"Resources"}),
    Kind.GETATT_STRING: frozenset({"Resources"}),
    Kind.SUB: _VALUE,
    Kind.DEPENDS_ON: frozenset({"Resources"}),
    Kind.CONDITION: frozenset({"Conditions"}),
    Kind.IF: frozenset({"Conditions"}),
    Kind.CONDITION_FN: frozenset({"Conditions"}),
    Kind.FIND_IN_MAP: frozenset({"Mappings"}),
    Kind.VALUE_OF: frozenset({"Parameters"}),
    Kind.INTERFACE_GROUP: frozenset({"Parameters"}),
    Kind.INTERFACE_LABEL: frozenset({"Parameters"}),
    Kind.CONNECTOR: frozenset({"Resources"}),
    Kind.HOOK: frozenset({"Resources"}),
}


@dataclass(frozen=True)
class Occurrence:
    """A name written in a reference position.

    ``pointer`` names the string that holds it (for ``ParameterLabels``: the key);
    ``text`` is the name as written, attribute included (``DB.Endpoint.Address``);
    ``start`` is where ``text`` begins inside that string (non-zero only in ``Fn::Sub``).
    """

    pointer: str
    kind: Kind
    text: str
    start: int = 0


@dataclass(frozen=True)
class Reference:
    """A resolved reference to one logical name: the span ``[start, end)`` to rewrite.

    The span lies in the string at ``pointer`` — or, when :attr:`is_key`, in the mapping
    key that ``pointer`` ends in (a rename moves that key).
    """

    pointer: str
    kind: Kind
    name: str
    start: int
    end: int

    @property
    def is_key(self) -> bool:
        """True when the reference is a mapping key (``ParameterLabels``), not a value."""
        return self.kind is Kind.INTERFACE_LABEL


@dataclass(frozen=True)
class _Scope:
    shadow: frozenset[str] = frozenset()
    condition_fn: bool = False

    def plain(self) -> _Scope:
        return self if not self.condition_fn else _Scope(self.shadow)

    def conditions(self) -> _Scope:
        return _Scope(self.shadow, True)

    def shadowing(self, names: frozenset[str]) -> _Scope:
        return _Scope(self.shadow | names, self.condition_fn)


def sub_variables(template: str) -> Iterator[tuple[str, int]]:
    """``(variable, offset)`` of each ``${…}`` in a ``Fn::Sub`` template, literals excluded.

    Blanks around the variable are tolerated (as cfn-lint does) and not part of it;
    ``${!Literal}`` is not a variable.
    """
    for m in _SUB_TOKEN.finditer(template):
        content = m.group(1)
        stripped = content.strip()
        if not stripped or stripped.startswith("!"):
            continue
        yield stripped, m.start(1) + (len(content) - len(content.lstrip()))


def declared_names(data: Any) -> dict[str, list[str]]:
    """Section → logical names declared in it (``Fn::ForEach::`` loop keys left out)."""
    out: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return out
    for section in SECTIONS:
        block = data.get(section)
        if isinstance(block, dict):
            out[section] = [k for k in block if isinstance(k, str) and not k.startswith(FOREACH_PREFIX)]
    return out


def _at(pointer: str, *tokens: Any) -> str:
    """``pointer`` extended by ``tokens`` (escaped): paths are built as they are walked, once per level."""
    for token in tokens:
        token = token if isinstance(token, str) else str(token)
        pointer += "/" + (escape_token(token) if "~" in token or "/" in token else token)
    return pointer


#: Pointer of a resource → (occurrences, texts, consumed, pseudo, subs) of its latest body
#: (see :meth:`ReferenceIndex._resource_kept`): one entry per resource, so an editor's many
#: versions of one template do not pile up.
_KEPT: KeptByIdentity[tuple[list[Occurrence], dict[str, str], set[str], list[Occurrence], list[tuple[str, Any]]]] = (
    KeptByIdentity(PER_RESOURCE)
)

#: The indexes of the last few templates, by the identity of their data.
_SHARED: KeptByIdentity[ReferenceIndex] = KeptByIdentity(4)


def _name_part(text: str) -> str:
    return text.split(".", 1)[0]


_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:")


def _has_word(text: str, name: str) -> bool:
    """True when ``name`` is in ``text`` with no letter, digit or ``:`` right before or after it
    (plain searches: a regular expression compiled per name cost a millisecond each)."""
    at = text.find(name)
    while at != -1:
        end = at + len(name)
        if (at == 0 or text[at - 1] not in _WORD_CHARS) and (end == len(text) or text[end] not in _WORD_CHARS):
            return True
        at = text.find(name, at + 1)
    return False


@dataclass
class ReferenceIndex:
    """Every reference occurrence and every plain text of one template (see module doc)."""

    data: Any
    occurrences: list[Occurrence] = field(default_factory=list)
    declared: dict[str, list[str]] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)
    pseudo: list[Occurrence] = field(default_factory=list)
    """Names with ``::`` in ``Ref`` and ``${…}`` (pseudo parameters, ``AWS::Region``, or typos of them)."""
    subs: list[tuple[str, Any]] = field(default_factory=list)
    """(pointer of the ``{"Fn::Sub": …}`` mapping, its argument) of every ``Fn::Sub`` walked, in document order."""
    _consumed: set[str] = field(default_factory=set, repr=False)
    _by_name: dict[str, list[Occurrence]] | None = field(default=None, repr=False)
    _joined: tuple[str, list[int], list[tuple[str, str]]] | None = field(default=None, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.declared = declared_names(self.data)
        if isinstance(self.data, dict):
            self._template(self.data)

    @classmethod
    def of(cls, data: Any) -> ReferenceIndex:
        """The index of ``data``, shared: one walk serves every rule, the renamer and the
        impact of a fix. ``data`` must be read-only from then on (as a parsed document's
        data is); a template changed in place needs ``ReferenceIndex(data)``."""
        index = _SHARED.get(id(data), data)
        return index if index is not None else _SHARED.put(id(data), data, cls(data))

    # ------------------------------------------------------------------ queries

    def references(self, section: str, name: str) -> list[Reference]:
        """References to ``name`` declared in ``section``, in document order.

        A ``Ref``/``${X}`` binds to a parameter when one has that name, else to a resource.
        A dotted form (``X.Attr``, SAM ``X.Alias``) refers to the resource ``X``.
        """
        is_param = name in self.declared.get("Parameters", ())
        found: list[Reference] = []
        for occ in self.named(name):
            if section not in occ.kind.namespaces:
                continue
            if occ.text == name and occ.kind is not Kind.GETATT_STRING:
                if occ.kind.namespaces == _VALUE and section == "Resources" and is_param:
                    continue
                found.append(Reference(occ.pointer, occ.kind, name, occ.start, occ.start + len(name)))
            elif occ.kind.dotted and section == "Resources" and occ.text.startswith(name + "."):
                found.append(Reference(occ.pointer, occ.kind, name, occ.start, occ.start + len(name)))
        return found

    def named(self, name: str) -> list[Occurrence]:
        """Occurrences whose text is ``name`` or starts with ``name.`` (in document order):
        the only candidates for a reference to ``name``, found without a scan of them all."""
        if self._by_name is None:
            by_name: dict[str, list[Occurrence]] = {}
            for occ in self.occurrences:
                by_name.setdefault(occ.text, []).append(occ)
                if occ.kind.dotted:
                    dot = occ.text.find(".")
                    while dot > 0:
                        by_name.setdefault(occ.text[:dot], []).append(occ)
                        dot = occ.text.find(".", dot + 1)
            self._by_name = by_name
        return self._by_name.get(name, [])

    def position(self, pointer: str) -> int:
        """Where the first occurrence at ``pointer`` is in :attr:`occurrences` (document order)."""
        if self._positions is None:
            positions: dict[str, int] = {}
            for i, occ in enumerate(self.occurrences):
                positions.setdefault(occ.pointer, i)
            self._positions = positions
        return self._positions[pointer]

    def mentions(self, name: str) -> list[str]:
        """Pointers of plain strings (not reference positions) that contain ``name`` as a word."""
        if not name:
            return []
        if self._joined is None:
            # every text in one string: one C-level search per name instead of a test of
            # each of the (1 MB template: 24,000) texts
            starts, offset = [], 0
            for text in self._texts.values():
                starts.append(offset)
                offset += len(text) + 1
            self._joined = ("\0".join(self._texts.values()), starts, list(self._texts.items()))
        joined, starts, items = self._joined
        found: list[str] = []
        at = joined.find(name)
        while at != -1:
            i = bisect.bisect_right(starts, at) - 1
            pointer, text = items[i]
            if pointer not in self._consumed and _has_word(text, name):
                found.append(pointer)
            at = joined.find(name, starts[i + 1]) if i + 1 < len(starts) else -1
        return found

    def value(self, pointer: str) -> Any:
        """The data at ``pointer`` (the string a :class:`Reference` points into)."""
        node = self.data
        for token in parse_pointer(pointer):
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    # ------------------------------------------------------------------ recording

    def _occ(self, path: str, kind: Kind, text: str, start: int = 0) -> None:
        self.occurrences.append(Occurrence(path, kind, text, start))
        if kind is not Kind.SUB:
            self._consumed.add(path)

    def _text(self, path: str, text: str) -> None:
        self._texts[path] = text

    # ------------------------------------------------------------------ sections

    def _template(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            path = _at("", key)
            if key == "Resources":
                self._section(value, path, self._resource_kept)
            elif key == "Outputs":
                self._section(value, path, self._output)
            elif key == "Conditions":
                self._section(value, path, lambda v, p, s: self._expr(v, p, s.conditions()))
            elif key == "Rules":
                self._section(value, path, self._expr)
            elif key == "Hooks":
                self._section(value, path, self._hook)
            elif key == "Metadata":
                self._metadata(value, path)
            elif key in ("Parameters", "Mappings"):
                self._plain(value, path, skip_type=key == "Parameters")
            elif key not in ("AWSTemplateFormatVersion", "Transform"):
                self._expr(value, path, _Scope())

    def _section(self, block: Any, path: str, handler: Callable[[Any, str, _Scope], None]) -> None:
        if not isinstance(block, dict):
            self._expr(block, path, _Scope())
            return
        self._entries(block, path, handler, _Scope())

    def _entries(
        self, block: dict[str, Any], path: str, handler: Callable[[Any, str, _Scope], None], scope: _Scope
    ) -> None:
        for name, item in block.items():
            if isinstance(name, str) and name.startswith(FOREACH_PREFIX) and _is_foreach(item):
                self._foreach(item, _at(path, name), handler, scope)
            else:
                handler(item, _at(path, name), scope)

    def _foreach(self, loop: list[Any], path: str, handler: Callable[[Any, str, _Scope], None], scope: _Scope) -> None:
        """``[Identifier, Collection, {KeyTemplate: fragment}]``: the identifier shadows names in the fragment."""
        ident = loop[0]
        # a half-typed loop may have no identifier yet (``- `` alone: null)
        items = [ident] if isinstance(ident, str) else ident if isinstance(ident, list) else []
        names = frozenset(i for i in items if isinstance(i, str))
        self._expr(loop[1], _at(path, "1"), scope.plain())
        inner = scope.shadowing(names)
        if isinstance(loop[2], dict):
            self._entries(loop[2], _at(path, "2"), handler, inner)
        else:
            self._expr(loop[2], _at(path, "2"), inner)

    def _resource_kept(self, res: Any, path: str, scope: _Scope) -> None:
        """:meth:`_resource` of a top-level resource, its results kept by the identity of its
        body: a template that shares the body (the data of a fixed template shares every
        entry the fix did not touch, an editor's re-parse every entry not edited) is indexed
        without walking it again. Data is read-only, so the same body means the same results."""
        if not isinstance(res, dict) or scope.shadow or scope.condition_fn:
            self._resource(res, path, scope)
            return
        kept = _KEPT.get(path, res)
        if kept is None:
            outer = (self.occurrences, self._texts, self._consumed, self.pseudo, self.subs)
            self.occurrences, self._texts, self._consumed, self.pseudo, self.subs = [], {}, set(), [], []
            try:
                self._resource(res, path, scope)
                kept = _KEPT.put(path, res, (self.occurrences, self._texts, self._consumed, self.pseudo, self.subs))
            finally:
                self.occurrences, self._texts, self._consumed, self.pseudo, self.subs = outer
        occurrences, texts, consumed, pseudo, subs = kept
        self.occurrences.extend(occurrences)
        self._texts.update(texts)
        self._consumed.update(consumed)
        self.pseudo.extend(pseudo)
        self.subs.extend(subs)

    def _resource(self, res: Any, path: str, scope: _Scope) -> None:
        if not isinstance(res, dict):
            self._expr(res, path, scope)
            return
        for key, value in res.items():
            p = _at(path, key)
            if key == "Type" and isinstance(value, str):
                continue
            if key == "DependsOn":
                self._names(value, p, Kind.DEPENDS_ON, scope)
            elif key == "Condition" and isinstance(value, str):
                self._occ(p, Kind.CONDITION, value)
            elif key == "Properties" and res.get("Type") == "AWS::Serverless::Connector":
                self._connector(value, p)
                self._expr(value, p, scope.plain())
            elif key == "Connectors" and isinstance(value, dict):
                for cname, conn in value.items():
                    props = conn.get("Properties") if isinstance(conn, dict) else None
                    self._connector(props, _at(p, cname, "Properties"))
                self._expr(value, p, scope.plain())
            else:
                self._expr(value, p, scope.plain())

    def _output(self, out: Any, path: str, scope: _Scope) -> None:
        if not isinstance(out, dict):
            self._expr(out, path, scope)
            return
        for key, value in out.items():
            if key == "Condition" and isinstance(value, str):
                self._occ(_at(path, key), Kind.CONDITION, value)
            else:
                self._expr(value, _at(path, key), scope.plain())

    def _names(self, value: Any, path: str, kind: Kind, scope: _Scope) -> None:
        """A name or a list of names (``DependsOn``, hook target lists)."""
        if isinstance(value, str):
            self._occ(path, kind, value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    self._occ(_at(path, str(i)), kind, item)
                else:
                    self._expr(item, _at(path, str(i)), scope.plain())
        else:
            self._expr(value, path, scope.plain())

    def _connector(self, props: Any, path: str) -> None:
        """SAM connector ``Source``/``Destination`` (an object or a list of them) ``Id``."""
        if not isinstance(props, dict):
            return
        for end in ("Source", "Destination"):
            ref = props.get(end)
            items = [(ref, [end])] if isinstance(ref, dict) else []
            if isinstance(ref, list):
                items = [(r, [end, str(i)]) for i, r in enumerate(ref) if isinstance(r, dict)]
            for obj, sub in items:
                if isinstance(obj.get("Id"), str):
                    self._occ(_at(path, *sub, "Id"), Kind.CONNECTOR, obj["Id"])

    def _hook(self, hook: Any, path: str, scope: _Scope) -> None:
        """``AWS::CodeDeploy::BlueGreen``: ``LogicalID`` values and the target id lists."""
        if isinstance(hook, dict) and hook.get("Type") == "AWS::CodeDeploy::BlueGreen":
            self._hook_ids(hook.get("Properties"), _at(path, "Properties"))
        self._expr(hook, path, scope)

    def _hook_ids(self, value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "LogicalID" and isinstance(item, str):
                    self._occ(_at(path, key), Kind.HOOK, item)
                elif key in ("TaskDefinitions", "TaskSets", "TargetGroups") and isinstance(item, list):
                    for i, name in enumerate(item):
                        if isinstance(name, str):
                            self._occ(_at(path, key, str(i)), Kind.HOOK, name)
                else:
                    self._hook_ids(item, _at(path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._hook_ids(item, _at(path, str(i)))

    def _metadata(self, meta: Any, path: str) -> None:
        """Template metadata: ``AWS::CloudFormation::Interface`` names parameters."""
        iface = meta.get("AWS::CloudFormation::Interface") if isinstance(meta, dict) else None
        if isinstance(iface, dict):
            ipath = _at(path, "AWS::CloudFormation::Interface")
            groups = iface.get("ParameterGroups")
            if isinstance(groups, list):
                for i, group in enumerate(groups):
                    params = group.get("Parameters") if isinstance(group, dict) else None
                    if isinstance(params, list):
                        for j, name in enumerate(params):
                            if isinstance(name, str):
                                self._occ(
                                    _at(ipath, "ParameterGroups", str(i), "Parameters", str(j)),
                                    Kind.INTERFACE_GROUP,
                                    name,
                                )
            labels = iface.get("ParameterLabels")
            if isinstance(labels, dict):
                for name in labels:
                    self.occurrences.append(Occurrence(_at(ipath, "ParameterLabels", name), Kind.INTERFACE_LABEL, name))
        self._expr(meta, path, _Scope())

    def _plain(self, value: Any, path: str, *, skip_type: bool = False) -> None:
        """Sections without intrinsic functions: only their texts are kept (for mentions)."""
        if isinstance(value, str):
            self._text(path, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not (skip_type and key == "Type" and len(path) == 2):
                    self._plain(item, _at(path, key), skip_type=skip_type)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._plain(item, _at(path, str(i)), skip_type=skip_type)

    # ------------------------------------------------------------------ expressions

    def _expr(self, value: Any, path: str, scope: _Scope) -> None:
        # the hot loop of every check (a 1 MB template has ~70,000 values): no closures,
        # one scope per container, pointers built by concatenation
        if isinstance(value, str):
            self._texts[path] = value
            return
        if isinstance(value, list):
            inner = scope.plain()
            for i, item in enumerate(value):
                if isinstance(item, str):
                    self._texts[f"{path}/{i}"] = item
                else:
                    self._expr(item, f"{path}/{i}", inner)
            return
        if not isinstance(value, dict):
            return
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Condition" and scope.condition_fn and isinstance(arg, str):
                self._occ(_at(path, fn), Kind.CONDITION_FN, arg)
                return
            handler = _FUNCTIONS.get(fn)
            if handler is not None:
                handler(self, arg, _at(path, fn), scope)
                return
        inner = scope.plain()
        for name, item in value.items():
            if isinstance(name, str):
                if name.startswith(FOREACH_PREFIX) and _is_foreach(item):
                    self._foreach(item, _at(path, name), lambda v, p, s: self._expr(v, p, s.plain()), scope)
                    continue
                child = path + "/" + (escape_token(name) if "~" in name or "/" in name else name)
            else:
                child = _at(path, name)
            if isinstance(item, str):
                self._texts[child] = item
            else:
                self._expr(item, child, inner)

    def _fn_ref(self, arg: Any, path: str, scope: _Scope) -> None:
        if not isinstance(arg, str):
            self._expr(arg, path, scope.plain())
        elif "::" in arg or arg in scope.shadow:
            self._consumed.add(path)  # pseudo parameter or loop variable
            if "::" in arg:
                self.pseudo.append(Occurrence(path, Kind.REF, arg))
        else:
            self._occ(path, Kind.REF, arg)

    def _fn_getatt(self, arg: Any, path: str, scope: _Scope) -> None:
        if isinstance(arg, str):
            if _name_part(arg) not in scope.shadow:
                self._occ(path, Kind.GETATT_STRING, arg)
            return
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            if arg[0] not in scope.shadow:
                self._occ(_at(path, "0"), Kind.GETATT, arg[0])
            for i, item in enumerate(arg[1:], 1):
                self._expr(item, _at(path, str(i)), scope.plain())
            return
        self._expr(arg, path, scope.plain())

    def _fn_sub(self, arg: Any, path: str, scope: _Scope) -> None:
        self.subs.append((path[: -len("/Fn::Sub")], arg))
        if isinstance(arg, str):
            self._sub_template(arg, path, scope.shadow)
            return
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            variables = arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}
            self._sub_template(
                arg[0], _at(path, "0"), scope.shadow | frozenset(k for k in variables if isinstance(k, str))
            )
            for i, item in enumerate(arg[1:], 1):
                self._expr(item, _at(path, str(i)), scope.plain())
            return
        self._expr(arg, path, scope.plain())

    def _sub_template(self, template: str, path: str, shadow: frozenset[str]) -> None:
        blanked = list(template)
        for var, start in sub_variables(template):
            name = _name_part(var)
            blanked[start : start + len(var)] = " " * len(var)
            if "::" in var:
                self.pseudo.append(Occurrence(path, Kind.SUB, var, start))
            if "::" in name or var in shadow or name in shadow:
                continue
            self._occ(path, Kind.SUB, var, start)
        self._text(path, "".join(blanked))

    def _fn_conditions(self, arg: Any, path: str, scope: _Scope) -> None:
        """``Fn::And``/``Fn::Or``/``Fn::Not``: their arguments may be ``{"Condition": X}``."""
        if isinstance(arg, list):
            for i, item in enumerate(arg):
                self._expr(item, _at(path, str(i)), scope.conditions())
        else:
            self._expr(arg, path, scope.conditions())


def _first_name(kind: Kind) -> Callable[[ReferenceIndex, Any, str, _Scope], None]:
    """Handler of a function whose first argument is a name (``Fn::If``, ``Fn::FindInMap`` …)."""

    def handle(index: ReferenceIndex, arg: Any, path: str, scope: _Scope) -> None:
        if isinstance(arg, list) and arg and isinstance(arg[0], str):
            index._occ(_at(path, "0"), kind, arg[0])
            for i, item in enumerate(arg[1:], 1):
                index._expr(item, _at(path, str(i)), scope.plain())
        else:
            index._expr(arg, path, scope.plain())

    return handle


def _is_foreach(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 3


_FUNCTIONS: dict[str, Callable[[ReferenceIndex, Any, str, _Scope], None]] = {
    "Ref": ReferenceIndex._fn_ref,
    "Fn::GetAtt": ReferenceIndex._fn_getatt,
    "Fn::Sub": ReferenceIndex._fn_sub,
    "Fn::If": _first_name(Kind.IF),
    "Fn::FindInMap": _first_name(Kind.FIND_IN_MAP),
    "Fn::ValueOf": _first_name(Kind.VALUE_OF),
    "Fn::And": ReferenceIndex._fn_conditions,
    "Fn::Or": ReferenceIndex._fn_conditions,
    "Fn::Not": ReferenceIndex._fn_conditions,
}
