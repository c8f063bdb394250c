"""What a piece of generated C declares, in a few words: the cells of the
pass timeline ("struct trace_event_raw_foo", "trace_raw_output_foo()").

Read from the code's tokens, so it works for any kernel's macros.
"""

from __future__ import annotations

from collections.abc import Sequence

from explainer.walkthrough.layout import is_word

_TAGS = ("struct", "union", "enum")
_OPEN = {"(": ")", "[": "]", "{": "}"}


def _skip_group(tokens: list[tuple[str, str]], i: int) -> int:
    """Index after the bracketed group that starts at *i*."""
    depth = 0
    while i < len(tokens):
        text = tokens[i][1]
        if text in _OPEN:
            depth += 1
        elif text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def declared(texts: Sequence[str]) -> tuple[str, ...]:
    """Names declared at file scope in the code made of tokens *texts*, in
    order, spelled as ``struct x`` for a type, ``x()`` for a function and
    ``x`` otherwise."""
    return _names([_token(text) for text in texts])


def _token(text: str) -> tuple[str, str]:
    """(kind, text) of one token, as far as _declaration tells kinds apart:
    a name, or anything else."""
    return ("ident" if is_word(text) else "other", text)


def _names(tokens: list[tuple[str, str]]) -> tuple[str, ...]:
    names: list[str] = []
    i = 0
    while i < len(tokens):
        name, i = _declaration(tokens, i)
        if name is not None and name not in names:
            names.append(name)
    return tuple(names)


def _declaration(tokens: list[tuple[str, str]], i: int) -> tuple[str | None, int]:
    """Read one declaration from *i*; return its name and where the next starts."""
    last_ident: str | None = None
    name: str | None = None
    tag: str | None = None
    while i < len(tokens):
        kind, text = tokens[i]
        if text == ";":
            if name is None and last_ident is not None and (tag is None or not tag.endswith(" " + last_ident)):
                name = last_ident  # "struct tracepoint __tracepoint_x;" declares the object
            return name or tag, i + 1
        if kind == "ident" and text in ("__attribute__", "__attribute", "typeof", "__typeof__"):
            i = _skip_group(tokens, i + 1)
            continue
        if kind == "ident":
            if last_ident in _TAGS and tag is None and name is None:
                tag = f"{last_ident} {text}"
            last_ident = text
            i += 1
            continue
        if text == "{":
            end = _skip_group(tokens, i)
            if name is not None:  # a function body: the declaration ends here
                return name, end
            if tag is not None and end < len(tokens) and tokens[end][1] == ";":
                return tag, end + 1  # a struct, union or enum type
            i = end  # an anonymous aggregate's body: the declarator follows
            last_ident = None
            continue
        if text == "(" and name is None:
            if i + 2 < len(tokens) and tokens[i + 1][1] == "*" and tokens[i + 2][0] == "ident":
                name = tokens[i + 2][1]  # (*pointer_to_function)(...)
            elif last_ident is not None and last_ident not in _TAGS:
                name = last_ident + "()"
            i = _skip_group(tokens, i)
            continue
        if text in ("[", "=") and name is None and last_ident is not None:
            name = last_ident
            if text == "=":
                return name, _skip_to_end(tokens, i)
            i = _skip_group(tokens, i)
            continue
        if text in _OPEN:
            i = _skip_group(tokens, i)
            continue
        i += 1
    # Code that ends without ';' (the header writes it after the macro).
    if name is None and last_ident is not None and (tag is None or not tag.endswith(" " + last_ident)):
        name = last_ident
    return name or tag, i


def _skip_to_end(tokens: list[tuple[str, str]], i: int) -> int:
    """Skip an initializer up to and including the ';' that ends it."""
    while i < len(tokens):
        text = tokens[i][1]
        if text in _OPEN:
            i = _skip_group(tokens, i)
            continue
        i += 1
        if text == ";":
            break
    return i
