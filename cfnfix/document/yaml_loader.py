"""Load YAML text into source nodes and the plain-data view.

Positions come from libyaml's event stream (PyYAML's ``CSafeLoader`` parser): scalars,
collection starts and ends, each with start and end marks. We build our
:mod:`cfnfix.document.nodes` tree and the plain data in CloudFormation long form straight
from the events, with an explicit stack (no recursion): no Python object is ever
constructed from a tag, and no intermediate node tree is kept. Duplicate keys, unknown
tags and more than one document are refused, as CloudFormation refuses them.

Anchors, aliases and merge keys (which the SAM CLI and ``aws cloudformation package``
expand before upload) are expanded into the data and recorded as
:class:`~cfnfix.document.expansions.Expansion` entries; an alias is a scalar node with
style ``"*"`` spanning the ``*name`` text. Undefined and recursive aliases, and aliases
that expand past :data:`~cfnfix.document.expansions.MAX_EXPANDED_NODES`, are refused.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import ParseError
from .expansions import MAX_EXPANDED_NODES, Expansion, expanded_size
from .intrinsics import tag_key
from .nodes import MappingNode, Node, ScalarNode, SequenceNode
from .pointer import escape_token

try:  # libyaml is ~10x faster; the pure-Python parser gives the same events and marks.
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader

_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_SEQ = _STD + "seq"
_MAP = _STD + "map"
_MERGE = _STD + "merge"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_CONSTRUCTOR = SafeConstructor()
_PROPERTY = re.compile(r"(?:[!&][^\s,\[\]{}]*[ \t]*(?:\r\n|\r|\n)?[ \t]*)+")
_MAX_DEPTH = 300
_INT = _STD + "int"
_MAX_INT_CHARS = 4000
#: Integers of more bits than this have more than 4,300 decimal digits, more than Python writes
_MAX_INT_BITS = 14_000

_ScalarNode = ScalarNode
_ScalarEvent = yaml.ScalarEvent
_SeqStart = yaml.SequenceStartEvent
_SeqEnd = yaml.SequenceEndEvent
_MapStart = yaml.MappingStartEvent
_MapEnd = yaml.MappingEndEvent
_Alias = yaml.AliasEvent
_DocStart = yaml.DocumentStartEvent
_StreamEnd = yaml.StreamEndEvent


def resolve_plain(value: str) -> str:
    """The YAML 1.1 tag PyYAML's resolver gives a plain scalar (``yes`` → bool, ``010`` → int)."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return tag
    return _STR


class _MergeKey(str):
    """The key of a merge entry (a plain ``<<``) while its value is read; a quoted ``'<<'`` is a
    string key like any other."""


_MERGE_KEY = _MergeKey("<<")


class _Frame:
    """An open collection while its events are read."""

    __slots__ = ("node", "data", "tag", "key", "is_map", "anchor", "merges")

    def __init__(self, node: MappingNode | SequenceNode | None, data: Any, tag: str | None, is_map: bool) -> None:
        self.node = node  # None when only data is built
        self.data = data
        self.tag = tag
        self.key: tuple[str, ScalarNode | None] | None = None  # a mapping's key waiting for its value
        self.is_map = is_map
        self.anchor: tuple[str, int] | None = None  # the collection's anchor (name, offset), if any
        self.merges: list[Any] | None = None  # the mappings each merge key merges, in order


