"""explain slides: a deck made of the page's view-model, in each
language, and what only a browser shows (keys, the counter, the
presenter's window in step, a slide a printed page)."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from test_lang import _Prose

from explainer.render import deck, view

from conftest import BROKEN_DIR, REPO, explain_in, requires_gcc
from htmlcheck import Page

pytestmark = requires_gcc
SAMPLE_PASSES = 11


@pytest.fixture(scope="module")
def sample_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("deck") / "deck.html"
    from explainer import cli

    assert cli.main(["slides", "-o", str(out)]) == 0
    return out


def test_a_deck_has_two_slides_a_pass_around_the_class(sample_deck: Path) -> None:
    html = sample_deck.read_text("utf-8")
    kinds = re.findall(r'<section class="slide kind-(\w+)"', html)
    assert kinds == ["title", "why", "toy", "cycle", *["pass", "code"] * SAMPLE_PASSES, "userspace", "end"]
    # Every slide has notes for the presenter, and the counter's words.
    assert html.count('<aside class="notes"') == len(kinds)
    assert 'data-format="{index} / {total}"' in html
    titles = re.findall(r"<h2>(Pass \d+ of 11 · [^<]+)</h2>", html)
    assert [t.split(" · ")[0] for t in titles] == [f"Pass {n} of 11" for n in range(1, 12)]


def test_the_code_on_a_slide_is_the_pages(capsys: pytest.CaptureFixture[str]) -> None:
    """Each code slide shows the first lines of the code the page shows
    first (gcc-exact: tests/test_recorder.py), token for token."""
    from explainer import cli, slides
    from explainer.record import record

    args = cli.VERBS["slides"]().parse_args(["sample_work", "sample.h"])
    whole, _, problem = record(args, REPO, html=True, folds=True)
    assert problem is None
    made = deck.build(whole, "en", slides.toy())
    page = view.page(whole, "", "en")
    codes = [s for s in made.slides if s.kind == "code"]
    assert len(codes) == len(page.passes) == SAMPLE_PASSES
    for slide, p in zip(codes, page.passes, strict=True):
        first = p.invocations[0]
        if first.empty:
            assert slide.code == () and slide.lead
            continue
        shown = unescape(re.sub(r"<[^>]+>", "", str(slide.code[0].html)))
        whole_text = (first.folded or first.code).text.rstrip("\n")
        assert whole_text.startswith(shown) and shown
        kept = shown.count("\n") + 1
        assert slide.code[0].more == whole_text.count("\n") + 1 - kept
        assert kept == min(deck.CODE_LINES, whole_text.count("\n") + 1)


def test_the_toy_slide_shows_both_reads_of_the_list(sample_deck: Path) -> None:
    html = sample_deck.read_text("utf-8")
    toy = html[html.index('kind-toy"'):html.index('kind-cycle"')]
    text = unescape(re.sub(r"<[^>]+>", "", toy))
    assert "COLOR(red,   0xff0000)" in text
    assert "COLOR_red," in text and "COLOR_blue," in text
    assert '[COLOR_green] = { "green", 0x00ff00 },' in text


def test_a_chinese_deck_has_no_english_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deck.html"
    code, _, err = explain_in(capsys, REPO, "--lang", "zh", "slides", "sample_work", "sample.h", "-o", str(out))
    assert code == 0, err
    html = out.read_text("utf-8")
    assert '<html lang="zh-CN">' in html and "第 3 遍（共 11 遍）" in html
    assert _Prose(html).sentences == []


def test_bad_input_is_one_line_and_no_deck(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "deck.html"
    code, stdout, err = explain_in(capsys, BROKEN_DIR, "slides", "TRACE_EVENT", "oldfoo.h", "-o", str(out))
    assert code == 2 and stdout == "" and not out.exists()
    assert err.count("\n") == 1 and 'macro "__assign_str" passed 2 arguments' in err
    code, _, err = explain_in(capsys, REPO, "slides", "no_such_event", "sample.h", "-o", str(out))
    assert code == 2 and err.startswith("explain: ") and err.count("\n") == 1 and not out.exists()


def test_a_deck_links_nothing_outside_itself(sample_deck: Path) -> None:
    page = Page(sample_deck.read_text("utf-8"))
    assert all(href.startswith("#") for href in page.hrefs), page.hrefs[:5]
    assert set(href[1:] for href in page.hrefs) <= set(page.ids)


# -- in a browser ------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium; .ci/run does)")


def counter(page: Any) -> str:
    return str(page.locator(".deckbar .counter").inner_text())


@browser_only
def test_keys_move_through_the_deck_and_the_counter_says_where(page: Any, sample_deck: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(sample_deck.as_uri())
    assert counter(page) == "1 / 28" and page.locator("section.slide:visible").count() == 1
    for key, expected in (("ArrowRight", "2 / 28"), ("Space", "3 / 28"), ("PageDown", "4 / 28"),
                          ("ArrowLeft", "3 / 28"), ("End", "28 / 28"), ("Home", "1 / 28")):
        page.keyboard.press(key)
        assert counter(page) == expected, key
    page.keyboard.type("17")
    page.keyboard.press("Enter")
    assert counter(page) == "17 / 28" and page.url.endswith("#17")
    assert page.locator("#slide-17").is_visible()
    page.reload()  # the place is in the URL
    assert counter(page) == "17 / 28"
    assert page.problems == []


@browser_only
def test_the_presenter_view_keeps_in_step(page: Any, sample_deck: Path) -> None:
    page.goto(sample_deck.as_uri() + "#5")
    with page.context.expect_page() as opened:
        page.keyboard.press("p")
    presenter = opened.value
    presenter.wait_for_load_state()
    bar = presenter.locator(".presenter-bar .counter")
    assert bar.inner_text() == "5 / 28"
    notes = presenter.locator(".presenter-notes .text").inner_text()
    assert "linux/tracepoint.h" in notes  # pass 1's why
    assert "Pass 1:" in presenter.locator(".presenter-next .pane").inner_text()
    page.keyboard.press("ArrowRight")
    presenter.wait_for_function("() => document.querySelector('.presenter-bar .counter').textContent === '6 / 28'")
    presenter.keyboard.press("End")
    page.wait_for_function("() => document.querySelector('.deckbar .counter').textContent === '28 / 28'")
    assert presenter.locator(".presenter-next .pane").inner_text() == ""
    assert page.problems == []


@browser_only
def test_printing_gives_a_slide_a_page(page: Any, sample_deck: Path) -> None:
    page.goto(sample_deck.as_uri())
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 28
