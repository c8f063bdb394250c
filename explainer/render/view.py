"""Stage 3 of the pipeline: what an HTML page needs, computed in Python so
that templates only loop.  Nothing here is escaped: the templates'
autoescaping does that, for every string, once."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from explainer import prose
from explainer.cpp.lexer import scan
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import shown_path
from explainer.lastmade import LastMade
from explainer.model import (
    PAGE_BUDGET,
    Change,
    Finding,
    Invocation,
    Pass,
    Provenance,
    Step,
    Walkthrough,
    page_bytes,
)
from explainer.render import findings, highlight
from explainer.render.to_text import unit_line
from explainer.walkthrough.arguments import params, wrapper
from explainer.walkthrough.meanings import Meanings, same_meaning
from explainer.walkthrough.notes import page_notes

MAX_DEPTH_CLASS = 9
SUMMARY_NAMES = 3
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


def slug(text: str) -> str:
    """A name safe in an id, a URL fragment and a file name."""
    return _SLUG.sub("-", text).strip("-") or "x"


class CodeView:
    """An invocation's code as a page shows it: its text, each token's
    span in it, highlighting class (highlight.py) and index into the
    page's provenance table (None: not known).  Columns, not an object per
    token: a kernel header's page has 165,000 tokens; to_html cuts
    the text into numbered lines as it writes them."""

    __slots__ = ("anchor", "classes", "first_line", "folds", "html", "provs", "spans", "text")

    def __init__(self, text: str, spans: tuple[tuple[int, int], ...], classes: list[str],
                 provs: list[int | None], anchor: str, first_line: int,
                 folds: dict[int, FoldLink] | None = None) -> None:
        self.text = text
        self.spans = spans
        self.classes = classes
        self.provs = provs
        self.anchor = anchor  # lines are anchored "{anchor}-L{number}"
        self.first_line = first_line
        # The spans that are a kernel helper's call, folded: where it opens.
        self.folds = folds or {}
        # Its lines as to_html writes them, kept for the same page in
        # another language (the code is the same in each: _Core): the
        # pieces between its folds' titles, and the folds in order.
        self.html: tuple[list[str], list[FoldLink]] | None = None

    def line_count(self) -> int:
        return lines_in(self.text)


def lines_in(code: str) -> int:
    """The lines to_html writes of *code*: one per newline, and the last
    one if anything follows the last newline."""
    return code.count("\n") + (1 if code and not code.endswith("\n") else 0)


@dataclass(frozen=True)
class FoldLink:
    """A piece of a folded call (its name, a parenthesis, an argument's
    token): the line of the whole code where its expansion starts (href),
    its last line there, what the link names (the helper, where it is
    defined, the lines it opens: html.fold_title) and whether it is the
    call's first piece (the one the keyboard stops at)."""

    href: str
    last_line: int
    macro: str
    where: str | None
    lines: int
    first: bool


@dataclass(frozen=True)
class Arg:
    index: int
    param: str
    text: str
    used: bool
    dropped: bool = False  # not used, yet its macros were expanded (steps) before the pass dropped it


class StepView:
    """A plain class: an event's page has thousands."""

    __slots__ = ("args", "depth", "inner", "kind", "macro", "number", "result", "where")

    def __init__(self, s: Step, where: str | None) -> None:
        self.number = s.number
        self.depth = min(s.depth, MAX_DEPTH_CLASS)  # capped for CSS classes
        self.kind = s.kind
        self.macro = s.macro
        self.where = where  # s.where as users read it
        pre = s.pre_expanded + (None,) * (len(s.args) - len(s.pre_expanded))
        # (as written, after pre-expansion)
        self.args: tuple[tuple[str, str | None], ...] = tuple(zip(s.args, pre, strict=True))
        self.result = s.result
        self.inner = s.inner  # a kernel helper's own steps, folded


@dataclass(frozen=True)
class InvocationView:
    anchor: str
    key: int  # index into the page's invocation table (provenance)
    title: str
    macro: str
    name: str | None
    line: int
    args: tuple[Arg, ...]
    code: CodeView
    folded: CodeView | None  # shown first, with the whole code one click away
    empty: bool
    steps: tuple[StepView, ...]
    steps_truncated: bool
    # Its whole code is on another page of the site (a site's header page):
    # that page, at the whole code; its folds link there.
    whole_elsewhere: str | None = None


@dataclass(frozen=True)
class ChangeView:
    text: str
    where: str
    relevant: bool


