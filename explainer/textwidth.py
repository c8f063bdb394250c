"""Text wrapped by the columns a terminal gives it: a Chinese character
takes two, and a line of Chinese may break between any two characters,
but never inside an identifier, a path or a number."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from functools import lru_cache

# Full-width punctuation that may not begin a line: commas, stops, colons
# and closing brackets.
_NO_LINE_START = "\uff0c\u3002\uff1a\uff1b\u3001\uff01\uff1f\uff09\u300d\u300f\u300b\u3009\u3011"
# Full-width opening brackets, which may not end a line.
_NO_LINE_END = "\uff08\u300c\u300e\u300a\u3008\u3010"
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A unit that does not break: a run of characters other than spaces and
# wide ones, or one wide character; with the brackets that open before
# it and the punctuation that follows it.
_UNITS = re.compile(r"\s+|[" + _NO_LINE_END + r"]*(?:[^\s" + _WIDE + r"]+|.)[" + _NO_LINE_START + r",.:;!?)]*")


@lru_cache(maxsize=4096)
def width(text: str) -> int:
    """The columns *text* takes on a terminal."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def wrap(text: str, columns: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    """*text* in lines of at most *columns* columns (a unit longer than a
    line gets one of its own), white space between units kept as one
    space where the text has it, none at a line's ends."""
    rest = indent if subsequent is None else subsequent
    if text.isascii() and indent.isascii() and rest.isascii():  # as explainer always wrapped English
        return textwrap.wrap(text, width=columns, initial_indent=indent, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False) or [indent]
    lines: list[str] = []
    line, used, gap = indent, width(indent), ""
    start = True
    for unit in _UNITS.findall(text.strip()):
        if unit.isspace():
            gap = " " * len(unit)  # as textwrap: each white space character a space
            continue
        needed = width(unit) + (len(gap) if not start else 0)
        if not start and used + needed > columns and unit[0] not in _NO_LINE_START:
            lines.append(line)
            line, used, start = rest, width(rest), True
            needed = width(unit)
        if not start:
            line += gap
        line += unit
        used += needed
        start, gap = False, ""
    if not start or not lines:
        lines.append(line)
    return lines


def fill(text: str, columns: int, indent: str = "", subsequent: str | None = None) -> str:
    return "\n".join(wrap(text, columns, indent, subsequent))
