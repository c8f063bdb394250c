"""Stage 5 of the pipeline: the static site, the only code that writes a
directory.

It is built in a temporary directory beside the target and moved into
place, so an interrupted build leaves the previous site as it was.  Every
name that reaches a path is reduced to [A-Za-z0-9_-]; nothing is written
outside the target.
"""

from __future__ import annotations

import contextlib
import gc
import os
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from markupsafe import Markup

from explainer import allocator, gcpause, prose
from explainer.cpp import expand, scan
from explainer.cpp import memo as memos
from explainer.cpp.recorder import Recorder
from explainer.errors import Diagnosis, ExplainError
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import TranslationUnit, setup
from explainer.model import Walkthrough
from explainer.render import to_html, undecodable, view
from explainer.render.cycle import cycle
from explainer.render.format_view import formats_of, panels
from explainer.render.view import slug
from explainer.userspace import answers
from explainer.walkthrough import assemble
from explainer.walkthrough.diff import Extract, extract

MARKER = ".explainer-site"


@dataclass(frozen=True)
class Topic:
    name: str
    page: str  # relative to the site root
    kind: str = "event"  # or "class", "tracepoint" (knowledge.kind)


@dataclass(frozen=True)
class HeaderEntry:
    header: str
    page: str
    passes: int
    events: tuple[Topic, ...]
    self_read: bool = False  # a header that reads itself (the toy), not a trace header
    macros: tuple[str, ...] = ()  # the trace macros it invokes


@dataclass
class Built:
    """A site's header pages, built: what a site's index is made of."""

    written: list[str]
    entries: list[HeaderEntry]
    skipped: list[str]
    left_out: list[tuple[str, str, tuple[str, ...]]]  # header, why, the detail
    # Per event or class, what explain diff compares (when asked for).
    extracts: dict[str, tuple[str, Extract]]  # name -> (its header, its extract)


@dataclass(frozen=True)
class Languages:
    """A site's languages: the run's at the root, every other one in a
    folder named by its code and laid out alike, so that a page in another
    language is at the same path under that folder."""

    order: tuple[str, ...]  # the root's first

    @classmethod
    def of(cls, lang: str | None, every: bool = True) -> Languages:
        first = prose.resolve(lang)
        return cls((first, *(code for code in prose.LANGUAGES if code != first)) if every else (first,))

    def folder(self, lang: str) -> str:
        """Where *lang*'s pages are: "" (the root) or "zh/"."""
        return "" if lang == self.order[0] else f"{lang}/"

    def alternates(self, page: str, lang: str) -> tuple[to_html.Alternate, ...]:
        """*page* (a path in a language's folder) in every language, linked
        from *lang*'s, in one order on every page; none in a site of one
        language."""
        if len(self.order) < 2:
            return ()
        up = "../" * (self.folder(lang) + page).count("/")
        return tuple(
            to_html.Alternate(str(prose.load(code)["html"]["lang"]), str(prose.load(code)["language"]["name"]),
                              up + self.folder(code) + page, code == lang)
            for code in prose.LANGUAGES if code in self.order)


@dataclass(frozen=True)
class Kit:
    """A class's material in a site, relative to a language's root: the
    slides, the handout as a PDF (None without WeasyPrint) and as a page."""

    header: str
    slides: str
    pdf: str | None
    page: str


KIT_HEADER = "sample.h"  # the bundled site's class is on the bundled sample


@dataclass(frozen=True)
class Step:
    """A page of the site's course, in order (see course)."""

    page: str  # relative to the site root
    title: str


# Where a walkthrough page of the course gets its previous and next links
# (walkthrough.html.jinja2): the course is known once every header is done.
COURSE_MARK = "<!-- course -->"


