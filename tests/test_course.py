"""The way in for a newcomer (issue 19): the why before the machinery,
and a path through the site, cycle -> toy -> a whole trace header -> one
event, each page with its previous and next; explain --intro says the
same in the terminal, and every command it gives works."""

from __future__ import annotations

import html
import os
import posixpath
import re
import shlex
from pathlib import Path

import pytest

from explainer import cli, prose
from explainer.render import to_html

from conftest import REPO, requires_gcc
from htmlcheck import Page

SITE = REPO / "site"  # the committed build of the bundled headers (test_site checks it is current)
COURSE = ["cycle.html", "colors/index.html", "sample/index.html", "sample/sample_work.html"]


def start_here() -> list[str]:
    index = (SITE / "index.html").read_text()
    section = index[index.index('<section id="start"'):]
    return re.findall(r'<li><a href="([^"]+)">', section[:section.index("</section>")])


def test_the_index_says_why_before_anything(tmp_path: Path) -> None:
    index = (SITE / "index.html").read_text()
    why = prose.load()["why"]
    assert index.index(why["title"]) < index.index('<section id="start"') < index.index("<h2>Headers</h2>")
    said = html.unescape(re.sub(r"<[^>]+>", "", index))  # the words as read, their glossary links aside
    for paragraph in why["paragraphs"]:
        assert paragraph in said


def test_start_here_is_the_course_in_order() -> None:
    assert start_here() == COURSE
    for page in COURSE:
        assert (SITE / page).is_file(), page


@pytest.mark.parametrize("at", range(len(COURSE)))
def test_each_course_page_links_to_its_neighbours(at: int) -> None:
    page = COURSE[at]
    text = (SITE / page).read_text()
    nav = re.search(r'<nav class="course"[^>]*>(.*?)</nav>', text)
    assert nav is not None, page
    assert f"step {at + 1} of {len(COURSE)}" in nav.group(1)
    links = dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)"', nav.group(1)))
    here = posixpath.dirname(page) or "."
    expected = {}
    if at > 0:
        expected["prev"] = COURSE[at - 1]
    if at + 1 < len(COURSE):
        expected["next"] = COURSE[at + 1]
    assert {rel: posixpath.normpath(posixpath.join(here, href)) for rel, href in links.items()} == expected
    assert "<!-- course -->" not in text


def test_pages_out_of_the_course_have_no_course_links() -> None:
    text = (SITE / "sample" / "sample_tick.html").read_text()
    assert '<nav class="course"' not in text
    assert 'href="../cycle.html"' in text  # every page links back to the cycle


def test_a_trace_header_page_keeps_the_why_at_hand() -> None:
    page = Page((SITE / "sample" / "index.html").read_text())
    assert any(t == "details" and a.get("class") == "why" for t, a in page.tags)
    toy = (SITE / "colors" / "index.html").read_text()
    assert 'class="why"' not in toy and "includes itself again" in Page(toy).text


@requires_gcc
def test_intro_gives_commands_that_work(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--intro"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(prose.load()["why"]["title"] + "\n")
    commands = [command for command, _ in prose.load()["why"]["steps"]]
    for command in commands:
        assert f"  {command} " in out
    # Run each, from a folder of the user's that holds nothing.
    os.chdir(tmp_path)
    try:
        for command in commands:
            argv = shlex.split(command)
            assert argv[0] == "explain"
            if argv[1:2] == ["site"]:
                argv[-1] = str(tmp_path / "site")
            assert cli.main(argv[1:]) == 0, command
            capsys.readouterr()
    finally:
        os.chdir(REPO)


def test_the_glossary_is_on_every_page_and_its_words_are_linked() -> None:
    terms = prose.load()["glossary"]["terms"]
    for name in ("index.html", "cycle.html", "sample/index.html", "sample/sample_work.html", "colors/index.html"):
        text = (SITE / name).read_text()
        page = Page(text)
        assert [f"term-{t['id']}" for t in terms] == [i for i in page.ids if i.startswith("term-")], name
        assert [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids] == [], name
    sample = (SITE / "sample" / "sample_work.html").read_text()
    linked = set(re.findall(r'<a class="term" href="#term-([a-z-]+)">', sample))
    # The words the pass notes use are linked there; a word is linked once per sentence at most.
    assert {"translation-unit", "pass", "field", "event", "class", "probe", "tracepoint", "ring-buffer"} <= linked
    first = re.search(r'<p>One <a class="term" href="#term-translation-unit">translation unit</a> reads', sample)
    assert first is not None
    # Never inside a path: stages/stage1_struct_define.h is not a stage.
    assert 'href="#term-stage">stages</a>/' not in sample


def test_intro_ends_with_the_words(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--intro"])
    out = capsys.readouterr().out
    glossary = prose.load()["glossary"]
    tail = out[out.index(glossary["title"] + ":"):]
    for t in glossary["terms"]:
        assert f"  {t['term']}: " in tail


def test_the_cycles_boxes_open_the_worked_example_at_their_pass() -> None:
    cycle = (SITE / "cycle.html").read_text()
    boxes = re.findall(r'<a href="([^"]+)"><rect class="header"', cycle)
    assert boxes == [f"sample/sample_work.html#pass-{n}" for n in range(1, 12)]
    example = Page((SITE / "sample" / "sample_work.html").read_text())
    assert all(f"pass-{n}" in example.ids for n in range(1, 12))


def test_a_note_is_linked_before_its_names_are_filled_in() -> None:
    glossary = prose.load()["glossary"]
    note = "Each {event} writes a record to the ring buffer of {system}: <{event}> & more."
    filled = to_html.terms_filled(note, glossary, (("event", "probe"), ("system", "tracepoint")))
    # The same words linked as in the note filled in first; the names never.
    assert str(filled) == ('Each probe writes <a class="term" href="#term-record">a record</a> to the '
                           '<a class="term" href="#term-ring-buffer">ring buffer</a> of tracepoint:'
                           ' &lt;probe&gt; &amp; more.')
    plain = to_html.terms(note.format(event="sched_switch", system="sched"), glossary)
    assert to_html.terms_filled(note, glossary, (("event", "sched_switch"), ("system", "sched"))) == plain
