"""Render a walkthrough for the terminal (a ``str``; the CLI prints it)."""

from __future__ import annotations

import shlex
import textwrap

from explainer import prose, textwidth
from explainer.kernel.translation_unit import shown_path
from explainer.model import Became, Change, Finding, Followed, Pass, Reproduce, Walkthrough
from explainer.render import findings, undecodable
from explainer.walkthrough.meanings import MeaningChange, Meanings
from explainer.walkthrough.notes import page_notes

BODY_PREVIEW = 72
FOLDED_NAMES = 6
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def bold(self, text: str) -> str:
        return f"{_BOLD}{text}{_RESET}" if self.color else text

    def dim(self, text: str) -> str:
        return f"{_DIM}{text}{_RESET}" if self.color else text

    def code(self, text: str) -> str:
        if self.color:
            # Imported here: pygments takes 7 ms to import, and only a
            # terminal in colour needs it (pages have their own highlighting).
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers import CLexer

            text = highlight(text, CLexer(), TerminalFormatter())
        return textwrap.indent(text.expandtabs(8), "    ")


def wrap(text: str, width: int, indent: str, more: str) -> list[str]:
    """*text* wrapped to the terminal's *width*, never inside a word or a
    path (a word longer than a line stays whole)."""
    return textwidth.wrap(text, max(width, 40), indent, more)


def _define(c: Change, lang: str | None) -> str:
    """A definition on one line, a long body cut (its file:line follows)."""
    body = c.body or ""
    if len(body) > BODY_PREVIEW:
        body = body[: BODY_PREVIEW - 3] + "..."
    params = f"({c.params})" if c.params is not None else ""
    return prose.text("define", lang, name=c.name, params=params, body=body).rstrip()


def _change_line(change: MeaningChange, lang: str | None, w: Walkthrough) -> str:
    c = change.change
    status = prose.text(f"status_{change.status}", lang)
    return f"{status} {_define(c, lang)}  " + prose.text("at", lang, file=w.display(c.file), line=c.line)


def _labelled(label: str, text: str, width: int) -> list[str]:
    """"  label: text", its next lines under the text's first column (no
    space after a full-width colon: it has its own)."""
    gap = "" if label.endswith("\uff1a") else " "
    return wrap(f"{label}{gap}{text}", width, "  ", " " * (textwidth.width(label) + 2 + len(gap)))


def _pass(w: Walkthrough, p: Pass, style: _Style, lang: str | None, meanings: Meanings, width: int,
          unfold: bool) -> list[str]:
    notes = prose.stage(p.stage, lang)
    # A walkthrough that stopped does not know how many passes there would be.
    key = "pass_heading_stopped" if w.diagnostics else "pass_heading"
    heading = prose.text(key, lang, index=p.index, total=w.total_passes, stage=p.stage,
                         title=notes["title"])
    out = [
        *(style.bold(line) for line in wrap(heading, width, "", "  ")),
        *_labelled(prose.text("makes", lang), notes["makes"], width),
        *_labelled(prose.text("why", lang), notes["why"], width),
    ]
    sees = prose.sees(p.stage, w.system, w.event_in_focus(p), lang)
    if sees is not None:
        out.extend(_labelled(prose.text("sees", lang), sees, width))
    if "kernels" in notes:
        out.extend(_labelled(prose.text("kernels", lang), notes["kernels"], width))
    site = prose.text("included_from", lang, file=w.display(p.included_from.file), line=p.included_from.line)
    outer = " < ".join(f"{w.display(s.file)}:{s.line}" for s in p.chain[1:])
    if outer:
        site = prose.text("joined", lang, first=site, then=prose.text("via", lang, chain=outer))
    out.extend(style.dim(line) for line in wrap(site, width, "  ", "    "))
    changes = meanings.changes_for(p)
    if changes:
        out.extend(wrap(prose.text("changed" if p.index > 1 else "changed_first", lang), width, "  ", "  "))
        for c in changes:
            out.extend(style.dim(line) for line in wrap(_change_line(c, lang, w), width, "    ", "        "))
    else:
        out.extend(wrap(prose.text("unchanged" if p.index > 1 else "unchanged_first", lang), width, "  ", "  "))
    focused = [inv for inv in p.invocations if inv.focus]
    if not focused:
        out.append("  " + prose.text("no_focus", lang))
    for inv in focused:
        key = "invocation" if inv.name else "invocation_unnamed"
        out.append("  " + style.bold(prose.text(key, lang, macro=inv.macro, name=inv.name, line=inv.line)))
        if not inv.blank:
            code = inv.folded.code if inv.folded is not None and not unfold else inv.code
            out.append(style.code(code).rstrip("\n"))
        else:
            out.append("    " + style.dim(prose.text("nothing", lang)))
    return out


