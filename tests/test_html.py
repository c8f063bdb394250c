"""The walkthrough page: structure, safety, golden output."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from conftest import BROKEN_DIR, FOO_DIR, REPO, requires_gcc, run_cli
from htmlcheck import Page

GOLDEN = Path(__file__).parent / "golden"


def render(cwd: Path, *argv: str, status: int = 0) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "page.html"
        run_cli(cwd, [*argv, "--format", "html"], out, status)
        return out.read_text()


@cache
def sample_all() -> str:
    return render(REPO, "all", "sample.h")


def test_every_fragment_link_resolves_and_ids_are_unique() -> None:
    page = Page(sample_all())
    assert len(page.ids) == len(set(page.ids))
    missing = [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids]
    assert missing == []


def test_every_pass_has_its_section_and_line_anchors() -> None:
    page = Page(sample_all())
    for n in range(1, 12):
        assert f"pass-{n}" in page.ids
        assert f"pass-{n}-L1" in page.ids
    assert {"overview", "matrix", "timeline", "help"} <= set(page.ids)


def test_page_is_self_contained() -> None:
    page = Page(sample_all())
    external = [h for h in page.hrefs if not h.startswith("#")]
    assert external == []
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(csp) == 1 and "default-src 'none'" in str(csp[0])
    assert "http" not in str(csp[0])
    assert page.count("link") == 0 and page.count("img") == 0


def test_shortcuts_are_declared_in_markup_and_listed_in_help() -> None:
    text = sample_all()
    page = Page(text)
    keys = {a["data-shortcut"] for _, a in page.tags if a.get("data-shortcut")}
    assert keys == {"j", "k", "o", "m", "s", "?"}
    help_section = text[text.index('id="help"') :]
    for key in keys:
        assert f"<kbd>{key}</kbd>" in help_section


def test_provenance_and_steps_are_on_the_page() -> None:
    page = Page(sample_all())
    data = json.loads(page.scripts[0])
    assert data["provenance"] and data["invocations"]
    macros = {entry[0] for entry in data["provenance"]}
    assert {"DECLARE_EVENT_CLASS", "__field", "TP_printk"} <= macros
    tokens = [a for t, a in page.tags if t == "span" and a.get("data-p") is not None]
    assert len(tokens) > 1000
    assert all(0 <= int(str(a["data-p"])) < len(data["provenance"]) for a in tokens)
    # Each origin's place, and each chain's, is one of the page's places, written once.
    places = data["places"]
    assert len(places) == len(set(places))
    assert all(entry[1] is None or 0 <= entry[1] < len(places) for entry in data["provenance"])
    assert all(0 <= place < len(places) for chain in data["chains"] for _, place in chain)
    assert any(p.startswith("include/trace/stages/stage1_struct_define.h:") for p in places)
    assert page.count("details") >= 11 * 2


def test_the_data_block_is_compact_json_that_cannot_close_its_script() -> None:
    """Compact, keys sorted, UTF-8 as it is; <, >, & and ' escaped as
    jinja2's tojson does, so no text in it closes the script; a byte of a
    header that is not UTF-8 comes back as its escape (orjson refuses it,
    and json writes the same bytes)."""
    from explainer.render import to_html

    value = {"places": ["a\udcffb.h:3", "中文"], "x": [1, None, "</script> & 'q'"]}
    text = to_html._json(value)
    assert text == ('{"places":["a\\udcffb.h:3","中文"],'
                    '"x":[1,null,"\\u003c/script\\u003e \\u0026 \\u0027q\\u0027"]}')
    assert json.loads(text) == value
    assert "</" not in sample_all().split('id="explainer-data">')[1].split("</script>")[0]


def test_arguments_used_by_a_pass_are_marked() -> None:
    text = render(REPO, "sample_work", "sample.h", "--pass", "3")
    page = Page(text)
    classes = [a.get("class") for t, a in page.tags if t == "li" and a.get("class") in ("used", "unused")]
    # Stage 1 uses the event's name and its TP_STRUCT__entry only.
    assert classes == ["used", "unused", "unused", "used", "unused", "unused"]
    assert [i for i in page.ids if i.startswith("pass-") and i.count("-") == 1] == ["pass-3"]


HOSTILE = """#undef TRACE_SYSTEM
#define TRACE_SYSTEM evil
/* </script><img src=x onerror=alert(1)> */
#define EVIL_NOTE "</script><img src=x onerror=alert(3)>"
#include <linux/tracepoint.h>
TRACE_EVENT(evil,
	TP_PROTO(const char *s),
	TP_ARGS(s),
	TP_STRUCT__entry(__field(int, x)),
	TP_fast_assign(__entry->x = sizeof(EVIL_NOTE);),
	TP_printk("</script><img src=x onerror=alert(1)> %d <b>", __entry->x)
);
const char *banner = "</script><script>alert(2)</script>";
#define TRACE_INCLUDE_PATH .
#include <trace/define_trace.h>
"""


@requires_gcc
def test_hostile_header_renders_inert(tmp_path: Path) -> None:
    (tmp_path / "evil.h").write_text(HOSTILE)
    text = render(tmp_path, "all", "evil.h")
    page = Page(text)
    assert page.count("img") == 0 and page.count("b") == 0
    assert page.count("script") == 2  # our data block and our script, nothing else
    assert "onerror=alert" in text.replace("&lt;", "<")  # shown, as text
    # In a list of changes (the code used the macro), as text.
    assert ('<li class="relevant" data-where="evil.h:4"><code>#define EVIL_NOTE &#34;&lt;/script&gt;&lt;img src=x'
            ' onerror=alert(3)&gt;&#34;</code>') in text
    assert "<img" not in text and "</script><script>" not in text
    json.loads(page.scripts[0])


@requires_gcc
@pytest.mark.parametrize(("cwd", "argv", "golden", "status"), [
    pytest.param(FOO_DIR, ["TRACE_EVENT", "foo.h"], "foo-TRACE_EVENT.html", 0, id="foo"),
    # Stopped in pass 8: passes 1-7, then the diagnosis.
    pytest.param(BROKEN_DIR, ["TRACE_EVENT", "oldfoo.h"], "oldfoo-TRACE_EVENT.html", 2, id="oldfoo"),
    # The bundled sample in Chinese (tests/test_lang.py checks it has no English sentence).
    pytest.param(REPO, ["--lang", "zh", "TRACE_EVENT", "sample.h"], "sample-TRACE_EVENT.zh.html", 0, id="sample-zh"),
])
def test_html_matches_golden(cwd: Path, argv: list[str], golden: str, status: int, update_goldens: bool) -> None:
    actual = render(cwd, *argv, status=status)
    path = GOLDEN / golden
    if update_goldens:
        path.write_text(actual)
        return
    assert path.exists(), f"no golden file {golden}: run make golden"
    assert actual == path.read_text(), f"{golden} differs; run make golden and review the diff"


def test_changes_list_the_machinery_and_count_the_rest() -> None:
    """A pass lists the #defines of the tracing machinery, the header and
    the translation unit, and those its code uses; others are counted."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.render import view
    from explainer.walkthrough import assemble

    tu = setup("headers/include/trace/events/sample.h", [], [], REPO, None, None)
    page = view.page(assemble.build(Recorder(tu).run(), "all"), "")
    first, second = page.passes[0], page.passes[1]
    wheres = [c.where for c in first.changes]
    assert any(w.startswith("<stdin>:") for w in wheres)  # CREATE_TRACE_POINTS
    assert not any(w.startswith("include/linux/kconfig.h:") for w in wheres)
    assert any(c.where.startswith("include/linux/tracepoint.h:") for c in second.changes)
    for p in (first, second):
        assert p.unlisted_count > 0
        assert len(p.changes) + p.unlisted_count == p.changes_count


