"""Render HTML pages (each a ``str``) from view-models, through one
autoescaping jinja2 environment.

Our CSS and JS are inlined so a page works alone from ``file://``; the
Content-Security-Policy allows exactly those two by hash and nothing from
the network.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from explainer import prose
from explainer.lastmade import LastMade
from explainer.model import Walkthrough
from explainer.render import to_json, undecodable, view
from explainer.render.template_cache import template_cache
from explainer.render.to_text import shell_command
from explainer.resources import templates

if TYPE_CHECKING:  # a page with a format panel imports it itself
    from explainer.render.format_view import FormatPanel


@dataclass(frozen=True)
class Assets:
    css: Markup
    js: Markup
    csp: str


@dataclass(frozen=True)
class Alternate:
    """One page of a site in one of its languages: a link of the switcher."""

    code: str  # as <html lang> and hreflang say it: en, zh-CN
    name: str  # in its own language: English, 中文
    href: str  # relative to the page that links it
    current: bool  # the page itself


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


class _Environment(jinja2.Environment):
    """jinja2's environment, reading a dict's keys first: the templates
    read the prose tables (words.at, glossary.title, t.id) hundreds of
    times a page, and jinja2 tries an attribute first, whose miss raises
    an AttributeError each time (a tenth of the template's own time).
    No prose key is the name of a dict method (tests/test_lang.py)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            found = obj.get(attribute, _MISSING)
            if found is not _MISSING:
                return found
        return super().getattr(obj, attribute)


_MISSING = object()


@cache
def environment() -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates())),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),
    )
    env.filters["timeline_rows"] = timeline_rows
    env.filters["matrix_rows"] = matrix_rows
    env.filters["change_items"] = change_items
    env.filters["terms"] = terms
    env.filters["terms_filled"] = terms_filled
    env.filters["refs"] = refs
    return env


@lru_cache(maxsize=256)
def _column(label: str) -> str:
    """A column's label (Pass 3 · Stage 1: ...) as a cell's data-pass
    attribute, which print shows: escaped, with the characters of
    Latin-1 beyond ASCII (its ·) as references.  They were the only ones
    left on an English page, and an ASCII page is encoded to UTF-8 as
    it is, twenty times faster."""
    return _referenced(label, _LATIN1)


_LATIN1 = re.compile("[\x80-\xff]")
_BEYOND_ASCII = re.compile("[^\x00-\x7f]")


def _referenced(text: str, which: re.Pattern[str]) -> str:
    """*text* escaped, its characters that *which* matches as references."""
    return which.sub(lambda m: f"&#{ord(m.group())};", str(_escape(text)))


def refs(text: str) -> Markup:
    """*text* escaped, each character outside ASCII as a character
    reference: a page in one language names the others in theirs (中文 on
    an English page), and one such character made Python hold the whole
    page two bytes a character, joined and encoded twice as slowly."""
    return Markup(_referenced(text, _BEYOND_ASCII))


MAX_REMEMBERED = 200_000  # texts kept by each cache below


