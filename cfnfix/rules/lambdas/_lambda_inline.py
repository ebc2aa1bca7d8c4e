"""Inline Python code of the template's functions, read and parsed once per code text.

Background: docs/cloudformation/lambda.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ._lambda import Function, functions
from ._python_code import Analysis, Source, analyse, read_source


@dataclass(frozen=True)
class InlinePython:
    """A function with a Python 3 runtime and inline code."""

    function: Function
    version: tuple[int, int]
    source: Source
    analysis: Analysis | None
    """None when the code could not be read (``source.reason`` says why)."""

    @property
    def runtime(self) -> str:
        """The runtime name (``python3.12``)."""
        return str(self.function.runtime)

    @property
    def pointer(self) -> str:
        """Where the inline code is."""
        assert self.function.code_pointer is not None
        return self.function.code_pointer


@lru_cache(maxsize=256)
def _analyse(code: str, version: tuple[int, int]) -> Analysis:
    return analyse(code, version)


def inline_python(data: Any) -> Iterator[InlinePython]:
    """Every function of ``data`` with inline code and a literal ``python3.*`` runtime."""
    for fn in functions(data):
        version = fn.python_version
        if fn.code_pointer is None or version is None or version[0] != 3:
            continue
        source = read_source(fn.code)
        analysis = _analyse(source.text, version) if source.text is not None else None
        yield InlinePython(fn, version, source, analysis)
