"""Imports of missing packages that inline code never uses, and the code without them.

``import pymysql`` in a function that never names ``pymysql`` fails at the first invocation
(the runtime has no such package) and does nothing else: the reviewer's fix is to delete the
line, not to add a layer. The code is parsed with :mod:`ast` (never run); a name counts as
used when it is read anywhere (``pymysql.connect``), appears as a string constant (``getattr(m,
"pymysql")``), or the code reaches names dynamically (``globals()``, ``locals()``, ``vars()``,
``eval``, ``exec``, ``__import__``). Only imports that stand alone on their line are removed
(a statement that shares its line with another, or spans lines, is left alone), and never the
only statement of a block.
"""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass

__all__ = ["Removal", "remove_unused"]

_DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "__import__", "__dict__"})


@dataclass(frozen=True)
class Removal:
    """The code without its unused imports of missing packages, and which modules went."""

    code: str
    modules: tuple[str, ...]
    lines: tuple[int, ...]


def _used_names(tree: ast.AST) -> tuple[set[str], bool]:
    """(names read or mentioned as strings, whether the code reaches names dynamically)."""
    names: set[str] = set()
    dynamic = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Store):
                names.add(node.id)
            dynamic = dynamic or node.id in _DYNAMIC
        elif isinstance(node, ast.Attribute):
            dynamic = dynamic or node.attr in _DYNAMIC
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
    return names, dynamic


def _alias_text(alias: ast.alias) -> str:
    return alias.name + (f" as {alias.asname}" if alias.asname else "")


def _blocks(tree: ast.AST) -> dict[int, int]:
    """id of each statement → how many statements its block holds."""
    sizes: dict[int, int] = {}
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                for stmt in block:
                    sizes[id(stmt)] = len(block)
    return sizes


def remove_unused(code: str, missing: set[str]) -> Removal | None:
    """``code`` without the imports of top-level packages in ``missing`` whose names it never
    uses (module docstring), or None when there is none to remove."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    used, dynamic = _used_names(tree)
    if dynamic:
        return None
    lines = code.splitlines(keepends=True)
    sizes = _blocks(tree)
    edits: dict[int, str | None] = {}  # 0-based line → new text (None: remove)
    modules: list[str] = []
    for node in ast.walk(tree):
        gone: list[str]
        kept: list[ast.alias]
        if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.end_lineno != node.lineno:
            continue
        index = node.lineno - 1
        line = lines[index]
        body = line.rstrip("\r\n")
        if body[: node.col_offset].strip() or body[node.end_col_offset :].strip().split("#", 1)[0].strip():
            continue  # shares its line with another statement
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module or node.module.split(".", 1)[0] not in missing:
                continue
            bound = [a.asname or a.name for a in node.names]
            if "*" in bound or any(b in used for b in bound):
                continue
            gone, kept = [node.module], []
        else:
            gone, kept = [], []
            for alias in node.names:
                top = alias.name.split(".", 1)[0]
                if top in missing and (alias.asname or top) not in used:
                    gone.append(alias.name)
                else:
                    kept.append(alias)
            if not gone:
                continue
        if not kept and sizes.get(id(node), 0) <= 1:
            continue  # the only statement of its block: removing it would leave the block empty
        ending = line[len(body) :]
        rest = body[node.end_col_offset :]  # blanks and a trailing comment
        edits[index] = (
            None
            if not kept
            else body[: node.col_offset] + "import " + ", ".join(map(_alias_text, kept)) + rest + ending
        )
        modules.extend(gone)
    if not edits:
        return None
    out = [text if i not in edits else edits[i] for i, text in enumerate(lines)]
    new = "".join(t for t in out if t is not None)
    return Removal(new, tuple(dict.fromkeys(modules)), tuple(sorted(i + 1 for i in edits)))
