"""An event's tracefs ``format`` file, as the kernel shows it.

What the file holds is read from the generated code (gcc-exact): the
field rows of stage 4's ``trace_event_fields_<class>[]``, stage 7's
``event_<event>`` and its ``print_fmt_<class>``, stage 1's
``trace_eval_map`` objects (TRACE_DEFINE_ENUM).  Every number is gcc's
(constants.py).  Then what the kernel does with them, after
kernel/trace/trace_events.c: ``event_define_fields()`` lays the fields
out at run time, ``update_event_printk()`` and ``update_event_fields()``
put the enum maps' values in at boot, ``f_show()`` prints the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import Invocation, Pass, Walkthrough
from explainer.userspace import cparse, rewrite
from explainer.walkthrough.arguments import params

FIELD_MEMBERS = ("type", "name", "size", "align", "is_signed", "filter_type", "len")
_DYNAMIC = ("__data_loc", "__rel_loc")


@dataclass(frozen=True)
class Origin:
    """Where a line of the file comes from: the pass, the header's
    invocation whose code made it, and the header's line and argument."""

    pass_index: int
    stage: str
    invocation: str  # "TRACE_EVENT(sample_work)"
    invocation_line: int
    line: int | None  # the header's line (__field(...), TP_printk(...))
    argument: int | None  # 0-based, of the invocation
    parameter: str | None  # that argument's parameter ("tstruct", "print")


@dataclass(frozen=True)
class Field:
    """One ``field:`` line: the row as stage 4 wrote it, its numbers
    (None in focused mode: gcc could not compute them), and stage 1's
    struct member it is (a common field: struct trace_entry's)."""

    type: str  # as the kernel keeps it: attributes removed, enum maps applied
    name: str
    written_type: str  # stage 4's .type
    member: str  # stage 1's: "prev_state", "__data_loc_name"; "type" for common_type
    length: int | None  # .len (arrays); None when the tree's stage 4 has no .len
    has_length: bool
    offset: int | None = None
    size: int | None = None
    align: int | None = None
    signed: bool | None = None
    struct_offset: int | None = None  # gcc's offsetof of the member
    origin: Origin | None = None
    # The C expressions of its numbers in stage 4's row ("size", "align",
    # "is_signed", "len"), for gcc to compute.
    expressions: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        """The line as f_show() prints it (numbers as "?" when unknown; an
        array whose .len gcc did not compute, with the type's own size)."""
        numbers = (f"\toffset:{_num(self.offset)};\tsize:{_num(self.size)};"
                   f"\tsigned:{_num(None if self.signed is None else int(self.signed))};")
        bracket = self.type.find("[")
        if bracket < 0 or self.type.startswith("__data_loc"):
            return f"\tfield:{self.type} {self.name};{numbers}"
        if self.has_length and self.length:
            return f"\tfield:{self.type[:bracket]} {self.name}[{self.length}];{numbers}"
        if self.has_length and self.length is not None:
            return f"\tfield:{self.type[:bracket]} {self.name}[];{numbers}"
        return f"\tfield:{self.type[:bracket]} {self.name}{self.type[bracket:]};{numbers}"


def _num(value: int | None) -> str:
    return "?" if value is None else str(value)


@dataclass(frozen=True)
class EvalMap:
    """A TRACE_DEFINE_ENUM or TRACE_DEFINE_SIZEOF: the name the kernel
    replaces at boot and its value (None: not computed)."""

    string: str
    value: int | None
    expression: str
    origin: Origin | None


