"""How the kernel prints an event's values: its print fmt's arguments
evaluated for the values a user gives, ``__print_flags`` and
``__print_symbolic`` tables walked as kernel/trace/trace_output.c's
``trace_print_flags_seq()`` and ``trace_print_symbols_seq()`` walk them
(bits left over printed as the kernel prints them), and the inverse:
a flag's or a symbol's name to its value.

Every number is gcc's: each integer expression of the print fmt, with
``REC->field`` replaced by the value cast to the field's type, is
computed by constants.py; an expression gcc cannot fold to a constant
(a pointer, a function call) is said to be so, never guessed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel.translation_unit import TranslationUnit
from explainer.userspace import cparse
from explainer.userspace.format import EventFormat

FLAGS = ("__print_flags", "__print_flags_u64")
SYMBOLS = ("__print_symbolic", "__print_symbolic_u64")
STRINGS = ("__get_str", "__get_rel_str")
# A printf conversion: flags, width, precision, length, and its letter,
# or p with the kernel's extension letters (%pI4, %pS).
_CONVERSION = re.compile(r"%([-+ #0]*)(\d*|\*)(?:\.(\d+))?(hh|h|ll|l|z|j|t)?(?:([diouxXcs%])|p([A-Za-z0-9]*))")
_NUMBER = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")


def _w(key: str, **values: object) -> str:
    return prose.say("decode", key, None, **values)


@dataclass(frozen=True)
class Node:
    """An argument of the print fmt, as far as decode reads it: a
    conditional, a print helper's call, a string literal, or an integer
    expression (its tokens)."""

    kind: str  # "cond", "call", "string", "int"
    tokens: tuple[str, ...]
    parts: tuple[Node, ...] = ()  # cond: test, then, else; call: its arguments
    name: str | None = None  # call: the helper
    table: tuple[tuple[tuple[str, ...], str], ...] = ()  # call: ({value tokens}, "name") rows


def arguments(print_fmt: str) -> tuple[str, list[tuple[str, ...]]]:
    """The print fmt's format string and its arguments' tokens."""
    toks = cparse.tokens(print_fmt)
    if not toks or not toks[0].startswith('"'):
        raise ExplainError(_w("unreadable"))
    fmt = cparse.string_value(toks[:1]) or ""
    args = [tuple(a) for a in _split(toks[2:])] if len(toks) > 1 else []
    return fmt, args


def _split(toks: Sequence[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    depth = 0
    for t in toks:
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        if t == "," and depth == 0:
            out.append([])
        else:
            out[-1].append(t)
    return [a for a in out if a]


def parse(toks: Sequence[str]) -> Node:
    toks = tuple(toks)
    while len(toks) >= 2 and toks[0] == "(" and _closing(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    question = _top_level(toks, "?")
    if question is not None:
        colon = _matching_colon(toks, question)
        if colon is not None:
            return Node("cond", toks, (parse(toks[:question]), parse(toks[question + 1:colon]),
                                       parse(toks[colon + 1:])))
    if toks and all(t.startswith('"') for t in toks):
        return Node("string", toks)
    if len(toks) >= 3 and toks[1] == "(" and _closing(toks, 1) == len(toks) - 1 and re.match(r"^[A-Za-z_]\w*$", toks[0]):
        inner = _split(toks[2:-1])
        table = tuple(_row(a) for a in inner if a and a[0] == "{")
        return Node("call", toks, tuple(parse(a) for a in inner if a and a[0] != "{"), toks[0],
                    tuple(r for r in table if r is not None))
    return Node("int", toks)


def _row(toks: Sequence[str]) -> tuple[tuple[str, ...], str] | None:
    parts = _split(toks[1:-1])
    if len(parts) != 2:
        return None
    name = cparse.string_value(parts[1])
    return (tuple(parts[0]), name) if name is not None else None


def _closing(toks: Sequence[str], at: int) -> int | None:
    depth = 0
    for k in range(at, len(toks)):
        if toks[k] in ("(", "[", "{"):
            depth += 1
        elif toks[k] in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return k
    return None


def _top_level(toks: Sequence[str], what: str) -> int | None:
    depth = 0
    for k, t in enumerate(toks):
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        elif t == what and depth == 0:
            return k
    return None


def _matching_colon(toks: Sequence[str], question: int) -> int | None:
    depth = nested = 0
    for k in range(question + 1, len(toks)):
        t = toks[k]
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and t == "?":
            nested += 1
        elif depth == 0 and t == ":":
            if nested == 0:
                return k
            nested -= 1
    return None


def fields_of(node: Node) -> set[str]:
    """The record's fields an argument reads (REC->name, __get_str(name))."""
    found = {node.tokens[k + 2] for k in range(len(node.tokens) - 2)
             if node.tokens[k] == "REC" and node.tokens[k + 1] == "->"}
    if node.kind == "call" and node.name in STRINGS and node.parts:
        found.add(node.parts[0].tokens[-1])
    for part in node.parts:
        found |= fields_of(part)
    return found


