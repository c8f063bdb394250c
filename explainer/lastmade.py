"""What was made last, kept for the next ask of the same key.

A site makes a header's pages one after another (each in every language),
and each page asks again for what the page before it made of the same
recording, walkthrough or tables: a slot of one is enough, and holds
nothing of the header before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class LastMade(Generic[T]):
    """One value and its key: *objects* compared by identity (the slot
    keeps them alive, so an identity is never reused while kept), and
    *value* by equality."""

    __slots__ = ("_slot",)

    def __init__(self) -> None:
        self._slot: tuple[tuple[object, ...], object, T] | None = None

    def get(self, objects: tuple[object, ...], make: Callable[[], T], value: object = None) -> T:
        slot = self._slot
        if (slot is not None and len(slot[0]) == len(objects)
                and all(a is b for a, b in zip(slot[0], objects, strict=True)) and slot[1] == value):
            return slot[2]
        made = make()
        self._slot = (objects, value, made)
        return made

    def clear(self) -> None:
        self._slot = None
