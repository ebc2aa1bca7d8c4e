"""When Python's cyclic garbage collector runs in the language server (see :class:`Collector`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from ..document.gcpause import gc_paused

__all__ = ["COLLECTOR", "COLLECT_EVERY", "Collector"]

#: A full collection runs before an analysis when this many ran since the last one.
COLLECT_EVERY = 50


class Collector:
    """When Python's cyclic garbage collector runs in the server.

    A 1 MB template is about a million objects (parse, nodes, rule indexes), kept for as
    long as the document is open. The collector's passes over the older generations walk all
    of them, and they came due in the middle of analyses (on the 1 MB benchmark template an
    analysis after typing a character often took twice its time). The parse and the findings are trees, freed by reference counting the moment
    a newer analysis replaces them; the collector is only needed for the rare cycle. So an
    analysis runs with the collector off and ends by moving what it leaves to the permanent
    generation (:func:`gc.freeze`), which later passes skip; the cycles are collected after
    2 s (``server.COLLECT_IDLE_SECONDS``) without a change (``CfnfixServer.collect_when_idle``), or
    every :data:`COLLECT_EVERY` analyses when changes never stop.
    """

    def __init__(self) -> None:
        self.held_since_collect = 0

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Run the body with the collector off; freeze what is left after it."""
        if self.held_since_collect >= COLLECT_EVERY:
            self.collect()
        try:
            with gc_paused(freeze=True):
                yield
        finally:
            self.held_since_collect += 1

    def collect(self) -> None:
        """Collect every cycle (frozen objects included), then freeze the survivors again."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.held_since_collect = 0


#: The server's collector (one per process, as the garbage collector is).
COLLECTOR = Collector()
