"""Which files a run reads: the paths named, folders walked for template files, ``-`` for standard input."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import CfnfixError, TemplateError
from ..io.files import STDIN

__all__ = ["SUFFIXES", "Target", "collect"]

#: File name endings searched for in folders.
SUFFIXES = (".yaml", ".yml", ".json", ".template")
_SKIP_DIRS = {"node_modules", "__pycache__"}


@dataclass(frozen=True)
class Target:
    """A file to process: its path as given (or :data:`~cfnfix.io.files.STDIN`) and whether it was named explicitly."""

    path: str
    explicit: bool


def _walk(folder: str) -> Iterable[str]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(SUFFIXES) and not name.startswith("."):
                path = os.path.join(root, name)
                if os.path.isfile(path):  # not FIFOs, devices, sockets, dangling symlinks
                    yield path


def collect(paths: Iterable[str]) -> tuple[list[Target], list[CfnfixError]]:
    """Targets for the given paths (folders expanded), and errors for paths that do not exist."""
    targets: dict[str, Target] = {}
    errors: list[CfnfixError] = []
    for raw in paths:
        if raw == "-":
            targets.setdefault(STDIN, Target(STDIN, True))
        elif os.path.isdir(raw):
            for found in sorted(_walk(raw)):
                targets.setdefault(os.path.normpath(found), Target(os.path.normpath(found), False))
        elif os.path.lexists(raw):
            targets[os.path.normpath(raw)] = Target(os.path.normpath(raw), True)
        else:
            errors.append(TemplateError("no such file or directory", file=raw))
    return list(targets.values()), errors