@dataclass(frozen=True)
class Walked:
    """A flags or symbols table walked for one value: each row's name and
    value, whether it was taken, and what was printed."""

    helper: str
    value: int
    rows: tuple[tuple[str, int, bool], ...]
    leftover: int
    printed: str


@dataclass(frozen=True)
class Argument:
    index: int  # 0-based, of the print fmt's arguments
    conversion: str  # "%s", "%lx" ...
    text: str  # the argument as the print fmt has it
    printed: str | None  # None: not evaluated
    why_not: str | None
    walked: tuple[Walked, ...] = ()


@dataclass(frozen=True)
class Decoded:
    event: str
    values: tuple[tuple[str, str, int | str], ...]  # (field, as given, value)
    line: str  # the trace line's text, "?" where an argument was not evaluated
    arguments: tuple[Argument, ...]  # those that read the given fields
    named: tuple[tuple[str, str, int], ...] = ()  # (field, name, value) of each name given


def _field_types(f: EventFormat) -> dict[str, str]:
    return {x.name: x.type for x in f.fields}


def values_given(f: EventFormat, given: Sequence[str],
                 names: Mapping[tuple[str, str], int]) -> list[tuple[str, str, int | str]]:
    """FIELD=VALUE pairs read: a number, a table's names joined by "|", or
    for a string field its text; one-line errors otherwise."""
    types = _field_types(f)
    out: list[tuple[str, str, int | str]] = []
    for item in given:
        field, eq, raw = item.partition("=")
        if not eq or not field:
            raise ExplainError(_w("bad_pair", item=item))
        if field not in types:
            raise ExplainError(_w("no_field", field=field, event=f.event, fields=", ".join(types)))
        if _is_string(types[field]):
            out.append((field, raw, raw))
            continue
        out.append((field, raw, _number_or_names(field, raw, names)))
    return out


def _is_string(type_: str) -> bool:
    return type_.startswith(("__data_loc char", "__rel_loc char")) or type_.startswith("char[")


def _number_or_names(field: str, raw: str, names: Mapping[tuple[str, str], int]) -> int:
    text = raw.strip()
    if _NUMBER.match(text):
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        base = 16 if digits[:2].lower() == "0x" else 8 if len(digits) > 1 and digits[0] == "0" else 10
        return sign * int(digits, base)
    value = 0
    for part in text.split("|"):
        name = part.strip()
        if _NUMBER.match(name):
            value |= _number_or_names(field, name, names)
            continue
        if (field, name) not in names:
            known = sorted({n for (f, n) in names if f == field})
            raise ExplainError(_w("bad_value", field=field, value=raw,
                                  names=", ".join(known[:12]) + (" ..." if len(known) > 12 else "")
                                  if known else _w("no_names")))
        value |= names[(field, name)]
    return value