class _Anchors:
    """The anchors, aliases and merge keys of one parse (created at the first anchor)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}  # anchor name → its data
        self.found: list[Expansion] = []
        self.sizes: dict[int, int] = {}  # expanded sizes by object identity
        self.expanded = 0  # nodes added by aliases so far


def _pointer(stack: list[_Frame]) -> str:
    """JSON Pointer of the value being read (a merge key's value reads as ``/<<``)."""
    parts = []
    for frame in stack:
        if frame.is_map:
            parts.append("/" + escape_token(frame.key[0]) if frame.key is not None else "")
        else:
            parts.append(f"/{len(frame.data)}")
    return "".join(parts)


def load_yaml(
    text: str, file: str | None = None, *, nodes: bool = True
) -> tuple[Node | None, Any, tuple[Expansion, ...]]:
    """Parse YAML ``text`` (BOM allowed) into (root node, plain data, anchors/aliases/merge keys).

    With ``nodes=False`` only the data is built (the root node is None): the same checks
    and errors, about a third less time and half the memory.
    """
    shift = 1 if text.startswith("\ufeff") else 0
    body = text[shift:] if shift else text
    try:
        parser = _Parser(body)
    except UnicodeEncodeError as exc:  # text from the API with a lone surrogate: libyaml reads UTF-8
        raise _position_error(
            file, text, exc.start + shift, f"not valid Unicode text: lone surrogate U+{ord(body[exc.start]):04X}"
        ) from None
    try:
        return _build(parser, text, shift, file, nodes)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "found" not in (exc.problem or ""):
            problem = f"{exc.context}: {problem}"
        if mark is None:
            raise ParseError(f"invalid YAML: {problem}", file=file) from None
        raise ParseError(f"invalid YAML: {problem}", file=file, line=mark.line + 1, column=mark.column + 1) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters …)
        offset = exc.position
        if _Parser is not yaml.SafeLoader:  # libyaml counts bytes of the UTF-8 text
            offset = len(body.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        raise _position_error(
            file, text, offset + shift, f"invalid YAML: character U+{exc.character:04X} is not allowed ({exc.reason})"
        ) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", file=file) from None
    finally:
        parser.dispose()


def _err(file: str | None, mark: Any, reason: str) -> ParseError:
    return ParseError(reason, file=file, line=mark.line + 1, column=mark.column + 1)


def _build(
    parser: Any, text: str, shift: int, file: str | None, nodes: bool
) -> tuple[Node | None, Any, tuple[Expansion, ...]]:
    get_event = parser.get_event
    stack: list[_Frame] = []
    anchors: _Anchors | None = None
    root: tuple[Node | None, Any] | None = None
    documents = 0
    # One string object per distinct scalar: a template repeats its keys and values
    # (`Type`, `Properties`, tag values …): 57,000 scalars, 2,900 distinct in the 1 MB
    # benchmark template; sharing them saves 3 MB of its 18.
    distinct: dict[str, str] = {}
    canon = distinct.setdefault
    resolved: dict[str, str] = {}  # plain scalar → its implicit tag, once per distinct value
    node: Any
    data: Any
    while True:
        ev = get_event()
        cls = type(ev)
        if cls is _ScalarEvent:
            is_key = bool(stack) and stack[-1].is_map and stack[-1].key is None
            if ev.tag is None and ev.anchor is None:
                # the common case inline (no tag, no anchor): a plain string or a quoted one
                value = ev.value
                value = canon(value, value)
                tag = resolved.get(value, _STR) if ev.implicit[0] else _STR
                if tag is _STR and (not ev.implicit[0] or value in resolved):
                    data = value
                    if nodes:
                        style = ev.style or ""
                        start = ev.start_mark.index + shift
                        end = ev.end_mark.index + shift
                        if style == "|" or style == ">":
                            end = _block_scalar_end(text, start, end)
                        node = _ScalarNode(start, start, end, value, style, None, value)
                    else:
                        node = None
                else:
                    node, data = _scalar(ev, text, shift, file, canon, resolved, key=is_key, nodes=nodes)
            else:
                node, data = _scalar(ev, text, shift, file, canon, resolved, key=is_key, nodes=nodes)
            if ev.anchor is not None:
                anchors = anchors or _Anchors()
                if is_key:
                    stack[-1].key = (data, node)  # the anchored node is the entry it names
                _anchor(anchors, ev.anchor, data, stack, ev.start_mark.index + shift)
                if is_key:
                    stack[-1].key = None
            if is_key:
                frame = stack[-1]
                if data is _MERGE_KEY:
                    if frame.merges is None:
                        frame.merges = []
                    frame.merges.append(ev.start_mark.index + shift)  # replaced by the merged mappings
                    anchors = anchors or _Anchors()
                    anchors.found.append(Expansion("merge", "<<", _pointer(stack), ev.start_mark.index + shift))
                elif data in frame.data:
                    raise _position_error(file, text, ev.start_mark.index + shift, f"duplicate key {data!r}")
                frame.key = (data, node)
                continue
        elif cls is _MapStart or cls is _SeqStart:
            if len(stack) >= _MAX_DEPTH:
                raise _err(file, ev.start_mark, f"nesting deeper than {_MAX_DEPTH} levels")
            if stack and stack[-1].is_map and stack[-1].key is None:
                raise _err(file, ev.start_mark, "mapping keys must be plain scalars")
            is_map = cls is _MapStart
            short = None if ev.tag is None else _short_tag(ev.tag, file, ev.start_mark, _MAP if is_map else _SEQ)
            coll: Any = None
            if nodes:
                start = ev.start_mark.index + shift
                vstart = start if ev.tag is None and ev.anchor is None else _value_start(text, start)
                flow = bool(ev.flow_style)
                coll = (
                    MappingNode(start, vstart, start, [], flow, short)
                    if is_map
                    else SequenceNode(start, vstart, start, [], flow, short)
                )
            frame = _Frame(coll, {} if is_map else [], short, is_map)
            if ev.anchor is not None:
                frame.anchor = (ev.anchor, ev.start_mark.index + shift)
            stack.append(frame)
            continue
        elif cls is _MapEnd or cls is _SeqEnd:
            frame = stack.pop()
            node = coll = frame.node
            if coll is not None:
                if coll.flow:
                    coll.end = ev.end_mark.index + shift
                    coll.close = coll.end - 1
                elif coll.items:
                    last = coll.items[-1]
                    coll.end = (last[1] if frame.is_map else last).end
                else:
                    coll.end = ev.end_mark.index + shift
            if frame.merges:
                frame.data = _merged(frame.merges, frame.data)
            data = _wrap(frame.tag, frame.data) if frame.tag else frame.data
            if frame.anchor is not None:
                anchors = anchors or _Anchors()
                _anchor(anchors, frame.anchor[0], data, stack, frame.anchor[1])
        elif cls is _Alias:
            anchors = anchors or _Anchors()
            node, data = _alias(ev, anchors, stack, text, shift, file, nodes)
            if stack and stack[-1].is_map and stack[-1].key is None:
                frame = stack[-1]
                if not isinstance(data, str):
                    raise _err(
                        file,
                        ev.start_mark,
                        f"mapping keys must be plain scalars: alias *{ev.anchor} names a collection",
                    )
                if data in frame.data:
                    raise _position_error(file, text, ev.start_mark.index + shift, f"duplicate key {data!r}")
                frame.key = (data, node)
                continue
        elif cls is _DocStart:
            documents += 1
            if documents > 1:
                raise _err(file, ev.start_mark, "more than one YAML document: a template is a single document")
            continue
        elif cls is _StreamEnd:
            break
        else:  # stream start, document end
            continue

        if not stack:
            root = (node, data)
            continue
        frame = stack[-1]
        if not frame.is_map:
            if nodes:
                assert type(frame.node) is SequenceNode
                frame.node.items.append(node)
            frame.data.append(data)
        else:
            assert frame.key is not None  # a mapping's value follows its key
            name, key_node = frame.key
            frame.key = None
            if nodes:
                assert type(frame.node) is MappingNode and key_node is not None
                frame.node.items.append((key_node, node))
            if name is _MERGE_KEY:
                sources = data if isinstance(data, list) else [data]
                merges = frame.merges
                assert merges is not None  # the merge key registered itself
                if not sources or not all(isinstance(m, dict) for m in sources):
                    raise _position_error(
                        file, text, merges[-1], "a merge key (<<) needs a mapping, an alias of one, or a list of them"
                    )
                merges[-1] = sources
                continue
            frame.data[name] = data
    if root is None:
        raise ParseError("empty template: no YAML document found", file=file, line=1, column=1)
    if anchors is None:
        return root[0], root[1], ()
    return root[0], root[1], tuple(sorted(anchors.found, key=lambda e: e.offset))


def _anchor(anchors: _Anchors, name: str, data: Any, stack: list[_Frame], offset: int) -> None:
    """Record anchor ``&name`` on the value just read (a collection: already popped off ``stack``)."""
    anchors.values[name] = data
    anchors.found.append(Expansion("anchor", name, _pointer(stack), offset))


def _alias(
    ev: Any, anchors: _Anchors, stack: list[_Frame], text: str, shift: int, file: str | None, nodes: bool
) -> tuple[ScalarNode | None, Any]:
    """The node and data of alias ``*name``: the anchored data itself (shared, read-only)."""
    name = ev.anchor
    if name not in anchors.values:
        if any(frame.anchor is not None and frame.anchor[0] == name for frame in stack):
            raise _err(
                file, ev.start_mark, f"YAML alias *{name} refers to a node that contains it (a recursive structure)"
            )
        raise _err(file, ev.start_mark, f"undefined YAML alias *{name}: no anchor &{name} before it")
    data = anchors.values[name]
    anchors.expanded += expanded_size(data, anchors.sizes)
    if anchors.expanded > MAX_EXPANDED_NODES:
        raise _err(
            file,
            ev.start_mark,
            f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (an alias bomb?): not a template cfnfix reads",
        )
    start = ev.start_mark.index + shift
    anchors.found.append(Expansion("alias", name, _pointer(stack), start))
    if not nodes:
        return None, data
    return ScalarNode(start, start, ev.end_mark.index + shift, "*" + name, "*", None, data), data


def _merged(merges: list[list[dict[str, Any]]], own: dict[str, Any]) -> dict[str, Any]:
    """A mapping's data with its merge keys applied as YAML 1.1 (and PyYAML, and cfn-lint) do:
    its own keys win; of ``<<: [*a, *b]``, ``a`` wins over ``b``; key order is first appearance
    (merged keys first)."""
    result: dict[str, Any] = {}
    for sources in merges:
        for source in reversed(sources):
            result.update(source)
    result.update(own)
    return result


def _position_error(file: str | None, text: str, offset: int, reason: str) -> ParseError:
    line_start = text.rfind("\n", 0, offset) + 1
    line = text.count("\n", 0, offset) + 1
    col = offset - line_start + 1 - (1 if line == 1 and text.startswith("\ufeff") else 0)
    return ParseError(reason, file=file, line=line, column=col)


def _short_tag(tag: str | None, file: str | None, mark: Any, default: str) -> str | None:
    """The CloudFormation short-form tag of a node, None when it has none; refuse others."""
    if tag is None or tag == "!" or tag == default:
        return None
    if tag[:1] == "!" and tag[:2] != "!!":
        if tag_key(tag) is None:
            raise _err(file, mark, f"unknown tag {tag}: not a CloudFormation intrinsic function")
        return tag
    kind = "mapping" if default == _MAP else "sequence" if default == _SEQ else "scalar"
    raise _err(
        file,
        mark,
        f"unsupported tag {_show_tag(tag)} on a {kind} (CloudFormation accepts plain data and intrinsic functions only)",
    )


def _scalar(
    ev: Any, text: str, shift: int, file: str | None, canon: Any, resolved: dict[str, str], *, key: bool, nodes: bool
) -> tuple[ScalarNode | None, Any]:
    value = ev.value
    value = canon(value, value)
    tag = ev.tag
    if tag is None:
        if ev.implicit[0]:
            tag = resolved.get(value)
            if tag is None:
                tag = resolved[value] = resolve_plain(value)
        else:
            tag = _STR
    elif tag == "!":
        tag = _STR
    if not nodes:
        if key:
            if tag == _MERGE:
                return None, _MERGE_KEY
            _check_key_tag(tag, file, ev)
            return None, value
        if tag == _STR:
            return None, value
        short = _short_tag(tag, file, ev.start_mark, _STR) if tag not in _SCALAR_TAGS else None
        if short is not None:
            return None, _wrap(short, value)
        return None, _checked_scalar_data(tag, ev, file, value)
    style = ev.style or ""
    start = ev.start_mark.index + shift
    end = ev.end_mark.index + shift
    vstart = start
    if text[start : start + 1] in ("!", "&"):
        vstart = _value_start(text, start)
    if style == "|" or style == ">":
        end = _block_scalar_end(text, vstart, end)
    if key:
        if tag == _MERGE:
            return ScalarNode(start, vstart, end, value, style, None, value), _MERGE_KEY
        _check_key_tag(tag, file, ev)
        return ScalarNode(start, vstart, end, value, style, None, value), value
    if tag == _STR:
        return ScalarNode(start, vstart, end, value, style, None, value), value
    short = _short_tag(tag, file, ev.start_mark, _STR) if tag not in _SCALAR_TAGS else None
    data = value if short is not None else _checked_scalar_data(tag, ev, file, value)
    node = ScalarNode(start, vstart, end, value, style, short, data)
    return node, (_wrap(short, data) if short is not None else data)


def _check_key_tag(tag: str, file: str | None, ev: Any) -> None:
    """Refuse tags on mapping keys."""
    if tag[:1] == "!" and tag[:2] != "!!":
        raise _err(file, ev.start_mark, f"tag {tag} is not allowed on a mapping key")
    if tag not in _SCALAR_TAGS:
        raise _err(file, ev.start_mark, f"unsupported tag {_show_tag(tag)} on a mapping key")


def _checked_scalar_data(tag: str, ev: Any, file: str | None, value: str) -> Any:
    if tag == _INT and len(value) > _MAX_INT_CHARS:  # Python converts at most 4300 digits
        raise _err(file, ev.start_mark, f"number too long to read ({len(value)} characters)")
    data = _scalar_data(tag, ev)
    if tag == _INT and isinstance(data, int) and data.bit_length() > _MAX_INT_BITS:
        # a short hexadecimal (octal) number can still be too large to write in decimal
        raise _err(file, ev.start_mark, "number too large to write in decimal (more than 4,300 digits)")
    return data


def _value_start(text: str, start: int) -> int:
    """Offset after a node's properties (tag, anchor) and the blanks that follow."""
    if text[start : start + 1] in ("!", "&"):
        m = _PROPERTY.match(text, start)
        if m:
            return m.end()
    return start


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD) :] if tag.startswith(_STD) else tag


