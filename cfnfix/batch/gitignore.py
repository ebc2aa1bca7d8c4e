""".gitignore in folder walks (``respect-gitignore``, on by default; ``--no-respect-gitignore``).

As ruff (and ripgrep) do it: only inside a Git repository (a folder at or above the walked one
holding ``.git``), every ``.gitignore`` from the repository's root down to a file's folder
counts, a deeper file's patterns over a higher one's, and all of them over the repository's
``.git/info/exclude``. Git's own pattern rules (negation with ``!``, ``/`` anchoring, ``dir/``
for folders only, ``**``) are the `pathspec` library's (``GitIgnoreSpec``, which follows git's
behaviour in its edge cases); nothing runs git, so no hook or configuration of the repository
is executed. A folder a ``.gitignore`` lists is not entered, as git does not look inside it.

Not read: the global excludes file (``core.excludesFile``) and ``.ignore`` files. A folder
named explicitly is walked even when a ``.gitignore`` lists it (only what is inside it is
judged, by the ``.gitignore`` files below it).
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["GitIgnore"]


class GitIgnore:
    """Answers "does git ignore this path?" for the walks of one run (files read once, cached)."""

    def __init__(self) -> None:
        self._roots: dict[str, str | None] = {}
        self._specs: dict[str, Any] = {}
        self._chains: dict[tuple[str, str], list[tuple[str, Any]]] = {}

    def repository_root(self, folder: str) -> str | None:
        """The nearest folder at or above ``folder`` (a real path) that holds ``.git``, or None."""
        if folder in self._roots:
            return self._roots[folder]
        parent = os.path.dirname(folder)
        if os.path.lexists(os.path.join(folder, ".git")):
            root: str | None = folder
        elif parent == folder:
            root = None
        else:
            root = self.repository_root(parent)
        self._roots[folder] = root
        return root

    def _spec(self, path: str) -> Any:
        """The patterns of the ignore file at ``path`` (None when there is none or it cannot be read)."""
        if path not in self._specs:
            spec = None
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    lines = fh.read(1024 * 1024).splitlines()
            except OSError:
                lines = []
            if any(line.strip() and not line.startswith("#") for line in lines):
                import pathspec

                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self._specs[path] = spec
        return self._specs[path]

    def _chain(self, root: str, folder: str) -> list[tuple[str, Any]]:
        """(folder the patterns are relative to, patterns), lowest precedence first."""
        key = (root, folder)
        if key not in self._chains:
            self._chains[key] = self._read_chain(root, folder)
        return self._chains[key]

    def _read_chain(self, root: str, folder: str) -> list[tuple[str, Any]]:
        chain = []
        info = os.path.join(root, ".git", "info", "exclude")
        if os.path.isdir(os.path.join(root, ".git")):
            chain.append((root, self._spec(info)))
        relative = os.path.relpath(folder, root)
        parts = [] if relative == "." else relative.split(os.sep)
        current = root
        chain.append((current, self._spec(os.path.join(current, ".gitignore"))))
        for part in parts:
            current = os.path.join(current, part)
            chain.append((current, self._spec(os.path.join(current, ".gitignore"))))
        return [(f, s) for f, s in chain if s is not None]

    def ignored(self, path: str, is_dir: bool) -> bool:
        """True when git ignores ``path`` (a file, or a folder with ``is_dir``)."""
        name = os.path.basename(os.path.normpath(path))
        folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
        root = self.repository_root(folder)
        if root is None:
            return False
        full = os.path.join(folder, name)
        decision: bool | None = None
        for base, spec in self._chain(root, folder):
            relative = os.path.relpath(full, base).replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                decision = bool(result.include)
        return bool(decision)