def decode(f: EventFormat, tu: TranslationUnit, given: Sequence[str], through: int) -> Decoded:
    """What the kernel prints for the values *given* ("field=value")."""
    from explainer.userspace import constants

    fmt, args = arguments(f.print_fmt)
    nodes = [parse(a) for a in args]
    types = _field_types(f)
    # First the tables' values (for names given), then the arguments.
    asked: dict[str, str] = {}
    for n, node in enumerate(nodes):
        for k, call in enumerate(_calls(node)):
            for r, (value, _) in enumerate(call.table):
                _ask(asked, f"{n}.{k}.{r}", value)
    table_values = constants.compute(tu, asked, through, loose=True, prelude=f.prelude)
    names: dict[tuple[str, str], int] = {}
    for n, node in enumerate(nodes):
        for field in fields_of(node):
            for k, call in enumerate(_calls(node)):
                for r, (_, name) in enumerate(call.table):
                    v = table_values.get(f"{n}.{k}.{r}")
                    if v is not None:
                        names.setdefault((field, name), v)
    values = values_given(f, given, names)
    named = tuple((field, name.strip(), names[(field, name.strip())]) for field, raw, value in values
                  if isinstance(value, int) for name in raw.split("|") if (field, name.strip()) in names)
    by_field = {field: value for field, _, value in values}
    asked = {}
    for n, node in enumerate(nodes):
        for k, part in enumerate(_ints(node)):
            # Only what reads a field given: a helper's own argument (the
            # name in __get_str(name)) is no expression of the scope.
            substituted = _substitute(part.tokens, by_field, types) if fields_of(part) else None
            if substituted is not None:
                _ask(asked, f"{n}.i{k}", substituted)
    int_values = constants.compute(tu, asked, through, loose=True, prelude=f.prelude)
    conversions = _conversions(fmt)
    evaluated: list[Argument] = []
    printed: list[str] = []
    for n, node in enumerate(nodes):
        conv = conversions[n] if n < len(conversions) else ("%s", "s", "", "")
        ev = _Evaluator(n, table_values, int_values, by_field, node)
        result = ev.value(node)
        text = _print(conv, result) if result is not None else None
        printed.append(text if text is not None else "?")
        if fields_of(node) & set(by_field):
            evaluated.append(Argument(n, conv[0], brief(node), text,
                                      None if text is not None else (ev.why_not or _w("not_evaluated")),
                                      tuple(ev.walked)))
    return Decoded(f.event, tuple(values), _fill(fmt, printed), tuple(evaluated), named)


def spelled(toks: Sequence[str]) -> str:
    """Tokens as the print fmt's C reads: a space after a comma and
    between words, none inside brackets or around -> and ."""
    out = ""
    for t in toks:
        if out and not (out[-1] in "([{" or t in (",", ")", "]", "}", "->", ".") or out.endswith(("->", "."))
                        or (t in ("(", "[") and (out[-1].isalnum() or out[-1] == "_"))):
            out += " "
        out += t
    return out


def brief(node: Node) -> str:
    """An argument as it reads, each table said by its size ({... 38 rows})."""
    if node.kind == "cond":
        return " ? ".join((brief(node.parts[0]), brief(node.parts[1]))) + " : " + brief(node.parts[2])
    if node.kind == "call" and node.table:
        rows = "{" + _w("rows", count=len(node.table)) + "}"
        return f"{node.name}({', '.join([*(brief(p) for p in node.parts), rows])})"
    return spelled(node.tokens)


def _ask(asked: dict[str, str], key: str, toks: Sequence[str] | str) -> None:
    asked[key] = toks if isinstance(toks, str) else cparse.text(toks)


def _calls(node: Node) -> list[Node]:
    out = [node] if node.kind == "call" and node.name in FLAGS + SYMBOLS else []
    for part in node.parts:
        out += _calls(part)
    return out


def _ints(node: Node) -> list[Node]:
    out = [node] if node.kind == "int" else []
    for part in node.parts:
        out += _ints(part)
    return out


def _substitute(toks: Sequence[str], values: Mapping[str, int | str], types: Mapping[str, str]) -> str | None:
    """*toks* with each REC->field replaced by its value cast to its
    type; None if they read a field without a value, or a string."""
    out: list[str] = []
    k = 0
    while k < len(toks):
        if toks[k] == "REC" and k + 2 < len(toks) and toks[k + 1] == "->":
            field = toks[k + 2]
            value = values.get(field)
            if value is None or isinstance(value, str) or "[" in types.get(field, "["):
                return None
            out.append(f"(({types[field]})({value}))")
            k += 3
            continue
        out.append(toks[k])
        k += 1
    return " ".join(out)


