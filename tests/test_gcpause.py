"""The cycle collector is held off while a header is explained, and
comes back as it was; a site keeps the memory glibc frees."""

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



PAGES = """
import resource, sys
from explainer import allocator
if sys.argv[1] == "kept":
    assert allocator.keep_freed()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(30):  # a header's pages: strings of a megabyte, joined, encoded, freed
    pages = ["<p>" + str(i) * (1 << 20) for _ in range(6)]
    text = "".join(pages).encode()
    del pages, text
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_a_site_keeps_what_glibc_frees() -> None:
    """Pages made and freed one after another: by default glibc gives
    their memory back and faults it in again for the next; kept
    (allocator.keep_freed, which a site sets), a small part of that."""
    import subprocess
    import sys

    def faults(how: str) -> int:
        run = subprocess.run([sys.executable, "-c", PAGES, how], capture_output=True, text=True, check=True)
        return int(run.stdout)

    assert faults("kept") * 4 < faults("default")
