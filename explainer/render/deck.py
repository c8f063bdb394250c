"""A deck of slides for a class (``explain slides``): the view-model of
each slide, made from a page's view-model (view.py) so that its code is
the page's, gcc-exact, and the deck's page (deck.html.jinja2).

One slide shows one idea in large type; the full prose goes to the
presenter's notes.  Code is cut at a slide's height and says how much is
left out (the page has it all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from explainer import prose
from explainer.model import Walkthrough
from explainer.render import cycle, to_html, view
from explainer.render.format_view import FormatPanel
from explainer.render.to_text import shell_command

# What fits a slide in large type, at 1280x720 and on a projector.
CODE_LINES = 14
CODE_COLUMNS = 72
CHANGES_SHOWN = 4
ARG_COLUMNS = 60
TOY_LINES = 4
FORMAT_LINES = 12


@dataclass(frozen=True)
class Code:
    label: str
    html: Markup
    more: int  # lines left out


@dataclass(frozen=True)
class Slide:
    kind: str  # title, why, toy, cycle, pass, code, userspace, end
    title: str
    lead: str = ""
    points: tuple[str, ...] = ()
    code: tuple[Code, ...] = ()
    defines: tuple[str, ...] = ()  # the #defines of this read that the code used
    invocation: str = ""
    args: tuple[tuple[str, str, bool], ...] = ()  # (parameter, the argument on one line, used here)
    notes: tuple[str, ...] = ()  # the presenter's: the full prose


@dataclass(frozen=True)
class Deck:
    title: str
    header: str
    macro: str
    slides: tuple[Slide, ...]
    diagram: cycle.Diagram
    reproduce: str


def _w(key: str, lang: str | None, **values: object) -> str:
    return str(prose.load(lang)["deck"][key]).format(**values)


def highlighted(code: view.CodeView, label: str, lines: int = CODE_LINES) -> Code:
    """The first *lines* of *code*, highlighted as on the page (without the
    page's links: a slide has no whole code to open), long lines cut."""
    text = code.text.rstrip("\n")
    cut, kept = len(text), text.count("\n") + 1
    if kept > lines:
        cut = _nth_newline(text, lines)
    out: list[str] = []
    pos = 0
    for (start, end), css in zip(code.spans, code.classes, strict=True):
        if end > cut:
            break
        out.append(escape(text[pos:start], quote=False))
        token = escape(text[start:end], quote=False)
        out.append(f'<span class="{escape(css)}">{token}</span>' if css else token)
        pos = end
    out.append(escape(text[pos:cut], quote=False))
    shown = "".join(out)
    return Code(label, Markup(shown), max(0, kept - lines))


def _nth_newline(text: str, n: int) -> int:
    at = -1
    for _ in range(n):
        at = text.index("\n", at + 1)
    return at


def build(w: Walkthrough, lang: str | None = None, toy: Walkthrough | None = None,
          fmt: FormatPanel | None = None) -> Deck:
    """The deck of *w*: title, why, the toy (*toy*: its two reads), the
    cycle, then two slides a pass, what user space sees (*fmt*: the
    format file of the event in focus), and where to go next."""
    page = view.page(w, shell_command(w.reproduce), lang)
    why = prose.load(lang)["why"]
    total = len(page.passes)
    slides = [
        Slide("title", _w("title", lang, macro=w.focus, header=page.header),
              _w("subtitle", lang, passes=total), notes=(_w("title_notes", lang, passes=total),)),
        Slide("why", str(why["title"]), str(why["paragraphs"][0]), notes=tuple(map(str, why["paragraphs"]))),
    ]
    if toy is not None:
        slides.append(_toy(toy, lang))
    slides.append(Slide("cycle", str(prose.load(lang)["site"]["diagram"]), _w("cycle_lead", lang),
                        notes=(str(prose.load(lang)["site"]["cycle_intro"]),)))
    for p in page.passes:
        slides.extend(_pass(p, total, lang))
    if fmt is not None:
        event = fmt.path.split("/")[-2]
        slides.append(Slide("userspace", _w("userspace_title", lang), _w("userspace_lead", lang, path=fmt.path),
                            points=tuple(str(p).format(event=event, header=page.header)
                                         for p in prose.load(lang)["deck"]["userspace_points"]),
                            code=(_plain(fmt.file, fmt.path, FORMAT_LINES),), notes=tuple("".join(n) for n in fmt.notes)))
    slides.append(Slide("end", _w("end_title", lang),
                        points=tuple(str(p).format(macro=w.focus, header=page.header)
                                     for p in prose.load(lang)["deck"]["end_points"]),
                        notes=(_w("end_notes", lang),)))
    return Deck(_w("page_title", lang, header=page.header, macro=w.focus), page.header, w.focus, tuple(slides),
                cycle.cycle(lang, linked=False), shell_command(w.reproduce))


def _pass(p: view.PassView, total: int, lang: str | None) -> list[Slide]:
    title = _w("pass_title", lang, index=p.index, total=total, title=p.title)
    first = p.invocations[0] if p.invocations else None
    defines = tuple(c.text for c in p.changes if c.relevant and c.text.startswith("#define"))
    notes = tuple(n for n in (p.why, p.sees, p.kernels) if n)
    about = Slide("pass", title, p.makes, defines=defines[:CHANGES_SHOWN],
                  invocation=first.title if first else "", args=tuple(_arg(a) for a in first.args) if first else (),
                  notes=notes)
    code: tuple[Code, ...] = ()
    lead = ""
    if first is None or first.empty:
        lead = _w("nothing", lang)
    else:
        code = (highlighted(first.folded or first.code, first.title),)
        if len(p.invocations) > 1:
            lead = _w("more_invocations", lang, count=len(p.invocations) - 1)
    made = Slide("code", _w("code_title", lang, index=p.index, name=first.title if first else ""), lead,
                 code=code, notes=(p.makes,))
    return [about, made]


def _arg(a: view.Arg) -> tuple[str, str, bool]:
    text = " ".join(a.text.split())
    return a.param, text if len(text) <= ARG_COLUMNS else text[:ARG_COLUMNS - 1] + "\u2026", a.used


def _toy(toy: Walkthrough, lang: str | None) -> Slide:
    """The trick at two reads: the bundled toy's list, and what each read
    made of all of it."""
    page = view.page(toy, "", lang)
    lines = sorted({i.line for p in page.passes for i in p.invocations})
    source = "\n".join(toy.header_lines[n - 1] for n in lines if 0 < n <= len(toy.header_lines))
    blocks = [Code(toy.display(toy.header), Markup(escape(source, quote=False)), 0)]
    for p in page.passes:
        made = [highlighted(i.code, "", TOY_LINES) for i in p.invocations if not i.empty]
        blocks.append(Code(_w("toy_read", lang, index=p.index, title=p.title),
                           Markup("\n").join(c.html for c in made), sum(c.more for c in made)))
    return Slide("toy", _w("toy_title", lang), _w("toy_lead", lang), code=tuple(blocks),
                 notes=(_w("toy_notes", lang),))


def _plain(text: str, label: str, lines: int) -> Code:
    """*text* as it is, its first *lines*, long lines cut."""
    all_lines = text.rstrip("\n").split("\n")
    shown = [line if len(line) <= CODE_COLUMNS else line[:CODE_COLUMNS - 1] + "\u2026" for line in all_lines[:lines]]
    return Code(label, Markup(escape("\n".join(shown), quote=False)), max(0, len(all_lines) - lines))


def render(deck: Deck, lang: str | None = None, langs: Sequence[to_html.Alternate] = ()) -> str:
    """The deck's page; *langs*: the deck in each language of a site."""
    return to_html.render_template("deck.html.jinja2", lang, langs, deck=deck, dwords=prose.load(lang)["deck"],
                                   bundle="deck")