def course(entries: list[HeaderEntry], lang: str | None = None) -> list[Step]:
    """The path through the site for a newcomer: the cycle, the toy (a
    header that reads itself twice), a whole trace header, one of its
    events through every read."""
    words = prose.load(lang)["site"]
    steps = [Step("cycle.html", str(words["course_cycle"]))]
    toy = next((e for e in entries if e.self_read), None)
    if toy is not None:
        steps.append(Step(toy.page, str(words["course_toy"]).format(header=toy.header)))
    trace = next((e for e in entries if not e.self_read and e.events), None)
    if trace is not None:
        steps.append(Step(trace.page, str(words["course_header"]).format(header=trace.header, passes=trace.passes)))
        first = trace.events[0]
        steps.append(Step(first.page, str(words["course_event"]).format(name=first.name)))
    return steps


def course_nav(steps: list[Step], page: str, lang: str | None = None) -> Markup:
    """The previous and next links of *page* in the course ("" if it is
    not one of its pages), relative to it."""
    at = next((k for k, s in enumerate(steps) if s.page == page), None)
    if at is None:
        return Markup()
    here = posixpath.dirname(page) or "."

    def link(step: Step) -> tuple[str, str]:
        return posixpath.relpath(step.page, here), step.title

    return to_html.render_fragment(
        "course.html.jinja2", lang, site=prose.load(lang)["site"], position=at + 1, total=len(steps),
        previous=link(steps[at - 1]) if at > 0 else None,
        next=link(steps[at + 1]) if at + 1 < len(steps) else None)


def check_target(out: Path) -> None:
    resolved = out.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise ExplainError(prose.error("site_in_root", path=out))
    if resolved.exists() and not resolved.is_dir():
        raise ExplainError(prose.error("site_not_dir", path=out))
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / MARKER).is_file():
        raise ExplainError(
            prose.error("site_not_ours", path=out, marker=MARKER)
        )


def unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _topics(w: Walkthrough) -> dict[str, str]:
    """The events and classes of the header, in order, with their kind."""
    names: dict[str, str] = {}
    for inv in w.passes[0].invocations:
        kind = knowledge.kind(inv.macro)
        if inv.name is None or kind is None:
            continue
        if inv.name not in names:
            names[inv.name] = kind
    return names


def _macros(w: Walkthrough) -> tuple[str, ...]:
    """The trace macros the header invokes (its aliases' too)."""
    return tuple(sorted({inv.macro for inv in w.passes[0].invocations
                         if knowledge.roles(inv.macro) is not None or inv.name not in (None, inv.macro)}))


def tree_headers(kernel: str, cwd: Path) -> list[str]:
    """Every event header of a kernel tree (--kernel DIR, or auto), by
    name, sorted."""
    from explainer.kernel import trees

    tree = trees.auto(cwd) if kernel == "auto" else trees.open_tree(cwd / kernel, kernel)
    if tree is None:
        raise ExplainError(prose.error("auto_no_tree", path=cwd))
    return sorted({p.name for d in tree.events_dirs() for p in d.glob("*.h")})


def default_headers() -> list[tuple[Path, str]]:
    from explainer.resources import bundled_headers

    root = bundled_headers()
    return [
        (root / "examples" / "toy", "colors.h"),  # the trick at two passes, first
        (root, "include/trace/events/sample.h"),
        (root / "examples" / "foo", "foo.h"),
    ]


Progress = Callable[[int, int, str], None]  # (done, total, header just done)


def build(
    headers: list[tuple[Path, str]], include_dirs: list[str], macro_args: list[tuple[str, str]],
    out: Path, cwd: Path, lang: str | None = None, kernel: str | None = None, mode: str | None = None,
    jobs: int = 1, progress: Progress | None = None, skip_failures: bool = False,
    time_limit: float | None = None, every_language: bool = True, with_kit: bool = False,
) -> tuple[list[str], list[str]]:
    """Build the site of *headers* ((directory, header) pairs) into *out*,
    *jobs* headers at a time (each in its own process when more than one),
    in *lang* at the root and, with *every_language*, in each other
    language in a folder of its own; *with_kit*, the class's slides and
    handout on the bundled sample (write_kit).  Returns the files written, relative
    to *out*, sorted, and one line per header left out because it failed
    (only with *skip_failures*; else the first failure stops the build and
    nothing is written).  *time_limit* is for each header."""
    check_target(out)
    languages = Languages.of(lang, every_language)
    plan = plan_of(headers, include_dirs, macro_args, kernel, mode)
    staging = staging_dir(out)
    try:
        built = build_pages(plan, staging, languages, jobs, progress, skip_failures, time_limit)
        kit, files = write_kit(staging, languages, cwd) if with_kit else (None, [])
        built.written.extend(files)
        pages = write_index(built, staging, languages, kit=kit)
        swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted([*built.written, *pages]), built.skipped