@dataclass(frozen=True)
class PassView:
    index: int
    anchor: str
    stage: str
    title: str
    makes: str
    why: str
    sees: str | None  # what user space sees of it, for the event in focus
    # The same before its names are filled in, and the names: a page links
    # its glossary's words in the note once for all the events.
    sees_note: str | None
    sees_values: tuple[tuple[str, str], ...]
    kernels: str | None  # which kernel versions read it so
    site: str
    chain: tuple[str, ...]
    changes: tuple[ChangeView, ...]  # those listed: see _listed
    changes_count: int
    unlisted_count: int
    relevant_count: int
    invocations: tuple[InvocationView, ...]
    prev_anchor: str | None
    next_anchor: str | None


@dataclass(frozen=True)
class Cell:
    text: str
    full: str
    href: str  # its code on this page, or the page that has it; "" for none
    via: str | None = None  # nothing of its own: its class made what it needs (href goes there)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str
    cells: tuple[Cell, ...]
    focus: bool  # the page shows this event's or class's code


@dataclass(frozen=True)
class Meaning:
    text: str  # "#define X(a) body" or "undefined"
    where: str
    state: str  # "used", "defined", "undefined"
    same_as_before: bool


@dataclass(frozen=True)
class MatrixRow:
    macro: str
    cells: tuple[Meaning, ...]


@dataclass(frozen=True)
class Shortcut:
    key: str
    label: str


@dataclass(frozen=True)
class DiagnosisView:
    """What stopped the translation unit, as the page shows it after the
    passes that worked (render/findings.py says it as text)."""

    headline: str
    line: int  # of the source line shown; 0 for none
    source: str | None
    caret: int | None  # the column the caret stands under, 0-based
    where: str | None  # the pass, invocation and argument
    made_by: str | None
    fix: str | None
    detail: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    title: str
    header: str
    focus: str
    events: tuple[str, ...]
    classes: tuple[str, ...]
    columns: tuple[tuple[int, str, str, str], ...]  # (index, anchor, stage id, its title)
    column_labels: tuple[str, ...]  # "Pass 3 · Stage 1: the record layout", for each column
    timeline: tuple[Row, ...]
    matrix: tuple[MatrixRow, ...]
    constant: tuple[str, ...]  # macros the code used whose meaning is the same in every pass
    passes: tuple[PassView, ...]
    shortcuts: tuple[Shortcut, ...]
    provenance: tuple[ProvenanceEntry, ...]
    chains: tuple[Chain, ...]
    places: tuple[str, ...]  # the "file:line" of the provenance and chains, by index
    invocations: tuple[dict[str, object], ...]
    reproduce: str
    words: dict[str, str]
    home: str | None  # link back to a site's index, when part of one
    cycle: str | None  # and to its page on the cycle of reads
    steps_elsewhere: bool  # the step lists are on the events' pages
    plain: bool  # too large for each token's origin and the step lists: code as plain text
    left_out: tuple[tuple[str, str], ...]  # focused mode: (include, "file:line")
    unit: str | None  # the kernel's .c file the passes are read as, said in a sentence
    # What stopped the translation unit, after the passes that worked.
    diagnostics: tuple[DiagnosisView, ...] = ()
    stopped: str = ""  # the heading of their section
    self_read: bool = False  # a header that reads itself (the toy), not a trace header
    # The header's lines of each invocation in focus, by its "header:line" (a line can be followed).
    sources: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # What the macros written in the invocations in focus mean to their author.
    notes: tuple[tuple[str, str, str], ...] = ()  # (macro, means, where it ends up)
    # A site's page of one event or class: its header's page, which has
    # the timeline's other rows and the changes this page's code does not use.
    header_page: str | None = None


def _sources(w: Walkthrough, header: str, shown: tuple[Pass, ...]) -> dict[str, list[tuple[int, str]]]:
    """The header's lines of each invocation in focus with token origins:
    from its first line to the last any pass's tokens come from."""
    spans: dict[str, tuple[int, int]] = {}
    for p in shown:
        for inv in p.invocations:
            if inv.focus and inv.provenance:
                where = f"{header}:{inv.line}"
                last = max((pr.called or 0 for pr in inv.provenance), default=inv.line)
                spans[where] = (inv.line, max(last, spans.get(where, (0, inv.line))[1]))
    lines = w.header_lines
    return {where: [(n, lines[n - 1]) for n in range(first, min(last, len(lines)) + 1)]
            for where, (first, last) in spans.items()}


