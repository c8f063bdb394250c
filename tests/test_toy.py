"""The toy (issue 19): a ten-line list read twice, the trick of
TRACE_EVENT at two passes, explained by the same engine, gcc-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.cpp.recorder import Recorder
from explainer.kernel.translation_unit import setup

from conftest import TOY_DIR, explain_in, gcc_pass_tokens, pass_tokens, requires_gcc
from htmlcheck import Page

pytestmark = requires_gcc


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = explain_in(capsys, TOY_DIR, *argv)
    assert err == ""
    return code, out


def test_two_passes_identical_to_gcc() -> None:
    tu = setup("colors.h", [], [], TOY_DIR, None, None)
    ours = pass_tokens(Recorder(tu).run())
    assert len(ours) == 2 and ours == gcc_pass_tokens(tu)
    assert " ".join(ours[0]) == "enum color { COLOR_red , COLOR_green , COLOR_blue , } ;"
    assert " ".join(ours[1]).startswith("static const struct { const char * name ; unsigned int rgb ; } color_table [ ] = {"
                                        ' [ COLOR_red ] = { "red" , 0xff0000 } ,')


def test_each_read_is_a_pass_with_its_own_meaning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--format", "json", "all", "colors.h")
    data = json.loads(out)
    assert code == 0 and [p["stage"] for p in data["passes"]] == ["first_read", "read_again"]
    first, second = data["passes"]
    assert [i["name"] for i in first["invocations"]] == ["red", "green", "blue"]
    assert [i["code"].strip() for i in first["invocations"]] == ["COLOR_red,", "COLOR_green,", "COLOR_blue,"]
    assert second["invocations"][0]["code"].strip() == '[COLOR_red] = { "red", 0xff0000 },'
    assert second["included_from"] == {"file": "colors.h", "line": 28}
    # What the first read did before it read itself again: COLOR for the enum, #undef, the flag.
    assert [(c["kind"], c["name"], c["line"]) for c in second["changes"]] == [
        ("define", "COLOR", 10), ("undef", "COLOR", 23), ("define", "COLORS_READ_AGAIN", 27)]
    code, out = run(capsys, "COLOR", "colors.h")
    assert "redefined: #define COLOR(name, rgb) [COLOR_##name] = { #name, rgb }, (colors.h:14)" in " ".join(out.split())


def test_a_symbol_is_a_focus(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "green", "colors.h")
    assert code == 0 and "COLOR(green) at line 19 generates:" in out and "COLOR(red)" not in out


def test_a_line_followed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "follow", "colors.h:20", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [p["code"] for p in data["passes"]] == ["COLOR_blue,", '[COLOR_blue] = { "blue", 0x0000ff },']
    assert [p["meaning"]["line"] for p in data["passes"]] == [10, 14]


def test_the_page_says_what_the_toy_is(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "toy.html"
    code, _ = run(capsys, "COLOR", "colors.h", "--format", "html", "-o", str(target))
    page = target.read_text()
    assert code == 0 and "after its first read it redefines its macros and includes itself again" in Page(page).text
    assert 'id="timeline"' not in page  # no events, no timeline of them
    assert "Pass 2</span> &middot; Read again" in page
