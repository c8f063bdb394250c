"""What only a browser shows: keyboard stepping, provenance, step lists,
and that a hostile header stays inert.  Playwright drives the system's
Chromium (no browser download); .ci/run installs it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from test_follow import line_of

from explainer.cpp import lexer

from conftest import REPO, SAMPLE, TOY_DIR, requires_gcc
from test_html import HOSTILE, render

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    requires_gcc,
    pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium; .ci/run does)"),
]
def open_page(page: Any, tmp_path: Path, html: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html)
    page.goto(path.as_uri())


def press_and_expect(page: Any, key: str, fragment: str) -> None:
    page.keyboard.press(key)
    page.wait_for_function("h => location.hash === h", arg="#" + fragment, timeout=5000)


def test_keyboard_steps_through_passes(page: Any, tmp_path: Path) -> None:
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    for expected in ("pass-1", "pass-2", "pass-3"):
        press_and_expect(page, "j", expected)
    press_and_expect(page, "k", "pass-2")
    press_and_expect(page, "m", "matrix")
    press_and_expect(page, "?", "help")
    # The last pass's j goes nowhere (it went back to pass 1).
    page.goto(page.url.split("#")[0] + "#pass-11")
    page.keyboard.press("j")
    page.wait_for_timeout(200)
    assert page.evaluate("location.hash") == "#pass-11"
    press_and_expect(page, "k", "pass-10")
    assert page.problems == []


def test_provenance_by_pointer_and_keyboard(page: Any, tmp_path: Path) -> None:
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    page.goto(page.url + "#pass-3")
    panel = page.locator("#provenance")
    assert panel.is_hidden()
    code = page.locator("#pass-3 pre.code").first
    code.locator(".t[data-p]", has_text="ent").first.hover()
    assert panel.is_visible()
    assert "DECLARE_EVENT_CLASS" in panel.inner_text()
    # Off the code: focusing the block may scroll another token under a
    # pointer left there, and hovering it would move the walk's start.
    page.mouse.move(0, 0)
    code.focus()
    seen = []
    for _ in range(40):  # walk right until a token written in the header
        page.keyboard.press("ArrowRight")
        seen.append(page.locator("pre.code .t.current").inner_text())
        if "argument" in panel.inner_text():
            break
    text = panel.inner_text()
    assert "written in argument 4 (tstruct) of TRACE_EVENT" in text, seen
    assert "__string(" in text
    page.screenshot(path=str(tmp_path / "provenance.png"))
    assert page.problems == []


def test_step_list_opens(page: Any, tmp_path: Path) -> None:
    open_page(page, tmp_path, render(REPO, "sample_work", "sample.h"))
    page.goto(page.url + "#pass-3")
    steps = page.locator("#pass-3 details.steps").first
    assert not steps.locator("li.step").first.is_visible()
    page.keyboard.press("s")
    assert steps.locator("li.step").first.is_visible()
    assert "__dynamic_array" in steps.inner_text()
    steps.locator("summary").click()
    assert not steps.locator("li.step").first.is_visible()
    assert page.problems == []


def test_hostile_header_stays_inert(page: Any, tmp_path: Path) -> None:
    (tmp_path / "evil.h").write_text(HOSTILE)
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, tmp_path, render(tmp_path, "all", "evil.h"))
    page.locator("pre.code .t[data-p]").first.hover()
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 2
    assert [u for u in requests if not u.startswith("file:")] == []
    assert "onerror=alert(1)" in page.locator("body").inner_text()


@pytest.mark.parametrize("width", [1400, 400])
def test_the_overview_and_matrix_fit_the_window(browser: Any, tmp_path: Path, width: int) -> None:
    """No horizontal scrolling of the page itself at a desktop's width or
    a phone's; the tables scroll in their own box, their head row and
    first column sticky, the passes named in the column heads."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for table in ("table.timeline", "#matrix table"):
        head = page.locator(f"{table} thead th").nth(1)
        assert head.evaluate("e => getComputedStyle(e).position") == "sticky"
        assert "Pass 1" in head.inner_text()
        first_column = page.locator(f"{table} tbody th").first
        assert first_column.evaluate("e => getComputedStyle(e).position") == "sticky"
        box = page.locator(table).evaluate("e => e.closest('.scroll').getBoundingClientRect().right")
        assert box <= width
    context.close()


def test_long_code_lines_wrap_in_sight(page: Any, tmp_path: Path) -> None:
    """Pass 9's print_fmt line (what user space reads) is longer than the
    box: it wraps inside it rather than running out of sight."""
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    sizes = page.evaluate("""() => [...document.querySelectorAll('pre.code')].map(
        pre => [pre.scrollWidth, pre.clientWidth])""")
    assert sizes and all(scroll <= client for scroll, client in sizes)
    fmt = page.locator("#pass-9 pre.code .line", has_text="print_fmt_sample_work").first
    assert fmt.is_visible()