def plan_of(headers: list[tuple[Path, str]], include_dirs: list[str], macro_args: list[tuple[str, str]],
            kernel: str | None, mode: str | None) -> list[tuple[TranslationUnit, str]]:
    """Each header's translation unit and the folder of its pages."""
    taken: set[str] = {"index", "cycle", *prose.LANGUAGES}
    plan: list[tuple[TranslationUnit, str]] = []
    for directory, header in headers:
        tu = setup(header, include_dirs, macro_args, directory, kernel, mode)
        plan.append((tu, unique(slug(Path(tu.header).stem), taken)))
    return plan


def build_pages(plan: list[tuple[TranslationUnit, str]], staging: Path, languages: Languages, jobs: int,
                progress: Progress | None, skip_failures: bool, time_limit: float | None,
                extracts: bool = False, prefix: str = "") -> Built:
    """Every header's pages in each language, written under *staging* (a
    site's root) at *prefix* in each language's folder; with *extracts*,
    also what explain diff compares of each event."""
    built = Built([], [], [], [], {})
    for k, (tu, result) in enumerate(_run(plan, staging, languages, jobs, time_limit, extracts, prefix)):
        if isinstance(result, ExplainError):
            if not skip_failures:
                raise result
            built.skipped.append(f"{tu.header}: {result}")
            if isinstance(result, Diagnosis):
                built.left_out.append((tu.shown(tu.header), result.headline, result.detail))
            else:
                built.left_out.append((tu.shown(tu.header), result.message, ()))
        else:
            entry, written, found = result
            built.entries.append(entry)
            built.written.extend(written)
            for name, one in found.items():
                built.extracts.setdefault(name, (entry.header, one))
        if progress is not None:
            progress(k + 1, len(plan), tu.header)
    return built


def write_kit(staging: Path, languages: Languages, cwd: Path) -> tuple[Kit, list[str]]:
    """The class on the bundled sample, in each language: slides, and the
    handout as a page and, with WeasyPrint and the fonts it needs, as a
    PDF; in workshop/.  One recording for all of it."""
    import argparse

    from explainer import handout, slides
    from explainer.record import record
    from explainer.render import deck
    from explainer.render import handout as printed

    args = argparse.Namespace(macro="TRACE_EVENT", header=KIT_HEADER, include_dirs=[], macro_args=[], kernel=None,
                              mode=None, reader=None)
    whole, tu, _ = record(args, cwd, html=True, folds=True)
    toy = slides.toy()
    event = slides.focus_event(whole)
    found = formats_of(whole, tu, only=event)
    stem = f"workshop/{slug(Path(KIT_HEADER).stem)}"
    kit = Kit(KIT_HEADER, f"{stem}-slides.html", f"{stem}-handout.pdf", f"{stem}-handout.html")
    written = []
    pdfs: dict[str, bytes] = {}
    for lang in languages.order:
        at = languages.folder(lang)
        fmt = panels(found, whole, tu, lang).get(event) if event is not None else None
        write_page(staging, at + kit.slides, deck.render(deck.build(whole, lang, toy, fmt), lang,
                                                         languages.alternates(kit.slides, lang)))
        page = printed.render(printed.build(whole, lang), lang, languages.alternates(kit.page, lang))
        write_page(staging, at + kit.page, page)
        written += [at + kit.slides, at + kit.page]
        try:
            pdfs[lang] = handout.pdf(page, lang)
        except ExplainError:  # no WeasyPrint, or no Chinese font: the pages alone, in every language
            pdfs.clear()
            kit = Kit(kit.header, kit.slides, None, kit.page)
            break
    for lang, data in pdfs.items():
        path = languages.folder(lang) + f"{stem}-handout.pdf"
        (staging / path).write_bytes(data)
        written.append(path)
    return kit, written


