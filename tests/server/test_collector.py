"""The language server's garbage collection (``cfnfix/server/collector.py``): cycles left by an
analysis are still collected."""

from __future__ import annotations


def test_garbage_cycles_left_by_an_analysis_are_collected() -> None:
    """The collector is off during an analysis and its leftovers frozen; a collection still finds their cycles."""
    import gc
    import weakref

    from cfnfix.server.collector import Collector

    class Node:
        pass

    collector = Collector()
    was = gc.isenabled()
    with collector.held():
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        gone = weakref.ref(a)
        del a, b
    assert gc.isenabled() == was and collector.held_since_collect == 1
    gc.collect()
    assert gone() is not None  # frozen: ordinary collections skip it
    collector.collect()
    assert gone() is None and collector.held_since_collect == 0
    gc.unfreeze()