def test_print_is_about_a_page_per_pass(page: Any, tmp_path: Path) -> None:
    """Chromium's print to PDF of the sample's TRACE_EVENT page (A4): at
    most two pages a pass, the step lists left on screen."""
    import re

    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert 11 <= pages <= 22, pages
    page.emulate_media(media="print")
    assert page.locator("details.steps").first.is_hidden()
    assert page.locator("#pass-3 pre.code").first.is_visible()


def test_tables_print_whole_and_readable(page: Any, tmp_path: Path) -> None:
    """Eleven columns do not fit a sheet: in print each row of the
    timeline and the matrix stacks its cells, each naming its pass, and
    no cell's text runs past its box or over another's."""
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    for table in ("table.timeline", "#matrix table"):
        cell = page.locator(f"{table} tbody td").first
        assert cell.evaluate("e => getComputedStyle(e).display") == "block"
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label.startswith('"Pass 1 · Declarations'), label
        overflowing = page.evaluate(f"""() => [...document.querySelectorAll('{table} td, {table} th')]
            .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).length""")
        assert overflowing == 0, table
        assert page.locator(table).evaluate("e => e.getBoundingClientRect().right") <= 794
    # Only the passes where a macro's meaning changes print.
    assert page.locator("#matrix td.same").first.is_hidden()


@pytest.mark.parametrize("width", [1280, 400])
def test_the_provenance_panel_closes_and_stays_small(browser: Any, tmp_path: Path, width: int) -> None:
    """The overview says how to find it; a close button and Esc hide it;
    on a phone it is a strip along the bottom, not half the screen."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    assert "see where each token came from" in page.locator("#overview").inner_text()
    panel = page.locator("#provenance")
    token = page.locator("#pass-3 pre.code .t[data-p]").first
    token.click()
    assert panel.is_visible()
    assert panel.bounding_box()["height"] <= 800 * 0.35
    page.keyboard.press("Escape")
    assert panel.is_hidden() and page.locator("pre.code .t.current").count() == 0
    token.click()
    assert panel.is_visible()
    panel.locator("button.close").click()
    assert panel.is_hidden()
    context.close()


def test_a_page_too_large_for_provenance_filters(page: Any, tmp_path: Path, debian_tree: Path) -> None:
    """explain all sched.h (6.1): plain code, and the filter shows one
    event alone.  (Its load time is a target of make bench, not a test.)"""
    open_page(page, tmp_path, render(REPO, "all", "sched.h", "--kernel", str(debian_tree)))
    page.select_option("#filter", "sched_switch")
    shown = page.locator("article.invocation:visible")
    assert shown.count() == 11
    assert {shown.nth(i).get_attribute("data-name") for i in range(shown.count())} == {"sched_switch"}
    page.select_option("#filter", "")
    assert page.locator("article.invocation:visible").count() > 11 * 40
    assert page.problems == []


def test_provenance_marks_the_argument_and_links_the_definition(page: Any, tmp_path: Path) -> None:
    """A token made from the header marks its argument in the
    invocation's box, and its own text there; the panel says it was made
    by ## and through which macros; the macro's file:line opens the
    pass's list of #defines at that definition."""
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    page.goto(page.url + "#pass-3")
    page.locator("#pass-3 pre.code .t[data-p]", has_text="__data_loc_name").first.click()
    source = page.locator("#pass-3 ol.args li.source")
    assert source.count() == 1 and source.locator(".param").inner_text() == "tstruct"
    mark = source.locator("mark")
    assert mark.inner_text() == "name"
    # The argument's text around the mark is unchanged.
    assert "__string( name, name )" in source.locator("code").inner_text()
    panel = page.locator("#provenance").inner_text()
    assert "made by ## from __data_loc_ ## name" in panel
    assert "expanded through __string (" in panel and "\u2192 __dynamic_array (" in panel
    link = page.locator("#provenance a", has_text="stage1_struct_define.h:25").first
    link.click()
    shown = page.locator("#pass-3 details.changes li.shown")
    assert shown.is_visible() and "#define __dynamic_array(type, item, len)" in shown.inner_text()
    page.keyboard.press("Escape")
    assert page.locator("ol.args li.source").count() == 0
    assert page.locator("ol.args mark").count() == 0
    assert page.problems == []


def test_the_cycle_diagram_stays_readable_on_a_phone(browser: Any) -> None:
    """At 400 px the diagram keeps its size (its text was too small to
    read when shrunk to fit) and scrolls sideways in its figure."""
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    page.goto((REPO / "site" / "cycle.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    assert page.locator("svg.cycle").bounding_box()["width"] >= 600
    assert page.locator("figure").evaluate("e => e.scrollWidth > e.clientWidth")
    # It says so above the diagram, where the cut-off boxes would puzzle.
    hint = page.locator("figure .scroll-hint")
    assert hint.is_visible() and hint.bounding_box()["y"] < page.locator("svg.cycle").bounding_box()["y"]
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 800})
    page = wide.new_page()
    page.goto((REPO / "site" / "cycle.html").as_uri())
    assert not page.locator("figure .scroll-hint").is_visible()
    wide.close()


