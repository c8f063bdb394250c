"""A header that stops the translation unit (issue 18): text, JSON and
the page still show every pass that worked, then the diagnosis at its
place; with -o the output is written whole; the exit status is 2; and
every path is shown as users read it, never climbing into the package."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import BROKEN_DIR, FOO_DIR, SAMPLE, explain_in, requires_gcc
from htmlcheck import Page

pytestmark = requires_gcc

OLDFOO = BROKEN_DIR / "oldfoo.h"
HEADLINE = 'oldfoo.h:31:3: error: macro "__assign_str" passed 2 arguments, but takes just 1'


def escaped(text: str) -> str:
    """*text* as jinja2 escapes it."""
    return html.escape(text).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")


def explain(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    return explain_in(capsys, cwd, *argv)


def test_the_example_is_wrong_where_the_diagnosis_says() -> None:
    """Line 31, column 3 of the bundled broken example is the call."""
    line = OLDFOO.read_text().splitlines()[30]
    assert line.index("__assign_str(msg, msg);") == 2  # after two tabs: column 3


def test_text_shows_the_passes_that_worked_then_the_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain(capsys, BROKEN_DIR, "TRACE_EVENT", "oldfoo.h")
    assert code == 2
    # Standard error: one line, at the call (gcc names line 19, where the expansion began).
    assert err == ('oldfoo.h:31: error: macro "__assign_str" passed 2 arguments, but takes just 1 (included from'
                   " include/trace/trace_events.h:277, include/trace/define_trace.h:102, oldfoo.h:50, <stdin>:3)\n")
    # "Pass 3", not "Pass 3/7": the header would have had more passes.
    headings = re.findall(r"^Pass (\d+)(/\d+)? ", out, re.M)
    assert headings == [(str(n), "") for n in range(1, 8)]
    assert out.startswith("oldfoo.h: in focus: TRACE_EVENT; passes that worked: 7, then what went wrong\n")
    block = out[out.index("What went wrong in pass 8 · Stage 6: the probe:\n"):]
    assert out.index("What went wrong") > out.index("Pass 7 · ")
    assert "  oldfoo.h:31:3: error: macro" in block
    assert "    31 |                 __assign_str(msg, msg);\n" in block
    assert "       |                 ^\n" in block
    assert "in pass 8 · Stage 6: the probe, TRACE_EVENT(foo_bar) at line 19" in block
    assert "fix: Since Linux 6.10 __assign_str() takes only the field" in " ".join(block.split())


def test_json_carries_the_diagnostics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = explain(capsys, BROKEN_DIR, "--format", "json", "TRACE_EVENT", "oldfoo.h")
    data = json.loads(out)
    assert code == 2 and data["schema"] == 2
    assert [p["index"] for p in data["passes"]] == list(range(1, 8)) and data["total_passes"] == 7
    [found] = data["diagnostics"]
    assert (found["kind"], found["file"], found["line"], found["column"]) == ("error", "oldfoo.h", 31, 3)
    assert (found["pass"], found["stage"], found["invocation"], found["invocation_line"]) == (
        8, "stage6_event_callback", "TRACE_EVENT(foo_bar)", 19)
    assert found["source"] == OLDFOO.read_text().splitlines()[30]
    assert found["fix"].startswith("Since Linux 6.10")
    # A header that works has none, and says so.
    _, out, _ = explain(capsys, FOO_DIR, "--format", "json", "TRACE_EVENT", "foo.h")
    assert json.loads(out)["diagnostics"] == []


def test_the_page_is_written_whole_and_marked_as_a_diagnosis(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    code, out, err = explain(capsys, BROKEN_DIR, "TRACE_EVENT", "oldfoo.h", "--format", "html", "-o", str(target))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    text = target.read_text()
    page = Page(text)
    assert "<title>Diagnosis: oldfoo.h: TRACE_EVENT &middot; explainer</title>" in text
    assert [f"pass-{n}" for n in range(1, 8)] == [i for i in page.ids if re.fullmatch(r"pass-\d+", i)]
    assert "stopped" in page.ids and "pass-8" not in page.ids
    missing = [h for h in page.hrefs if h.startswith("#") and h[1:] not in page.ids]
    assert missing == []
    # The banner on top links to the diagnosis; pass 7's "next" goes there.
    banner = text[text.index('<div class="diagnosis-banner" role="alert">'):]
    assert banner.index(escaped(HEADLINE)) < banner.index('href="#stopped"') < banner.index("</div>")
    section = text[text.index('<section id="pass-7"'):text.index('<section id="stopped"')]
    assert '<a rel="next" href="#stopped"' in section
    stopped = text[text.index('<section id="stopped"'):]
    stopped = stopped[:stopped.index("</section>")]
    assert "What went wrong in pass 8 · Stage 6: the probe</h2>" in stopped
    assert f"<h3><samp>{escaped(HEADLINE)}</samp></h3>" in stopped
    source = OLDFOO.read_text().splitlines()[30].expandtabs(8)
    assert f'<span class="lineno">31</span> {escaped(source)}</span>' in stopped
    caret = re.search(r'<span class="caret">( *)\^</span>', stopped)
    assert caret is not None and source[len(caret.group(1)):].startswith("__assign_str")


def test_a_pass_after_the_stop_shows_the_diagnosis_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain(capsys, BROKEN_DIR, "TRACE_EVENT", "oldfoo.h", "--pass", "9")
    assert code == 2 and err.count("\n") == 1
    assert "Pass " not in out and "What went wrong in pass 8" in out


def test_paths_are_shown_as_users_read_them(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A module's header next to the user, the bundled kernel elsewhere:
    text, page and errors name the kernel's files from its folder, never
    with ../ climbing into the package, and never with ./ or a/../."""
    text = SAMPLE.read_text()
    at = text.rindex("#include <trace/define_trace.h>")
    # The include path spelled the long way, as some modules do.
    (tmp_path / "mine.h").write_text(text[:at] + "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH ./.\n"
                                     "#define TRACE_INCLUDE_FILE mine\n" + text[at:])
    code, out, _ = explain(capsys, tmp_path, "all", "mine.h", "--pass", "3")
    assert code == 0
    shown = out[: out.index("The same translation unit")]  # the gcc command climbs, as it must
    assert "read by include/trace/trace_events.h:" in shown
    assert "include/trace/define_trace.h:" in shown and "< mine.h:" in shown
    assert "../" not in shown and "./" not in shown.replace("../", "")
    target = tmp_path / "page.html"
    code, _, _ = explain(capsys, tmp_path, "all", "mine.h", "--format", "html", "-o", str(target))
    page = target.read_text()
    visible = page[: page.index('<section id="reproduce"')]
    assert code == 0 and "../" not in visible and "././" not in visible
    data = json.loads(Page(page).scripts[0])
    assert data["places"] and all(not where.startswith(("../", "./")) for where in data["places"])


def test_the_diagnosis_names_the_argument_that_holds_the_call(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = explain(capsys, BROKEN_DIR, "--format", "json", "TRACE_EVENT", "oldfoo.h")
    [found] = json.loads(out)["diagnostics"]
    assert (found["argument"], found["wrapper"]) == (4, "TP_fast_assign")


def test_a_line_of_a_header_that_stops_is_followed_through_the_passes_that_worked(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = explain(capsys, BROKEN_DIR, "follow", "oldfoo.h:31")
    assert code == 2 and err.startswith("oldfoo.h:31: error:") and err.count("\n") == 1
    assert out.startswith("oldfoo.h:31, followed through the 7 passes that worked\n")
    assert "  in TRACE_EVENT(foo_bar) at line 19, argument 5 (TP_fast_assign)\n" in out
    assert out.count(": nothing\n") == 7  # TP_fast_assign reaches no pass before the probe's
    assert out.index("What went wrong in pass 8 · Stage 6: the probe:") > out.index("Pass 7 · ")
    code, out, _ = explain(capsys, BROKEN_DIR, "follow", "oldfoo.h:31", "--format", "json")
    data = json.loads(out)
    assert code == 2 and len(data["passes"]) == 7 and data["diagnostics"][0]["line"] == 31
