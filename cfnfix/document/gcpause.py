"""Keeping Python's cyclic garbage collector away from a parse: :func:`gc_paused`.

A parse allocates hundreds of thousands of acyclic objects (nodes, dicts, lists, strings);
the cyclic collector, triggered by allocation counts, would rescan them again and again
(measured: parsing the 1 MB YAML template 2.3x slower with it). They are trees, freed by
reference counting, so a parse, a re-parse of one entry and an editor's analysis run with
the collector paused; what outlives them can be moved to the permanent generation
(:func:`gc.freeze`), which later collections skip.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["freeze_survivors", "gc_paused"]


@contextlib.contextmanager
def gc_paused(*, freeze: bool = False) -> Iterator[None]:
    """Run the body with the cyclic collector off, then turn it back on if it was on.

    ``freeze``: afterwards, move every object still alive to the permanent generation
    (see :func:`freeze_survivors`), so later collections do not rescan what the body built.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def freeze_survivors() -> None:
    """Move every object alive now to the permanent generation: later collections skip it,
    reference counting still frees it (for a parse that lives as long as a job)."""
    gc.freeze()
