"""``explain site --kernel A --kernel B ...``: one site across kernels.

Each kernel's site sits in a folder of its own, as ``explain site``
makes it; every event and class is compared between each kernel and the
next (walkthrough/diff.py), a page each; and the index lists every
event, class, header and trace macro with its page in each kernel,
filtered as you type (offline, from file://, under the pages' CSP).
Built in a temporary directory beside the target and moved into place,
as a single site is.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from explainer import prose
from explainer.kernel import trees
from explainer.render import diff_html, to_html
from explainer.render.view import slug
from explainer.site import (
    Built,
    Languages,
    Progress,
    build_pages,
    check_target,
    plan_of,
    staging_dir,
    swap,
    tree_headers,
    unique,
    write_index,
    write_page,
)
from explainer.walkthrough.diff import Side, compare

# A trace macro's row links this many of the headers that invoke it, per kernel.
MACRO_HEADERS = 3


@dataclass(frozen=True)
class Cell:
    """A row's pages in one kernel: (href, text) links, and how many more."""

    links: tuple[tuple[str, str], ...]
    more: int = 0


@dataclass(frozen=True)
class Row:
    """One name of the index: an event, class, header or trace macro."""

    name: str
    kind: str
    cells: tuple[Cell, ...]  # one per kernel, in order
    diffs: tuple[tuple[str, str], ...]  # (href, "A -> B") per pair of kernels next to each other


@dataclass(frozen=True)
class KernelEntry:
    label: str
    page: str
    headers: int
    events: int
    left_out: int


def _w(key: str, lang: str | None = None, **values: object) -> str:
    return str(prose.load(lang)["site_kernels"][key]).format(**values)


def _rows(kernels: list[KernelEntry], built: list[Built], diffs: dict[str, list[tuple[str, str]]]) -> list[Row]:
    topics: dict[tuple[str, str], list[Cell]] = {}
    macros: dict[str, list[list[tuple[str, str]]]] = {}
    empty = Cell(())
    for k, (kernel, b) in enumerate(zip(kernels, built, strict=True)):
        folder = kernel.page.rsplit("/", 1)[0]
        for entry in b.entries:
            here = f"{folder}/{entry.page}"
            name = entry.header.rsplit("/", 1)[-1]
            topics.setdefault((name, "header"), [empty] * len(kernels))[k] = Cell(((here, entry.header),))
            for t in entry.events:
                topics.setdefault((t.name, t.kind), [empty] * len(kernels))[k] = Cell(
                    ((f"{folder}/{t.page}", name),))
            for macro in entry.macros:
                macros.setdefault(macro, [[] for _ in kernels])[k].append((here, name))
    rows = [Row(name, kind, tuple(cells), tuple(diffs.get(name, ()) if kind != "header" else ()))
            for (name, kind), cells in topics.items()]
    for macro, per_kernel in macros.items():
        cells = tuple(Cell(tuple(found[:MACRO_HEADERS]), max(0, len(found) - MACRO_HEADERS)) for found in per_kernel)
        rows.append(Row(macro, "macro", cells, ()))
    return sorted(rows, key=lambda r: (r.name.lower(), r.kind))


def build_kernels(
    kernels: list[str], headers: list[str], include_dirs: list[str], macro_args: list[tuple[str, str]],
    out: Path, cwd: Path, lang: str | None = None, mode: str | None = None, jobs: int = 1,
    progress: Progress | None = None, time_limit: float | None = None, every_language: bool = True,
) -> tuple[list[str], list[str]]:
    """The site of *headers* (default: every event header of each tree)
    in each of *kernels*, into *out*, in each language as a single site
    is; returns the files written, sorted, and one line per header left
    out (which fail, each saying why)."""
    check_target(out)
    languages = Languages.of(lang, every_language)
    found = trees.same_architecture(kernels, cwd)
    taken: set[str] = {"index", "diff", *prose.LANGUAGES}
    labels = [t.version() or k for k, t in zip(kernels, found, strict=True)]
    folders = [unique(slug(label), taken) for label in labels]
    staging = staging_dir(out)
    written: list[str] = []
    skipped: list[str] = []
    entries: list[KernelEntry] = []
    built: list[Built] = []
    diffs: dict[str, list[tuple[str, str]]] = {}
    try:
        for k, kernel in enumerate(kernels):
            names = headers or tree_headers(kernel, cwd)
            plan = plan_of([(cwd, h) for h in names], include_dirs, macro_args, kernel, mode)
            at = f"{folders[k]}/"
            b = build_pages(plan, staging, languages, jobs, progress, not headers, time_limit, extracts=True,
                            prefix=at)
            written += b.written
            written += write_index(b, staging, languages, at, up=lambda lang: ("../index.html", _w("all_kernels", lang)))
            skipped += [f"{labels[k]}: {line}" for line in b.skipped]
            events = sum(1 for e in b.entries for t in e.events if t.kind == "event")
            entries.append(KernelEntry(labels[k], f"{folders[k]}/index.html", len(b.entries), events, len(b.left_out)))
            if k > 0:
                written += _diff_pages(built[-1], b, (labels[k - 1], labels[k]), (folders[k - 1], folders[k]),
                                       staging, languages, diffs)
                built[-1].extracts.clear()  # compared: the next kernel is compared with this one
            built.append(b)
        rows = _rows(entries, built, diffs)
        for lang in languages.order:
            page = languages.folder(lang) + "index.html"
            write_page(staging, page, to_html.render_template(
                "kernels.html.jinja2", lang, languages.alternates("index.html", lang), kernels=entries, rows=rows,
                words_k=prose.load(lang)["site_kernels"], site=prose.load(lang)["site"], why=prose.load(lang)["why"]))
            written.append(page)
        swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(written), skipped


def _diff_pages(old: Built, new: Built, labels: tuple[str, str], folders: tuple[str, str], staging: Path,
                languages: Languages, diffs: dict[str, list[tuple[str, str]]]) -> list[str]:
    """A page per event or class of either kernel, comparing the two, in
    each language."""
    written = []
    folder = f"diff/{folders[0]}--{folders[1]}"
    taken: set[str] = set()
    for name in sorted(set(old.extracts) | set(new.extracts)):
        page = f"{folder}/{unique(slug(name), taken)}.html"
        sides = [Side(label, *b.extracts.get(name, ("", None))) for label, b in zip(labels, (old, new), strict=True)]
        compared = compare(name, sides[0], sides[1])  # in no language: each says where it is missing
        for lang in languages.order:
            said = [replace(side, missing=None if side.extract is not None else _w("not_in", lang, label=side.label))
                    for side in sides]
            write_page(staging, languages.folder(lang) + page, diff_html.render(
                replace(compared, old=said[0], new=said[1]), lang, home="../../index.html",
                langs=languages.alternates(page, lang)))
            written.append(languages.folder(lang) + page)
        diffs.setdefault(name, []).append((page, f"{labels[0]} \u2192 {labels[1]}"))
    return written