def test_the_language_switcher_goes_to_the_same_place_in_the_other_language(page: Any) -> None:
    """From pass 3 of the committed site's sample_work page to the same
    pass in Chinese, and back."""
    english = REPO / "site" / "sample" / "sample_work.html"
    page.goto(english.as_uri() + "#pass-3")
    page.locator("nav.langs a", has_text="中文").click()
    page.wait_for_url("**/zh/sample/sample_work.html#pass-3")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert "第 3 遍" in page.locator("#pass-3 h2").inner_text() or "遍 3" in page.locator("#pass-3 h2").inner_text()
    assert page.locator("nav.langs [aria-current=page]").inner_text() == "中文"
    page.locator("nav.langs a", has_text="English").click()
    page.wait_for_url(english.as_uri() + "#pass-3")
    assert page.evaluate("document.documentElement.lang") == "en"
    # Scrolled to a pass (no # in the URL): the pass on screen is the place kept.
    page.goto(english.as_uri())
    page.evaluate("document.getElementById('pass-6').scrollIntoView()")
    page.locator("nav.langs a", has_text="中文").click()
    page.wait_for_url("**/zh/sample/sample_work.html#pass-6")
    # A page without a place (the index) switches to its twin's top.
    page.goto((REPO / "site" / "index.html").as_uri())
    page.locator("nav.langs a", has_text="中文").click()
    page.wait_for_url("**/site/zh/index.html")
    assert page.problems == []


def test_a_folded_helper_opens_its_expansion_in_one_click(page: Any, tmp_path: Path) -> None:
    """The sample's pass 2 reads `.regfunc = NULL`; one click on NULL
    opens the whole code (closed until then) at ((void *)0), marked."""
    open_page(page, tmp_path, render(REPO, "TRACE_EVENT", "sample.h"))
    whole = page.locator("#pass-2 details.unfolded").first
    assert not whole.evaluate("e => e.open")
    fold = page.locator("#pass-2 pre.code a.fold", has_text="NULL").first
    assert fold.is_visible()
    fold.click()
    assert whole.evaluate("e => e.open")
    shown = page.locator("#pass-2 details.unfolded .line.shown")
    assert shown.count() >= 1 and "((void *)0)" in shown.first.inner_text()
    assert shown.first.is_visible()
    # The keyboard reaches it too: a fold is a link.
    assert fold.evaluate("e => e.tagName") == "A"
    assert page.problems == []



def test_a_fold_on_a_sites_header_page_opens_the_whole_code_on_the_events_page(page: Any) -> None:
    """The committed site's header page shows sample_work's pass 1
    folded; a click on __DO_TRACE goes to sample_work's page, where the
    whole code opens at the line its expansion starts."""
    page.goto((REPO / "site" / "sample" / "index.html").as_uri() + "#pass-1")
    assert page.locator("#pass-1 details.unfolded").count() == 0
    page.locator("#pass-1 pre.code a.fold", has_text="__DO_TRACE").first.click()
    page.wait_for_url("**/sample/sample_work.html#pass-1-L*")
    line = page.locator(":target")
    assert line.evaluate("e => e.closest('details').open")
    assert line.is_visible() and "do {" in line.inner_text()
    assert page.problems == []

def test_sched_switch_pass_1_reads_folded(page: Any, tmp_path: Path, debian_tree: Path) -> None:
    """6.1's sched_switch: pass 1 shows __DO_TRACE(...) and
    raw_smp_processor_id() as called, under 80 lines (gcc writes 595);
    one click shows an expansion in the whole code."""
    open_page(page, tmp_path, render(REPO, "sched_switch", "sched.h", "--kernel", str(debian_tree)))
    folded = page.locator("#pass-1 pre.code").first
    assert folded.locator(".line").count() < 80
    assert page.locator("#pass-1 details.unfolded pre.code .line").count() > 500
    call = folded.locator("a.fold", has_text="__DO_TRACE").first
    assert call.get_attribute("tabindex") is None  # a call's first piece takes the keyboard
    call.click()
    shown = page.locator("#pass-1 details.unfolded .line.shown")
    assert shown.count() > 50
    assert "pscr_ret__" in " ".join(shown.all_inner_texts())
    assert page.problems == []