def _diagnosis(f: Finding, lang: str | None) -> DiagnosisView:
    return DiagnosisView(
        headline=findings.headline(f, lang), line=f.line if f.source is not None else 0,
        source=f.source.expandtabs(findings.TAB) if f.source is not None else None, caret=findings.caret(f),
        where=findings.where(f, lang), made_by=findings.made_by(f, lang), fix=findings.fix(f, lang),
        detail=tuple(prose.again(line, lang) for line in f.detail),
    )


def _define_text(c: Change) -> str:
    if c.kind == "undef":
        return f"#undef {c.name}"
    params = f"({c.params})" if c.params is not None else ""
    return f"#define {c.name}{params} {c.body or ''}".rstrip()


def _short(c: Change) -> str:
    if c.kind == "undef":
        return f"#undef {c.name}"
    return f"#define {c.name}" + (f"({c.params})" if c.params is not None else "")


# -- code with highlighting and provenance ------------------------------------


def forget() -> None:
    """Drop what is cached for the pages of one header (a site worker
    explains one header after another)."""
    _timeline_of.cache_clear()
    _INDEXES.clear()
    _CORE.clear()


class _ChangeIndex:
    """A pass's changes by macro name, and those listed on every page.
    Made once per pass for all the pages of a header: pass 1 of a kernel
    header has some 20,000 changes, and a header can have 100 pages."""

    def __init__(self, changes: tuple[Change, ...], header: str, roots: tuple[str, ...]) -> None:
        self.changes = changes
        self.header = header
        self.roots = roots
        self.by_name: dict[str, list[int]] = {}
        for i, c in enumerate(changes):
            self.by_name.setdefault(c.name, []).append(i)
        self.listed = [i for i, c in enumerate(changes) if _listed(c.file, header)]
        self._views: dict[tuple[int, bool], ChangeView] = {}

    def view(self, i: int, relevant: bool) -> ChangeView:
        """The i-th change as listed: with its body if the code used it."""
        found = self._views.get((i, relevant))
        if found is None:
            c = self.changes[i]
            found = self._views[i, relevant] = ChangeView(
                _define_text(c) if relevant else _short(c), f"{shown_path(c.file, self.roots)}:{c.line}", relevant)
        return found


# By the identity of a pass's changes, which the pages of one header share.
_INDEXES: dict[int, _ChangeIndex] = {}


def _index(changes: tuple[Change, ...], header: str, roots: tuple[str, ...]) -> _ChangeIndex:
    found = _INDEXES.get(id(changes))
    if found is None or found.changes is not changes or found.header != header or found.roots != roots:
        found = _INDEXES[id(changes)] = _ChangeIndex(changes, header, roots)
    return found


def code_view(
    code: str, spans: tuple[tuple[int, int], ...], provs: list[int | None],
    anchor: str, first_line: int,
) -> CodeView:
    """*code* with each token highlighted (see highlight.py) and tagged
    with its provenance where known."""
    if not spans:
        spans = tuple(_spans(code))
        provs = [None] * len(spans)
    classes = highlight.classes([code[start:end] for start, end in spans])
    return CodeView(code, spans, classes, provs, anchor, first_line)


