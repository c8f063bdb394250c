"""An invocation's arguments by name: the parameter each one is, and the
macro it is written as a call of (TP_STRUCT__entry, TP_printk ...)."""

from __future__ import annotations

from collections.abc import Sequence

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


# How far below a call's first line its arguments are read.
MAX_LINES = 200


def written(source: Sequence[str], at: int, macro: str) -> list[tuple[str, int, int]]:
    """The arguments of the call of *macro* that begins on line *at* of
    *source*, as written, each with the lines it starts and ends on:
    commas inside parentheses, literals and comments do not split them."""
    text = "\n".join(source[at - 1 : at - 1 + MAX_LINES])
    start = text.find(macro)
    open_at = text.find("(", start) if start >= 0 else -1
    if open_at < 0:
        return []
    out: list[tuple[str, int, int]] = []
    depth, k, begin = 0, open_at + 1, open_at + 1
    while k < len(text):
        c = text[k]
        if c in "\"'":  # a literal: to its closing quote
            k += 1
            while k < len(text) and text[k] != c:
                k += 2 if text[k] == "\\" else 1
        elif text.startswith("/*", k):
            k = text.find("*/", k + 2) + 1 or len(text)
        elif text.startswith("//", k):
            k = text.find("\n", k) if "\n" in text[k:] else len(text)
        elif c == "(":
            depth += 1
        elif c in "),":
            if depth == 0:
                arg = text[begin:k]
                first = at + text.count("\n", 0, begin + len(arg) - len(arg.lstrip()))
                out.append((arg, first, at + text.count("\n", 0, k)))
                if c == ")":
                    return out
                begin = k + 1
            elif c == ")":
                depth -= 1
        k += 1
    return out


def holding(args: list[tuple[str, int, int]], line: int) -> int | None:
    """Which of *args* (see written) holds *line*."""
    return next((k for k, (_, first, last) in enumerate(args) if first <= line <= last), None)
