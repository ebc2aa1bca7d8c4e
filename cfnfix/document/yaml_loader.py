"""Load YAML text into source nodes and the plain-data view.

Positions come from PyYAML's libyaml-backed composer (``CSafeLoader``), which only builds
node objects (tag, value, marks): no Python object is ever constructed from a tag. We then
convert each node into a :mod:`cfnfix.document.nodes` node with character offsets and its
plain value in CloudFormation long form. Aliases, merge keys, duplicate keys, unknown tags
and more than one document are refused, as CloudFormation refuses them.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import ParseError
from .intrinsics import tag_key
from .nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is ~10x faster; the pure-Python composer gives the same marks.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_CONSTRUCTOR = SafeConstructor()
_PROPERTY = re.compile(r"(?:[!&][^\s,\[\]{}]*[ \t]*(?:\r\n|\r|\n)?[ \t]*)+")
_MAX_DEPTH = 300


class _Ctx:
    __slots__ = ("text", "shift", "file", "seen", "lines")

    def __init__(self, text: str, shift: int, file: str | None) -> None:
        self.text = text
        self.shift = shift
        self.file = file
        self.seen: set[int] = set()


def _err(ctx: _Ctx, mark: Any, reason: str) -> ParseError:
    return ParseError(reason, file=ctx.file, line=mark.line + 1, column=mark.column + 1)


def load_yaml(text: str, file: str | None = None) -> tuple[Node, Any]:
    """Parse YAML ``text`` (BOM allowed) into (root node, plain data)."""
    shift = 1 if text.startswith("\ufeff") else 0
    body = text[shift:] if shift else text
    ctx = _Ctx(text, shift, file)
    try:
        loader = _Loader(body)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context and "found" not in (exc.problem or ""):
            problem = f"{exc.context}: {problem}" if exc.context else problem
        if mark is None:
            raise ParseError(f"invalid YAML: {problem}", file=file) from None
        raise ParseError(f"invalid YAML: {problem}", file=file, line=mark.line + 1, column=mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise ParseError(f"invalid YAML: {exc}", file=file) from None
    except RecursionError:
        raise ParseError("invalid template: nesting is too deep", file=file) from None
    if root is None:
        raise ParseError("empty template: no YAML document found", file=file, line=1, column=1)
    old = sys.getrecursionlimit()
    if old < _MAX_DEPTH * 3 + 200:
        sys.setrecursionlimit(_MAX_DEPTH * 3 + 200)
    try:
        return _convert(ctx, root, 0)
    finally:
        sys.setrecursionlimit(old)


def _value_start(ctx: _Ctx, start: int, node: Any) -> int:
    """Offset after the node's properties (tag, anchor) and the blanks that follow."""
    text = ctx.text
    if start < len(text) and text[start] in "!&":
        m = _PROPERTY.match(text, start)
        if m:
            return m.end()
    return start


def _convert(ctx: _Ctx, node: Any, depth: int) -> tuple[Node, Any]:
    if depth > _MAX_DEPTH:
        raise _err(ctx, node.start_mark, f"nesting deeper than {_MAX_DEPTH} levels")
    key = id(node)
    if key in ctx.seen:
        raise _err(ctx, node.start_mark, "YAML aliases are not allowed in CloudFormation templates")
    ctx.seen.add(key)
    shift = ctx.shift
    tag = node.tag
    short: str | None = None
    if tag.startswith("!") and not tag.startswith("!!"):
        if tag_key(tag) is None:
            raise _err(ctx, node.start_mark, f"unknown tag {tag}: not a CloudFormation intrinsic function")
        short = tag
    start = node.start_mark.index + shift
    value_start = _value_start(ctx, start, node) if (short or ctx.text[start : start + 1] in ("!", "&")) else start

    if isinstance(node, yaml.ScalarNode):
        if short is None and tag not in _SCALAR_TAGS:
            raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a scalar (CloudFormation accepts plain data and intrinsic functions only)")
        style = node.style or ""
        end = node.end_mark.index + shift
        if style in ("|", ">"):
            end = _block_scalar_end(ctx.text, value_start, end)
        data = _scalar_data(node, short is not None)
        scalar = ScalarNode(start, value_start, end, node.value, style, short, data)
        if short is not None:
            return scalar, _wrap(short, data)
        return scalar, data

    if isinstance(node, yaml.SequenceNode):
        if short is None and tag != _STD + "seq":
            raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a sequence")
        items: list[Node] = []
        values: list[Any] = []
        for child in node.value:
            n, d = _convert(ctx, child, depth + 1)
            items.append(n)
            values.append(d)
        flow = bool(node.flow_style)
        end = node.end_mark.index + shift
        close = -1
        if flow:
            close = end - 1
        elif items:
            end = items[-1].end
        seq = SequenceNode(start, value_start, end, items, flow, short)
        return seq, (_wrap(short, values) if short else values)

    # mapping
    if short is None and tag != _STD + "map":
        raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a mapping")
    pairs: list[tuple[ScalarNode, Node]] = []
    data: dict[str, Any] = {}
    for knode, vnode in node.value:
        if not isinstance(knode, yaml.ScalarNode):
            raise _err(ctx, knode.start_mark, "mapping keys must be plain scalars")
        if knode.tag == _STD + "merge":
            raise _err(ctx, knode.start_mark, "YAML merge keys (<<) are not allowed in CloudFormation templates")
        if knode.tag.startswith("!") and not knode.tag.startswith("!!"):
            raise _err(ctx, knode.start_mark, f"tag {knode.tag} is not allowed on a mapping key")
        kname = knode.value
        if kname in data:
            raise _err(ctx, knode.start_mark, f"duplicate key {kname!r}")
        kstart = knode.start_mark.index + shift
        kvs = _value_start(ctx, kstart, knode) if ctx.text[kstart : kstart + 1] in ("!", "&") else kstart
        kend = knode.end_mark.index + shift
        if knode.style in ("|", ">"):
            kend = _block_scalar_end(ctx.text, kvs, kend)
        k = ScalarNode(kstart, kvs, kend, kname, knode.style or "", None, kname)
        v, d = _convert(ctx, vnode, depth + 1)
        pairs.append((k, v))
        data[kname] = d
    flow = bool(node.flow_style)
    end = node.end_mark.index + shift
    close = -1
    if flow:
        close = end - 1
    elif pairs:
        end = pairs[-1][1].end
    mapping = MappingNode(start, value_start, end, pairs, flow, short, close)
    return mapping, (_wrap(short, data) if short else data)


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _scalar_data(node: Any, tagged: bool) -> Any:
    tag = node.tag
    if tagged or tag == _STD + "str" or tag == _STD + "timestamp" or tag == _STD + "value":
        return node.value
    if tag == _STD + "null":
        return None
    if tag == _STD + "bool":
        return _CONSTRUCTOR.construct_yaml_bool(node)
    if tag == _STD + "int":
        return _CONSTRUCTOR.construct_yaml_int(node)
    if tag == _STD + "float":
        return _CONSTRUCTOR.construct_yaml_float(node)
    return node.value


def _wrap(tag: str, data: Any) -> dict[str, Any]:
    name = tag_key(tag)
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
