"""Which files a run reads: the paths named, folders walked for template files, ``-`` for standard input."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fnmatch import fnmatch

from ..errors import CfnfixError, TemplateError
from ..io.files import STDIN

__all__ = ["SUFFIXES", "IncludeFor", "Target", "collect"]

#: File name endings searched for in folders.
SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SKIP_DIRS = {"node_modules", "__pycache__"}

#: The ``extend-include`` patterns that apply in a folder (from its configuration).
IncludeFor = Callable[[str], "tuple[str, ...]"]


@dataclass(frozen=True)
class Target:
    """A file to process: its path as given (or :data:`~cfnfix.io.files.STDIN`) and whether it was named explicitly."""

    path: str
    explicit: bool


def _walk(folder: str, include_for: IncludeFor | None = None) -> Iterable[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        patterns = include_for(root) if include_for is not None else ()
        for name in sorted(files):
            if name.startswith("."):
                continue
            if name.endswith(SUFFIXES) or _included(name, os.path.relpath(os.path.join(root, name), folder), patterns):
                path = os.path.join(root, name)
                if os.path.isfile(path):  # not FIFOs, devices, sockets, dangling symlinks
                    yield path


def _included(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    """True when a pattern matches the file's name or its path below the walked folder."""
    relative = relative.replace(os.sep, "/")
    return any(fnmatch(name, p) or fnmatch(relative, p) for p in patterns)


def collect(paths: Iterable[str], include_for: IncludeFor | None = None) -> tuple[list[Target], list[CfnfixError]]:
    """Targets for the given paths (folders expanded, with the files ``include_for(folder)``
    adds: ``extend-include``), and errors for paths that do not exist."""
    targets: dict[str, Target] = {}
    errors: list[CfnfixError] = []
    for raw in paths:
        if raw == "-":
            targets.setdefault(STDIN, Target(STDIN, True))
        elif os.path.isdir(raw):
            for found in sorted(_walk(raw, include_for)):
                targets.setdefault(os.path.normpath(found), Target(os.path.normpath(found), False))
        elif os.path.lexists(raw):
            targets[os.path.normpath(raw)] = Target(os.path.normpath(raw), True)
        else:
            errors.append(TemplateError("no such file or directory", file=raw))
    return list(targets.values()), errors