def write_index(built: Built, staging: Path, languages: Languages, prefix: str = "",
                up: Callable[[str], tuple[str, str]] | None = None, kit: Kit | None = None) -> list[str]:
    """A site's index and cycle pages in each language, at *prefix* in its
    folder, and the course's links in its pages; *up*: by language, a link
    (href, text) to the site above (across kernels).  Returns the pages
    written, relative to *staging*."""
    written = []
    for lang in languages.order:
        at = languages.folder(lang) + prefix
        steps = course(built.entries, lang)
        example = _example(built.entries)
        pages = {
            "index.html": to_html.render_template(
                "index.html.jinja2", lang, languages.alternates(prefix + "index.html", lang),
                entries=built.entries, site=prose.load(lang)["site"], left_out=said(built.left_out, lang), course=steps,
                why=prose.load(lang)["why"], up=up(lang) if up is not None else None, kit=kit),
            "cycle.html": to_html.render_template(
                "cycle.html.jinja2", lang, languages.alternates(prefix + "cycle.html", lang),
                diagram=cycle(lang, example.page if example is not None else None), site=prose.load(lang)["site"],
                example=example, course=course_nav(steps, "cycle.html", lang)),
        }
        for name, text in pages.items():
            write_page(staging, at + name, text)
            written.append(at + name)
        for step in steps[1:]:  # the walkthrough pages of the course, written already
            path = staging / (at + step.page)
            path.write_text(path.read_text("utf-8").replace(COURSE_MARK, course_nav(steps, step.page, lang), 1),
                            "utf-8")
    return written


Pages = tuple[HeaderEntry, list[str], dict[str, Extract]]


def _run(plan: list[tuple[TranslationUnit, str]], staging: Path, languages: Languages, jobs: int,
         time_limit: float | None, extracts: bool, prefix: str,
         ) -> Iterator[tuple[TranslationUnit, Pages | ExplainError]]:
    """Each header's pages, written into *staging*; results in plan order."""
    allocator.keep_freed()  # before the workers fork: gigabytes of pages are made and freed
    if jobs <= 1 or len(plan) <= 1:
        for tu, folder in plan:
            yield tu, _header_pages(tu, folder, staging, languages, time_limit, extracts, prefix)
        return
    workers = min(jobs, len(plan))
    # Fewer headers a worker: the warm-up would cost more than it saves.
    warm = _warm if len(plan) >= WARM_AFTER * workers else _cold
    with ProcessPoolExecutor(max_workers=workers, initializer=warm, initargs=(languages,)) as pool:
        # The largest headers first: one of them started last (btrfs.h
        # takes 60 times irq.h's time) would leave the other workers idle.
        by_size = sorted(range(len(plan)), key=lambda k: -_size(plan[k][0]))
        submitted = {k: pool.submit(_header_pages, plan[k][0], plan[k][1], staging, languages, time_limit,
                                    extracts, prefix, True) for k in by_size}
        futures = [submitted[k] for k in range(len(plan))]
        try:
            for (tu, _), future in zip(plan, futures, strict=True):
                yield tu, future.result()
        finally:
            for future in futures:
                future.cancel()


# A worker warms up (_warm) when it has at least this many headers to explain.
WARM_AFTER = 4


def _warm(languages: Languages) -> None:
    """A worker's first work: the bundled sample's pages, made here and
    thrown away.  Each header is explained in a child of the worker
    (_forked), which starts from what the worker has made: without this,
    every child compiled the glossary's patterns and linked each stage's
    prose again, and grew its heap from nothing.  On 7.3's small headers
    a child took 0.21 s, against 0.26 s from a worker that had not warmed
    up.  A warm-up that fails costs time, never output."""
    from explainer.resources import bundled_headers

    with tempfile.TemporaryDirectory() as scratch:
        for tu, folder in plan_of([(bundled_headers(), "include/trace/events/sample.h")], [], [], None, None):
            with contextlib.suppress(Exception):  # the worker explains its headers all the same
                _header_pages(tu, folder, Path(scratch), languages, None)


