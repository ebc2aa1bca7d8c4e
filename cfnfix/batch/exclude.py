"""Which paths a folder walk leaves out: ``exclude`` / ``extend-exclude`` patterns, as ruff reads them.

A pattern without ``/`` is matched against the name of every file and folder met in the
walk (``node_modules``, ``*.j2.yaml``, ``.*``): a folder it matches is not entered. A pattern
with ``/`` is a path relative to the folder of the configuration file that gives it (for
``--exclude`` and ``--extend-exclude`` on the command line, the current folder), or an
absolute path (``templates/*.yaml``, ``build/**/cdk.out``). ``*`` matches any characters,
``/`` included (as in ruff's globs), ``?`` one, ``[abc]`` one of a set, and ``**/`` also
zero folders (``a/**/b`` matches ``a/b``). Matching is case-sensitive.

``exclude`` replaces the default list (:data:`DEFAULT_EXCLUDE`); ``extend-exclude`` adds to
it. Files named explicitly are not excluded unless ``force-exclude`` is on (what a
pre-commit hook, which names every changed file, needs).
"""

from __future__ import annotations

import glob
import itertools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..config import DEFAULT_EXCLUDE

__all__ = ["DEFAULT_EXCLUDE", "Exclusions", "Pattern"]


@dataclass(frozen=True)
class Pattern:
    """One exclusion glob and the folder its relative paths start from."""

    glob: str
    base: str

    def _variants(self) -> list[str]:
        """The glob with each ``**/`` kept or dropped (``a/**/b`` also matches ``a/b``)."""
        parts = self.glob.split("**/")
        if len(parts) == 1:
            return [self.glob]
        found = []
        for keep in itertools.product((True, False), repeat=len(parts) - 1):
            text = parts[0]
            for kept, part in zip(keep, parts[1:]):
                text += ("**/" if kept else "") + part
            found.append(text)
        return found

    def matches(self, path: str, name: str) -> bool:
        """True when this pattern excludes ``path`` (absolute, ``name`` its last part)."""
        pattern = self.glob.rstrip("/")
        if not pattern:
            return False
        if "/" not in pattern:
            return fnmatchcase(name, pattern)
        relative = pattern[2:] if pattern.startswith("./") else pattern
        anchored = relative if os.path.isabs(relative) else os.path.join(glob.escape(self.base), relative)
        return any(fnmatchcase(path, os.path.normpath(v)) for v in Pattern(anchored, self.base)._variants())


@dataclass(frozen=True)
class Exclusions:
    """The exclusion patterns in force in one folder."""

    patterns: tuple[Pattern, ...] = ()
    force: bool = False
    """Also for files named explicitly (``force-exclude``)."""

    @classmethod
    def of(cls, groups: Iterable[tuple[Iterable[str], str]], force: bool = False) -> Exclusions:
        """Exclusions from ``(globs, base folder)`` groups."""
        patterns = [Pattern(g, os.path.realpath(base)) for globs, base in groups for g in globs]
        return cls(tuple(patterns), force)

    def excludes(self, path: str) -> bool:
        """True when a pattern matches ``path`` (its real folder is used, its name kept)."""
        if not self.patterns:
            return False
        name = os.path.basename(os.path.normpath(path))
        full = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), name)
        return any(p.matches(full, name) for p in self.patterns)