def _spans(code: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for _, text in scan(code):
        start = code.index(text, pos)
        out.append((start, start + len(text)))
        pos = start + len(text)
    return out


# -- the page ----------------------------------------------------------------------


# A token's origin as the page's data block gives it to the script:
# macro, its "file:line" (an index into the page's places), the argument
# it was written in (or None), the invocation (or -1), its chain of
# expansions (an index into the page's chains, each [(macro, place)]),
# how it was made ("a ## b", "#" or None), its place in the argument,
# and the header's line it comes from (Provenance.called: a page follows
# a line with it).  Places by index: a page's chains name the same few
# dozen "file:line" thousands of times.
ProvenanceEntry = tuple[str | None, int | None, int | None, int, int, str | None, tuple[int, int] | None,
                        int | None]
Chain = tuple[tuple[str, int], ...]


class _Tables:
    """The page-wide provenance and invocation tables (deduplicated)."""

    def __init__(self, w: Walkthrough) -> None:
        self._w = w
        self.provenance: list[ProvenanceEntry] = []
        # Each origin's entry and each chain's index, by the origin's own
        # values (its place as recorded, not as shown).
        self._index: dict[tuple[object, ...], int] = {}
        self.invocations: list[dict[str, object]] = []
        self.chains: list[Chain] = []
        self._chain_index: dict[tuple[tuple[str, str], ...], int] = {}
        self._places: dict[str, str] = {}
        # The places the tables name, as users read them, and each one's index.
        self.places: list[str] = []
        self._place_index: dict[str, int] = {}

    def where(self, where: str | None) -> str | None:
        return None if where is None else self.place(where)

    def place(self, where: str) -> str:
        """A macro's "file:line" as users read it (Walkthrough.display_at),
        once per place: a page has thousands of steps and chains, in a few
        files."""
        found = self._places.get(where)
        if found is None:
            found = self._places[where] = self._w.display_at(where)
        return found

    def place_index(self, where: str) -> int:
        """The index of *where*, as users read it, in ``places``."""
        shown = self.place(where)
        found = self._place_index.get(shown)
        if found is None:
            found = self._place_index[shown] = len(self.places)
            self.places.append(shown)
        return found

    def add_invocation(self, header: str, inv: Invocation, params: list[str]) -> int:
        self.invocations.append({
            "macro": inv.macro, "where": f"{self._w.display(header)}:{inv.line}",
            "args": list(inv.args), "params": params,
        })
        return len(self.invocations) - 1

    def prov(self, pr: Provenance, key: int) -> int:
        chain = self._chain_index.get(pr.chain)
        if chain is None:
            chain = self._chain_index[pr.chain] = len(self.chains)
            self.chains.append(tuple((m, self.place_index(where)) for m, where in pr.chain))
        item = (pr.macro, pr.where, pr.arg, key if pr.arg is not None else -1, chain, pr.how, pr.span, pr.called)
        found = self._index.get(item)
        if found is None:  # a new origin (tokens share them): its file shown as users read it
            found = self._index[item] = len(self.provenance)
            place = None if pr.where is None else self.place_index(pr.where)
            self.provenance.append((pr.macro, place, *item[2:]))
        return found


def too_large(w: Walkthrough, shown: tuple[Pass, ...]) -> bool:
    """Whether the full page of *shown* passes would pass PAGE_BUDGET
    (model.py), or the recorder already knew it would (and left the
    steps out)."""
    if w.steps_dropped:
        return True
    estimate = 0
    for p in shown:
        for inv in p.invocations:
            if inv.focus:
                # Without spans (no provenance recorded), a token and its gap are about 4 characters.
                tokens = len(inv.spans) or len(inv.code) // 4
                estimate += page_bytes(len(inv.code), tokens, len(inv.steps))
                if inv.folded is not None:
                    estimate += page_bytes(len(inv.folded.code), len(inv.folded.pieces), 0)
    return estimate > PAGE_BUDGET


# Where the whole code of an invocation is on its own page of a site, by
# the invocation's anchor: that page, and the first line of the code
# there (None: the page shows it as plain text, with no line anchors).
Wholes = dict[str, tuple[str, int | None]]


def whole_code_lines(w: Walkthrough, pages: dict[str, str], name: str, page_file: str,
                     wholes: Wholes | None = None) -> Wholes:
    """Where the site's page of *name* (*page_file*, of walkthrough *w*,
    just rendered with *wholes*) shows its own invocations' whole code."""
    core = _core(w, w.shown_passes(), pages, True, wholes)
    return {view.anchor: (page_file, None if core.plain else view.code.first_line)
            for p in core.passes for inv, view in p.invocations if inv.name == name and inv.folded is not None}


def _folded(inv: Invocation, whole: CodeView, anchor: str, first_line: int,
            plain: bool, tables: _Tables, home: tuple[str, int | None] | None = None) -> CodeView | None:
    """The invocation's code with kernel helpers folded: each token keeps
    its origin, each call links to its expansion in the whole code (on
    this page, or at *home*: the page of the site that shows it and the
    line it starts at there, or the link to it there if no line is)."""
    folded = inv.folded
    if folded is None:
        return None
    if plain:
        return CodeView(folded.code, (), [], [], anchor, first_line)
    texts = [folded.code[a:b] for a, b in folded.spans]
    classes = highlight.classes(texts)
    provs: list[int | None] = []
    links: dict[int, FoldLink] = {}
    rest: dict[int, FoldLink] = {}  # a fold's link for its pieces after the first
    line_of = _LineOf(inv.code)
    for k, piece in enumerate(folded.pieces):
        if piece >= 0:
            provs.append(whole.provs[piece] if whole.provs else None)
            continue
        link = rest.get(piece)
        if link is None:
            fold = inv.folds[-1 - piece]
            first = whole.first_line + line_of(inv.spans[fold.first][0])
            last = whole.first_line + line_of(inv.spans[fold.end - 1][0])
            where = tables.where(fold.where)
            if home is None:
                link = FoldLink(f"#{whole.anchor}-L{first}", last, fold.macro, where, last - first + 1, True)
            else:  # on the invocation's own page (at its line there, or at the block if none)
                target, start = home
                shift = 0 if start is None else start - whole.first_line
                href = target if start is None else f"{target}#{whole.anchor}-L{first + shift}"
                link = FoldLink(href, last + shift, fold.macro, where, last - first + 1, True)
            rest[piece] = replace(link, first=False)
        links[k] = link
        classes[k] = "fold"
        provs.append(None)
    return CodeView(folded.code, folded.spans, classes, provs, anchor, first_line, links)


class _LineOf:
    """The line (from 0) of a position in *text*, counted on from the last
    position asked: an invocation's folds come in order, and counting
    from the start for each was quadratic in a large event's code."""

    __slots__ = ("lines", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines = 0

    def __call__(self, pos: int) -> int:
        if pos < self.pos:
            self.pos = self.lines = 0
        self.lines += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.lines


def _invocation(
    w: Walkthrough, p: Pass, inv: Invocation, tables: _Tables, first_line: int, plain: bool = False,
    elsewhere: bool = False,
) -> InvocationView:
    """The invocation as a page in any language shows it, but for its
    folded code (see _Core).  *elsewhere*: its whole code and its steps
    are on its own page; here only its folded code is, whose tokens are
    all the origins the page needs of it."""
    anchor = invocation_anchor(p.index, inv)
    names = params(p, inv.macro, len(inv.args))
    key = tables.add_invocation(w.header, inv, names)
    folded = inv.folded
    kept = None if not elsewhere or folded is None else {k for k in folded.pieces if k >= 0}
    # Tokens of one origin share its Provenance: look each up once.
    by_origin: dict[int, int] = {}
    provs: list[int | None] = []
    for k, pr in enumerate(() if plain else inv.provenance):
        if kept is not None and k not in kept:
            provs.append(None)
            continue
        index = by_origin.get(id(pr))
        if index is None:
            index = by_origin[id(pr)] = tables.prov(pr, key)
        provs.append(index)
    if plain:
        code = CodeView(inv.code, (), [], [], f"pass-{p.index}", first_line)
    elif kept is not None:  # never written: its spans and origins are for the folded code's tokens
        code = CodeView(inv.code, inv.spans, [], provs, f"pass-{p.index}", first_line)
    else:
        code = code_view(inv.code, inv.spans, provs, f"pass-{p.index}", first_line)
    # gcc expands an argument before the macro's body decides to drop it:
    # the step list then shows the argument's own macro (TP_STRUCT__entry,
    # TP_printk ...: each is written in one argument only) at work.
    expanded = {s.macro for s in inv.steps if s.kind == "expand" and s.depth > 0}
    args = tuple(
        Arg(i, names[i], text, i in inv.used_args, i not in inv.used_args and wrapper(text) in expanded)
        for i, text in enumerate(inv.args)
    )
    steps = () if plain or elsewhere else tuple(StepView(s, tables.where(s.where)) for s in inv.steps)
    title = f"{inv.macro}({inv.name})" if inv.name else inv.macro
    return InvocationView(
        anchor=anchor, key=key, title=title, macro=inv.macro, name=inv.name, line=inv.line,
        args=args, code=code, folded=None, empty=inv.blank, steps=steps,
        steps_truncated=inv.steps_truncated,
    )


class _PassCore:
    """What a pass shows on a page in any language: its changes listed and
    its invocations in focus, with their code folded."""

    __slots__ = ("changes", "invocations", "p", "relevant_count")

    def __init__(self, w: Walkthrough, p: Pass, tables: _Tables, plain: bool, only_used: bool,
                 wholes: Wholes) -> None:
        self.p = p
        index = _index(p.changes, w.header, w.roots)
        relevant = {i for name in p.used_names() for i in index.by_name.get(name, ())}
        # Bodies only for the changes this code used; others only if listed
        # (and, *only_used*, on the header's page: a site's event page).
        listed = relevant if only_used else relevant.union(index.listed)
        self.changes = tuple(index.view(i, i in relevant) for i in sorted(listed))
        self.relevant_count = len(relevant)
        # Each invocation in focus and its view; where its whole code is
        # if not here (wholes: a site's header or class page), its folds
        # link there.
        self.invocations: list[tuple[Invocation, InvocationView]] = []
        line = folded_line = 1
        for inv in p.invocations:
            if inv.focus:
                home = wholes.get(invocation_anchor(p.index, inv)) if inv.folded is not None else None
                view = _invocation(w, p, inv, tables, line, plain, home is not None)
                if home is None:
                    line += view.code.line_count()
                if inv.folded is not None:
                    block: str | None = None  # its whole code, on its own page
                    target: tuple[str, int | None] | None = None  # where its folds link
                    if home is not None:
                        block = f"{home[0]}#{view.anchor}-whole"
                        target = home if home[1] is not None else (block, None)
                    folded = _folded(inv, view.code, f"pass-{p.index}-folded", folded_line, plain, tables, target)
                    view = replace(view, folded=folded, whole_elsewhere=block)
                    folded_line += lines_in(inv.folded.code)
                self.invocations.append((inv, view))


class _Core:
    """What a page of *w* shows in any language, made once for the page in
    each language of a site (the words apart): the provenance tables,
    each pass's changes and code, the timeline, the macros' meanings."""

    def __init__(self, w: Walkthrough, shown: tuple[Pass, ...], pages: dict[str, str], own_only: bool,
                 wholes: Wholes) -> None:
        self.plain = too_large(w, shown)
        self.tables = _Tables(w)
        self.passes = [_PassCore(w, p, self.tables, self.plain, own_only, wholes) for p in shown]
        # A site's event page: the rows of its code; the header's page has every row.
        self.timeline = _timeline(w, shown, pages, own_only)
        self.meanings = Meanings(w)
        self.matrix = _matrix(self.meanings, shown, w.roots)
        self.sources = _sources(w, w.display(w.header), shown)
        # Complete now (folded code adds none): the same tuples on the page
        # in every language, which to_html's data block keys on.
        self.provenance = tuple(self.tables.provenance)
        self.chains = tuple(self.tables.chains)
        self.places = tuple(self.tables.places)
        self.invocations = tuple(self.tables.invocations)


# The last page's core, by the identity of its walkthrough and its links:
# a site renders each page in every language one after the other.
_CORE: LastMade[_Core] = LastMade()


def _core(w: Walkthrough, shown: tuple[Pass, ...], pages: dict[str, str], own_only: bool,
          wholes: Wholes | None = None) -> _Core:
    links = (own_only, tuple(sorted(pages.items())), tuple(sorted((wholes or {}).items())))
    return _CORE.get((w,), lambda: _Core(w, shown, pages, own_only, wholes or {}), links)


def _pass_view(w: Walkthrough, core: _PassCore, prev: str | None, nxt: str | None, lang: str | None) -> PassView:
    p = core.p
    notes = prose.stage(p.stage, lang)
    event = w.event_in_focus(p)
    return PassView(
        index=p.index, anchor=f"pass-{p.index}", stage=p.stage, title=notes["title"],
        makes=notes["makes"], why=notes["why"], sees=prose.sees(p.stage, w.system, event, lang),
        sees_note=prose.sees_note(p.stage, lang), sees_values=tuple(prose.sees_values(w.system, event).items()),
        kernels=notes.get("kernels"),
        site=f"{w.display(p.included_from.file)}:{p.included_from.line}",
        chain=tuple(f"{w.display(s.file)}:{s.line}" for s in p.chain[1:]),
        changes=core.changes, changes_count=len(p.changes), unlisted_count=len(p.changes) - len(core.changes),
        relevant_count=core.relevant_count, invocations=tuple(view for _, view in core.invocations),
        prev_anchor=prev, next_anchor=nxt,
    )


@lru_cache(maxsize=4096)
def _listed(file: str, header: str) -> bool:
    """Whether a change made in *file* is listed on the page (besides those
    the code uses): the header or the tracing machinery made it.  Pass 1 of
    a kernel header follows some 7,000 definitions of other headers; a list
    of those would drown the ones that matter."""
    return knowledge.is_machinery(file, header)


def invocation_anchor(index: int, inv: Invocation) -> str:
    return f"pass-{index}-{slug(inv.name or inv.macro)}-{inv.line}"


# What the timeline is made of: the first pass's (name, kind) pairs; each
# shown pass's index with its invocations' (name, kind, what each
# declares, its anchor if its code is on the page); and the page of each
# event or class in a site; and whether only the rows of the page's own
# code are wanted.  Rows are keyed by kind and name: a class and an event
# may share a name (sched_stat_runtime).
_TimelineKey = tuple[
    tuple[tuple[str, str, str | None], ...],
    tuple[tuple[int, tuple[tuple[str, str, tuple[str, ...], str | None], ...]], ...],
    tuple[tuple[str, str], ...],
    bool,
]


def _timeline(w: Walkthrough, shown: tuple[Pass, ...], pages: dict[str, str], own_only: bool = False,
              ) -> tuple[tuple[Row, ...], tuple[str, ...], tuple[str, ...]]:
    first = []
    for inv in w.passes[0].invocations if w.passes else ():
        kind = knowledge.kind(inv.macro)
        if inv.name is not None and kind is not None:
            # An event's class, where it is another invocation's (DEFINE_EVENT's).
            template = inv.template if kind == "event" and inv.template != inv.name else None
            first.append((inv.name, kind, template))
    passes = []
    for p in shown:
        found = []
        for inv in p.invocations:
            kind = knowledge.kind(inv.macro)
            if inv.name is not None and kind is not None:
                found.append((inv.name, kind, inv.declares, invocation_anchor(p.index, inv) if inv.focus else None))
        passes.append((p.index, tuple(found)))
    return _timeline_of((tuple(first), tuple(passes), tuple(sorted(pages.items())), own_only))


@lru_cache(maxsize=64)
def _timeline_of(key: _TimelineKey) -> tuple[tuple[Row, ...], tuple[str, ...], tuple[str, ...]]:
    """The timeline's rows, and the events and classes in order.  A cell
    links to its code where the page has it, else to the site's page of
    its event or class, else nowhere.  Cached: a site's header has its
    timeline on every page, the links apart.  With only the rows of the
    page's own code (its cells link on the page), the others are not
    made: ext4.h's 131 event pages each have 2 of its 140 rows."""
    first, passes, page_list, own_only = key
    pages = dict(page_list)
    labels: dict[tuple[str, str], None] = {}  # in order
    templates: dict[tuple[str, str], str] = {}
    events: list[str] = []
    classes: list[str] = []
    for name, kind, template in first:
        (classes if kind == "class" else events).append(name)
        labels.setdefault((name, kind))
        if template is not None:
            templates[name, kind] = template
    by_key: list[dict[tuple[str, str], list[tuple[tuple[str, ...], str | None]]]] = []
    for _, invocations in passes:
        found: dict[tuple[str, str], list[tuple[tuple[str, ...], str | None]]] = {}
        for inv_name, kind, names, anchor in invocations:
            found.setdefault((inv_name, kind), []).append((names, anchor))
        by_key.append(found)
    def link(name: str, kind: str, index: int, declared: dict[tuple[str, str], list[tuple[tuple[str, ...], str | None]]]) -> str:
        anchor = next((here for _, here in declared.get((name, kind), ()) if here is not None), None)
        if anchor is not None:
            return f"#{anchor}"
        return f"{pages[name]}#pass-{index}" if name in pages else ""

    # The rows that may link on the page: of an invocation whose code it
    # has, or of an event whose class's code it has.
    anchored = {(n, k) for _, invocations in passes for n, k, _, anchor in invocations if anchor is not None}
    rows = []
    for name, kind in labels:
        cells = []
        focus = False
        template = templates.get((name, kind))
        if own_only and (name, kind) not in anchored and (template, "class") not in anchored:
            continue
        for (index, _), declared in zip(passes, by_key, strict=True):
            made: list[str] = []
            for names, _ in declared.get((name, kind), ()):
                made.extend(x for x in names if x not in made)
            href = link(name, kind, index, declared)
            focus = focus or href.startswith("#")
            text = ", ".join(made[:SUMMARY_NAMES]) + (", ..." if len(made) > SUMMARY_NAMES else "")
            via = None
            if not made and template is not None and declared.get((template, "class")):
                # The class makes it for its events (stages 1-7): say so, and link there.
                via, href = template, link(template, "class", index, declared)
            cells.append(Cell(text, ", ".join(made), href, via))
        if focus or not own_only:
            rows.append(Row(name, kind, tuple(cells), focus))
    return tuple(rows), tuple(events), tuple(classes)


def _matrix(meanings: Meanings, shown: tuple[Pass, ...], roots: tuple[str, ...]) -> tuple[MatrixRow, ...]:
    """Each macro the focused code used whose meaning is not the same for
    every pass's code: in each shown pass, the definition the code used,
    or the one in force where it was expanded."""
    rows = []
    table = meanings.table
    for name in meanings.changing:
        cells = []
        for p in shown:
            k = p.index - 1
            meaning = table[k][name]
            change = meaning.change
            same = k > 0 and same_meaning(table[k - 1][name].change, change)
            cells.append(_cell(change, meaning.used, same, roots))
        rows.append(MatrixRow(name, tuple(cells)))
    return tuple(rows)


@lru_cache(maxsize=65536)
def _cell(change: Change | None, used: bool, same: bool, roots: tuple[str, ...]) -> Meaning:
    """A cell of the matrix: the pages of a header show the same
    definitions, cell after cell."""
    if change is None:
        return Meaning("", "", "undefined", same)
    return Meaning(_define_text(change), f"{shown_path(change.file, roots)}:{change.line}",
                   "used" if used else "defined", same)


SHORTCUTS = (("j", "next_pass"), ("k", "previous_pass"), ("o", "overview"),
             ("m", "matrix"), ("s", "steps"), ("?", "help"))


def page(w: Walkthrough, reproduce: str, lang: str | None = None, home: str | None = None,
         steps_elsewhere: bool = False, pages: dict[str, str] | None = None,
         header_page: str | None = None, wholes: Wholes | None = None) -> Page:
    """What the page of *w* shows.  *pages* names, in a site, the page of
    each event or class (relative to this one); *header_page*, on such a
    page, the header's page, which keeps what this one leaves out: the
    timeline's rows of other code, the changes this code does not use
    (a quarter of a site's bytes, the same on each page of a header);
    *wholes*, on a site's header or class page, where an invocation's
    whole code is on its own page (whole_code_lines): shown here folded
    only, with no steps."""
    words = {k: str(v) for k, v in prose.load(lang)["html"].items()}
    shown = w.shown_passes()
    core = _core(w, shown, pages or {}, header_page is not None, wholes)
    plain, meanings = core.plain, core.meanings
    views = []
    after_last = "stopped" if w.diagnostics else None
    for i, p in enumerate(core.passes):
        prev = shown[i - 1].index if i > 0 else None
        nxt = f"pass-{shown[i + 1].index}" if i + 1 < len(shown) else after_last
        views.append(_pass_view(w, p, f"pass-{prev}" if prev else None, nxt, lang))
    timeline, events, classes = core.timeline
    header = w.display(w.header)
    title = f"{header}: {w.focus}"
    return Page(
        title=words["title_stopped"].format(title=title) if w.diagnostics else title,
        header=header,
        focus=w.focus,
        events=tuple(events),
        classes=tuple(classes),
        columns=tuple((p.index, f"pass-{p.index}", p.stage, prose.stage(p.stage, lang)["title"]) for p in shown),
        column_labels=tuple(words["pass_title"].format(index=p.index, title=prose.stage(p.stage, lang)["title"])
                            for p in shown),
        timeline=timeline,
        matrix=core.matrix,
        constant=meanings.constant,
        passes=tuple(views),
        shortcuts=tuple(Shortcut(k, words["key_" + label]) for k, label in SHORTCUTS),
        provenance=core.provenance,
        chains=core.chains,
        places=core.places,
        invocations=core.invocations,
        reproduce=reproduce,
        words=words,
        home=home,
        cycle=None if home is None else posixpath.join(posixpath.dirname(home), "cycle.html"),
        steps_elsewhere=steps_elsewhere,
        plain=plain,
        left_out=tuple((x.include, f"{w.display(x.site.file)}:{x.site.line}") for x in w.left_out),
        unit=unit_line(w, lang),
        diagnostics=tuple(_diagnosis(f, lang) for f in w.diagnostics),
        stopped=findings.stopped_heading(w, lang) if w.diagnostics else "",
        self_read=w.self_read,
        sources=core.sources,
        notes=tuple((n.macro, n.means, words["ends_up" if len(n.passes) > 1 else "ends_up_one"].format(
                         passes=prose.text("list_sep", lang).join(map(str, n.passes)))
                     if n.passes else words["ends_up_none"]) for n in page_notes(w, meanings, lang)),
        header_page=header_page,
    )