def _cold(languages: Languages) -> None:
    """No warm-up (_warm)."""


def _size(tu: TranslationUnit) -> int:
    """A header's size: how long its pages take, roughly (its events)."""
    try:
        return tu.header_abspath.stat().st_size
    except OSError:
        return 0


# Kernel headers scanned once per process, for all the event headers it
# explains (they include the same few hundred files).
_FILES = scan.FileCache()


def _header_pages(tu: TranslationUnit, folder: str, staging: Path, languages: Languages,
                  time_limit: float | None, extracts: bool = False, prefix: str = "",
                  fork: bool = False) -> Pages | ExplainError:
    """Write one header's pages in each language: its walkthrough and one
    per event or class, in *folder* at *prefix*.  An input error is
    returned (to be reported by the parent).  *fork* (a site's worker
    process): the header is explained in a child process of its own
    (_forked)."""
    memo = memos.load(tu) if tu.full_mode and memos.enabled() else None
    if fork and hasattr(os, "fork"):
        return _forked(lambda: _pages_of(tu, folder, staging, languages, time_limit, extracts, prefix, memo))
    try:
        with gcpause.held():
            return _pages_of(tu, folder, staging, languages, time_limit, extracts, prefix, memo)
    finally:
        gcpause.settle()


def _forked(run: Callable[[], Pages | ExplainError]) -> Pages | ExplainError:
    """*run* in a child process that ends without tidying up: a header's
    recording and pages are a million objects in cycles, which the
    collector and the frees took a sixth of the header's time to undo.
    The worker stays as small as it started: kept, the memory of the
    largest header (btrfs.h, 800 MB on 7.3) stayed with it for the next
    ones, past 1 GB; the kernel files a child scans (_FILES) are lost
    with it, which cost less than the frees saved.  A child that ends
    with no result (killed) gives an input error: its header is left
    out, with how it ended."""
    import pickle

    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its result, or what went wrong, pickled
        os.close(readable)
        status = 0
        try:
            gc.disable()
            data = pickle.dumps((True, run()))
        except BaseException as exc:  # raised again in the worker, as if it ran there
            status = 1
            try:
                data = pickle.dumps((False, exc))
            except Exception:  # an exception pickle cannot carry: its words
                data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        with os.fdopen(writable, "wb") as out:
            out.write(data)
        os._exit(status)
    os.close(writable)
    with os.fdopen(readable, "rb") as got:
        data = got.read()
    _, status = os.waitpid(pid, 0)
    if not data:  # killed (out of memory, a signal): the header is left out, saying so
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.waitstatus_to_exitcode(status)}"
        return ExplainError(prose.error("site_child_lost", how=how))
    ok, result = pickle.loads(data)
    if not ok:
        raise result
    return cast("Pages | ExplainError", result)