class _Evaluator:
    """One argument's value: conditionals and helpers walked here, every
    integer taken from gcc's answers."""

    def __init__(self, n: int, tables: Mapping[str, int], ints: Mapping[str, int],
                 values: Mapping[str, int | str], node: Node) -> None:
        self.n = n
        self.tables = tables
        self.ints = ints
        self.values = values
        self.int_index = {id(part): k for k, part in enumerate(_ints(node))}
        self.call_index = {id(call): k for k, call in enumerate(_calls(node))}
        self.walked: list[Walked] = []
        self.why_not: str | None = None

    def value(self, node: Node) -> int | str | None:
        if node.kind == "string":
            return cparse.string_value(node.tokens)
        if node.kind == "int":
            v = self.ints.get(f"{self.n}.i{self.int_index[id(node)]}")
            if v is None and self.why_not is None:
                missing = sorted(fields_of(node) - set(self.values))
                self.why_not = (_w("needs", fields=", ".join(missing)) if missing
                                else _w("not_constant", expression=" ".join(node.tokens)))
            return v
        if node.kind == "cond":
            test = self.value(node.parts[0])
            if test is None or isinstance(test, str):
                return None
            return self.value(node.parts[1] if test else node.parts[2])
        if node.name in STRINGS and node.parts:
            text = self.values.get(node.parts[0].tokens[-1])
            return text if isinstance(text, str) else None
        if node.name in FLAGS + SYMBOLS and node.parts:
            return self._table(node)
        if self.why_not is None:
            self.why_not = _w("helper", helper=node.name)
        return None

    def _table(self, node: Node) -> str | None:
        v = self.value(node.parts[0])
        if v is None or isinstance(v, str):
            return None
        k = self.call_index[id(node)]
        rows: list[tuple[str, int]] = []
        for r, (_, name) in enumerate(node.table):
            mask = self.tables.get(f"{self.n}.{k}.{r}")
            if mask is None:
                self.why_not = _w("table_not_constant", helper=node.name)
                return None
            rows.append((name, mask))
        bits = 64
        value = v & ((1 << bits) - 1)
        if node.name in FLAGS:
            delim = self.value(node.parts[1]) if len(node.parts) > 1 else None
            walked = flags(value, rows, delim if isinstance(delim, str) else None)
        else:
            walked = symbols(value, rows)
        self.walked.append(Walked(str(node.name), value, walked[0], walked[1], walked[2]))
        return walked[2]


def flags(value: int, rows: Sequence[tuple[str, int]], delim: str | None,
          ) -> tuple[tuple[tuple[str, int, bool], ...], int, str]:
    """trace_print_flags_seq(): each row taken when all its bits are set
    in what is left, in order, until nothing is left; the rest as 0x..."""
    out: list[str] = []
    seen: list[tuple[str, int, bool]] = []
    left = value
    for name, mask in rows:
        if not left:
            break
        mask &= (1 << 64) - 1
        taken = (left & mask) == mask
        seen.append((name, mask, taken))
        if taken:
            left &= ~mask
            out.append(name)
    printed = (delim or "").join(out)
    if left:
        printed += ((delim or "") if out and delim else "") + f"0x{left:x}"
    return tuple(seen), left, printed


def symbols(value: int, rows: Sequence[tuple[str, int]]) -> tuple[tuple[tuple[str, int, bool], ...], int, str]:
    """trace_print_symbols_seq(): the first row whose value is it; else 0x..."""
    seen: list[tuple[str, int, bool]] = []
    for name, mask in rows:
        mask &= (1 << 64) - 1
        seen.append((name, mask, mask == value))
        if mask == value and name:
            return tuple(seen), 0, name
    return tuple(seen), value, f"0x{value:x}"


def _conversions(fmt: str) -> list[tuple[str, str, str, str]]:
    """The format's conversions (those that take an argument): the whole
    spec, its letter, its length modifier, and what %p continues with."""
    out = []
    for m in _CONVERSION.finditer(fmt):
        if m.group(5) == "%":
            continue
        out.append((m.group(0), m.group(5) or "p", m.group(4) or "", m.group(6) or ""))
    return out


def _print(conv: tuple[str, str, str, str], value: int | str) -> str | None:
    spec, letter, length, _ = conv
    if isinstance(value, str):
        return value if letter == "s" else None
    if letter == "p" or letter == "s":
        return None
    bits = {"hh": 8, "h": 16, "l": 64, "ll": 64, "z": 64, "j": 64, "t": 64}.get(length, 32)
    value &= (1 << bits) - 1
    if letter in "di" and value >= 1 << (bits - 1):
        value -= 1 << bits
    m = _CONVERSION.match(spec)
    flags_, width = (m.group(1), m.group(2)) if m else ("", "")
    python = {"d": "d", "i": "d", "u": "d", "x": "x", "X": "X", "o": "o", "c": "c"}[letter]
    if python == "c":
        return chr(value & 0xFF)
    text = format(value, python)
    if "#" in flags_ and python in "xX" and value:
        text = "0" + python + text
    if width and width != "*":
        text = text.rjust(int(width), "0" if "0" in flags_ and "-" not in flags_ else " ") if "-" not in flags_ \
            else text.ljust(int(width))
    return text


