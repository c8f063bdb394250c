"""Python's cycle collector, held off while one header is explained.

A recording keeps a million small objects alive, and the collector would
walk them again and again as more are made: a third of the time of a
run.  What it would have found (tokens that point at themselves, macros
whose replacement tokens point back at them) is a small part: a site
worker collects it after each header (settle).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle() -> None:
    """Collect what the last header left, then set the survivors aside
    (gc.freeze).  A site worker keeps what it has read of the kernel's
    files (their scans, tokens and macros) for the next headers; walking
    all of it in every collection cost a tenth of a second per header."""
    gc.collect()
    gc.freeze()
