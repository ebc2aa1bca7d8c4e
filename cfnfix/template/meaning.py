"""What a template means, with intrinsic functions resolved symbolically, and how two differ.

Two templates can be written differently and mean the same: ``!Sub "Hello ${!Queue}"`` is the
literal text ``Hello ${Queue}``, as is the plain string; ``!Join ["", ["arn:", !Ref
AWS::Partition]]`` is ``!Sub "arn:${AWS::Partition}"``; ``!If [C, x, x]`` is ``x``. And two
can look alike and mean something else: ``!Sub "Hello ${Queue}"`` is the queue's URL.
:func:`meaning` turns plain (long-form) template data into a value where that is visible:

- literal scalars are text (``80`` and ``"80"`` are the same, as CloudFormation passes both
  as text; ``true`` is ``"true"``);
- ``Ref`` and ``Fn::GetAtt`` are opaque names (:class:`Sym` ``ref`` / ``getatt``; the
  ``A.B.C`` string form is ``A`` and ``B.C``), ``Ref: AWS::NoValue`` removes its key or item;
- ``Fn::Sub`` is a concatenation (:class:`Sym` ``concat``) of literal text and names, with
  ``${!Literal}`` the text ``${Literal}`` and its variable map substituted; ``Fn::Join`` of a
  list is the same concatenation, so both spellings mean the same; one part alone is itself;
- ``Fn::If`` with equal branches is that branch; ``Fn::Select`` of a literal index in a list,
  ``Fn::Split`` of literal text and ``Fn::FindInMap`` of literal keys found in ``Mappings``
  are what they select (a mapped value remembers where it came from, so a change to the
  mapping is reported there, not at every use);
- any other function is :class:`Sym` ``fn`` of its name and its argument's meaning;
- ``DependsOn`` is the sorted list of names (a string is a one-item list) that the resource's
  properties do not already order by a reference (which is the same creation order).

:func:`differences` compares two meanings and returns the JSON Pointers where they differ;
:func:`unexplained` keeps those outside the nodes a set of fixes declares it changes
(:class:`Declaration`, docs/design.md "Meaning"). Nothing is deployed or looked up:
parameters, pseudo parameters and attributes stay names.

Background: docs/cloudformation/intrinsics.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..document.pointer import escape_token, parse_pointer
from .references import SECTIONS

__all__ = ["NO_VALUE", "Declaration", "Sym", "differences", "meaning", "thaw", "unexplained"]

_SUB_TOKEN = re.compile(r"\$\{([^}]*)\}")
#: Keys whose values are a logical name, or a list of them.
_NAME_SECTIONS = {
    "Ref": "Resources",
    "Fn::GetAtt": "Resources",
    "Condition": "Conditions",
    "Fn::If": "Conditions",
    "Fn::FindInMap": "Mappings",
}


@dataclass(frozen=True)
class Sym:
    """A symbolic value: ``kind`` (``ref``, ``getatt``, ``concat``, ``if``, ``join``, ``select``,
    ``split``, ``findinmap``, ``fn``, ``novalue``) and its arguments (meanings themselves).

    ``mapped`` is special: ``args`` are (the pointer of a ``Mappings`` value, its meaning); it
    equals its value for comparison and only tells :func:`differences` where a change comes from.
    """

    kind: str
    args: tuple[Any, ...] = ()


#: ``Ref: AWS::NoValue``: the key or list item holding it is absent.
NO_VALUE = Sym("novalue")


def _freeze(value: Any) -> Any:
    """A hashable copy of a meaning (for :class:`Sym` arguments)."""
    if isinstance(value, dict):
        return ("__dict__", *sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("__list__", *(_freeze(v) for v in value))
    return value


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return value


@dataclass
class _Evaluator:
    mappings: Mapping[str, Any]
    renames: Mapping[str, Mapping[str, str]]

    def name(self, section: str, name: Any) -> Any:
        if not isinstance(name, str):
            return _freeze(self.value(name))
        table = self.renames.get(section)
        if table and name in table:
            return table[name]
        if section == "Resources":  # Ref and Sub name parameters too
            table = self.renames.get("Parameters")
            if table and name in table:
                return table[name]
        return name

    def value(self, node: Any, path: str = "") -> Any:
        if isinstance(node, dict):
            if len(node) == 1:
                ((key, arg),) = node.items()
                if key == "Ref" or (key.startswith("Fn::") and not key.startswith("Fn::ForEach::")):
                    return self.function(key, arg)
                if key == "Condition" and isinstance(arg, str):
                    return Sym("condition", (self.name("Conditions", arg),))
            out: dict[str, Any] = {}
            for key, item in node.items():
                sub = path + "/" + escape_token(key)
                if key == "DependsOn":
                    out[key] = self.depends_on(item)
                    continue
                if key == "Condition" and isinstance(item, str):
                    out[key] = self.name("Conditions", item)
                    continue
                meant = self.value(item, sub)
                if meant is not NO_VALUE:
                    out[key] = meant
            return out
        if isinstance(node, list):
            items = [self.value(item, f"{path}/{i}") for i, item in enumerate(node)]
            return [item for item in items if item is not NO_VALUE]
        return _scalar(node)

    def depends_on(self, item: Any) -> Any:
        names = [item] if isinstance(item, str) else item
        if isinstance(names, list) and all(isinstance(n, str) for n in names):
            return sorted({self.name("Resources", n) for n in names})
        return self.value(item)

    def function(self, fn: str, arg: Any) -> Any:
        if fn == "Ref":
            if arg == "AWS::NoValue":
                return NO_VALUE
            if isinstance(arg, str) and "." in arg:  # SAM: `!Ref Function.Alias`
                head, _, attr = arg.partition(".")
                return Sym("ref", (f"{self.name('Resources', head)}.{attr}",))
            return Sym("ref", (self.name("Resources", arg),))
        if fn == "Fn::GetAtt":
            return self.getatt(arg)
        if fn == "Fn::Sub":
            return self.sub(arg)
        if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            items = self.value(arg[1])
            if isinstance(items, list):
                parts: list[Any] = []
                for i, item in enumerate(items):
                    if i:
                        parts.append(arg[0])
                    parts.append(item)
                return _concat(parts)
            return Sym("join", (arg[0], _freeze(items)))
        if fn == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            then, other = self.value(arg[1]), self.value(arg[2])
            if then == other:
                return then
            return Sym("if", (self.name("Conditions", arg[0]), _freeze(then), _freeze(other)))
        if fn == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
            index, items = self.value(arg[0]), self.value(arg[1])
            if isinstance(index, str) and index.isdigit() and isinstance(items, list) and int(index) < len(items):
                return items[int(index)]
            return Sym("select", (_freeze(index), _freeze(items)))
        if fn == "Fn::Split" and isinstance(arg, list) and len(arg) == 2:
            delimiter, text = self.value(arg[0]), self.value(arg[1])
            if isinstance(delimiter, str) and delimiter and isinstance(text, str):
                return text.split(delimiter)
            return Sym("split", (_freeze(delimiter), _freeze(text)))
        if fn == "Fn::FindInMap" and isinstance(arg, list) and len(arg) >= 3:
            return self.find_in_map(arg)
        if fn in ("Fn::ValueOf", "Fn::ValueOfAll") and isinstance(arg, list) and arg:
            rest = tuple(_freeze(self.value(a)) for a in arg[1:])
            return Sym("fn", (fn, self.name("Parameters", arg[0]), *rest))
        return Sym("fn", (fn, _freeze(self.value(arg))))

    def getatt(self, arg: Any) -> Any:
        if isinstance(arg, str) and "." in arg:
            head, _, attr = arg.partition(".")
            return Sym("getatt", (self.name("Resources", head), attr))
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str):
            attr = self.value(arg[1])
            return Sym("getatt", (self.name("Resources", arg[0]), _freeze(attr)))
        return Sym("fn", ("Fn::GetAtt", _freeze(self.value(arg))))

    def sub(self, arg: Any) -> Any:
        variables: dict[str, Any] = {}
        template = arg
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
            template = arg[0]
            variables = {k: self.value(v) for k, v in arg[1].items()}
        if not isinstance(template, str):
            return Sym("fn", ("Fn::Sub", _freeze(self.value(arg))))
        parts: list[Any] = []
        last = 0
        for m in _SUB_TOKEN.finditer(template):
            parts.append(template[last : m.start()])
            content = m.group(1)
            name = content.strip()
            if content.startswith("!"):
                parts.append("${" + content[1:] + "}")
            elif name in variables:
                parts.append(variables[name])
            elif "." in name:
                head, _, attr = name.partition(".")
                parts.append(Sym("getatt", (self.name("Resources", head), attr)))
            else:
                parts.append(Sym("ref", (self.name("Resources", name),)))
            last = m.end()
        parts.append(template[last:])
        return _concat(parts)

    def find_in_map(self, arg: list[Any]) -> Any:
        keys = [self.value(k) for k in arg[:3]]
        name = arg[0]
        if all(isinstance(k, str) for k in keys) and isinstance(name, str):
            top = self.mappings.get(name)
            second = top.get(keys[1]) if isinstance(top, dict) else None
            if isinstance(second, dict) and keys[2] in second:
                where = "/Mappings/" + "/".join(escape_token(str(k)) for k in (name, keys[1], keys[2]))
                return Sym("mapped", (where, _freeze(self.value(second[keys[2]]))))
        mapname = self.name("Mappings", name) if isinstance(name, str) else _freeze(keys[0])
        rest = tuple(_freeze(self.value(k)) for k in arg[1:])
        return Sym("findinmap", (mapname, *rest))


def _concat(parts: list[Any]) -> Any:
    """Adjacent literal text merged, empty text dropped; one part alone is itself."""
    out: list[Any] = []
    for part in parts:
        if isinstance(part, Sym) and part.kind == "concat":
            pieces: Iterable[Any] = part.args
        else:
            pieces = (part,)
        for piece in pieces:
            if isinstance(piece, Sym) and piece.kind == "mapped" and isinstance(piece.args[1], str):
                piece = piece.args[1]
            if piece == "" or piece is NO_VALUE:
                continue
            if isinstance(piece, str) and out and isinstance(out[-1], str):
                out[-1] += piece
            else:
                out.append(_freeze(piece))
    if not out:
        return ""
    if len(out) == 1:
        return out[0]
    return Sym("concat", tuple(out))


def meaning(data: Any, renames: Mapping[str, Mapping[str, str]] | None = None) -> Any:
    """What ``data`` (a template's plain, long-form data) means (see the module docstring).

    ``renames`` (section → old name → new name) reads the template as if those logical names
    had been renamed everywhere: the section's key and every reference (``Ref``, ``Fn::GetAtt``,
    ``Fn::Sub`` variables, ``DependsOn``, ``Condition``, ``Fn::If``, ``Fn::FindInMap``).
    """
    renames = renames or {}
    mappings = data.get("Mappings") if isinstance(data, dict) else None
    evaluator = _Evaluator(mappings if isinstance(mappings, dict) else {}, renames)
    out = evaluator.value(data)
    if isinstance(out, dict):
        resources = out.get("Resources")
        if isinstance(resources, dict):
            for body in resources.values():
                _explicit_order(body)
        for section, table in renames.items():
            block = out.get(section)
            if isinstance(block, dict) and table:
                out[section] = {table.get(k, k): v for k, v in block.items()}
    return out


def _explicit_order(body: Any) -> None:
    """Leave in a resource's ``DependsOn`` only what its ``Properties`` do not already order:
    CloudFormation creates a resource after every resource its properties ``Ref``, ``GetAtt`` or
    name in ``Fn::Sub`` (not inside ``Fn::If``, whose other branch may be taken). SAM resources
    keep theirs (the transform moves properties to generated resources)."""
    if not isinstance(body, dict) or not isinstance(body.get("DependsOn"), list):
        return
    if str(body.get("Type", "")).startswith("AWS::Serverless::"):
        return
    implied: set[str] = set()
    _referenced(body.get("Properties"), implied)
    explicit = [name for name in body["DependsOn"] if name not in implied]
    if explicit:
        body["DependsOn"] = explicit
    else:
        del body["DependsOn"]


def _referenced(value: Any, found: set[str]) -> None:
    if isinstance(value, Sym):
        if value.kind in ("ref", "getatt") and isinstance(value.args[0], str):
            found.add(value.args[0].split(".", 1)[0])
        elif value.kind != "if":
            _referenced(value.args, found)
    elif isinstance(value, dict):
        for item in value.values():
            _referenced(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _referenced(item, found)


def _unwrap(value: Any) -> Any:
    if isinstance(value, Sym) and value.kind == "mapped":
        return value.args[1]
    return value


def thaw(value: Any) -> Any:
    """A frozen meaning (a :class:`Sym` argument) back as dicts and lists (to compare a frozen
    with a live one, or to read it as a template value)."""
    if isinstance(value, tuple) and value[:1] == ("__list__",):
        return [thaw(v) for v in value[1:]]
    if isinstance(value, tuple) and value[:1] == ("__dict__",):
        return {k: thaw(v) for k, v in value[1:]}
    return value


def differences(before: Any, after: Any) -> list[str]:
    """JSON Pointers (in ``after``'s keys) where two meanings differ, each once, in walk order.

    A key present on one side only differs at its own pointer; lists of different lengths
    differ as a whole; a mapped value that changed differs at its ``Mappings`` pointer.
    """
    return list(dict.fromkeys(_differences(before, after, "")))


def _differences(before: Any, after: Any, path: str) -> list[str]:
    if before == after:
        return []
    if isinstance(before, Sym) and isinstance(after, Sym) and before.kind == after.kind == "mapped":
        if before.args[0] == after.args[0]:
            return [before.args[0]]
    before, after = thaw(_unwrap(before)), thaw(_unwrap(after))
    if before == after:
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in dict.fromkeys([*before, *after]):
            sub = f"{path}/{escape_token(key)}"
            if key not in before or key not in after:
                out.append(sub)
            else:
                out.extend(_differences(before[key], after[key], sub))
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            out.extend(_differences(b, a, f"{path}/{i}"))
        return out
    return [path]


def _is_function(token: str) -> bool:
    return token in ("Ref", "Condition") or (token.startswith("Fn::") and not token.startswith("Fn::ForEach::"))


def _region(pointer: str) -> str:
    """The node whose meaning an operation at ``pointer`` changes: the value holding the outermost
    intrinsic function on the way (a function means one value), else a list item's whole list
    (the indices of its siblings shift), else the node itself."""
    tokens = pointer.split("/")
    for i, token in enumerate(tokens[1:], 1):
        if _is_function(token):
            return "/".join(tokens[:i])
    head, _, last = pointer.rpartition("/")
    return head if last == "-" or (last.isdigit() and last.isascii()) else pointer


@dataclass
class Declaration:
    """The nodes a set of fixes declares it changes, and the logical names it renames.

    How a fix declares (docs/design.md, "Meaning"): every operation's target — ``path``, and
    ``from`` for a ``move`` — with everything under it (for a list item: the whole list, whose
    indices shift); ``test`` declares nothing. A ``move`` of a logical name to another key of the
    same section (``/Resources/Old`` → ``/Resources/New``) is a **rename**: it declares no node;
    the template before is read with the name renamed everywhere (:func:`meaning`), so a
    reference the fix missed shows as a difference. A fix whose rule keeps meaning
    (``Rule.keeps_meaning``: it changes how the template is written, not what it says)
    declares nothing but its renames.
    """

    nodes: set[str] = field(default_factory=set)
    renames: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, patch: Iterable[Mapping[str, Any]], *, keeps_meaning: bool = False) -> None:
        """Declare what one fix's ``patch`` changes (renames only when it ``keeps_meaning``)."""
        for op in patch:
            kind, path = op.get("op"), op.get("path", "")
            if kind == "test":
                continue
            if kind == "move":
                rename = _rename(op.get("from", ""), path)
                if rename is not None:
                    section, old, new = rename
                    self.renames.setdefault(section, {})[old] = new
                    continue
                if not keeps_meaning:
                    self.nodes.add(_region(op.get("from", "")))
            if not keeps_meaning:
                self.nodes.add(_region(path))

    def covers(self, pointer: str) -> bool:
        """True when ``pointer`` is at or under a declared node."""
        return any(pointer == node or pointer.startswith(node + "/") or node == "" for node in self.nodes)


def _rename(source: str, target: str) -> tuple[str, str, str] | None:
    try:
        old, new = parse_pointer(source), parse_pointer(target)
    except Exception:
        return None
    if len(old) == 2 and len(new) == 2 and old[0] == new[0] and old[0] in SECTIONS and old[1] != new[1]:
        return old[0], old[1], new[1]
    return None


def _order(meant: Any, name: str) -> set[str] | None:
    """Every resource that resource ``name`` (of a meaning) is created after: its remaining
    ``DependsOn`` and the resources its properties reference outside ``Fn::If``; None when it
    is not there."""
    resources = meant.get("Resources") if isinstance(meant, dict) else None
    if not isinstance(resources, dict):
        return None
    body = resources.get(name)
    if not isinstance(body, dict):
        return None
    explicit = body.get("DependsOn", [])
    if not isinstance(explicit, list) or not all(isinstance(n, str) for n in explicit):
        return None
    implied: set[str] = set()
    _referenced(body.get("Properties"), implied)
    return set(explicit) | (implied & set(resources))  # parameters order nothing


def unexplained(before: Any, after: Any, declaration: Declaration) -> list[str]:
    """Pointers where ``after`` (data) means something else than ``before`` (data) read under
    the declaration's renames, outside every declared node: what a fix changed but did not say.
    A ``DependsOn`` that differs only because a declared change to the properties now orders
    (or no longer orders) the same resources by a reference is not a difference: the resource
    is created after the same ones."""
    old = meaning(before, declaration.renames)
    new = meaning(after)
    out = []
    for pointer in differences(old, new):
        if declaration.covers(pointer):
            continue
        tokens = pointer.split("/")
        if len(tokens) >= 4 and tokens[1] == "Resources" and tokens[3] == "DependsOn":
            name = tokens[2].replace("~1", "/").replace("~0", "~")
            order = _order(old, name)
            if order is not None and order == _order(new, name):
                continue
        out.append(pointer)
    return out