def _fill(fmt: str, printed: Sequence[str]) -> str:
    """The format with each conversion replaced by its argument's text."""
    out: list[str] = []
    at = 0
    n = 0
    for m in _CONVERSION.finditer(fmt):
        out.append(fmt[at:m.start()])
        at = m.end()
        if m.group(5) == "%":
            out.append("%")
            continue
        out.append(printed[n] if n < len(printed) else "?")
        n += 1
    out.append(fmt[at:])
    return "".join(out)


@dataclass(frozen=True)
class PageTable:
    """A print fmt table a page's decoder walks in the browser: the field
    it reads, the mask gcc computed for ``REC->field & MASK`` (None: the
    field as it is), its rows, and what is printed instead when the
    value is 0 (the ``? ... : "none"`` around it)."""

    field: str
    argument: int  # 0-based, of the print fmt's arguments
    helper: str
    delim: str | None
    mask: int | None
    rows: tuple[tuple[str, int], ...]
    otherwise: str | None


def page_tables(formats: Sequence[EventFormat], tu: TranslationUnit, through: int,
                ) -> dict[str, tuple[PageTable, ...]]:
    """By event, the tables of each print fmt that read one field, as it
    is or masked by a constant, with their numbers from one run of gcc
    for them all; the others (the value an expression of several fields)
    are left to explain decode."""
    from explainer.userspace import constants

    found = [(f.event, *t) for f in formats for t in _single_field_tables(f)]
    asked: dict[str, str] = {}
    for k, (_, _, call, _, mask) in enumerate(found):
        if mask:
            asked[f"{k}.mask"] = cparse.text(mask)
        for r, (value, _) in enumerate(call.table):
            asked[f"{k}.{r}"] = cparse.text(value)
    prelude = formats[0].prelude if formats else ""
    values = constants.compute(tu, asked, through, loose=True, prelude=prelude) if asked else {}
    tables: dict[str, list[PageTable]] = {f.event: [] for f in formats}
    for k, (event, n, call, otherwise, mask) in enumerate(found):
        rows = [(name, values.get(f"{k}.{r}")) for r, (_, name) in enumerate(call.table)]
        if any(v is None for _, v in rows) or (mask and f"{k}.mask" not in values):
            continue
        delim = cparse.string_value(call.parts[1].tokens) if call.name in FLAGS and len(call.parts) > 1 else None
        field = _one_field(call.parts[0].tokens)
        assert field is not None
        tables[event].append(PageTable(field[0], n, "flags" if call.name in FLAGS else "symbols", delim,
                                       values.get(f"{k}.mask"),
                                       tuple((name, (v or 0) & ((1 << 64) - 1)) for name, v in rows), otherwise))
    return {event: tuple(t) for event, t in tables.items()}


def _single_field_tables(f: EventFormat) -> list[tuple[int, Node, str | None, tuple[str, ...]]]:
    """(argument, the helper's call, what prints instead of 0, mask
    tokens) of each table of *f*'s print fmt that reads one field."""
    _, args = arguments(f.print_fmt)
    found: list[tuple[int, Node, str | None, tuple[str, ...]]] = []
    for n, node in enumerate(parse(a) for a in args):
        otherwise = None
        call = node
        if node.kind == "cond" and node.parts[2].kind == "string":
            call, otherwise = node.parts[1], cparse.string_value(node.parts[2].tokens)
        if call.kind != "call" or call.name not in FLAGS + SYMBOLS or not call.parts:
            continue
        read = _one_field(call.parts[0].tokens)
        if read is None:
            continue
        if otherwise is not None and _one_field(node.parts[0].tokens) != read:
            continue
        found.append((n, call, otherwise, read[1]))
    return found


def _one_field(toks: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """(field, mask tokens) for ``REC->field`` or ``REC->field & MASK``
    (MASK reading no field); None otherwise."""
    toks = tuple(toks)
    while len(toks) >= 2 and toks[0] == "(" and _closing(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    if len(toks) < 3 or toks[:2] != ("REC", "->"):
        return None
    if len(toks) == 3:
        return toks[2], ()
    if toks[3] == "&" and "REC" not in toks[4:] and len(toks) > 4:
        return toks[2], toks[4:]
    return None