def _finding(f: Finding, width: int, lang: str | None) -> list[str]:
    """A diagnosis: its prose wrapped, the header's line as it is."""
    out: list[str] = []
    for prose_line, line in findings.parts(f, lang):
        if not prose_line:
            out.append("  " + line)
            continue
        indent = "  " + line[: len(line) - len(line.lstrip())]
        out.extend(wrap(line.strip(), width, indent, indent + "  "))
    return out


def shell_command(r: Reproduce) -> str:
    """One line a user can paste into a shell to run the same gcc."""
    printf = r.stdin.replace("\\", "\\\\").replace("%", "%%").replace("\n", "\\n")
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in r.env)
    return f"(cd {shlex.quote(r.cwd)} && printf {shlex.quote(printf)} | {env} {shlex.join(r.argv)})"


def _folded_helpers(walkthrough: Walkthrough) -> list[str]:
    """The kernel helpers the shown code has folded, by name, in order."""
    names: list[str] = []
    for p in walkthrough.shown_passes():
        for inv in p.invocations:
            if inv.focus and inv.folded is not None:
                names.extend(f.macro for f in inv.folds if f.macro not in names)
    return names


def unit_line(w: Walkthrough, lang: str | None = None) -> str | None:
    """Which .c file the passes are read as, when the kernel's own: every
    output says so."""
    if w.creator is None:
        return None
    return creator_line(w.creator, w.display(w.header), w.creator_left_out, lang)


def creator_line(creator: str, header: str, left_out: tuple[str, ...], lang: str | None = None) -> str:
    """"translation unit: net/core/net-traces.c, as the kernel compiles it ..."."""
    words = prose.load(lang)["format"]
    line = str(words["unit_creator"]).format(file=creator, header=header)
    if left_out:
        line += str(words["unit_left_out"]).format(files=", ".join(f'"{x}"' for x in left_out))
    return line


def render(walkthrough: Walkthrough, color: bool = False, lang: str | None = None, width: int = 80,
           unfold: bool = False) -> str:
    """The walkthrough for a terminal *width* columns wide (prose and
    lists are wrapped to it; code keeps the kernel's layout), with kernel
    helpers folded to their calls unless *unfold*."""
    style = _Style(color)
    total = walkthrough.total_passes
    meanings = Meanings(walkthrough)
    stopped = walkthrough.diagnostics
    heading = prose.text("heading_stopped" if stopped else "heading", lang, header=walkthrough.display(walkthrough.header),
                         passes=total, focus=walkthrough.focus)
    lines = [*(style.bold(line) for line in wrap(heading, width, "", "  "))]
    unit = unit_line(walkthrough, lang)
    if unit is not None:
        lines.extend(style.dim(line) for line in wrap(unit, width, "", "  "))
    helpers = [] if unfold else _folded_helpers(walkthrough)
    if helpers:
        shown = ", ".join(helpers[:FOLDED_NAMES]) + (", ..." if len(helpers) > FOLDED_NAMES else "")
        lines.extend(style.dim(line) for line in wrap(
            prose.text("folded", lang, count=len(helpers), names=shown), width, "", ""))
    lines.append("")
    for p in walkthrough.shown_passes():
        lines.extend(_pass(walkthrough, p, style, lang, meanings, width, unfold))
        lines.append("")
    if stopped:
        lines.append(style.bold(prose.text("titled", lang, title=findings.stopped_heading(walkthrough, lang))))
        for f in stopped:
            lines.extend(_finding(f, width, lang))
        lines.append("")
    written = page_notes(walkthrough, meanings, lang)
    if written:
        lines.extend(wrap(prose.text("notes", lang), width, "", ""))
        for n in written:
            where = (prose.text("ends_up" if len(n.passes) > 1 else "ends_up_one", lang,
                                passes=prose.text("list_sep", lang).join(map(str, n.passes))) if n.passes
                     else prose.text("ends_up_none", lang))
            lines.extend(wrap(prose.text("note", lang, macro=n.macro, means=n.means, where=where),
                               width, "  ", "    "))
        lines.append("")
    if walkthrough.left_out:
        lines.append(prose.text("left_out", lang, count=len(walkthrough.left_out)))
        lines.extend(
            "  " + style.dim(f"{x.include}  ({walkthrough.display(x.site.file)}:{x.site.line})")
            for x in walkthrough.left_out
        )
        lines.append("")
    if walkthrough.warnings:
        lines.append(prose.text("warnings", lang))
        lines.extend("  " + w for w in walkthrough.warnings)
        lines.append("")
    # The command stays one line, to paste into a shell.
    label, _, command = prose.text("reproduce", lang, command=shell_command(walkthrough.reproduce)).partition("\n")
    lines.extend(wrap(label, width, "", ""))
    lines.append(command)
    text = "\n".join(lines) + "\n"
    if undecodable.present(text):
        head, _, rest = text.partition("\n\n")
        note = "\n".join(wrap(prose.text("raw_bytes", lang), width, "", ""))
        text = undecodable.visible(f"{head}\n{style.dim(note)}\n\n{rest}")
    return text