@dataclass(frozen=True)
class EventFormat:
    system: str | None
    event: str
    event_class: str
    header: str  # as users read it
    common: tuple[Field, ...]
    fields: tuple[Field, ...]
    written_print_fmt: str  # stage 7's print_fmt_<class>, as compiled
    print_fmt: str  # after the boot-time rewrites
    maps: tuple[EvalMap, ...]  # of the event's system, in the order the kernel applies them
    computed: bool  # gcc computed the numbers (False: focused mode)
    name_origin: Origin
    print_origin: Origin
    print_name: str  # print_fmt_<class>, or print_fmt_<event> (DEFINE_EVENT_PRINT)
    record: str  # struct trace_event_raw_<class>
    record_size: int | None = None  # sizeof(struct trace_entry): where the fields start
    mismatches: tuple[str, ...] = ()  # a field whose run-time offset is not gcc's offsetof
    # Names the print fmt holds that the translation unit neither declares
    # nor defines: the kernel's own build may give them values.
    undeclared: tuple[str, ...] = ()
    # Struct tags gcc was given forward declarations of, to compile a unit
    # whose .c file's own headers (which declare them) were left out.
    forward: tuple[str, ...] = ()

    @property
    def prelude(self) -> str:
        """What gcc reads before the unit's code for this format's numbers."""
        from explainer.userspace.constants import forward_declarations

        return forward_declarations(self.forward) if self.forward else ""

    def lines(self) -> list[str]:
        """The file, a line each, as ``cat .../format`` prints it."""
        out = [f"name: {self.event}", "ID: ?", "format:"]
        out += [f.line() for f in self.common]
        out.append("")
        out += [f.line() for f in self.fields]
        out += ["", f"print fmt: {self.print_fmt}"]
        return out


def events(w: Walkthrough) -> list[str]:
    """The events *w*'s header makes a format file for (stage 7's event_<e>)."""
    found: list[str] = []
    for p in _stage(w, "stage7_class_define"):
        for inv in p.invocations:
            toks = cparse.tokens(inv.code)
            for i, t in enumerate(toks[:-1]):
                if t.startswith("event_") and toks[i + 1] == "=" and not t.startswith("event_class_"):
                    found.append(t[len("event_"):])
    return found


def build(w: Walkthrough, tu: TranslationUnit, event: str, compute: bool) -> EventFormat:
    """The format file of *event*; with gcc's numbers when *compute*."""
    return build_all(w, tu, [event], compute)[0]


def build_all(w: Walkthrough, tu: TranslationUnit, names: Sequence[str], compute: bool) -> list[EventFormat]:
    """The format files of the events *names*, their numbers computed
    by one run of gcc when *compute*."""
    maps = _maps(w)
    read = [_read(w, event, maps) for event in names]
    if compute and read:
        through = _one_stage(w, "stage4_event_fields", names[0]).index
        try:
            read = _computed(read, tu, through)
        except ExplainError:
            tags = struct_tags(w.header_lines)
            if not tags:
                raise
            read = _computed([replace(f, forward=tags) for f in read], tu, through)
        read = with_undeclared(read, tu, through)
    return [_rewritten(f) for f in read]


_TAG = re.compile(r"\bstruct\s+([A-Za-z_]\w*)")


def struct_tags(lines: Sequence[str]) -> tuple[str, ...]:
    """The struct tags the header's text names, in order, once each."""
    return tuple(dict.fromkeys(m.group(1) for line in lines for m in _TAG.finditer(line)))


_C_WORDS = frozenset("""auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef typeof union
    unsigned void volatile while _Bool __typeof__ __alignof__ __builtin_offsetof""".split())


def print_names(print_fmt: str) -> list[str]:
    """The names a print fmt holds outside its string literals that are
    not a member (after . or ->), a tag (after struct), C's own words or
    the print helpers user space knows."""
    toks = cparse.tokens(print_fmt)
    found: dict[str, None] = {}
    for k, t in enumerate(toks):
        if not (t[:1].isalpha() or t[:1] == "_") or t in _C_WORDS or t in knowledge.print_helpers():
            continue
        if k and toks[k - 1] in (".", "->", "struct", "union", "enum"):
            continue
        if k > 1 and toks[k - 1] == "(" and toks[k - 2].startswith(("__get_", "__print_")):
            continue  # a field's name: __get_str(name)
        found[t] = None
    return list(found)


