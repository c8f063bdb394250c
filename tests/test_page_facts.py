"""Every cell a page or the terminal shows is true: rows are keyed by kind
and name, a macro's meaning is the one in force where the pass's code was
expanded, lists of changes hold only real changes, and a cell links to
code that is on the page (or to the page that has it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explainer.cpp.recorder import Recorder
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import setup
from explainer.model import Walkthrough
from explainer.render import to_html, to_text, view
from explainer.walkthrough import assemble
from explainer.walkthrough.meanings import Meanings

from conftest import REPO, requires_gcc

pytestmark = requires_gcc


def walkthrough(focus: str, header: str = "sample.h", kernel: str | None = None) -> Walkthrough:
    tu = setup(header, [], [], REPO, kernel, None)
    recording = Recorder(tu, assemble.trace_filter(focus)).run()
    return assemble.build(recording, focus)


@pytest.fixture(scope="module")
def sched(debian_tree: Path) -> Walkthrough:
    return walkthrough("sched_stat_runtime", "sched.h", str(debian_tree))


def test_a_class_and_an_event_of_one_name_have_a_row_each(sched: Walkthrough) -> None:
    """6.1's sched.h: DECLARE_EVENT_CLASS(sched_stat_runtime) and
    DEFINE_EVENT(sched_stat_runtime, sched_stat_runtime).  Only the event
    declares __traceiter_sched_stat_runtime() in pass 1."""
    rows = {(r.label, r.kind): r for r in view.page(sched, "").timeline}
    klass, event = rows["sched_stat_runtime", "class"], rows["sched_stat_runtime", "event"]
    assert klass.cells[0].full == ""
    assert "__traceiter_sched_stat_runtime()" in event.cells[0].full
    assert "struct trace_event_raw_sched_stat_runtime" in klass.cells[2].full
    assert klass.cells != event.cells
    assert klass.focus and event.focus


def test_the_whole_timeline_is_what_each_pass_declared() -> None:
    """Each cell holds exactly what that pass's invocations of that kind
    and name declared."""
    w = walkthrough("all")
    for row in view.page(w, "").timeline:
        for p, cell in zip(w.passes, row.cells, strict=True):
            declared: list[str] = []
            for inv in p.invocations:
                if inv.name == row.label and knowledge.kind(inv.macro) == row.kind:
                    declared.extend(d for d in inv.declares if d not in declared)
            assert cell.full == ", ".join(declared), (row.label, p.index)


def test_a_macro_defined_in_the_read_is_in_force_for_its_code() -> None:
    """SAMPLE_WORK_READ is defined at sample.h:36, before the TRACE_EVENT
    at line 57 uses it, in every read; notrace comes from compiler.h,
    read through tracepoint.h.  Both mean the same in every pass: not
    rows of the matrix, and defined in pass 1."""
    w = walkthrough("TRACE_EVENT")
    meanings = Meanings(w)
    first = meanings.table[0]
    work_read = first["SAMPLE_WORK_READ"].change
    assert work_read is not None and (work_read.file, work_read.line) == ("include/trace/events/sample.h", 36)
    notrace = first["notrace"].change
    assert notrace is not None and notrace.file == "include/linux/compiler.h"
    assert {"SAMPLE_WORK_READ", "notrace"} <= set(meanings.constant)
    matrix = {row.macro: row for row in view.page(w, "").matrix}
    assert "SAMPLE_WORK_READ" not in matrix and "notrace" not in matrix
    trace_event = matrix["TRACE_EVENT"].cells
    assert trace_event[0].state == "used" and trace_event[0].where == "include/linux/tracepoint.h:193"
    assert trace_event[1].where == "include/trace/define_trace.h:20" and not trace_event[1].same_as_before


def test_every_matrix_cell_is_the_meaning_where_the_code_expanded() -> None:
    """Cross-checked from the pass itself: a used cell is the definition
    its code went through (recorded as it expanded); any other is the
    last #define or #undef of that name before the pass's first focused
    invocation, counted over the whole translation unit."""
    w = walkthrough("TRACE_EVENT")
    changes = w.all_changes()
    for row in view.page(w, "").matrix:
        for p, cell in zip(w.passes, row.cells, strict=True):
            used = {m.name: m for m in p.meanings}
            if cell.state == "used":
                m = used[row.macro]
                assert cell.where == f"{m.file}:{m.line}"
                continue
            assert row.macro not in used
            point = next(inv.changes_before for inv in p.invocations if inv.focus)
            last = [c for c in changes[:point] if c.name == row.macro]
            if cell.state == "undefined":
                assert not last or last[-1].kind == "undef"
            else:
                assert last[-1].kind == "define" and cell.where == f"{last[-1].file}:{last[-1].line}"


def test_the_passes_change_lists_follow_on_from_each_other() -> None:
    w = walkthrough("TRACE_EVENT")
    at = 0
    for p in w.passes:
        assert p.changes_start == at
        at += len(p.changes)
    assert len(w.all_changes()) == at + len(w.changes_after)


def test_the_terminal_lists_only_real_redefinitions() -> None:
    """Pass 2 of the sample: __section, __used and NULL were first defined
    during pass 1's read and pass 1's code already holds ((void *)0); they
    are not redefinitions.  TRACE_EVENT is."""
    text = to_text.render(walkthrough("TRACE_EVENT"))
    passes = re.split(r"\n(?=Pass \d+/11 )", text)
    second = passes[2]
    changed = second[second.index("mean something else than for the previous pass:"):second.index("TRACE_EVENT(sample_work) at line")]
    assert "redefined: #define TRACE_EVENT(" in changed
    for name in ("__section", "__used", "NULL"):
        assert f"#define {name}" not in changed
    first = passes[1]
    listed = re.findall(r"^    (\S+ \S+) #define (\w+)", first, re.M)
    assert listed and all(status == "first defined:" for status, _ in listed)
    assert "IS_ENABLED" not in first and "__or" not in first


@pytest.mark.parametrize("width", [60, 80, 100])
def test_the_terminal_wraps_prose_and_lists_to_its_width(width: int) -> None:
    """Only code keeps the kernel's layout, and the gcc command its one
    line to paste; no word or path is broken."""
    w = walkthrough("TRACE_EVENT")
    text = to_text.render(w, width=width)
    code = {"    " + line for p in w.passes for inv in p.invocations if inv.focus
            for line in (inv.folded.code if inv.folded else inv.code).expandtabs(8).splitlines()}
    command = text.splitlines()[-1]
    assert command.startswith("  (cd ")
    prose_lines = [line for line in text.splitlines()[:-1] if line not in code]
    too_long = [line for line in prose_lines if len(line) > width and " " in line.strip()]
    assert too_long == []
    words = set(re.findall(r"[\w./<>:-]+", to_text.render(w, width=1000)))
    for line in prose_lines:
        for word in re.findall(r"[\w./<>:-]+", line):
            assert word in words, word  # a word split in two would be a new "word"


def test_a_cell_links_to_code_on_the_page_or_to_the_page_that_has_it() -> None:
    """On the TRACE_EVENT page only sample_work's code is shown: its row
    stands out and links into the page; the others link nowhere, or, in a
    site, to their own page."""
    w = walkthrough("TRACE_EVENT")
    rows = {r.label: r for r in view.page(w, "").timeline}
    assert rows["sample_work"].focus and not rows["sample_mode_enter"].focus
    anchors = {inv.anchor for pv in view.page(w, "").passes for inv in pv.invocations}
    assert all(c.href[1:] in anchors for c in rows["sample_work"].cells)
    assert all(c.href == "" for c in rows["sample_mode_enter"].cells)
    in_site = {r.label: r for r in view.page(w, "", pages={"sample_mode_enter": "sample_mode_enter.html"}).timeline}
    cells = in_site["sample_mode_enter"].cells
    own = [(p.index, c.href) for p, c in zip(w.passes, cells, strict=True) if c.via is None]
    assert own == [(p.index, f"sample_mode_enter.html#pass-{p.index}") for p in w.passes if p.index not in (4, 5, 6, 7)]
    # Stages 2 to 5 make nothing of a DEFINE_EVENT's own: its class does (no page of it here).
    assert [(c.via, c.href) for c in cells[3:7]] == [("sample_mode_class", "")] * 4


def test_a_sites_event_page_leaves_the_header_page_what_is_not_its_own() -> None:
    """In a site, an event's page keeps the timeline's rows of its code
    and the changes its code uses; the header's page, which it links,
    keeps every row and the tracing machinery's other changes."""
    w = walkthrough("sample_mode_enter")
    pages = {"sample_work": "sample_work.html", "sample_mode_enter": "sample_mode_enter.html",
             "sample_mode_class": "sample_mode_class.html"}
    alone = view.page(w, "", pages=pages)
    own = view.page(w, "", pages=pages, header_page="index.html")
    assert own.header_page == "index.html" and alone.header_page is None
    assert [r.label for r in own.timeline] == [r.label for r in alone.timeline if r.focus]
    assert [r.label for r in own.timeline] == ["sample_mode_enter"]  # its class: a link in its cells
    assert own.events == alone.events and own.classes == alone.classes
    for mine, every in zip(own.passes, alone.passes, strict=True):
        assert all(c.relevant for c in mine.changes)
        assert [c for c in every.changes if c.relevant] == list(mine.changes)
        assert mine.changes_count == every.changes_count == len(mine.changes) + mine.unlisted_count
        assert mine.unlisted_count >= every.unlisted_count
    html = to_html.render(w, pages=pages, header_page="index.html")
    assert '<a href="index.html"><code>include/trace/events/sample.h</code></a>' in html
    assert '<a href="index.html#timeline">' in html
    assert re.search(r'class="unlisted">Not listed here: \d+ more.*?<a href="index.html#pass-1">', html)