def _scalar_data(tag: str, ev: Any) -> Any:
    if tag == _STD + "null":
        return None
    if tag in (_STD + "bool", _STD + "int", _STD + "float"):
        node = yaml.ScalarNode(tag, ev.value)
        if tag == _STD + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == _STD + "int":
            return _CONSTRUCTOR.construct_yaml_int(node)
        return _CONSTRUCTOR.construct_yaml_float(node)
    return ev.value  # str, timestamp (a string in CloudFormation), value ("=")


def _wrap(tag: str, data: Any) -> dict[str, Any]:
    name = tag_key(tag)
    assert name is not None
    if name == "Fn::GetAtt" and isinstance(data, str):
        return {name: data.split(".", 1)}
    return {name: data}


def _block_scalar_end(text: str, value_start: int, end: int) -> int:
    """End of a block scalar's last line, before its line break.

    libyaml's end mark lies after the trailing blank lines; those belong to the scalar only
    with keep chomping (``|+``), so for clip and strip we walk back to the last non-empty
    line. Either way the final line break is excluded, so that every node ends at a
    significant character and "the end of the node's last line" means the same for all.
    """
    header_end = text.find("\n", value_start, end)
    if header_end == -1:
        return end
    indicator = text[value_start:header_end].split("#", 1)[0]
    pos = end
    if "+" not in indicator:
        while pos > header_end + 1:
            line_start = text.rfind("\n", 0, pos - 1) + 1
            if line_start <= header_end or text[line_start:pos].strip(" \t\r\n") != "":
                break
            pos = line_start
    if pos > header_end and text[pos - 1 : pos] == "\n":
        pos -= 1
        if text[pos - 1 : pos] == "\r":
            pos -= 1
    return pos
