"""A printed handout for a class (``explain handout``): the view-model of
its pages, made from a page's view-model (view.py) as the deck is, and
the print-ready page (handout.html.jinja2) that a PDF library lays out
on A4: the why and the cycle, then about a page a pass (what it makes
and why, the definitions used, the arguments, the whole code folded as
on the page), room for notes, and the glossary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explainer import prose
from explainer.model import Walkthrough
from explainer.render import cycle, to_html, view
from explainer.render.deck import Code, highlighted
from explainer.render.to_text import shell_command

# A pass's code is printed whole, up to this many lines (a kernel
# helper's expansion is folded, as on the page).
CODE_LINES = 40
# And the definitions of a pass, up to this many.
DEFINES = 8


@dataclass(frozen=True)
class HandoutPass:
    index: int
    title: str
    stage: str
    makes: str
    why: str
    sees: str | None
    kernels: str | None
    defines: tuple[str, ...]
    invocation: str
    args: tuple[tuple[str, str, bool], ...]  # (parameter, the argument, used in this pass)
    code: Code | None
    more: int  # invocations of the pass not printed


@dataclass(frozen=True)
class Handout:
    title: str
    header: str
    macro: str
    running: str  # the header and the macro, in the page margins
    why: tuple[str, ...]
    diagram: cycle.Diagram
    passes: tuple[HandoutPass, ...]
    reproduce: str


def _w(key: str, lang: str | None, **values: object) -> str:
    return str(prose.load(lang)["handout"][key]).format(**values)


def build(w: Walkthrough, lang: str | None = None) -> Handout:
    page = view.page(w, shell_command(w.reproduce), lang)
    passes = []
    for p in page.passes:
        first = p.invocations[0] if p.invocations else None
        code = None
        if first is not None and not first.empty:
            code = highlighted(first.folded or first.code, first.title, CODE_LINES)
        passes.append(HandoutPass(
            p.index, p.title, p.stage, p.makes, p.why, p.sees, p.kernels,
            tuple(c.text for c in p.changes if c.relevant and c.text.startswith("#define"))[:DEFINES],
            first.title if first is not None else "",
            tuple((a.param, " ".join(a.text.split()), a.used) for a in first.args) if first is not None else (),
            code, max(0, len(p.invocations) - 1)))
    why = prose.load(lang)["why"]
    return Handout(_w("title", lang, macro=w.focus, header=page.header), page.header, w.focus,
                   _w("running", lang, macro=w.focus, header=page.header), tuple(map(str, why["paragraphs"])),
                   cycle.cycle(lang, linked=False), tuple(passes), shell_command(w.reproduce))


def render(handout: Handout, lang: str | None = None, langs: Sequence[to_html.Alternate] = ()) -> str:
    """The print-ready page; *langs*: the page in each language of a site."""
    return to_html.render_template("handout.html.jinja2", lang, langs, handout=handout,
                                   hwords=prose.load(lang)["handout"],
                                   site=prose.load(lang)["site"], bundle="handout")
