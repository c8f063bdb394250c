"""explain diff as a page: the definition's changed arguments with the
changed tokens marked, the machinery's changed macros, and each stage's
code side by side (a view-model here, the page in diff.html.jinja2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from explainer import prose
from explainer.render import to_html
from explainer.walkthrough.diff import EventDiff, Line, PassDiff


@dataclass(frozen=True)
class Row:
    """A row of the side-by-side code: each side's line number and text
    ("" and None where that side has no line), and how it changed."""

    old: int | None
    old_text: str
    new: int | None
    new_text: str
    kind: str  # "equal", "change", "delete", "insert", or "gap" between hunks


@dataclass(frozen=True)
class PassRows:
    anchor: str
    stage: str
    title: str
    old: int | None
    new: int | None
    same: bool
    rows: tuple[Row, ...]


def _rows(hunks: tuple[tuple[Line, ...], ...]) -> tuple[Row, ...]:
    rows: list[Row] = []
    for n, hunk in enumerate(hunks):
        if n:
            rows.append(Row(None, "", None, "", "gap"))
        i = 0
        while i < len(hunk):
            line = hunk[i]
            if line.op == "equal":
                rows.append(Row(line.old, line.text, line.new, line.text, "equal"))
                i += 1
                continue
            deleted: list[Line] = []
            inserted: list[Line] = []
            while i < len(hunk) and hunk[i].op == "delete":
                deleted.append(hunk[i])
                i += 1
            while i < len(hunk) and hunk[i].op == "insert":
                inserted.append(hunk[i])
                i += 1
            for k in range(max(len(deleted), len(inserted))):
                a = deleted[k] if k < len(deleted) else None
                b = inserted[k] if k < len(inserted) else None
                kind = "change" if a and b else "delete" if a else "insert"
                rows.append(Row(a.old if a else None, a.text if a else "", b.new if b else None,
                                b.text if b else "", kind))
    return tuple(rows)


def _pass(p: PassDiff, lang: str | None) -> PassRows:
    return PassRows(f"stage-{p.stage}-{p.old or 0}-{p.new or 0}", p.stage, prose.stage(p.stage, lang)["title"],
                    p.old, p.new, p.same, _rows(p.hunks))


def render(d: EventDiff, lang: str | None = None, home: str | None = None,
           langs: Sequence[to_html.Alternate] = ()) -> str:
    """The page of *d*; *home*: the index it belongs to (a site across
    kernels), *langs* the page in each of its languages."""
    words = {k: str(v) for k, v in prose.load(lang)["diff"].items()}
    return to_html.render_template("diff.html.jinja2", lang, langs, d=d, dwords=words, home=home,
                                   passes=tuple(_pass(p, lang) for p in d.passes))
