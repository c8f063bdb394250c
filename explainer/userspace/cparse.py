"""Reading the generated code back as C: a static object's brace
initializer, its elements and designated members, and string literals'
values.  Enough C for what the tracing machinery generates
(``static struct trace_event_fields trace_event_fields_foo[] = {...}``,
``static char print_fmt_foo[] = "..." "...";``), never a full parser."""

from __future__ import annotations

import re
from collections.abc import Sequence

from explainer.cpp import lexer

_OPEN = {"(": ")", "[": "]", "{": "}"}
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
           "\\": "\\", "'": "'", '"': '"', "?": "?"}


def tokens(code: str) -> list[str]:
    return lexer.spellings(code)


def initializer(toks: Sequence[str], name: str) -> tuple[int, int] | None:
    """Where the initializer of the object *name* is in *toks*: the
    [start, end) of what follows its ``=`` (braces or an expression up
    to the ``;``), for the definition ``name ... = ...``; None if the
    code defines no such object."""
    for i, t in enumerate(toks):
        if t != name:
            continue
        j = i + 1
        while j + 1 < len(toks) and toks[j] == "[" and toks[j + 1] == "]":
            j += 2
        if j < len(toks) and toks[j] == "=":
            end = _expression_end(toks, j + 1)
            return j + 1, end
    return None


def _expression_end(toks: Sequence[str], start: int) -> int:
    """The end of the expression or braces at *start*: the first ``,``,
    ``;`` or closing bracket outside brackets."""
    depth = 0
    for k in range(start, len(toks)):
        t = toks[k]
        if t in _OPEN:
            depth += 1
        elif t in (")", "]", "}"):
            if depth == 0:
                return k
            depth -= 1
            if depth == 0 and toks[start] == "{":
                return k + 1
        elif t in (",", ";") and depth == 0:
            return k
    return len(toks)


def elements(toks: Sequence[str]) -> list[list[str]]:
    """The elements of a brace list (*toks* from ``{`` to ``}``), each its
    tokens; a trailing comma makes no element."""
    if not toks or toks[0] != "{" or toks[-1] != "}":
        return []
    out: list[list[str]] = []
    current: list[str] = []
    depth = 0
    for t in toks[1:-1]:
        if t in _OPEN:
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if t == "," and depth == 0:
            out.append(current)
            current = []
        else:
            current.append(t)
    if current:
        out.append(current)
    return out


def members(element: Sequence[str], order: Sequence[str]) -> dict[str, list[str]]:
    """The members an element's brace list sets: ``.name = value`` by
    name, and a value without a designator by *order* (the member after
    the one set before it, as C does: stage 4's ``.align = ..., 0,``
    sets is_signed)."""
    out: dict[str, list[str]] = {}
    last = -1
    for item in elements(list(element)):
        if len(item) >= 3 and item[0] == "." and item[2] == "=":
            member, value = item[1], item[3:]
            last = order.index(member) if member in order else last
        else:
            last += 1
            if last >= len(order):
                continue
            member, value = order[last], item
        out[member] = value
    return out


def string_value(toks: Sequence[str]) -> str | None:
    """The value of adjacent string literals (concatenated, escapes
    decoded, as the compiler makes the array); None if *toks* are not
    string literals alone."""
    if not toks or not all(t.startswith('"') and t.endswith('"') and len(t) >= 2 for t in toks):
        return None
    return "".join(_unescape(t[1:-1]) for t in toks)


def _unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        e = m.group(1)
        if e[0] == "x":
            return chr(int(e[1:], 16) & 0xFF)
        if e[0] in "01234567":
            return chr(int(e, 8) & 0xFF)
        return _SIMPLE.get(e, e)

    return _ESCAPE.sub(one, body)


def text(toks: Sequence[str]) -> str:
    """Tokens as C text that reads back as the same tokens."""
    return " ".join(toks)
