"""Hypothesis strategies: templates written in many styles, and patches against them.

The emitter here is deliberately independent of cfnfix's renderers: it writes the
generated data the way people and tools do (block or flow, comments, short or long
form tags, quoting, CRLF, 2/4-space indents, indented or flush sequences, BOM, no final
newline), so the engine is tested against text it did not produce.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonpatch
import jsonpointer
from hypothesis import assume
from hypothesis import strategies as st

from cfnfix.document.pointer import make_pointer

NAMES = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
KEYS = st.one_of(
    NAMES, st.sampled_from(["Type", "Properties", "Ref Name", "a-b", "x.y", "yes", "010", "Bücket", "~/", "k:v"])
)
STRINGS = st.one_of(
    NAMES,
    st.text(alphabet="ab c:#-'\"é{}[],!&*?|>%@`\\", max_size=12),
    st.sampled_from(
        [
            "",
            "yes",
            "No",
            "on",
            "null",
            "~",
            "1.0",
            "0o10",
            "010",
            "1e3",
            "2010-09-09",
            "8.0",
            ".inf",
            "- x",
            "a: b",
            "a #b",
            "${AWS::Region}-x",
        ]
    ),
    st.sampled_from(["line1\nline2\n", "x\n\ny", "trailing\n\n", "a\n"]),
)
SCALARS = st.one_of(STRINGS, st.integers(-1000, 10**6), st.booleans(), st.none(), st.sampled_from([1.5, -0.25, 1e20]))


def intrinsics(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        NAMES.map(lambda n: {"Ref": n}),
        st.tuples(NAMES, st.sampled_from(["Arn", "Endpoint.Address"])).map(lambda t: {"Fn::GetAtt": list(t)}),
        STRINGS.map(lambda s: {"Fn::Sub": s}),
        st.tuples(st.sampled_from(["", ","]), st.lists(children, max_size=3)).map(lambda t: {"Fn::Join": [t[0], t[1]]}),
        st.tuples(NAMES, children, children).map(lambda t: {"Fn::If": list(t)}),
    )


VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(KEYS, children, max_size=4),
        intrinsics(children),
    ),
    max_leaves=12,
)
TEMPLATES = st.dictionaries(KEYS, VALUES, min_size=1, max_size=5)


# -- emitter -------------------------------------------------------------------------------
_SHORT = {"Ref": "!Ref", "Fn::GetAtt": "!GetAtt", "Fn::Sub": "!Sub", "Fn::Join": "!Join", "Fn::If": "!If"}


class Emitter:
    """Writes data as YAML with choices drawn from hypothesis."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw
        self.indent = draw(st.sampled_from([2, 4]))
        self.seq_offset = draw(st.sampled_from([0, self.indent]))
        self.short = draw(st.booleans())
        self.comments = draw(st.booleans())
        self.literals = 0

    def scalar(self, v: Any, flow: bool) -> str:
        if v is None:
            return self.draw(st.sampled_from(["null", "~"]))
        if v is True or v is False:
            return str(v).lower()
        if isinstance(v, (int, float)):
            return repr(v) if isinstance(v, float) and "e" not in repr(v) else ("1.0e+20" if v == 1e20 else str(v))
        from cfnfix.patch.render_yaml import plain_ok

        if plain_ok(v, flow=flow) and self.draw(st.integers(0, 3)):
            return v
        if "\n" not in v and "'" not in v and all(c.isprintable() for c in v) and self.draw(st.booleans()):
            return "'" + v + "'"
        return json.dumps(v, ensure_ascii=False)

    def key(self, k: str) -> str:
        return self.scalar(k, False)

    def is_intrinsic(self, v: Any) -> bool:
        return isinstance(v, dict) and len(v) == 1 and next(iter(v)) in _SHORT

    def flow(self, v: Any) -> str:
        if self.is_intrinsic(v) and self.short:
            ((name, arg),) = v.items()
            if name == "Fn::GetAtt" and "." not in arg[0]:
                return f"!GetAtt {arg[0]}.{arg[1]}"
            if isinstance(arg, dict) and self.is_intrinsic(arg):
                return "{" + f"{json.dumps(name)}: {self.flow(arg)}" + "}"
            return f"{_SHORT[name]} {self.flow(arg)}"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{self.scalar(k, True)}: {self.flow(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(self.flow(x) for x in v) + "]"
        return self.scalar(v, True)

    def comment(self) -> str:
        return "  # note é" if self.comments and self.draw(st.integers(0, 2)) == 0 else ""

    def after_key(self, v: Any, col: int, in_seq: bool = False) -> list[str]:
        """Lines for a value after 'key:' (or '-'); first element is the rest of that line."""
        map_col = col + 2 if in_seq else col + self.indent
        seq_col = col + 2 if in_seq else col + self.seq_offset
        if self.is_intrinsic(v) and self.short:
            ((name, arg),) = v.items()
            if not (isinstance(arg, dict) and self.is_intrinsic(arg)):
                if isinstance(arg, list) and arg and self.draw(st.booleans()):
                    return [f" {_SHORT[name]}"] + self.seq_lines(arg, seq_col)
                if (
                    isinstance(arg, str)
                    and "\n" in arg
                    and arg.strip()
                    and not arg[0].isspace()
                    and self.draw(st.booleans())
                ):
                    return self.literal(arg, map_col, f" {_SHORT[name]} ")
                return [" " + self.flow(v) + self.comment()]
        if isinstance(v, dict) and v and self.draw(st.integers(0, 3)):
            return [self.comment()] + self.map_lines(v, map_col)
        if isinstance(v, list) and v and self.draw(st.integers(0, 3)):
            return [self.comment()] + self.seq_lines(v, seq_col)
        if isinstance(v, str) and "\n" in v and v.strip() and not v[0].isspace() and self.draw(st.booleans()):
            return self.literal(v, map_col, " ")
        return [" " + self.flow(v) + self.comment()]

    def literal(self, s: str, col: int, prefix: str) -> list[str]:
        if s.endswith("\n\n"):
            chomp = "+"
        elif s.endswith("\n"):
            chomp = ""
        else:
            chomp = "-"
        body = s.split("\n")
        if chomp != "-":
            body = body[:-1]
        if any(ln.strip() == "" and ln for ln in body):
            return [" " + json.dumps(s, ensure_ascii=False)]
        self.literals += 1
        return [prefix + "|" + chomp] + [(" " * col + ln) if ln else "" for ln in body]

    def map_lines(self, d: dict[str, Any], col: int) -> list[str]:
        out: list[str] = []
        for k, v in d.items():
            if self.comments and self.draw(st.integers(0, 4)) == 0:
                out.append(" " * col + "# comment before " + k.replace("\n", " "))
            first, *rest = self.after_key(v, col)
            out.append(" " * col + self.key(k) + ":" + first)
            out.extend(rest)
        return out

    def seq_lines(self, items: list[Any], col: int) -> list[str]:
        out: list[str] = []
        for v in items:
            if isinstance(v, dict) and v and not self.is_intrinsic(v) and self.draw(st.booleans()):
                lines = self.map_lines(v, col + 2)
                out.append(" " * col + "- " + lines[0][col + 2 :])
                out.extend(lines[1:])
            else:
                first, *rest = self.after_key(v, col, in_seq=True)
                out.append(" " * col + "-" + first)
                out.extend(rest)
        return out


@st.composite
def yaml_documents(draw: Any) -> tuple[str, dict[str, Any]]:
    """(text, data): a YAML template in a random style."""
    data = draw(TEMPLATES)
    em = Emitter(draw)
    lines = []
    if draw(st.booleans()):
        lines.append("# generated template")
    if draw(st.integers(0, 4)) == 0:
        lines.append("---")
    lines.extend(em.map_lines(data, 0))
    eol = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = eol.join(lines)
    if draw(st.integers(0, 3)) or em.literals:
        text += eol  # a literal block scalar at the very end needs its line break
    if draw(st.integers(0, 6)) == 0:
        text = "\ufeff" + text
    return text, data


@st.composite
def json_documents(draw: Any) -> tuple[str, dict[str, Any]]:
    """(text, data): a JSON template with random indentation."""
    data = draw(TEMPLATES)
    indent = draw(st.sampled_from([None, 2, 4, "\t"]))
    text = json.dumps(data, indent=indent, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text += "\n"
    return text, data


def _paths(data: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, path + (k,)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, path + (str(i),)))
    return out


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for t in path:
        data = data[int(t)] if isinstance(data, list) else data[t]
    return data


@st.composite
def operations(draw: Any, data: Any) -> dict[str, Any]:
    """One valid RFC 6902 operation against ``data`` (jsonpatch accepts it)."""
    op = draw(_operations(data))
    try:
        jsonpatch.apply_patch(copy.deepcopy(data), [op])
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
        assume(False)
    return op


@st.composite
def _operations(draw: Any, data: Any) -> dict[str, Any]:
    paths = [p for p in _paths(data) if p]
    containers = [p for p in _paths(data) if isinstance(_get(data, p), (dict, list))]
    kind = draw(st.sampled_from(["add", "add", "replace", "replace", "remove", "move", "move", "copy", "test"]))
    if kind in ("replace", "remove", "test") and paths:
        path = draw(st.sampled_from(paths))
        if kind == "replace":
            return {"op": "replace", "path": make_pointer(list(path)), "value": draw(VALUES)}
        if kind == "test":
            return {"op": "test", "path": make_pointer(list(path)), "value": _get(data, path)}
        return {"op": "remove", "path": make_pointer(list(path))}
    parent = draw(st.sampled_from(containers))
    target = _get(data, parent)
    if isinstance(target, dict):
        new = draw(KEYS)
        dest = list(parent) + [new]
    else:
        dest = list(parent) + [draw(st.sampled_from(["-"] + [str(i) for i in range(len(target) + 1)]))]
    if kind in ("move", "copy") and paths:
        src = draw(st.sampled_from(paths))
        if kind == "move" and (tuple(dest[: len(src)]) == src):
            kind = "copy"
        if (
            kind == "move"
            and isinstance(target, dict)
            and len(src) == len(dest)
            and src[:-1] == tuple(parent)
            and draw(st.booleans())
        ):
            pass  # a rename
        return {"op": kind, "from": make_pointer(list(src)), "path": make_pointer(dest)}
    return {"op": "add", "path": make_pointer(dest), "value": draw(VALUES)}
