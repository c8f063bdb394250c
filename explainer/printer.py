"""Tokens to C text, spaced the way gcc -E spaces them.

A space goes where the source had white space, and where two tokens that
came together through macro expansion would otherwise read back as one
(gcc's avoid_paste).  A new line starts where the source line changes.
"""

from __future__ import annotations

from explainer.lexer import would_paste
from explainer.macros import PAD, PASTE_LEFT, PREV_WHITE, Tok


class Emitted:
    """A token as output, with the source line gcc prints it on.  A plain
    class: compiled, it is cheap to make, and a pass has 100,000."""

    __slots__ = ("line", "tok")

    def __init__(self, tok: Tok, line: int) -> None:
        self.tok = tok
        self.line = line

    def __repr__(self) -> str:
        return f"Emitted({self.tok!r}, {self.line})"


def print_tokens(
    emitted: tuple[Emitted, ...] | list[Emitted], show_paste: bool = False
) -> tuple[str, list[tuple[int, int]]]:
    """The text, and where each non-padding token is in it (start, end),
    in order, so callers can cut out the code of one invocation.
    *show_paste* writes a pending ``##`` (for replacement lists shown
    before their pastes happen)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    prev: Tok | None = None
    source: Tok | None = None
    avoid = False
    line: int | None = None
    for e in emitted:
        tok = e.tok
        tok_line = e.line
        if tok.type == PAD:
            avoid = True
            if source is None or (not source.flags & PREV_WHITE and tok.pad is None):
                source = tok.pad
            continue
        sep = ""
        if line is not None and tok_line != line:
            sep = "\n"
        elif prev is not None:
            if avoid:
                src = source if source is not None else tok
                if src.flags & PREV_WHITE or would_paste(prev.value, tok.value):
                    sep = " "
            elif tok.flags & PREV_WHITE:
                sep = " "
        if sep:
            parts.append(sep)
            pos += 1
        spans.append((pos, pos + len(tok.value)))
        parts.append(tok.value)
        pos += len(tok.value)
        if show_paste and tok.flags & PASTE_LEFT:
            parts.append(" ##")
            pos += 3
        line = tok_line
        prev = tok
        source = None
        avoid = False
    if parts:
        parts.append("\n")
    return "".join(parts), spans
