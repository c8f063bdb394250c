"""Python's cycle collector, held off while one header is explained.

A recording keeps a million small objects alive, and the collector would
walk them again and again as more are made: a third of the time of a
run.  What it would have found (tokens that point at themselves, macros
whose replacement tokens point back at them) is a small part, collected
when the hold ends if the caller asks for it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held(collect_after: bool = False) -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if collect_after:
            gc.collect()