def with_undeclared(formats: list[EventFormat], tu: TranslationUnit, through: int) -> list[EventFormat]:
    """*formats* with the names their print fmt holds that gcc finds
    neither declared nor defined in the code up to pass *through*."""
    from explainer.userspace import constants

    asked = sorted({n for f in formats for n in print_names(f.written_print_fmt)})
    missing = set(constants.undeclared(tu, asked, through, formats[0].prelude if formats else ""))
    return [replace(f, undeclared=tuple(n for n in print_names(f.written_print_fmt) if n in missing))
            for f in formats]


def _read(w: Walkthrough, event: str, maps: Sequence[tuple[str, EvalMap]]) -> EventFormat:
    """What the generated code says of *event*'s format, numbers aside;
    *maps*: the translation unit's, with the system variable of each."""
    stage7 = _one_stage(w, "stage7_class_define", event)
    defined = _object(stage7, f"event_{event}")
    if defined is None:
        choices = events(w)
        raise ExplainError(_words("format_no_event", event=event, header=w.display(w.header),
                                  events=", ".join(choices) or _words("format_none")))
    inv, toks, (start, end) = defined
    members = cparse.members(toks[start:end], ())
    klass = _after(members.get("class", []), "event_class_")
    print_name = _after(members.get("print_fmt", []), "")
    if klass is None or print_name is None:
        raise ExplainError(_words("format_unreadable", event=event, what=f"event_{event}"))
    name_origin = _origin(w, stage7, inv, toks, start)
    printed = _object(stage7, print_name)
    class_object = _object(stage7, f"event_class_{klass}")
    if printed is None or class_object is None:
        raise ExplainError(_words("format_unreadable", event=event, what=print_name))
    p_inv, p_toks, (p_start, p_end) = printed
    written_fmt = cparse.string_value(p_toks[p_start:p_end])
    if written_fmt is None:
        raise ExplainError(_words("format_unreadable", event=event, what=print_name))
    print_origin = _origin(w, stage7, p_inv, p_toks, p_start + 1)
    _, c_toks, (c_start, c_end) = class_object
    system_var = cparse.text(cparse.members(c_toks[c_start:c_end], ()).get("system", []))
    fields = _fields(w, klass, event)
    return EventFormat(
        system=w.system, event=event, event_class=klass, header=w.display(w.header),
        common=_common(), fields=fields, written_print_fmt=written_fmt, print_fmt=written_fmt,
        maps=tuple(m for system, m in maps if system == system_var), computed=False,
        name_origin=name_origin, print_origin=print_origin,
        print_name=print_name, record=f"trace_event_raw_{klass}",
    )


def fields_pass(w: Walkthrough) -> int | None:
    """The index of stage 4's pass: the code up to its end declares what
    the numbers need (constants.compute's *through*)."""
    return next((p.index for p in _stage(w, "stage4_event_fields")), None)


def _words(key: str, **values: object) -> str:
    return prose.say("format", key, None, **values)


def _stage(w: Walkthrough, stage: str) -> list[Pass]:
    return [p for p in w.passes if p.stage == stage]


def _one_stage(w: Walkthrough, stage: str, event: str) -> Pass:
    found = _stage(w, stage)
    if not found:
        raise ExplainError(_words("format_no_stage", header=w.display(w.header), stage=stage, event=event))
    return found[0]


def _object(p: Pass, name: str) -> tuple[Invocation, list[str], tuple[int, int]] | None:
    """The invocation of *p* whose code defines the object *name*, its
    tokens and where the initializer is in them."""
    for inv in p.invocations:
        if name not in inv.code:
            continue
        toks = cparse.tokens(inv.code)
        where = cparse.initializer(toks, name)
        if where is not None:
            return inv, toks, where
    return None


def _after(value: Sequence[str], prefix: str) -> str | None:
    """The name in ``&event_class_foo`` or ``print_fmt_foo`` after *prefix*."""
    names = [t for t in value if t not in ("&", "(", ")")]
    if len(names) != 1 or not names[0].startswith(prefix):
        return None
    return names[0][len(prefix):]


