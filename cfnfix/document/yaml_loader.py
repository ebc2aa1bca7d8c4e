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
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe composer with a leaner tag resolver (no path resolvers: CloudFormation has none).

    Same YAML 1.1 implicit types as PyYAML's resolver; measured ~15% faster composition
    on the 1 MB benchmark template (benchmarks/engine_bench.py).
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return "tag:yaml.org,2002:str"
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"

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


_STR = _STD + "str"
_SEQ = _STD + "seq"
_MAP = _STD + "map"
_MERGE = _STD + "merge"
_YScalar = yaml.ScalarNode
_YSeq = yaml.SequenceNode


def _convert(ctx: _Ctx, node: Any, depth: int) -> tuple[Node, Any]:
    """Convert one composed node (recursively) into (source node, plain data)."""
    if depth > _MAX_DEPTH:
        raise _err(ctx, node.start_mark, f"nesting deeper than {_MAX_DEPTH} levels")
    seen = ctx.seen
    key = id(node)
    if key in seen:
        raise _err(ctx, node.start_mark, "YAML aliases are not allowed in CloudFormation templates")
    seen.add(key)
    shift = ctx.shift
    text = ctx.text
    tag = node.tag
    start = node.start_mark.index + shift
    kind = type(node)

    if kind is _YScalar and tag == _STR and text[start : start + 1] not in ("!", "&"):
        # fast path: the overwhelmingly common untagged string
        style = node.style or ""
        end = node.end_mark.index + shift
        value = node.value
        if style == "|" or style == ">":
            end = _block_scalar_end(text, start, end)
        return ScalarNode(start, start, end, value, style, None, value), value

    short: str | None = None
    if tag[:1] == "!" and tag[:2] != "!!":
        if tag_key(tag) is None:
            raise _err(ctx, node.start_mark, f"unknown tag {tag}: not a CloudFormation intrinsic function")
        short = tag
    value_start = _value_start(ctx, start, node) if (short or text[start : start + 1] in ("!", "&")) else start

    if kind is _YScalar:
        if short is None and tag not in _SCALAR_TAGS:
            raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a scalar (CloudFormation accepts plain data and intrinsic functions only)")
        style = node.style or ""
        end = node.end_mark.index + shift
        if style in ("|", ">"):
            end = _block_scalar_end(text, value_start, end)
        data = _scalar_data(node, short is not None)
        scalar = ScalarNode(start, value_start, end, node.value, style, short, data)
        if short is not None:
            return scalar, _wrap(short, data)
        return scalar, data

    depth += 1
    if kind is _YSeq:
        if short is None and tag != _SEQ:
            raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a sequence")
        items: list[Node] = []
        values: list[Any] = []
        for child in node.value:
            n, d = _convert(ctx, child, depth)
            items.append(n)
            values.append(d)
        flow = bool(node.flow_style)
        end = node.end_mark.index + shift
        close = -1
        if flow:
            close = end - 1
        elif items:
            end = items[-1].end
        seq = SequenceNode(start, value_start, end, items, flow, short, close)
        return seq, (_wrap(short, values) if short else values)

    # mapping
    if short is None and tag != _MAP:
        raise _err(ctx, node.start_mark, f"unsupported tag {_show_tag(tag)} on a mapping")
    pairs: list[tuple[ScalarNode, Node]] = []
    data: dict[str, Any] = {}
    for knode, vnode in node.value:
        ktag = knode.tag
        if type(knode) is not _YScalar:
            raise _err(ctx, knode.start_mark, "mapping keys must be plain scalars")
        if ktag == _MERGE:
            raise _err(ctx, knode.start_mark, "YAML merge keys (<<) are not allowed in CloudFormation templates")
        if ktag[:1] == "!" and ktag[:2] != "!!":
            raise _err(ctx, knode.start_mark, f"tag {ktag} is not allowed on a mapping key")
        kname = knode.value
        if kname in data:
            raise _err(ctx, knode.start_mark, f"duplicate key {kname!r}")
        kstart = knode.start_mark.index + shift
        kvs = _value_start(ctx, kstart, knode) if text[kstart : kstart + 1] in ("!", "&") else kstart
        kend = knode.end_mark.index + shift
        kstyle = knode.style or ""
        if kstyle in ("|", ">"):
            kend = _block_scalar_end(text, kvs, kend)
        v, d = _convert(ctx, vnode, depth)
        pairs.append((ScalarNode(kstart, kvs, kend, kname, kstyle, None, kname), v))
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
