"""Results derived from read-only template data, kept while the data object is the same.

A parsed document's data is never changed (see ``docs/design.md``, "Positions on demand;
documents are read-only"), and the data of a fixed or re-edited template shares every entry
the edit did not touch. So what was derived from one object — a whole template's reference
index, one resource's occurrences or schema walk — holds as long as a key still names that
very object; identity, not equality, decides, and the object is held so its id cannot be
reused while the entry lives.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

__all__ = ["PER_RESOURCE", "KeptByIdentity"]

V = TypeVar("V")

#: Size of a cache with one entry per resource: more than a template of the 1 MB limit can hold
#: (about 30,000 one-line resources). A smaller one thrashes on a large template: every check
#: walked each of 7,486 resources three times over when 4,096 were kept (least recently used
#: goes first, so a loop over more resources than that never hits).
PER_RESOURCE = 32768


class KeptByIdentity(Generic[V]):
    """Up to ``size`` values, one per key, each valid for the object it was derived from;
    the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, tuple[Any, V]] = OrderedDict()
        # shared by every thread of the process: a lookup and an eviction must not interleave
        self._lock = threading.Lock()

    def get(self, key: Hashable, source: Any) -> V | None:
        """The value kept under ``key`` if it was derived from ``source`` itself, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] is not source:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, source: Any, value: V) -> V:
        """Keep ``value`` (derived from ``source``) under ``key``, replacing what was there; returns it."""
        with self._lock:
            self._entries[key] = (source, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