def _origin(w: Walkthrough, p: Pass, inv: Invocation, toks: Sequence[str], at: int) -> Origin:
    """*inv*'s token *at* (an index in *toks*, its code's tokens): where
    it was written in the header, when the recording followed it."""
    line = argument = None
    if len(inv.provenance) == len(toks) and 0 <= at < len(toks):
        prov = inv.provenance[at]
        line = prov.line or prov.called
        argument = prov.arg
    parameter = None
    if argument is not None:
        names = params(p, inv.macro, len(inv.args))
        parameter = names[argument] if argument < len(names) and names[argument] else None
    title = f"{inv.macro}({inv.name})" if inv.name else inv.macro
    return Origin(p.index, p.stage, title, inv.line, line, argument, parameter)


def _fields(w: Walkthrough, klass: str, event: str) -> tuple[Field, ...]:
    stage4 = _one_stage(w, "stage4_event_fields", event)
    found = _object(stage4, f"trace_event_fields_{klass}")
    if found is None:
        raise ExplainError(_words("format_unreadable", event=event, what=f"trace_event_fields_{klass}"))
    inv, toks, (start, end) = found
    out: list[Field] = []
    at = start + 1
    for element in cparse.elements(toks[start:end]):
        row = cparse.members(element, FIELD_MEMBERS)
        here, at = at, at + len(element) + 1
        if not row:  # {}: the end of the table
            continue
        written = cparse.string_value(row.get("type", []))
        name = cparse.string_value(row.get("name", []))
        if written is None or name is None:
            raise ExplainError(_words("format_unreadable", event=event, what=f"trace_event_fields_{klass}"))
        prefix = next((p for p in _DYNAMIC if written.startswith(p)), None)
        out.append(Field(
            type=rewrite.sanitize(written), name=name, written_type=written,
            member=f"{prefix}_{name}" if prefix else name,
            length=_literal(row.get("len")), has_length="len" in row,
            origin=_origin(w, stage4, inv, toks, here + _index_of(element, "name")),
            expressions=tuple((k, cparse.text(v)) for k, v in row.items()
                              if k in ("size", "align", "is_signed", "len")),
        ))
    return tuple(out)


def _index_of(element: Sequence[str], member: str) -> int:
    """Where ``.member =``'s value starts in *element* (0 if not designated)."""
    for i in range(len(element) - 2):
        if element[i] == "." and element[i + 1] == member and element[i + 2] == "=":
            return i + 3
    return 0


def _literal(toks: Sequence[str] | None) -> int | None:
    if toks and len(toks) == 1 and toks[0].isdigit():
        return int(toks[0])
    return None


def _common() -> tuple[Field, ...]:
    """The fields every event's file starts with (struct trace_entry's)."""
    return tuple(
        Field(type=c["type"], name=f"common_{c['member']}", written_type=c["type"],
              member=str(c["member"]), length=None, has_length=False)
        for c in knowledge.common_fields()
    )


def _maps(w: Walkthrough) -> list[tuple[str, EvalMap]]:
    """Stage 1's trace_eval_map objects, in order, each with its system
    variable (the kernel applies a map to the events of its system)."""
    found: list[tuple[str, EvalMap]] = []
    for p in _stage(w, "stage1_struct_define"):
        by_name = {inv.args[0].strip(): inv for inv in p.invocations
                   if inv.macro in ("TRACE_DEFINE_ENUM", "TRACE_DEFINE_SIZEOF") and inv.args}
        toks = cparse.tokens(p.code)
        for i, t in enumerate(toks):
            if t != "trace_eval_map" or i < 1 or toks[i - 1] != "struct":
                continue
            eq = next((k for k in range(i, min(i + 40, len(toks))) if toks[k] in ("=", ";")), None)
            if eq is None or toks[eq] != "=" or toks[eq + 1] != "{":
                continue
            end = cparse.initializer(toks[eq - 1:], toks[eq - 1])
            if end is None:
                continue
            row = cparse.members(toks[eq + 1:eq - 1 + end[1]], ())
            string = cparse.string_value(row.get("eval_string", []))
            if string is None:
                continue
            written = string[len("sizeof("):-1] if string.startswith("sizeof(") else string
            inv = by_name.get(written)
            origin = None
            if inv is not None:
                title = f"{inv.macro}({inv.name or written})"
                origin = Origin(p.index, p.stage, title, inv.line, inv.line, 0, None)
            found.append((cparse.text(row.get("system", [])),
                          EvalMap(string, None, cparse.text(row.get("eval_value", [])), origin)))
    return found