@requires_gcc
def test_the_notes_say_what_each_macro_means_and_where_it_is_at_work() -> None:
    """Each note's passes are those whose code the macro's argument reaches
    with a definition that makes something: checked against the page's
    own passes and the meanings in force there."""
    text = render(REPO, "sample_work", "sample.h")
    section = text[text.index('<details class="notes" id="notes">'):]
    section = section[:section.index("</details>")]
    found = dict(re.findall(r'<dt><code>([^<]+)</code></dt><dd>.*?<span class="ends-up"> ?\(([^)]*)\)</span>', section))
    assert list(found)[:4] == ["TRACE_EVENT", "TP_PROTO", "TP_ARGS", "TP_STRUCT__entry"]
    assert found["__field"] == "at work in passes 3, 6"  # a struct member, then a row of the field table
    assert found["TP_fast_assign"] == "at work in passes 8, 10"  # the probe, and perf's
    assert found["TP_printk"] == "at work in passes 5, 9"  # the printer, and print fmt
    assert found["__get_str"] == "at work in pass 5"


def test_a_page_in_each_language_in_turn_is_the_page_made_alone() -> None:
    """A site renders a page in one language, then the next, from what
    they share (view._Core: the code, its HTML, the tables): each is the
    page made on its own, and nothing of one language stays in the other."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.render import to_html, view
    from explainer.walkthrough import assemble

    tu = setup("sample.h", [], [], REPO)
    recording = Recorder(tu, assemble.trace_filter("all")).run()
    focused = assemble.build(recording, "sample_work", assemble.lay_out(recording))
    pages = {"sample_work": "sample_work.html"}

    def alone(lang: str) -> str:
        view.forget()
        return to_html.render(focused, lang, home="../index.html", pages=pages)

    english, chinese = alone("en"), alone("zh")
    assert 'class="fold"' in english and english != chinese
    view.forget()
    in_turn = [to_html.render(focused, lang, home="../index.html", pages=pages) for lang in ("en", "zh", "en")]
    assert in_turn == [english, chinese, english]