def _why(b: Became, f: Followed, lang: str | None, roots: tuple[str, ...]) -> str:
    """Why the line became what it did in one pass (files as users read
    them, from *roots*: TranslationUnit.roots)."""
    words = prose.load(lang)["follow"]
    if b.dropped and b.outer is not None and f.argument is not None:
        return str(words["dropped"]).format(
            outer=b.outer.name, number=f.argument + 1, name=f.wrapper or f.parameter or "",
            define=_define(b.outer, lang), file=shown_path(b.outer.file, roots), line=b.outer.line)
    if b.macro is None:
        return str(words["as_written"])
    if b.meaning is None:
        return str(words["undefined"]).format(macro=b.macro)
    key = "means" if b.code else "means_nothing"
    return str(words[key]).format(macro=b.macro, define=_define(b.meaning, lang),
                                  file=shown_path(b.meaning.file, roots), line=b.meaning.line)


def render_followed(f: Followed, lang: str | None = None, width: int = 80, roots: tuple[str, ...] = (),
                    stopped: Walkthrough | None = None) -> str:
    """explain follow's text: the line, where it is, then each pass's
    code made of it and why; then, if *stopped* has diagnostics, what
    went wrong after those passes."""
    words = prose.load(lang)["follow"]
    total = len(f.passes)
    # After a stop, the passes that worked are all there is to count.
    tail = "_stopped" if stopped is not None and stopped.diagnostics else ""
    lines = wrap(str(words["heading" + tail]).format(header=f.header, line=f.line, passes=total), width, "", "  ")
    if f.text is not None:
        lines.append(f"{f.line:6} | {f.text.expandtabs(8)}")
    if f.invocation is None:
        lines.extend(wrap(str(words["not_found"]).format(line=f.line), width, "  ", "    "))
    elif f.argument is not None:
        lines.extend(wrap(str(words["where"]).format(
            invocation=f.invocation, invocation_line=f.invocation_line, number=f.argument + 1,
            name=f.wrapper or f.parameter or ""), width, "  ", "    "))
    else:
        macro = f.invocation.partition("(")[0]
        lines.extend(wrap(str(words["where_own"]).format(invocation=f.invocation, macro=macro),
                           width, "  ", "    "))
    if f.note is not None:
        lines.extend(wrap(str(words["for_author"]).format(note=f.note), width, "  ", "    "))
    lines.append("")
    if f.invocation is not None:
        for b in f.passes:
            title = prose.stage(b.stage, lang)["title"]
            key = ("made" if b.code else "nothing") + tail
            lines.append(str(words[key]).format(index=b.index, total=total, title=title))
            if b.code:
                lines.append(textwrap.indent(b.code, "    ").rstrip("\n"))
            lines.extend(wrap(_why(b, f, lang, roots), width, "  ", "      "))
    if stopped is not None and stopped.diagnostics:
        lines.extend(("", prose.text("titled", lang, title=findings.stopped_heading(stopped, lang))))
        for d in stopped.diagnostics:
            lines.extend(_finding(d, width, lang))
    return undecodable.visible("\n".join(lines) + "\n")


def intro(lang: str | None = None, width: int = 80) -> str:
    """explain --intro: why a trace header is read again and again, and
    the commands to start with."""
    why = prose.load(lang)["why"]
    lines = [str(why["title"]), ""]
    for paragraph in why["paragraphs"]:
        lines.extend(wrap(str(paragraph), width, "", ""))
        lines.append("")
    lines.append(str(why["start"]))
    steps = [(str(command), str(what)) for command, what in why["steps"]]
    column = max(len(command) for command, _ in steps) + 4
    for command, what in steps:
        lines.extend(wrap(what, width, f"  {command:<{column - 2}}", " " * column))
    glossary = prose.load(lang)["glossary"]
    lines.extend(("", prose.text("titled", lang, title=glossary["title"])))
    for t in glossary["terms"]:
        lines.extend(wrap(prose.text("term_line", lang, term=t["term"], means=t["means"]), width, "  ", "    "))
    return "\n".join(lines) + "\n"
