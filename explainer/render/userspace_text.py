"""What user space sees, for the terminal: an event's format file as
``cat`` shows it, and with --explain each line followed by where it
comes from (the header's line, argument and pass) and how its numbers
were made."""

from __future__ import annotations

from collections.abc import Sequence

from explainer import prose, textwidth
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import Walkthrough
from explainer.render.to_text import creator_line
from explainer.userspace.format import EventFormat, Field, Origin

ARROW = "\u2190"  # "←": what the line above comes from


def _w(key: str, **values: object) -> str:
    return str(prose.load()["format"][key]).format(**values)


def notes(f: EventFormat, tu: TranslationUnit, problem: str | None = None) -> list[str]:
    """What the reader must know about the numbers shown and the
    translation unit they come from; *problem*: why gcc could not
    compute them in full mode."""
    out: list[str] = [unit_note(tu)] if tu.full_mode else []
    if problem is not None:
        out.append(problem)
    elif not f.computed:
        missing = _w("focused")
        names = [m.string for m in f.maps]
        out.append(missing + (" " + _w("focused_maps", names=", ".join(names)) if names else ""))
    elif f.mismatches:
        out.append(_w("mismatch", count=len(f.mismatches), names=", ".join(f.mismatches)))
    if f.forward:
        out.append(_w("forward", tags=", ".join(f.forward)))
    if f.undeclared:
        out.append(_w("undeclared", names=", ".join(f.undeclared)))
    return out


def unit_note(tu: TranslationUnit) -> str:
    """Which translation unit the passes are of: the kernel's .c file, or
    explainer's own three lines (and why)."""
    header = tu.shown(tu.header)
    if tu.creator is not None:
        return creator_line(tu.creator, header, tu.creator_left_out)
    if tu.orphan:
        return _w("unit_orphan", header=header)
    if tu.kernel_creator is not None:
        return _w("unit_own_known", header=header, file=tu.kernel_creator)
    return _w("unit_own", header=header)


def explained(f: EventFormat, w: Walkthrough) -> list[tuple[str, list[str], int | None]]:
    """Each line of the file (ID as words), with where it comes from and
    how its numbers were made, and the pass it is read from (the text's
    --explain and the page's panel say the same)."""
    lines = f.lines()
    lines[1] = _w("id", id=_w("id_unknown"))
    o, p = f.name_origin, f.print_origin
    out: list[tuple[str, list[str], int | None]] = [
        (lines[0], [_w("from_name", event=f.event, header=f.header, invocation=o.invocation,
                       line=o.invocation_line, index=o.pass_index)], o.pass_index),
        (lines[1], [_w("from_id")], None),
        (lines[2], [_w("from_format")], None),
    ]
    out += [(c.line(), [_w("from_common", member=c.member)], None) for c in f.common]
    out.append(("", [], None))
    previous_end: int | None = None
    for field in f.fields:
        out.append((field.line(), _field_reasons(f, w, field, previous_end),
                    field.origin.pass_index if field.origin is not None else None))
        if field.offset is not None and field.size is not None:
            previous_end = field.offset + field.size
    out.append(("", [], None))
    out.append((lines[-1], [_w("from_print", print_name=f.print_name, header=f.header, invocation=p.invocation,
                                line=p.line or p.invocation_line, index=p.pass_index), *_map_reasons(f)],
                p.pass_index))
    return out


def render_format(f: EventFormat, w: Walkthrough, explain: bool, width: int, tu: TranslationUnit,
                  problem: str | None = None) -> str:
    tail = notes(f, tu, problem)
    if not explain:
        lines = f.lines()
        lines[1] = _w("id", id=_w("id_unknown"))
        return "\n".join(lines) + "\n" + "".join(f"\n{n}" for n in tail) + ("\n" if tail else "")
    out: list[str] = []
    for text, why, _ in explained(f, w):
        out.append(text)
        for n, reason in enumerate(why):
            lead = f"    {ARROW} " if n == 0 else "      "
            out.extend(textwidth.wrap(reason, max(40, width), lead, "      "))
    if f.computed:
        tail.append(computed_note(f, tu.cflags))
    for note in tail:
        out.append("")
        out.extend(textwidth.wrap(note, max(40, width)))
    return "\n".join(out) + "\n"


def computed_note(f: EventFormat, flags: Sequence[str]) -> str:
    return _w("computed", flags=" ".join(("gcc -S -O2", *flags)), record=f.record)


def _field_reasons(f: EventFormat, w: Walkthrough, field: Field, previous_end: int | None) -> list[str]:
    o = field.origin
    reasons = [_where(o, w) if o is not None else ""]
    if field.type.startswith(("__data_loc", "__rel_loc")):
        reasons.append(_w("from_dynamic", kind=field.type.split()[0]))
    elif field.has_length and field.length:
        reasons.append(_w("from_array", size=field.size if field.size is not None else "?", length=field.length))
    if field.offset is not None and field.align is not None:
        if previous_end is None:
            reason = _w("offset_first", start=f.record_size, align=field.align)
        else:
            reason = _w("offset_next", end=previous_end, align=field.align)
        reasons.append(_w("numbers", offset=field.offset, reason=reason, size=field.size,
                          signed=int(bool(field.signed))))
        key = "offset_checked" if field.struct_offset == field.offset else "offset_differs"
        reasons.append(_w(key, record=f.record, member=field.member, offset=field.struct_offset))
    return [r for r in reasons if r]


def _where(o: Origin, w: Walkthrough) -> str:
    if o.line is None or o.argument is None:
        return _w("from_field_unknown", invocation=o.invocation, index=o.pass_index)
    source = w.header_lines
    text = " ".join(source[o.line - 1].split()) if 0 < o.line <= len(source) else ""
    parameter = f" ({o.parameter})" if o.parameter else ""
    return _w("from_field", header=w.display(w.header), line=o.line, text=text, invocation=o.invocation, number=o.argument + 1,
              parameter=parameter, index=o.pass_index)


def _map_reasons(f: EventFormat) -> list[str]:
    out: list[str] = []
    for m in f.maps:
        name = m.string
        if name not in f.written_print_fmt:
            continue
        kind = "SIZEOF" if name.startswith("sizeof(") else "ENUM"
        line = m.origin.line if m.origin is not None else "?"
        if m.value is None:
            out.append(_w("from_print_map_unknown", name=name, kind=kind))
        else:
            from explainer.userspace.rewrite import as_printed

            out.append(_w("from_print_map", name=name, value=as_printed(m.value), kind=kind, line=line))
    return out