def _pages_of(tu: TranslationUnit, folder: str, staging: Path, languages: Languages,
              time_limit: float | None, extracts: bool, prefix: str, memo: memos.Memo | None,
              ) -> Pages | ExplainError:
    """Recorded once, written in every language, at *prefix* in each
    language's folder (a kernel's, in a site across kernels)."""
    expand.set_deadline(time_limit)
    try:
        # A kernel's headers, replayed from this unit's last run if none
        # has changed (cpp/memo.py): a site built again reads the header alone.
        recorder = Recorder(tu, assemble.trace_filter("all"), files=_FILES, memo=memo)
        recording = recorder.run()
        if memo is not None:
            memo.save(recorder)
        if tu.keep is None:  # the format panels ask gcc for numbers (format_view.formats_of)
            answers.read_by(tu, recorder.sources())
        layout = assemble.lay_out(recording)
        whole = assemble.build(recording, "all", layout, steps=False)
    except ExplainError as exc:
        return exc
    written: list[str] = []
    # The page of the header is folder/index.html: pages link it as ../index.html.
    home = "../index.html"

    def put(page: str, lang: str, render: Callable[..., str], *args: object, **context: object) -> None:
        path = languages.folder(lang) + prefix + page
        write_page(staging, path, render(*args, lang, home=home, langs=languages.alternates(prefix + page, lang),
                                         **context))
        written.append(path)

    try:
        # The header's page shows every invocation; their step lists, on
        # the events' pages, would make it many times larger.
        names: set[str] = {"index"}
        # Each event's or class's page, by name: the timeline links to the
        # page that has a cell's code.
        kinds = _topics(whole)
        pages = {name: f"{unique(slug(name), names)}.html" for name in kinds}
        if not pages:  # no event or class has a page of its own (the toy): the steps are here
            whole = assemble.build(recording, "all", layout)
        found: dict[str, Extract] = {}
        formats = formats_of(whole, tu)
        shown = {lang: panels(formats, whole, tu, lang) for lang in languages.order}
        # The whole code of each invocation is on its own page; a class's
        # page and the header's show it folded, linking there (a tenth of
        # a site): the events' pages first, then the classes'.
        wholes: view.Wholes = {}
        for name in sorted(pages, key=lambda n: kinds[n] == "class"):
            page = pages[name]
            focused = assemble.build(recording, name, layout)
            mine = wholes if kinds[name] == "class" else None  # what the events' pages have
            for lang in languages.order:
                put(f"{folder}/{page}", lang, to_html.render, focused, pages=pages, fmt=shown[lang].get(name),
                    header_page="index.html", wholes=mine)
            wholes.update(view.whole_code_lines(focused, pages, name, page, mine))
            if extracts:
                found[name] = extract(focused, name)
        topics = [Topic(name, f"{folder}/{page}", kinds[name]) for name, page in pages.items()]
        found = {name: found[name] for name in pages if name in found}
        for lang in languages.order:
            put(f"{folder}/index.html", lang, to_html.render, whole, steps_elsewhere=bool(pages), pages=pages,
                wholes=wholes)
    finally:
        view.forget()
    return (HeaderEntry(whole.display(tu.header), f"{folder}/index.html", whole.total_passes,
                        tuple(topics), whole.self_read, _macros(whole)), written, found)


def said(left_out: list[tuple[str, str, tuple[str, ...]]], lang: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """Why each header was left out, in *lang* (the errors were said in
    the run's language, or in gcc's English)."""
    return [(header, prose.again(why, lang), tuple(prose.again(d, lang) for d in detail))
            for header, why, detail in left_out]


def _example(entries: list[HeaderEntry]) -> Topic | None:
    """The page the cycle's stages link to, one event seen in every read:
    the first header's first event (the bundled sample's sample_work)."""
    for entry in entries:
        if entry.events:
            return entry.events[0]
    return None


def staging_dir(out: Path) -> Path:
    target = out.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))


def write_page(staging: Path, name: str, text: str) -> None:
    """*text* as the page *name* of the site being built in *staging*.
    The staging folder is explainer's own, fresh and without links, so a
    name that stays inside it as written stays inside it on disk."""
    shown = posixpath.normpath(name)
    if posixpath.isabs(shown) or shown == ".." or shown.startswith("../") or shown == ".":
        raise ExplainError(prose.error("site_outside", name=name))
    path = staging / shown
    data = undecodable.utf8(text)
    try:
        path.write_bytes(data)
    except FileNotFoundError:  # the first page of its folder
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def swap(staging: Path, out: Path) -> None:
    """Put the finished site in place of the old one."""
    target = out.resolve()
    (staging / MARKER).write_text("This directory was built by explainer site.\n", encoding="utf-8")
    for folder in [staging, *sorted(p for p in staging.rglob("*") if p.is_dir())]:
        os.chmod(folder, 0o755)
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old)
