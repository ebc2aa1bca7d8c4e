"""Which files a run reads: the paths named, folders walked for template files, ``-`` for standard input.

A folder walk (:class:`Walk` says how) looks at the files whose names end in :data:`SUFFIXES`
(and those ``extend-include`` adds, such as Markdown files), leaves out what the ``exclude`` / ``extend-exclude`` patterns (:mod:`.exclude`) and, inside a
Git repository, the ``.gitignore`` files (:mod:`.gitignore`) leave out, and does not enter
symbolic links to folders. A symbolic link to a file outside the folder named is not
followed (it is reported as skipped) unless :attr:`Walk.follow_symlinks`: a walk never
reads or writes anything outside the folders it was given. Every file is read once, however
many paths lead to it (symbolic or hard links, a file named and found in a folder): by its
identity on disk, the path named explicitly first, then the one that is not a link.
Files named explicitly are always taken (``force-exclude`` applies the exclusion patterns
to them too).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatch

from ..errors import CfnfixError, TemplateError
from ..io.files import STDIN
from .exclude import DEFAULT_EXCLUDE, Exclusions
from .gitignore import GitIgnore

__all__ = ["SUFFIXES", "IncludeFor", "Skipped", "Target", "Walk", "collect"]

#: File name endings searched for in folders.
SUFFIXES = (".yaml", ".yml", ".json", ".template")

#: The ``extend-include`` patterns that apply in a folder (from its configuration).
IncludeFor = Callable[[str], "tuple[str, ...]"]


@dataclass(frozen=True)
class Target:
    """A file to process: its path as given (or :data:`~cfnfix.io.files.STDIN`) and whether it was named explicitly."""

    path: str
    explicit: bool


@dataclass(frozen=True)
class Skipped:
    """A file a walk found and left alone, and why (reported as a skipped file with a note)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Walk:
    """How folders are walked."""

    exclude_for: Callable[[str], Exclusions] = field(default=lambda folder: Exclusions.of([(DEFAULT_EXCLUDE, ".")]))
    """The exclusions in force in a folder (from its configuration and the command line)."""
    gitignore_for: Callable[[str], bool] = field(default=lambda folder: True)
    """Whether ``.gitignore`` files count in a walk of this folder (``respect-gitignore``)."""
    follow_symlinks: bool = False
    """Also take symbolic links to files outside the folder walked (they may then be written)."""
    include_for: IncludeFor | None = None
    """More file patterns to look at in a folder (``extend-include``: ``*.md`` …)."""


def _is_file(path: str) -> os.stat_result | None:
    """The status of the regular file ``path`` leads to (None: FIFOs, devices, dangling links …)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _walk(folder: str, walk: Walk, gitignore: GitIgnore, skipped: list[Skipped]) -> Iterator[str]:
    real_root = os.path.realpath(folder)
    # a folder named explicitly is walked even when a .gitignore lists it
    use_gitignore = walk.gitignore_for(folder) and not gitignore.ignored(folder, True)
    for root, dirs, files in os.walk(folder):
        exclusions = walk.exclude_for(root)
        patterns = walk.include_for(root) if walk.include_for is not None else ()
        kept = []
        for d in sorted(dirs):
            path = os.path.join(root, d)
            if d == ".git" or exclusions.excludes(path) or (use_gitignore and gitignore.ignored(path, True)):
                continue
            kept.append(d)
        dirs[:] = kept  # os.walk does not enter symbolic links to folders (followlinks=False)
        for name in sorted(files):
            path = os.path.join(root, name)
            wanted = name.endswith(SUFFIXES) or _included(name, os.path.relpath(path, folder), patterns)
            if not wanted or exclusions.excludes(path):
                continue
            if use_gitignore and gitignore.ignored(path, False):
                continue
            if _is_file(path) is None:
                continue
            if os.path.islink(path) and not walk.follow_symlinks and not _inside(os.path.realpath(path), real_root):
                skipped.append(
                    Skipped(
                        os.path.normpath(path),
                        f"a symbolic link to a file outside {folder} (--follow-symlinks to check and fix it)",
                    )
                )
                continue
            yield path


def _included(name: str, relative: str, patterns: tuple[str, ...]) -> bool:
    """True when an ``extend-include`` pattern matches the file's name or its path below the walked folder."""
    relative = relative.replace(os.sep, "/")
    return any(fnmatch(name, p) or fnmatch(relative, p) for p in patterns)


def collect(paths: Iterable[str], walk: Walk | None = None) -> tuple[list[Target], list[CfnfixError], list[Skipped]]:
    """Targets for the given paths (folders walked as ``walk`` says), errors for paths that do
    not exist, and the files the walks left alone with a reason."""
    walk = walk or Walk()
    gitignore = GitIgnore()
    targets: dict[object, Target] = {}
    errors: list[CfnfixError] = []
    skipped: list[Skipped] = []

    def add(path: str, explicit: bool) -> None:
        path = os.path.normpath(path)
        st = _is_file(path)
        key: object = (st.st_dev, st.st_ino) if st is not None else ("path", path)
        found = targets.get(key)
        if found is None or (explicit and not found.explicit):
            targets[key] = Target(path, explicit)
        elif not found.explicit and not explicit and os.path.islink(found.path) and not os.path.islink(path):
            targets[key] = Target(path, explicit)  # the file itself rather than a link to it

    for raw in paths:
        if raw == "-":
            targets.setdefault(("stdin",), Target(STDIN, True))
        elif os.path.isdir(raw):
            for found in sorted(_walk(raw, walk, gitignore, skipped)):
                add(found, False)
        elif os.path.lexists(raw):
            exclusions = walk.exclude_for(os.path.dirname(raw) or ".")
            if exclusions.force and exclusions.excludes(raw):
                continue  # --force-exclude: as if it had not been named
            add(raw, True)
        else:
            errors.append(TemplateError("no such file or directory", file=raw))
    return list(targets.values()), errors, skipped