@lru_cache(maxsize=8)
def _term_pattern(forms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One pattern for every (form, term id), longest form first, each a
    group, as whole words outside paths (stages/stage6_event_callback.h
    is not a stage); and the term id of each group, in order.  Words are
    bounded by ASCII letters and digits only: Chinese has no spaces, and
    a Chinese term is one wherever it stands."""
    ordered = sorted(forms, key=lambda f: -len(f[0]))
    pattern = "|".join(f"(?<![/A-Za-z0-9_])({re.escape(form)})(?![/A-Za-z0-9_])" for form, _ in ordered)
    return re.compile(pattern, re.IGNORECASE), tuple(term for _, term in ordered)


# Each text with its terms linked, per glossary: a site's event pages
# show the same stage texts hundreds of times, and the pattern's search
# was a twelfth of the time of an event page.
_LINKED: dict[int, tuple[dict[str, Any], dict[str, Markup]]] = {}


def terms(text: str, glossary: dict[str, Any]) -> Markup:
    """*text*, escaped, with the first use of each word of the *glossary*
    (prose [glossary]) linked to its entry on the page (#term-<id>)."""
    known = _LINKED.get(id(glossary))
    if known is None or known[0] is not glossary:
        known = _LINKED[id(glossary)] = (glossary, {})
    found = known[1].get(text)
    if found is None:
        if len(known[1]) >= MAX_REMEMBERED:
            known[1].clear()
        found = known[1][text] = _linked(text, glossary)
    return found


# A placeholder of a note, as terms() reads it: in a word of its own, to
# which no term's form can belong.
_HOLE = re.compile(r"\{(\w+)\}")
_FILLED_HOLE = re.compile(r"__hole_(\w+)__")


def terms_filled(note: str, glossary: dict[str, Any], values: tuple[tuple[str, str], ...]) -> Markup:
    """terms(note), then its {placeholders} filled with *values* (escaped,
    never linked: a name is not a word of the glossary).  The note is
    linked once for every page that fills it in (an event's name)."""
    linked = terms(_HOLE.sub(r"__hole_\1__", note), glossary)  # remembered there, by the note
    return Markup(_FILLED_HOLE.sub(r"{\1}", str(linked))).format(**dict(values))


def _linked(text: str, glossary: dict[str, Any]) -> Markup:
    pattern, ids = _term_pattern(tuple((form, str(t["id"])) for t in glossary["terms"] for form in t["forms"]))
    done: set[str] = set()

    def link(m: re.Match[str]) -> str:
        term = ids[(m.lastindex or 1) - 1]
        if term in done:
            return m.group(0)
        done.add(term)
        return f'<a class="term" href="#term-{term}">{m.group(0)}</a>'

    return Markup(pattern.sub(link, str(Markup.escape(text))))


def _escape(text: str) -> str:
    """*text* with markupsafe's entities, so that a block reads as the rest
    of the page.  Five replaces (each returns the text itself when there is
    nothing to replace) are twice as fast as str.translate or markupsafe."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


# Texts escaped: sched.h's all page has 165,000 tokens with 1,900 texts,
# and 31,000 steps whose macros, places and arguments repeat.
_ESCAPED: dict[str, str] = {}


def _escaped(text: str) -> str:
    """_escape(text), remembered."""
    found = _ESCAPED.get(text)
    if found is None:
        if len(_ESCAPED) >= MAX_REMEMBERED:
            _ESCAPED.clear()
        found = _ESCAPED[text] = _escape(text)
    return found


TAB_WIDTH = 8


class _Articles:
    """The invocations' articles of a page's passes, written here rather
    than by the template (a kernel header's page has thousands): the
    template marks where each pass's go (mark), and splice puts them
    there, in one join with the rest of the page.  Through the template,
    each article's HTML was copied three more times (into a Markup, by
    jinja2's escape, and in its join)."""

    MARK = "<!--explainer:articles-->"  # no escaped text can hold it

    def __init__(self, page: view.Page) -> None:
        self.page = page
        self.passes: list[list[str]] = []

    def mark(self, p: view.PassView) -> Markup:
        out: list[str] = []
        for inv in p.invocations:
            _invocation(out, inv, self.page.header, self.page.sources, self.page.words)
            out.append("\n")
        self.passes.append(out)
        return Markup(self.MARK)

    def splice(self, html: str) -> str:
        chunks = html.split(self.MARK)
        out = [chunks[0]]
        for articles, chunk in zip(self.passes, chunks[1:], strict=True):  # each pass marked once
            out.extend(articles)
            out.append(chunk)
        return "".join(out)


def _invocation(out: list[str], inv: view.InvocationView, header: str, sources: dict[str, list[tuple[int, str]]],
                words: dict[str, str]) -> None:
    """An invocation's article, onto *out*: its arguments, its code
    (folded, with the whole code one click away or on its own page) and
    its steps."""
    e = _escape
    where = f"{header}:{inv.line}"
    out.append(f'  <article class="invocation" id="{e(inv.anchor)}" data-name="{e(inv.name or "")}">\n'
               f'    <h3><code>{e(inv.title)}</code> <span class="where">{e(words["at"])} {e(where)}</span>')
    if where in sources:
        out.append(f' <button type="button" class="follow-line" data-where="{e(where)}" hidden>'
                   f'{e(words["follow"])}</button>')
    out.append(f'</h3>\n    <ol class="args" aria-label="{e(words["arguments"])}">\n')
    for a in inv.args:
        use = "used" if a.used else "unused"
        param = f'<span class="param">{e(a.param)}</span> ' if a.param else ""
        dropped = f' <span class="dropped">{e(words["dropped"].format(macro=inv.macro))}</span>' if a.dropped else ""
        out.append(f'<li class="{use}" title="{e(words[use])}">{param}<code>{e(a.text)}</code>{dropped}</li>\n')
    out.append("    </ol>\n")
    label = words["code"] + words["colon"] + inv.title
    if inv.empty:
        out.append(f'    <p class="empty">{e(words["empty"])}</p>\n')
    elif inv.folded is not None:
        out.append("    ")
        _code_block(out, inv.folded, inv.key, label, words["fold_title"])
        lines = inv.code.line_count()
        if inv.whole_elsewhere:
            out.append(f'\n    <p class="unfolded-elsewhere"><a href="{e(inv.whole_elsewhere)}">'
                       f'{e(words["unfolded_elsewhere"].format(lines=lines))}</a></p>\n')
        else:
            out.append(f'\n    <details class="unfolded" id="{e(inv.anchor)}-whole">\n'
                       f'      <summary>{e(words["unfolded"].format(lines=lines))}</summary>\n    ')
            _code_block(out, inv.code, inv.key, words["code_whole"] + words["colon"] + inv.title)
            out.append("\n    </details>\n")
    else:
        out.append("    ")
        _code_block(out, inv.code, inv.key, label)
        out.append("\n")
    if inv.steps:
        count = len(inv.steps)
        inner = sum(s.inner for s in inv.steps)
        summary = words["steps_folded"].format(count=count, inner=inner) if inner else words["steps"].format(count=count)
        out.append(f'    <details class="steps">\n      <summary>{e(summary)}</summary>\n'
                   f'      <ol class="steplist">\n')
        _step_items(out, inv.steps, words)
        out.append("      </ol>\n")
        if inv.steps_truncated:
            out.append(f"<p>{e(words['steps_truncated'].format(count=count + inner))}</p>")
        out.append("    </details>\n")
    out.append("  </article>")


def _code_block(out: list[str], code: view.CodeView, key: int, label: str, fold_title: str = "") -> None:
    """A code block, onto *out*: one span per line (anchored), one per
    token; tokens with a known origin carry data-p, an index into the
    page's provenance table; a folded call links to its expansion, titled
    by *fold_title* (html.fold_title).  Written here, straight from the
    view's columns, rather than by a template loop: a kernel header's page
    holds half a million tokens; every text is escaped."""
    if not code.spans:
        # A page past its budget (view.too_large): the text alone, no line anchors.
        out.append(f'<pre class="code plain" aria-label="{_escape(label)}"><code>{_escape(code.text)}</code></pre>')
        return
    out.append(f'<pre class="code" tabindex="0" data-inv="{key}" aria-label="{_escape(label)}"><code>')
    if code.html is None:
        code.html = _code_lines(code)
    pieces, links = code.html
    _fill(out, pieces, [_escape(fold_title.format(macro=link.macro, where=link.where, lines=link.lines))
                        for link in links])


# Where a word goes in HTML made once for every language (a fold's title
# in a code block, a step's words), until the page's language fills it
# in: found by identity, never by value.
_SLOT = "\x00slot\x00"


def _split(out: list[str]) -> list[str]:
    """*out* joined into the pieces between its slots."""
    pieces: list[str] = []
    start = 0
    for i, part in enumerate(out):
        if part is _SLOT:
            pieces.append("".join(out[start:i]))
            start = i + 1
    pieces.append("".join(out[start:]))
    return pieces


def _fill(out: list[str], pieces: list[str], said: list[str]) -> None:
    """The *pieces* of _split onto *out*, with what is *said* in each slot."""
    out.append(pieces[0])
    for words, piece in zip(said, pieces[1:], strict=True):
        out.append(words)
        out.append(piece)


def _code_lines(code: view.CodeView) -> tuple[list[str], list[view.FoldLink]]:
    """The block's lines, and its folds' links in order: the lines are
    the pieces between those links' titles."""
    out: list[str] = []
    line = _Lines(out, _escape(code.anchor), code.first_line)
    text = code.text
    pos = 0
    folds = code.folds
    links: list[view.FoldLink] = []
    # A folded call is one link as far as it goes on a line: its pieces
    # (name, parentheses, arguments) break over lines as code does, and
    # a link for each piece, with its title, made two thirds of a
    # header's page on some headers.
    linking = False
    for k, ((start, end), prov, css) in enumerate(zip(code.spans, code.provs, code.classes, strict=True)):
        fold = folds.get(k) if folds else None
        gap = text[pos:start]
        going_on = linking and fold is not None and not fold.first and "\n" not in gap
        if linking and not going_on:
            line.add("</a>", 0)
            linking = False
        if gap == " ":
            line.add(" ")  # the usual gap
        elif gap:
            line.white(gap)
        token = text[start:end]
        if going_on:
            line.add(_escape(token), len(token))
        elif fold is not None:
            focus = "" if fold.first else ' tabindex="-1"'
            line.add(f'<a class="fold" href="{_escape(fold.href)}" data-last="{fold.last_line}"{focus} title="', 0)
            line.add(_SLOT, 0)
            line.add(f'">{_escape(token)}', len(token))
            links.append(fold)
            linking = True
        elif "\n" in token or "\t" in token:
            line.white(token, css, prov)
        else:
            line.add(_segment(_escaped(token), css, prov), len(token))
        pos = end
    if linking:
        line.add("</a>", 0)
    if pos < len(text):
        line.white(text[pos:])
    line.close()
    out.append("</code></pre>")
    return (_split(out) if links else ["".join(out)]), links


def _segment(escaped: str, css: str, prov: int | None) -> str:
    if prov is not None:
        return f'<span class="t {_escaped(css)}" data-p="{prov}">{escaped}</span>'
    if css:
        return f'<span class="{_escaped(css)}">{escaped}</span>'
    return escaped


class _Lines:
    """The numbered lines of a code block as they are written: a line is
    written once it ends, the last one only if it holds something."""

    def __init__(self, out: list[str], anchor: str, number: int) -> None:
        self.out = out
        self.anchor = anchor
        self.number = number
        self.column = 0
        self.current: list[str] = []

    def add(self, html: str, width: int = 1) -> None:
        self.current.append(html)
        self.column += width

    def white(self, text: str, css: str = "", prov: int | None = None) -> None:
        """Text with newlines or tabs (white space, mostly): tabs become
        spaces here, as the line-number gutter would shift the browser's
        tab stops."""
        for n, part in enumerate(text.split("\n")):
            if n:
                self._end()
            if part:
                part = (" " * self.column + part).expandtabs(TAB_WIDTH)[self.column:]
                self.add(_segment(_escaped(part), css, prov), len(part))

    def _end(self) -> None:
        anchor = f"{self.anchor}-L{self.number}"
        self.out.append(f'<span class="line" id="{anchor}"><a class="ln" href="#{anchor}" tabindex="-1"'
                        f' aria-hidden="true">{self.number}</a>')
        self.out.extend(self.current)
        self.out.append("\n</span>")
        self.number += 1
        self.column = 0
        self.current = []

    def close(self) -> None:
        if self.current:
            self._end()


@lru_cache(maxsize=16)
def timeline_rows(rows: tuple[view.Row, ...], columns: tuple[str, ...], event: str, klass: str,
                  nothing: str, via: str, tracepoint: str) -> Markup:
    """The timeline's rows; each cell names its pass (*columns*: print
    stacks a row's cells under the row's name).  Built here, once per
    header: every page of a header shows the same timeline (ext4.h's has
    1,400 cells, on each of its 131 pages)."""
    kinds = {"event": _escape(event), "class": _escape(klass), "tracepoint": _escape(tracepoint)}
    none = _escape(nothing)
    passes = [f' data-pass="{_column(c)}"' for c in columns]
    out: list[str] = []
    add = out.append
    for row in rows:
        focus = ' class="focus"' if row.focus else ""
        add(f'      <tr{focus}><th scope="row"><code>{_escape(row.label)}</code>'
            f' <span class="kind">{kinds[row.kind]}</span></th>\n')
        for cell, column in zip(row.cells, passes, strict=True):
            href = _escape(cell.href)
            if cell.via is not None:
                label = _escape(via).format(name=f"<code>{_escape(cell.via)}</code>")
                add(f'<td class="none"{column}><a href="{href}">{label}</a></td>' if href
                    else f'<td class="none"{column}>{label}</td>')
            elif cell.text and href:
                add(f'<td{column}><a href="{href}" title="{_escape(cell.full)}">'
                    f'<code>{_escape(cell.text)}</code></a></td>')
            elif cell.text:
                add(f'<td{column} title="{_escape(cell.full)}"><code>{_escape(cell.text)}</code></td>')
            elif href:
                add(f'<td{column}><a class="none" href="{href}">{none}</a></td>')
            else:
                add(f'<td class="none"{column}>{none}</td>')
        add("</tr>\n")
    return Markup("".join(out).removesuffix("\n"))


def matrix_rows(rows: tuple[view.MatrixRow, ...], columns: tuple[str, ...], undefined: str, same: str) -> Markup:
    """The matrix's rows; each cell names its pass (*columns*).  Built
    here: a kernel header's pages show the same rows again and again
    (_matrix_row)."""
    return Markup("".join(_matrix_row(row, columns, undefined, same) for row in rows))


@lru_cache(maxsize=4096)
def _matrix_row(row: view.MatrixRow, columns: tuple[str, ...], undefined: str, same: str) -> str:
    out = [f'      <tr><th scope="row"><code>{_escape(row.macro)}</code></th>\n']
    for cell, column in zip(row.cells, columns, strict=True):
        state = _escape(cell.state)
        out.append(f'<td class="{state} same" data-pass="{_column(column)}">' if cell.same_as_before
                   else f'<td class="{state}" data-pass="{_column(column)}">')
        if cell.state == "undefined":
            out.append(_escape(undefined))
        elif cell.same_as_before:
            out.append(f'<span title="{_escape(cell.text)} ({_escape(cell.where)})">{_escape(same)}</span>')
        else:
            out.append(f'<code>{_escape(cell.text)}</code> <span class="where">{_escape(cell.where)}</span>')
        out.append("</td>")
    out.append("</tr>\n")
    return "".join(out)


def change_items(changes: tuple[view.ChangeView, ...]) -> Markup:
    """A pass's list of changes, one item per line.  Built here: pass 1 of
    a kernel header lists thousands, on every page of the header."""
    return Markup("".join(_change_item(c) for c in changes))


@lru_cache(maxsize=65536)
def _change_item(c: view.ChangeView) -> str:
    relevant = ' class="relevant"' if c.relevant else ""
    # data-where: the provenance panel links a token's macro to this line.
    return (f'<li{relevant} data-where="{_escape(c.where)}"><code>{_escape(c.text)}</code>'
            f' <span class="where">{_escape(c.where)}</span></li>\n')


def _step_items(out: list[str], steps: tuple[view.StepView, ...], words: dict[str, str]) -> None:
    """An invocation's steps, one item each, in the words of *words*, onto
    *out*.  Built here: an event's page lists thousands (ext4.h's pages,
    1,500 to 3,500 each), and once for the page in every language
    (_StepLists)."""
    pieces, slots = _steps_html(steps)
    said = {slot: _said(words, slot) for slot in set(slots)}
    _fill(out, pieces, [said[slot] for slot in slots])


def _said(words: dict[str, str], slot: Slot) -> str:
    if isinstance(slot, str):
        return _escaped(words[slot])
    key, count = slot
    return _escaped(words[key].format(count=count))


# A word of a step list: its prose key (html.kind_expand, html.became ...),
# or the key of a sentence and the count it says.
Slot = str | tuple[str, int]
# A step list's HTML in any language: the pieces between its words, and
# each word.
StepsHtml = tuple[list[str], list[Slot]]


class _StepLists:
    """The step lists of the page being rendered, by identity: its twin in
    the next language shows the same lists (view._Core), in other words.
    Kept for one page at a time (the one whose provenance table is
    *page*): a kernel header's pages hold tens of megabytes of steps."""

    def __init__(self) -> None:
        self.html: dict[int, tuple[tuple[view.StepView, ...], StepsHtml]] = {}
        self.page: object = None

    def for_page(self, page: object) -> None:
        if page is not self.page:
            self.html.clear()
            self.page = page

    def get(self, steps: tuple[view.StepView, ...]) -> StepsHtml | None:
        known = self.html.get(id(steps))
        return known[1] if known is not None and known[0] is steps else None

    def put(self, steps: tuple[view.StepView, ...], html: StepsHtml) -> None:
        self.html[id(steps)] = (steps, html)


_STEPS = _StepLists()


def _steps_html(steps: tuple[view.StepView, ...]) -> StepsHtml:
    known = _STEPS.get(steps)
    if known is not None:
        return known
    slots: list[Slot] = []
    out: list[str] = []
    add = out.append

    def word(slot: Slot) -> None:
        add(_SLOT)
        slots.append(slot)

    for s in steps:
        add(f'        <li class="step d{s.depth} {_escaped(s.kind)}"><span class="kind">')
        word("kind_" + s.kind)
        add("</span>\n")
        if s.kind == "expand":
            add(f'<code class="name">{_escaped(s.macro or "")}</code>')
            if s.args:
                add('<ol class="stepargs">')
                for written, pre in s.args:
                    add(f"<li><code>{_escaped(written)}</code>")
                    if pre is not None and pre != written:
                        add(' <span class="pre">')
                        word("pre_expanded")
                        add(f"</span> <code>{_escaped(pre)}</code>")
                    add("</li>")
                add("</ol>")
        elif s.kind == "paste":
            add(f"<code>{_escaped(s.args[0][0])}</code> ## "
                f"<code>{_escaped(s.args[1][0])}</code>\n")
        else:
            add(f"# <code>{_escaped(s.args[0][0])}</code>")
        add('        <span class="became">')
        word("became")
        add(f'</span> <code class="result">{_escaped(s.result)}</code>')
        if s.where:
            add(f' <span class="where">{_escaped(s.where)}</span>')
        if s.inner:
            add(' <span class="inner">')
            word(("steps_inner_one", 1) if s.inner == 1 else ("steps_inner", s.inner))
            add("</span>")
        add("</li>\n")
    html = (_split(out), slots)
    _STEPS.put(steps, html)
    return html


@cache
def assets(bundle: str = "explainer") -> Assets:
    """Our own CSS and JS, trusted: the one place text becomes Markup.
    *bundle*: the pages' (explainer), a deck's (deck), a handout's."""
    folder = templates()
    css = (folder / "pygments.css").read_text("utf-8") + (folder / f"{bundle}.css").read_text("utf-8")
    script = folder / f"{bundle}.js"
    js = script.read_text("utf-8") if script.is_file() else ""  # a handout has none
    scripts = _hash(js) if js else "'none'"
    csp = (
        f"default-src 'none'; style-src {_hash(css)}; script-src {scripts}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return Assets(Markup(css), Markup(js), csp)


def warm(name: str = "walkthrough.html.jinja2") -> None:
    """Load the template *name* and our assets now, ahead of the page."""
    environment().get_template(name)
    assets()


def render_template(name: str, lang: str | None = None, langs: Sequence[Alternate] = (), bundle: str = "explainer",
                    **context: Any) -> str:
    """The page *name*; *langs*: the same page in each language of a site
    (the switcher and the hreflang links), none outside a site; *bundle*:
    the CSS and JS it carries (assets)."""
    words = {k: str(v) for k, v in prose.load(lang)["html"].items()}
    return environment().get_template(name).render(assets=assets(bundle), words=words, langs=langs,
                                                   glossary=prose.load(lang)["glossary"], **context)


def render_fragment(name: str, lang: str | None = None, **context: Any) -> Markup:
    """A piece of a page (a template that extends none), rendered by the
    autoescaping environment: HTML to put into another page as it is."""
    return Markup(render_template(name, lang, **context))


# The last page's data in JSON but for its words, by the identity of its
# provenance table: the same page in each language of a site shares it
# (view._Core), and it is most of the data.
_DATA: LastMade[dict[str, str]] = LastMade()


def _data_json(page: view.Page, own: dict[str, Any]) -> Markup:
    """The page's data block, compact JSON with its keys sorted (_json):
    the tables the script reads, with *own*, what differs by language
    (the words, the decoder's tables)."""
    shared = _DATA.get((page.provenance,), lambda: {key: _json(value) for key, value in (
        ("provenance", [list(p) for p in page.provenance]),
        ("chains", [list(c) for c in page.chains]),
        ("places", list(page.places)),
        ("sources", page.sources),
        ("invocations", list(page.invocations)),
    )})
    parts = {**shared, **{key: _json(value) for key, value in own.items()}}
    return Markup("{" + ",".join(f'"{key}":{parts[key]}' for key in sorted(parts)) + "}")


def _json(value: object) -> str:
    """*value* as compact JSON (to_json.compact: orjson, a tenth of the
    time of json's spaced, ASCII-only text), keys sorted, with <, >, &
    and ' escaped as jinja2's tojson does (our keys have none)."""
    return (to_json.compact(value, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("'", "\\u0027"))


def render(walkthrough: Walkthrough, lang: str | None = None, home: str | None = None,
           steps_elsewhere: bool = False, pages: dict[str, str] | None = None,
           fmt: FormatPanel | None = None, langs: Sequence[Alternate] = (), header_page: str | None = None,
           wholes: view.Wholes | None = None) -> str:
    """The walkthrough page of *walkthrough*; *steps_elsewhere* says that
    the step lists are on the pages of the events (a site's header page);
    *pages* names the page of each event or class, in a site, and
    *header_page*, on those, the header's; *wholes*, on the header's, where
    the whole code of each invocation is (view.page); *fmt*, an event's
    format file and decoder (format_view.py)."""
    page = view.page(walkthrough, shell_command(walkthrough.reproduce), lang, home, steps_elsewhere, pages,
                     header_page, wholes)
    shown_words = {k: page.words[k] for k in (
        "from_macro", "from_argument", "of", "chain", "made_by_paste", "made_by_stringify",
        "follow_pick", "follow_line", "follow_nothing", "colon", "aside")}
    data: dict[str, Any] = {"words": shown_words}
    fwords = {k: str(v) for k, v in prose.load(lang)["format"].items()}
    if fmt is not None and fmt.tables:
        data["decoder"] = list(fmt.tables)
        shown_words.update({k: fwords[k] for k in (
            "decoder_prints", "decoder_sum", "decoder_leftover", "decoder_masked", "decoder_otherwise",
            "decoder_no_row", "decoder_bad")})
    data_json = _data_json(page, data)
    _STEPS.for_page(page.provenance)
    why = prose.load(lang)["why"]
    articles = _Articles(page)
    html = articles.splice(render_template(
        "walkthrough.html.jinja2", lang, langs, page=page, data_json=data_json, raw_bytes=False, why=why, fmt=fmt,
        fwords=fwords, articles=articles))
    if undecodable.present(html):  # rare: written again, with a note
        articles = _Articles(page)
        html = undecodable.visible(articles.splice(render_template(
            "walkthrough.html.jinja2", lang, langs, page=page, data_json=data_json, raw_bytes=True, why=why, fmt=fmt,
            fwords=fwords, articles=articles)))
    return html