def test_a_line_is_followed_through_every_pass(page: Any, tmp_path: Path) -> None:
    """Pick __field(int, id) in the invocation's line list: each pass marks
    the tokens made of it and the panel says what each pass made, the
    same as explain follow (test_follow checks that against gcc)."""
    open_page(page, tmp_path, render(REPO, "sample_work", "sample.h"))
    line = line_of(SAMPLE, "__field(\tint,\tid")
    # An event's page lists its invocation's lines in the overview: one click away.
    here = page.locator("#follow-here ol.lines button")
    assert page.locator("#follow-here").is_visible() and here.first.get_attribute("data-line") == "57"
    page.locator("#pass-3 button.follow-line").first.click()  # or from any pass's invocation
    listed = page.locator("#follow ol.lines button")
    assert listed.all_inner_texts() == here.all_inner_texts()
    page.locator(f'#follow button[data-line="{line}"]').click()
    rows = page.locator("#follow ol.passes > li").all_inner_texts()
    assert len(rows) == 11
    said = page.eval_on_selector_all("#follow ol.passes > li", "ls => ls.map(l => l.lastChild.textContent)")
    made = {k + 1: text for k, text in enumerate(said)}
    assert made[3] == "int id ;" and made[1] == made[4] == made[8] == "nothing"
    assert lexer.spellings(made[6])[:9] == ["{", ".", "type", "=", '"int"', ",", ".", "name", "="]
    assert rows[2].startswith("Pass 3 · Stage 1: the record layout: ")
    # The tokens are marked in the code of passes 3 and 6 only.
    marked = page.eval_on_selector_all(".t.followed", "ts => ts.map(t => t.closest('section').id)")
    assert set(marked) == {"pass-3", "pass-6"}
    assert page.eval_on_selector_all("#pass-3 .t.followed", "ts => ts.map(t => t.textContent)")[:3] == ["int", "id", ";"]
    page.locator("#follow button.close").click()
    assert page.locator(".t.followed").count() == 0
    assert page.problems == []


def test_the_toys_page(page: Any, tmp_path: Path) -> None:
    """Two passes, COLOR's two meanings side by side, and each token's
    origin: the same engine as for a trace header."""
    open_page(page, tmp_path, render(TOY_DIR, "COLOR", "colors.h"))
    assert page.locator("section[data-pass]").count() == 2
    cells = page.locator("#matrix tbody tr").first.locator("td").all_inner_texts()
    assert cells[0].startswith("#define COLOR(name, rgb) COLOR_##name,") and "colors.h:10" in cells[0]
    assert cells[1].startswith("#define COLOR(name, rgb) [COLOR_##name] = { #name, rgb },") and "colors.h:14" in cells[1]
    page.locator("#pass-2 .t[data-p]", has_text='"red"').first.click()
    panel = page.locator("#provenance .body").inner_text()
    assert "made by # from the argument's text" in panel and "COLOR" in panel
    assert page.problems == []


def _decoded(page: Any, field: str, value: str) -> list[str]:
    page.fill(f"#decode-{field}", value)
    return page.eval_on_selector_all(f"output[data-field='{field}'] .decoded", "els => els.map(e => e.textContent)")


def test_the_event_pages_decoder_walks_the_tables(page: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import explain_in

    status, html, _ = explain_in(capsys, SAMPLE.parent, "sample_work", "--format", "html")
    assert status == 0
    open_page(page, tmp_path, html)
    assert _decoded(page, "flags", "0x15") == ["0x15 = READ (0x1) | URGENT (0x4) | leftover 0x10",
                                               "prints READ|URGENT|0x10"]
    assert _decoded(page, "flags", "21") == ["0x15 = READ (0x1) | URGENT (0x4) | leftover 0x10",
                                             "prints READ|URGENT|0x10"]
    assert _decoded(page, "flags", "blue") == []
    assert "not a number" in page.text_content("output[data-field='flags']")
    # the same as explain decode says in the terminal
    _, out, _ = explain_in(capsys, SAMPLE.parent, "decode", "sample_work", "flags=0x15")
    assert "0x15 = READ (0x1) | URGENT (0x4) | leftover 0x10" in " ".join(out.split())
    status, html, _ = explain_in(capsys, SAMPLE.parent, "sample_mode_enter", "--format", "html")
    open_page(page, tmp_path, html)
    assert _decoded(page, "mode", "1")[-1] == "prints busy"
    assert _decoded(page, "mode", "0x9")[-1] == "prints 0x9"
    assert page.problems == []


def test_a_masked_table_with_its_otherwise(page: Any, tmp_path: Path, debian_tree: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import explain_in

    status, html, err = explain_in(capsys, Path.cwd(), "sched_switch", "sched.h", "--kernel", str(debian_tree),
                                   "--format", "html")
    assert status == 0, err
    open_page(page, tmp_path, html)
    assert _decoded(page, "prev_state", "0x102")[-1] == "prints D"
    assert _decoded(page, "prev_state", "0x100") == ["(the value & 0xff: 0x0)", '0: prints "R" instead']
    assert page.problems == []