def test_site_cells_resolve(tmp_path: Path) -> None:
    """Every link of every page of the bundled site resolves: to an id on
    the same page, or to a page of the site and an id on it."""
    from explainer import cli

    out = tmp_path / "site"
    assert cli.main(["site", "-o", str(out)]) == 0
    ids: dict[Path, set[str]] = {}
    for page in out.rglob("*.html"):
        ids[page.resolve()] = set(re.findall(r'\bid="([^"]+)"', page.read_text()))
    for page in out.rglob("*.html"):
        for href in re.findall(r'href="([^"]+)"', page.read_text()):
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            target, _, fragment = href.partition("#")
            where = (page.parent / target).resolve() if target else page.resolve()
            if where.suffix == ".pdf":  # the class's handout
                assert where.is_file() and not fragment, (page, href)
                continue
            assert where in ids, (page, href)
            assert not fragment or fragment in ids[where], (page, href)


def test_the_site_links_the_cycle_the_pages_and_an_events_class(tmp_path: Path) -> None:
    """cycle.html shows each stage happening in an example; every header
    and event page links back to it; a DEFINE_EVENT's empty cells say its
    class makes what it needs and link to the class's page."""
    from explainer import cli

    out = tmp_path / "site"
    assert cli.main(["site", "-o", str(out)]) == 0
    cycle = (out / "cycle.html").read_text()
    stages = re.findall(r'<li id="stage-([^"]+)"', cycle)
    examples = re.findall(r'class="example"><a href="sample/sample_work.html#pass-(\d+)"', cycle)
    assert len(examples) == len(stages) == 11 and examples == [str(i) for i in range(1, 12)]
    for page in sorted((out / "sample").glob("*.html")):
        assert 'href="../cycle.html"' in page.read_text(), page
    enter = (out / "sample" / "sample_mode_enter.html").read_text()
    row = re.search(r'<th scope="row"><code>sample_mode_enter</code>.*?</tr>', enter, re.S)
    assert row is not None
    via = re.findall(r'<a href="sample_mode_class.html#pass-(\d+)">nothing of its own: its class', row.group(0))
    assert via == ["4", "5", "6", "7"]


