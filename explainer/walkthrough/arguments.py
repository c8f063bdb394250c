"""An invocation's arguments by name: the parameter each one is, and the
macro it is written as a call of (TP_STRUCT__entry, TP_printk ...)."""

from __future__ import annotations

from explainer.cpp.macros import IDENTIFIER
from explainer.model import Pass


def params(p: Pass, macro: str, count: int) -> list[str]:
    """The parameter names of *macro* as *p*'s code used it, *count* of
    them ("" where unknown)."""
    for m in p.meanings:
        if m.name == macro and m.params is not None:
            names = [x.strip().removesuffix("...") for x in m.params.split(",")]
            return (names + [""] * count)[:count]
    return [""] * count


def wrapper(text: str) -> str | None:
    """The macro an argument is written as a call of (``TP_printk(...)``), if any."""
    m = IDENTIFIER.match(text.lstrip())
    return m.group(0) if m and text.lstrip()[m.end():].lstrip().startswith("(") else None
