"""Inline Python code of a Lambda function: read it from the template, find its imports.

The code is only ever parsed with :mod:`ast`; nothing in it is executed or imported.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Any

#: ``${Name}`` / ``${Res.Attr}`` / ``${!Literal}`` placeholders of ``Fn::Sub``.
_SUB_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")

#: Syntax that a Python older than the runtime's cannot parse (3.12 type parameters and
#: aliases, 3.12 f-string grammar, 3.14 template strings and unparenthesised ``except A, B``).
#: When cfnfix runs on an older Python than the runtime and the code has any of these, a
#: syntax error cannot be judged.
_NEWER_SYNTAX = re.compile(
    r"""^[ \t]*(?:type[ \t]+[A-Za-z_]\w*[ \t]*[\[=]|(?:async[ \t]+)?def[ \t]+\w+[ \t]*\[|class[ \t]+\w+[ \t]*\[|except\*?[ \t]+[^:(\n]+,)"""
    r"""|(?<![\w.])(?:[fFtT][rR]?|[rR][fFtT])['"]""",
    re.MULTILINE,
)

#: Statements newer than some runtimes, where :mod:`ast` reports them at an odd place.
_VERSIONED_NODES: tuple[tuple[str, tuple[int, int]], ...] = (
    ("Match", (3, 10)),
    ("TryStar", (3, 11)),
    ("TypeAlias", (3, 12)),
)

#: Exceptions whose handler makes an import optional.
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


@dataclass(frozen=True)
class Source:
    """The Python text of inline code, or why it cannot be read."""

    text: str | None
    via: str
    """How the template gives it: ``string``, ``Fn::Sub`` or ``Fn::Join``."""
    reason: str = ""
    """Why ``text`` is None."""
    original: str | None = None
    """The code as written, before ``Fn::Sub`` placeholders were neutralised (same lines)."""

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) of the code as written, stripped ("" when out of range)."""
        lines = (self.original if self.original is not None else self.text or "").splitlines()
        return lines[number - 1].strip() if 0 < number <= len(lines) else ""


@dataclass(frozen=True)
class Import:
    """One import of a module that the code needs."""

    module: str
    """Dotted module name (``mysql.connector`` for ``from mysql import connector``)."""
    line: int
    """1-based line in the code."""
    plain: bool
    """True for the ``import X`` form (CloudFormation adds cfnresponse only for that form)."""

    @property
    def top(self) -> str:
        """Top-level package name."""
        return self.module.split(".", 1)[0]


@dataclass(frozen=True)
class Problem:
    """Why the code does not parse: message, 1-based line and column in the code, that line."""

    message: str
    line: int
    column: int
    text: str


@dataclass(frozen=True)
class Analysis:
    """The outcome of parsing inline code: its required imports, or a syntax problem."""

    imports: tuple[Import, ...] = ()
    problem: Problem | None = None
    undecidable: str = ""
    """Set when the code could not be judged on this interpreter (newer syntax)."""


def read_source(value: Any) -> Source:
    """The Python text of a ``ZipFile`` / ``InlineCode`` value.

    A plain string is the code. ``Fn::Sub`` is read with every ``${...}`` placeholder
    replaced by an identifier of the same length (``${!X}`` renders as ``${X}``, as
    CloudFormation does), which keeps the code's lines and columns. ``Fn::Join`` is read
    when its delimiter and all parts are literal strings. Anything else is computed.
    """
    if isinstance(value, str):
        return Source(value, "string")
    if isinstance(value, dict) and len(value) == 1:
        ((fn, arg),) = value.items()
        if fn == "Fn::Sub":
            template = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(template, str):
                return Source(_neutralise(template), "Fn::Sub", original=template)
            return Source(None, "Fn::Sub", "the Fn::Sub template is not a literal string")
        if fn == "Fn::Join":
            if (
                isinstance(arg, list)
                and len(arg) == 2
                and isinstance(arg[0], str)
                and isinstance(arg[1], list)
                and all(isinstance(p, str) for p in arg[1])
            ):
                return Source(arg[0].join(arg[1]), "Fn::Join")
            return Source(None, "Fn::Join", "Fn::Join has parts that are not literal strings")
        if fn == "Ref" or fn.startswith("Fn::"):
            return Source(None, fn, f"the code is computed with {fn}")
        return Source(None, fn, f"the code is a {fn} mapping, not a string")
    return Source(None, type(value).__name__, "the code is not a string")


def _neutralise(template: str) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m[1]
        if inner.startswith("!"):
            return "${" + inner[1:] + "}"
        return "_" * len(m[0])

    return _SUB_PLACEHOLDER.sub(repl, template)


def analyse(code: str, version: tuple[int, int]) -> Analysis:
    """Parse ``code`` as Python ``version`` and list the imports it cannot run without.

    Ignored: relative imports (``from . import x``), imports guarded by
    ``try: … except ImportError`` (or ``ModuleNotFoundError``, ``Exception``, a bare
    ``except``), and imports under ``if TYPE_CHECKING:``. Counted besides ``import`` /
    ``from … import``: ``importlib.import_module("x")`` and ``__import__("x")`` with a
    literal name. Syntax newer than ``version`` is a problem as far as :mod:`ast` can tell
    (``feature_version``); syntax newer than the running interpreter cannot be judged.
    """
    running = sys.version_info[:2]
    feature = (3, max(7, min(version[1], running[1]))) if version[0] == 3 else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes etc. are the code's business
            tree = ast.parse(code, "<inline code>", feature_version=feature)
    except SyntaxError as exc:
        if version > running and _NEWER_SYNTAX.search(code):
            return Analysis(
                undecidable=f"it uses syntax that Python {running[0]}.{running[1]}, which cfnfix runs on, cannot parse"
            )
        line, column = _newer_statement(code, version) or (exc.lineno or 1, exc.offset or 1)
        lines = code.splitlines()
        text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        return Analysis(problem=Problem(exc.msg, line, column, text))
    except ValueError as exc:  # e.g. NUL bytes
        return Analysis(problem=Problem(str(exc), 1, 1, ""))
    except (RecursionError, MemoryError):
        return Analysis(undecidable="it is nested too deeply to parse")
    finder = _ImportFinder()
    finder.visit(tree)
    return Analysis(imports=tuple(finder.imports))


def _newer_statement(code: str, version: tuple[int, int]) -> tuple[int, int] | None:
    """(line, column) of the first statement newer than ``version``, when the code parses
    on the running interpreter (``ast`` reports e.g. a ``match`` at its last line)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code, "<inline code>")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        for name, needs in _VERSIONED_NODES:
            if type(node).__name__ == name and needs > version:
                return node.lineno, node.col_offset + 1  # type: ignore[attr-defined]
    return None


class _ImportFinder(ast.NodeVisitor):
    """Collects unguarded absolute imports."""

    def __init__(self) -> None:
        self.imports: list[Import] = []
        self._guarded = 0

    def visit_Try(self, node: ast.Try) -> None:
        self._visit_try(node)

    if sys.version_info >= (3, 11):

        def visit_TryStar(self, node: ast.TryStar) -> None:
            self._visit_try(node)

    def _visit_try(self, node: Any) -> None:
        guarded = any(_catches_import_error(h.type) for h in node.handlers)
        self._guarded += guarded
        for stmt in node.body:
            self.visit(stmt)
        self._guarded -= guarded
        for part in (*node.handlers, *node.orelse, *node.finalbody):
            self.visit(part)

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for stmt in node.orelse:
                self.visit(stmt)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        if not self._guarded:
            for alias in node.names:
                self.imports.append(Import(alias.name, node.lineno, plain=True))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if self._guarded or node.level or not node.module:
            return
        for alias in node.names:
            name = node.module if alias.name == "*" else f"{node.module}.{alias.name}"
            self.imports.append(Import(name, node.lineno, plain=False))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        dynamic = (isinstance(func, ast.Name) and func.id in ("__import__", "import_module")) or (
            isinstance(func, ast.Attribute) and func.attr == "import_module"
        )
        if (
            dynamic
            and not self._guarded
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and node.args[0].value
            and not node.args[0].value.startswith(".")
        ):
            self.imports.append(Import(node.args[0].value, node.lineno, plain=False))
        self.generic_visit(node)


def _catches_import_error(kind: ast.expr | None) -> bool:
    if kind is None:
        return True
    if isinstance(kind, ast.Tuple):
        return any(_catches_import_error(k) for k in kind.elts)
    name = kind.id if isinstance(kind, ast.Name) else kind.attr if isinstance(kind, ast.Attribute) else ""
    return name in _IMPORT_ERRORS
