"""Where a patch reaches: what the impact computation compares (:class:`Reach`).

Below a mapping or list the patch reached, only the keys its operations name can differ (a
list of 17,000 tags, one of them patched, costs one comparison, not 17,000), unless an
operation replaced the value whole or moved the positions of a list's items: then
everything below is compared, values the patch left alone being the very same objects
(:mod:`cfnfix.document.datapatch` applies patches copy on write) and skipped by identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document.datapatch import ParsedOp

__all__ = ["Reach"]

Path = tuple[str, ...]
_INDEX = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_STRUCTURAL = frozenset({"add", "remove", "move", "copy"})


@dataclass
class Reach:
    """Where a patch's operations reach, as paths of tokens (see the module docstring)."""

    children: dict[Path, set[str]] = field(default_factory=dict)
    """Path → the tokens below it that some operation's path goes through or ends at."""
    full: set[Path] = field(default_factory=set)
    """Paths an operation replaces, adds or removes whole, and lists whose items it adds,
    removes or moves (their positions shift): everything below them is compared."""

    @classmethod
    def of(cls, ops: list[ParsedOp]) -> Reach:
        """The reach of ``ops`` (``test`` changes nothing and reaches nothing; ``copy`` reads its source)."""
        reach = cls()
        for op in ops:
            if op.op == "test":
                continue
            for tokens in (op.path, op.source) if op.op == "move" else (op.path,):
                if tokens is None:
                    continue
                path = tuple(tokens)
                for i in range(len(path)):
                    reach.children.setdefault(path[:i], set()).add(path[i])
                reach.full.add(path)
                if op.op in _STRUCTURAL and path and (path[-1] == "-" or _INDEX.match(path[-1])):
                    reach.full.add(path[:-1])
        return reach

    def whole(self, path: Path) -> bool:
        """True when everything at and below ``path`` must be compared (it, or a container
        above it, was replaced whole or had its items shift)."""
        full = self.full
        return any(path[:i] in full for i in range(len(path) + 1))

    def keys(self, path: Path) -> set[str]:
        """The tokens below ``path`` an operation goes through (nothing else below it changed)."""
        return self.children.get(path, set())