def test_an_argument_expanded_then_dropped_says_so() -> None:
    """Pass 5 (stage 3) drops tstruct, yet gcc expands it first: its step
    list shows TP_STRUCT__entry at work.  The argument says so rather
    than looking merely unused; a used argument never does."""
    w = walkthrough("TRACE_EVENT")
    page = view.page(w, "")
    fifth = next(inv for inv in page.passes[4].invocations)
    args = {a.param: a for a in fifth.args}
    assert not args["tstruct"].used and args["tstruct"].dropped
    assert any(s.macro == "TP_STRUCT__entry" for s in fifth.steps)
    assert args["print"].used and not args["print"].dropped
    for pv in page.passes:
        for inv in pv.invocations:
            for a in inv.args:
                assert not (a.used and a.dropped)
                if a.dropped:
                    macro = a.text.split("(")[0].strip()
                    assert any(s.macro == macro for s in inv.steps), (pv.index, a.param)


def test_one_pass_has_one_name_everywhere(tmp_path: Path) -> None:
    """"Pass 3 · Stage 1: the record layout" in the terminal, the page's
    heading, its contents, both tables' column heads and the cycle page;
    the stage id stays beside it, for JSON readers."""
    import html as html_text

    from explainer import cli, prose

    w = walkthrough("TRACE_EVENT")
    text = to_text.render(w)
    out = tmp_path / "site"
    assert cli.main(["site", "-o", str(out)]) == 0
    page = html_text.unescape((out / "sample" / "sample_work.html").read_text())
    cycle = html_text.unescape((out / "cycle.html").read_text())
    for p in w.passes:
        title = prose.stage(p.stage)["title"]
        name = f"Pass {p.index} \u00b7 {title}"
        assert f"Pass {p.index}/11 \u00b7 {title}  [{p.stage}]" in text
        assert re.search(rf'<span class="num">Pass {p.index}</span> \u00b7 {re.escape(title)} <span class="stage">{p.stage}</span>', page)
        assert f'<a href="#pass-{p.index}">{name}</a>' in page
        heads = re.findall(rf'<a href="#pass-{p.index}">Pass {p.index}</a><br><span class="title">{re.escape(title)}</span>', page)
        assert len(heads) == 2  # timeline and matrix
        assert f"<h3>{name} <span" in cycle


def test_every_page_stays_under_5_mb(tmp_path: Path, debian_tree: Path) -> None:
    """explain all sched.h (6.1) was 26.5 MB and took 12 s to load.  A
    page past the budget shows its code as plain text, without steps,
    says so, and offers to show one event alone; one event's page keeps
    everything.  The bundled headers' pages keep everything too."""
    from conftest import run_cli

    for focus in ("all", "TRACE_EVENT", "sched_switch"):
        out = tmp_path / f"{focus}.html"
        run_cli(REPO, [focus, "sched.h", "--kernel", str(debian_tree), "--format", "html"], out)
        page = out.read_text()
        assert out.stat().st_size <= 5 * 2**20, (focus, out.stat().st_size)
        plain = 'class="note plain"' in page
        assert plain == (focus != "sched_switch"), focus
        assert ('data-p="' in page) == (not plain) and ('<details class="steps">' in page) == (not plain)
        if plain:
            assert '<select id="filter">' in page and "<option>sched_switch</option>" in page
    sample = tmp_path / "sample.html"
    run_cli(REPO, ["all", "sample.h", "--format", "html"], sample)
    assert 'class="note plain"' not in sample.read_text() and 'data-p="' in sample.read_text()
