"""What the kernel rewrites in an event's strings at boot, as
kernel/trace/trace_events.c does it, character by character (its quirks
are what users see): ``update_event_printk()`` puts each
TRACE_DEFINE_ENUM / TRACE_DEFINE_SIZEOF value in place of its name
outside string literals of the print format; ``update_event_fields()``
removes ``__attribute__(...)`` from field types (``sanitize_field_type()``)
and puts the value in place of a name that starts an array size."""

from __future__ import annotations

from collections.abc import Sequence

_ATTRIBUTE = "__attribute__("


def _ascii_alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def as_printed(value: int) -> str:
    """The map's value as ``%ld`` prints its unsigned long."""
    value &= (1 << 64) - 1
    return str(value - (1 << 64) if value >= 1 << 63 else value)


def print_fmt(fmt: str, maps: Sequence[tuple[str, int]]) -> str:
    """*fmt* after every map, in order, as update_event_printk() leaves it."""
    for name, value in maps:
        if name in fmt:  # else nothing to put in its place: the walk is the time
            fmt = _update_printk(fmt, name, as_printed(value))
    return fmt


def _update_printk(s: str, name: str, value: str) -> str:
    n = len(name)
    i = 0
    quote = False
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s):
                break
            i += 2
            continue
        if c == '"':
            quote = not quote
            i += 1
            continue
        if quote:
            i += 1
            continue
        if c.isascii() and c.isdigit():  # a number, and the character after it
            i += 1
            while i < len(s) and _ascii_alnum(s[i]):
                i += 1
            if i >= len(s):
                break
            i += 1
            continue
        if (c.isascii() and c.isalpha()) or c == "_":
            after = s[i + n] if i + n < len(s) else ""
            if s.startswith(name, i) and not _ascii_alnum(after) and after != "_":
                if n < len(value):  # the kernel warns and gives up on this map
                    return s
                s = s[:i] + value + s[i + n:]
                i += len(value) + 1
                continue
            i = _skip_name(s, i)
            if i >= len(s):
                break
            i += 1
            continue
        i += 1
    return s


def _skip_name(s: str, i: int) -> int:
    """Past a name and any ``.member`` or ``->member`` after it (the
    first character of each taken whatever it is, as the kernel does)."""
    while True:
        i += 1
        while i < len(s) and (_ascii_alnum(s[i]) or s[i] == "_"):
            i += 1
        if i < len(s) and s[i] == ".":
            i += 1
        elif s.startswith("->", i):
            i += 2
        else:
            return i
        if i >= len(s):
            return i


def sanitize(type_: str) -> str:
    """*type_* without ``__attribute__(...)`` (sanitize_field_type())."""
    out = type_
    start = 0
    while (at := out.find(_ATTRIBUTE, start)) >= 0:
        if at != start and not out[at - 1].isspace():
            start = at + len(_ATTRIBUTE)
            continue
        depth = 1
        j = at + len(_ATTRIBUTE)
        while depth > 0:
            k = next((x for x in range(j, len(out)) if out[x] in "()"), None)
            if k is None:  # unbalanced: the kernel keeps the type as it was
                return type_
            depth += 1 if out[k] == "(" else -1
            j = k + 1
        while j < len(out) and out[j].isspace():
            j += 1
        out = out[:at] + out[j:]
        start = at
    return out


def field_type(type_: str, maps: Sequence[tuple[str, int]]) -> str:
    """*type_* after every map (update_event_fields()): a name right
    after the ``[`` replaced by its value (the kernel checks no end)."""
    for name, value in maps:
        bracket = type_.find("[")
        if bracket < 0:
            continue
        at = bracket + 1
        first = type_[at:at + 1]
        if not ((first.isascii() and first.isalpha()) or first == "_") or not type_.startswith(name, at):
            continue
        printed = as_printed(value)
        if len(name) < len(printed):
            continue
        type_ = type_[:at] + printed + type_[at + len(name):]
    return type_
