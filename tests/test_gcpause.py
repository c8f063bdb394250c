"""The cycle collector is held off while a header is explained, and
comes back as it was."""

from __future__ import annotations

import gc
import weakref

from explainer import gcpause


class Node:
    def __init__(self) -> None:
        self.me = self


def test_held_restores_the_collector() -> None:
    assert gc.isenabled()
    with gcpause.held():
        assert not gc.isenabled()
        cycle = Node()
        gone = weakref.ref(cycle)
        del cycle
        assert gone() is not None  # nothing collects it meanwhile
    assert gc.isenabled()
    gc.collect()
    assert gone() is None


def test_settle_collects_then_sets_the_survivors_aside() -> None:
    cycle = Node()
    gone = weakref.ref(cycle)
    del cycle
    kept = Node()
    try:
        gcpause.settle()
        assert gone() is None
        assert gc.get_freeze_count() > 0
        assert kept.me is kept
    finally:
        gc.unfreeze()


def test_held_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gcpause.held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
