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


def _w(key: str, lang: str | None, **values: object) -> str:
    return str(prose.load(lang)["format"][key]).format(**values)


def notes(f: EventFormat, tu: TranslationUnit, problem: str | None = None, lang: str | None = None) -> list[str]:
    """What the reader must know about the numbers shown and the
    translation unit they come from; *problem*: why gcc could not
    compute them in full mode."""
    out: list[str] = [unit_note(tu, lang)] if tu.full_mode else []
    if problem is not None:
        out.append(prose.again(problem, lang))
    elif not f.computed:
        missing = _w("focused", lang)
        names = [m.string for m in f.maps]
        out.append(missing + (" " + _w("focused_maps", lang, names=", ".join(names)) if names else ""))
    elif f.mismatches:
        out.append(_w("mismatch", lang, count=len(f.mismatches), names=", ".join(f.mismatches)))
    if f.forward:
        out.append(_w("forward", lang, tags=", ".join(f.forward)))
    if f.undeclared:
        out.append(_w("undeclared", lang, names=", ".join(f.undeclared)))
    return out


def unit_note(tu: TranslationUnit, lang: str | None = None) -> str:
    """Which translation unit the passes are of: the kernel's .c file, or
    explainer's own three lines (and why)."""
    header = tu.shown(tu.header)
    if tu.creator is not None:
        return creator_line(tu.creator, header, tu.creator_left_out, lang)
    if tu.orphan:
        return _w("unit_orphan", lang, header=header)
    if tu.kernel_creator is not None:
        return _w("unit_own_known", lang, header=header, file=tu.kernel_creator)
    return _w("unit_own", lang, header=header)


def explained(f: EventFormat, w: Walkthrough, lang: str | None = None) -> list[tuple[str, list[str], int | None]]:
    """Each line of the file (ID as words), with where it comes from and
    how its numbers were made, and the pass it is read from (the text's
    --explain and the page's panel say the same)."""
    lines = f.lines()
    lines[1] = _w("id", lang, id=_w("id_unknown", lang))
    o, p = f.name_origin, f.print_origin
    out: list[tuple[str, list[str], int | None]] = [
        (lines[0], [_w("from_name", lang, event=f.event, header=f.header, invocation=o.invocation,
                       line=o.invocation_line, index=o.pass_index)], o.pass_index),
        (lines[1], [_w("from_id", lang)], None),
        (lines[2], [_w("from_format", lang)], None),
    ]
    out += [(c.line(), [_w("from_common", lang, member=c.member)], None) for c in f.common]
    out.append(("", [], None))
    previous_end: int | None = None
    for field in f.fields:
        out.append((field.line(), _field_reasons(f, w, field, previous_end, lang),
                    field.origin.pass_index if field.origin is not None else None))
        if field.offset is not None and field.size is not None:
            previous_end = field.offset + field.size
    out.append(("", [], None))
    out.append((lines[-1], [_w("from_print", lang, print_name=f.print_name, header=f.header, invocation=p.invocation,
                                line=p.line or p.invocation_line, index=p.pass_index), *_map_reasons(f, lang)],
                p.pass_index))
    return out


def render_format(f: EventFormat, w: Walkthrough, explain: bool, width: int, tu: TranslationUnit,
                  problem: str | None = None, lang: str | None = None) -> str:
    tail = notes(f, tu, problem, lang)
    if not explain:
        lines = f.lines()
        lines[1] = _w("id", lang, id=_w("id_unknown", lang))
        return "\n".join(lines) + "\n" + "".join(f"\n{n}" for n in tail) + ("\n" if tail else "")
    out: list[str] = []
    for text, why, _ in explained(f, w, lang):
        out.append(text)
        for n, reason in enumerate(why):
            lead = f"    {ARROW} " if n == 0 else "      "
            out.extend(textwidth.wrap(reason, max(40, width), lead, "      "))
    if f.computed:
        tail.append(computed_note(f, tu.cflags, lang))
    for note in tail:
        out.append("")
        out.extend(textwidth.wrap(note, max(40, width)))
    return "\n".join(out) + "\n"


def computed_note(f: EventFormat, flags: Sequence[str], lang: str | None = None) -> str:
    return _w("computed", lang, flags=" ".join(("gcc -S -O2", *flags)), record=f.record)


def _field_reasons(f: EventFormat, w: Walkthrough, field: Field, previous_end: int | None,
                   lang: str | None) -> list[str]:
    o = field.origin
    reasons = [_where(o, w, lang) if o is not None else ""]
    if field.type.startswith(("__data_loc", "__rel_loc")):
        reasons.append(_w("from_dynamic", lang, kind=field.type.split()[0]))
    elif field.has_length and field.length:
        reasons.append(_w("from_array", lang, size=field.size if field.size is not None else "?", length=field.length))
    if field.offset is not None and field.align is not None:
        if previous_end is None:
            reason = _w("offset_first", lang, start=f.record_size, align=field.align)
        else:
            reason = _w("offset_next", lang, end=previous_end, align=field.align)
        reasons.append(_w("numbers", lang, offset=field.offset, reason=reason, size=field.size,
                          signed=int(bool(field.signed))))
        key = "offset_checked" if field.struct_offset == field.offset else "offset_differs"
        reasons.append(_w(key, lang, record=f.record, member=field.member, offset=field.struct_offset))
    return [r for r in reasons if r]


def _where(o: Origin, w: Walkthrough, lang: str | None) -> str:
    if o.line is None or o.argument is None:
        return _w("from_field_unknown", lang, invocation=o.invocation, index=o.pass_index)
    source = w.header_lines
    text = " ".join(source[o.line - 1].split()) if 0 < o.line <= len(source) else ""
    parameter = str(prose.load(lang)["html"]["aside"]).format(text=o.parameter) if o.parameter else ""
    return _w("from_field", lang, header=w.display(w.header), line=o.line, text=text, invocation=o.invocation, number=o.argument + 1,
              parameter=parameter, index=o.pass_index)


def _map_reasons(f: EventFormat, lang: str | None) -> list[str]:
    out: list[str] = []
    for m in f.maps:
        name = m.string
        if name not in f.written_print_fmt:
            continue
        kind = "SIZEOF" if name.startswith("sizeof(") else "ENUM"
        line = m.origin.line if m.origin is not None else "?"
        if m.value is None:
            out.append(_w("from_print_map_unknown", lang, name=name, kind=kind))
        else:
            from explainer.userspace.rewrite import as_printed

            out.append(_w("from_print_map", lang, name=name, value=as_printed(m.value), kind=kind, line=line))
    return out
