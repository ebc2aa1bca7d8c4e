"""A template as text, source nodes with positions, and plain data in long form."""

from __future__ import annotations

import gc
import os
import stat
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ParseError, TemplateError
from .expansions import Expansion
from .intrinsics import intrinsic_name
from .json_loader import load_json
from .nodes import MappingNode, Node, ScalarNode, SequenceNode
from .pointer import parse_pointer
from .resolve import View, walk
from .text import LineIndex
from .yaml_loader import load_yaml

__all__ = [
    "Document",
    "Expansion",
    "MAX_TEMPLATE_BYTES",
    "MappingNode",
    "Node",
    "Parsed",
    "ScalarNode",
    "SequenceNode",
    "decode_template",
    "detect_format",
    "load",
    "parse_cached",
    "parse_text",
    "read_text",
    "too_large",
]

Format = Literal["yaml", "json"]
_JSON_EXTRA = "invalid JSON: extra data after the JSON document"


def detect_format(text: str) -> Format:
    """``json`` when the first significant character is ``{`` or ``[``, else ``yaml``."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "yaml"


class Parsed(tuple):  # type: ignore[type-arg]
    """(format, root node or None, plain data) of one parse; ``expansions`` lists the YAML
    anchors, aliases and merge keys the data expands (empty for JSON and most YAML)."""

    expansions: tuple[Expansion, ...]

    def __new__(cls, fmt: Format, root: Node | None, data: Any, expansions: tuple[Expansion, ...] = ()) -> Parsed:
        self = super().__new__(cls, (fmt, root, data))
        self.expansions = expansions
        return self


def parse_text(text: str, file: str | None = None, fmt: Format | None = None, *, nodes: bool = True) -> Parsed:
    """Parse ``text`` into (format, root node, plain data) without checking the top level.

    ``fmt`` forces the format (the patch engine re-reads its output as the input's format).
    ``nodes=False`` builds the data only (the root node is None): a third faster and half
    the memory, for readers that need positions rarely or never.
    """
    # Parsing allocates hundreds of thousands of acyclic objects; the cyclic garbage
    # collector would rescan them again and again (measured: 2.3x slower on 1 MB).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, file, fmt, nodes)
    finally:
        if enabled:
            gc.enable()


def _parse(text: str, file: str | None, fmt: Format | None, nodes: bool) -> Parsed:
    detected = fmt is None
    fmt = fmt or detect_format(text)
    if fmt == "json":
        try:
            root, data = load_json(text, file, nodes=nodes)
        except ParseError as exc:
            # "{}  # comment" is YAML whose root happens to be a flow mapping
            if not (detected and exc.reason.startswith(_JSON_EXTRA)):
                raise
            try:
                return Parsed("yaml", *load_yaml(text, file, nodes=nodes))
            except ParseError:
                raise exc from None
        return Parsed(fmt, root, data)
    return Parsed(fmt, *load_yaml(text, file, nodes=nodes))


_CACHE: OrderedDict[tuple[str, str | None], Parsed] = OrderedDict()
_CACHE_SIZE = 4


def parse_cached(text: str, file: str | None = None, fmt: Format | None = None, *, nodes: bool = True) -> Parsed:
    """:func:`parse_text` through a small cache of recent texts.

    The fix loop reads the same text several times (check, patch, verify, re-check); a
    cached parse is shared, so its nodes and data must be treated as read-only. The patch
    engine copies what it changes, and seeds the cache with the (data-only) parse of its
    verified output. A data-only entry is upgraded when nodes are asked for.
    """
    key = (text, fmt)
    hit = _CACHE.get(key)
    if hit is not None and (hit[1] is not None or not nodes):
        _CACHE.move_to_end(key)
        return hit
    result = parse_text(text, file, fmt, nodes=nodes)
    if hit is not None:
        result = Parsed(result[0], result[1], hit[2], result.expansions)  # keep the data object readers already hold
    remember(text, result, fmt)
    return result


def remember(text: str, result: Parsed, fmt: Format | None = None) -> None:
    """Put a fresh parse of ``text`` into the cache (it must not be mutated afterwards)."""
    _CACHE[(text, fmt)] = result
    _CACHE.move_to_end((text, fmt))
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)


@dataclass
class Document:
    """A parsed template: the original text, its node tree and its plain data (read-only).

    ``data`` is the template in CloudFormation long form (``!Ref X`` reads as
    ``{"Ref": "X"}``); JSON Pointers address it. ``locate`` maps a pointer back to the
    1-based line and column of the node (or of its nearest existing ancestor).
    """

    text: str
    format: Format
    _root: Node | None = field(repr=False)
    data: Any
    file: str | None = None
    _lines: LineIndex | None = field(default=None, repr=False)
    expansions: tuple[Expansion, ...] = ()
    """YAML anchors, aliases and merge keys, by offset (see :mod:`cfnfix.document.expansions`)."""

    @property
    def root(self) -> Node:
        """The source node tree (built on first use: checking a clean template needs none)."""
        if self._root is None:
            self._root = parse_cached(self.text, self.file)[1]
        return self._root  # type: ignore[return-value]

    @property
    def lines(self) -> LineIndex:
        """Offset ⇄ line/column index of ``text`` (built on first use)."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def views(self, pointer: str) -> list[View]:
        """The walk from the root along ``pointer`` (see :func:`cfnfix.document.resolve.walk`)."""
        return walk(self.root, parse_pointer(pointer))

    def node_at(self, pointer: str) -> Node | None:
        """The node ``pointer`` names exactly, or None (also for parts of a tagged scalar)."""
        tokens = parse_pointer(pointer)
        views = walk(self.root, tokens)
        if len(views) != len(tokens) + 1 or views[-1].part is not None:
            return None
        return views[-1].node

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the node at ``pointer`` or of its nearest ancestor."""
        return self.lines.line_col(self.views(pointer)[-1].node.start)

    def locate_key(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the mapping key that ``pointer`` ends in (else :meth:`locate`)."""
        tokens = parse_pointer(pointer)
        if tokens:
            views = walk(self.root, tokens[:-1])
            parent = views[-1]
            if len(views) == len(tokens) and not parent.wrapped and isinstance(parent.node, MappingNode):
                for key, _ in parent.node.items:
                    if key.value == tokens[-1]:
                        return self.lines.line_col(key.start)
        return self.locate(pointer)


def load(text: str, file: str | None = None, *, nodes: bool = False) -> Document:
    """Parse a CloudFormation template (YAML or JSON, detected by content).

    ``nodes=True`` builds the node tree (positions) at once: for callers that will need it
    anyway (fixing), one parse instead of a data-only parse and, later, a full one.

    Raises :class:`~cfnfix.errors.ParseError` for malformed input and
    :class:`~cfnfix.errors.TemplateError` when the top level is not a mapping or
    ``Resources`` is there but not a mapping (CloudFormation rejects both).
    """
    parsed = parse_cached(text, file, nodes=nodes)
    fmt, root, data = parsed
    suspect = (
        not isinstance(data, dict)
        or intrinsic_name(data) is not None
        or (
            "Resources" in data
            and (not isinstance(data["Resources"], dict) or intrinsic_name(data["Resources"]) is not None)
        )
    )
    if not suspect:
        return Document(text, fmt, root, data, file, expansions=parsed.expansions)
    # The data look wrong, or like a short-form tag: decide (and locate) on the nodes.
    fmt, root, data = parse_cached(text, file, nodes=True)
    assert root is not None
    if not isinstance(data, dict) or root.tag is not None:
        line, col = LineIndex(text).line_col(root.start)
        raise TemplateError(
            f"a template must be a mapping at the top level, found {_kind(data, root)}",
            file=file,
            line=line,
            column=col,
        )
    entry = _entry(root, "Resources") if "Resources" in data else None
    if entry is not None and (not isinstance(data["Resources"], dict) or entry[0].tag is not None):
        node, key = entry
        at = key if isinstance(node, ScalarNode) and node.end == node.start else node  # `Resources:` and nothing
        line, col = LineIndex(text).line_col(at.start)
        raise TemplateError(
            f"Resources must be a mapping of logical IDs to resources, found {_kind(data['Resources'], node)}",
            file=file,
            line=line,
            column=col,
        )
    return Document(text, fmt, root, data, file, expansions=parsed.expansions)


def _kind(data: Any, node: Node) -> str:
    if node.tag is not None:
        return f"the intrinsic function {node.tag}"
    if isinstance(data, list):
        return "a list"
    if data is None:
        return "nothing (null)"
    return "a scalar"


def _entry(root: Node, key: str) -> tuple[Node, ScalarNode]:
    """(value node, key node) of ``key`` in the root mapping (which has it)."""
    assert isinstance(root, MappingNode)
    for k, v in root.items:
        if k.value == key:
            return v, k
    raise KeyError(key)


#: Largest template read (bytes). CloudFormation itself accepts at most 1 MB (from S3);
#: anything far beyond is not a template, and an endless stream must not exhaust memory.
MAX_TEMPLATE_BYTES = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_UTF16_32 = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a template file as text: UTF-8 (BOM allowed), line endings kept as they are.

    Regular files are read, and so are pipes (``cfnfix check <(cmd)``); a FIFO that no
    process writes to reads as empty instead of blocking. Devices, sockets and folders
    are refused, as is anything over :data:`MAX_TEMPLATE_BYTES`, binary data (NUL bytes)
    and text that is not UTF-8. Every failure is a :class:`~cfnfix.errors.TemplateError`
    naming the file.
    """
    name = os.fspath(path)
    try:
        # O_NONBLOCK: opening a FIFO without a writer must not block (it reads as empty)
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        if os.path.islink(name):
            raise TemplateError(
                f"broken symbolic link: its target {os.readlink(name)!r} does not exist", file=name
            ) from None
        raise TemplateError("no such file", file=name) from None
    except IsADirectoryError:
        raise TemplateError("is a directory, not a template file", file=name) from None
    except PermissionError:
        raise TemplateError("permission denied: cannot read the file", file=name) from None
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    try:
        raw = _read_fd(fd, name)
    finally:
        os.close(fd)
    return decode_template(raw, name)


def _read_fd(fd: int, name: str) -> bytes:
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        raise TemplateError("is a directory, not a template file", file=name)
    if stat.S_ISFIFO(mode):
        os.set_blocking(fd, True)  # a writer is there (or none ever comes: end of file)
    elif not stat.S_ISREG(mode):
        raise TemplateError("not a regular file (a device or socket), not a template", file=name)
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                break
            if b"\x00" in chunk and not _utf16_32(chunks[0] if chunks else chunk):
                raise ParseError("binary file (contains NUL bytes), not a template", file=name)
            size += len(chunk)
            if size > MAX_TEMPLATE_BYTES:
                raise TemplateError(too_large(), file=name)
            chunks.append(chunk)
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    return b"".join(chunks)


def too_large() -> str:
    """The reason given for input over :data:`MAX_TEMPLATE_BYTES`."""
    return f"larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB, not a template (CloudFormation accepts at most 1 MB)"


def _utf16_32(raw: bytes) -> str | None:
    for bom, encoding in _UTF16_32:
        if raw.startswith(bom):
            return encoding
    return None


def decode_template(raw: bytes, name: str) -> str:
    """Template bytes as text: UTF-8 (BOM allowed) or a :class:`~cfnfix.errors.ParseError` naming ``name``."""
    encoding = _utf16_32(raw)
    if encoding is not None:
        raise ParseError(f"{encoding} text: save the template as UTF-8 (CloudFormation reads UTF-8 only)", file=name)
    if b"\x00" in raw:
        raise ParseError("binary file (contains NUL bytes), not a template", file=name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ParseError(
            f"not UTF-8 text: invalid byte 0x{raw[exc.start]:02x}", file=name, line=line, column=col
        ) from None