def _computed(formats: Sequence[EventFormat], tu: TranslationUnit, through: int) -> list[EventFormat]:
    """*formats* with gcc's numbers (one run of gcc for them all), their
    fields laid out as event_define_fields() lays them out, each checked
    against gcc's offsetof.  gcc compiles the code up to the end of pass
    *through* (stage 4's: what the numbers need is declared by then)."""
    from explainer.userspace import constants

    asked: dict[str, str] = {"entry_size": "sizeof(struct trace_entry)"}
    for c in formats[0].common if formats else ():
        asked[f"common.{c.member}.offset"] = f"__builtin_offsetof(struct trace_entry, {c.member})"
        asked[f"common.{c.member}.size"] = f"sizeof(((struct trace_entry *)0)->{c.member})"
        asked[f"common.{c.member}.is_signed"] = f"(({c.type})(-1) < ({c.type})1)"
    for n, f in enumerate(formats):
        # By the field's place: two fields may share a name (host1x.h's
        # cmdbuf is a bool and a __data_loc array).
        for i, field in enumerate(f.fields):
            for key, expression in field.expressions:
                asked[f"{n}.{i}.{key}"] = expression
            asked[f"{n}.{i}.offsetof"] = f"__builtin_offsetof(struct {f.record}, {field.member})"
        for k, m in enumerate(f.maps):
            asked[f"{n}.map.{k}"] = m.expression
    values = constants.compute(tu, asked, through, prelude=formats[0].prelude if formats else "")
    return [_laid_out(f, values, f"{n}.") for n, f in enumerate(formats)]


def _laid_out(f: EventFormat, values: dict[str, int], prefix: str) -> EventFormat:
    common = tuple(replace(c, offset=values[f"common.{c.member}.offset"], size=values[f"common.{c.member}.size"],
                           signed=bool(values[f"common.{c.member}.is_signed"]),
                           struct_offset=values[f"common.{c.member}.offset"]) for c in f.common)
    offset = start = values["entry_size"]
    fields: list[Field] = []
    mismatches: list[str] = []
    for i, field in enumerate(f.fields):
        key = f"{prefix}{i}"
        align = values.get(f"{key}.align", 1) or 1
        offset = (offset + align - 1) // align * align
        laid = replace(field, offset=offset, size=values[f"{key}.size"], align=align,
                       signed=bool(values.get(f"{key}.is_signed", 0)),
                       length=values.get(f"{key}.len", field.length),
                       struct_offset=values[f"{key}.offsetof"])
        if laid.struct_offset != offset:
            mismatches.append(field.name)
        fields.append(laid)
        offset += laid.size or 0
    maps = tuple(replace(m, value=values[f"{prefix}map.{k}"]) for k, m in enumerate(f.maps))
    return replace(f, common=common, fields=tuple(fields), maps=maps, computed=True,
                   record_size=start, mismatches=tuple(mismatches))


def _rewritten(f: EventFormat) -> EventFormat:
    """*f* as the kernel has it after boot: each map's value put in."""
    known = [(m.string, m.value) for m in f.maps if m.value is not None]
    fields = tuple(replace(x, type=rewrite.field_type(x.type, known)) for x in f.fields)
    return replace(f, print_fmt=rewrite.print_fmt(f.written_print_fmt, known), fields=fields)
