"""Tokens to C text, spaced the way gcc -E spaces them.

A space goes where the source had white space, and where two tokens that
came together through macro expansion would otherwise read back as one
(gcc's avoid_paste).  A new line starts where the source line changes.
"""

from __future__ import annotations

from explainer.cpp.lexer import would_paste
from explainer.cpp.macros import PAD, PASTE_LEFT, PREV_WHITE, Tok


class Emitted:
    """A token as output, with the source line gcc prints it on.  A plain
    class: compiled, it is cheap to make, and a pass has 100,000."""

    __slots__ = ("line", "tok")

    def __init__(self, tok: Tok, line: int) -> None:
        self.tok = tok
        self.line = line

    def __repr__(self) -> str:
        return f"Emitted({self.tok!r}, {self.line})"


def print_tokens(tokens: list[Tok], lines: list[int] | None = None, show_paste: bool = False) -> str:
    """The text of *tokens*; *lines* (one per token) are the source lines
    gcc prints them on, all one line if None.  *show_paste* writes a
    pending ``##`` (for replacement lists shown before their pastes
    happen)."""
    parts: list[str] = []
    prev: Tok | None = None
    source: Tok | None = None
    avoid = False
    line: int | None = None
    for i, tok in enumerate(tokens):
        if tok.type == PAD:
            avoid = True
            if source is None or (not source.flags & PREV_WHITE and tok.pad is None):
                source = tok.pad
            continue
        tok_line = lines[i] if lines is not None else 0
        if line is not None and tok_line != line:
            parts.append("\n")
        elif prev is not None:
            if avoid:
                src = source if source is not None else tok
                if src.flags & PREV_WHITE or would_paste(prev.value, tok.value):
                    parts.append(" ")
            elif tok.flags & PREV_WHITE:
                parts.append(" ")
        parts.append(tok.value)
        if show_paste and tok.flags & PASTE_LEFT:
            parts.append(" ##")
        line = tok_line
        prev = tok
        source = None
        avoid = False
    if parts:
        parts.append("\n")
    return "".join(parts)
