"""explain follow HEADER:LINE (issue 19): one line of the header through
every pass.  Each pass's answer is code gcc made from that line (a run of
gcc's tokens for the pass), and its reason names the definition in
force or the argument the pass drops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer.cpp import lexer
from explainer.kernel.translation_unit import setup
from explainer.walkthrough.follow import GAP

from conftest import FOO_DIR, SAMPLE, explain_in, gcc_pass_tokens, requires_gcc

pytestmark = requires_gcc


def follow(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    return explain_in(capsys, cwd, 'follow', *argv)


def line_of(path: Path, text: str, after: str = "") -> int:
    lines = path.read_text().splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n for n, line in enumerate(lines[start:], start + 1) if text in line)


def inside(part: list[str], whole: list[str]) -> bool:
    """Whether *part* is a run of *whole*'s tokens."""
    n = len(part)
    return any(whole[i:i + n] == part for i in range(len(whole) - n + 1))


def as_data(capsys: pytest.CaptureFixture[str], cwd: Path, header: str, line: int,
            *more: str) -> dict[str, object]:
    code, out, err = follow(capsys, cwd, f"{header}:{line}", "--format", "json", *more)
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def check_against_gcc(data: dict[str, object], gcc: list[list[str]]) -> None:
    passes = data["passes"]
    assert isinstance(passes, list) and len(passes) == len(gcc)
    for p, theirs in zip(passes, gcc, strict=True):
        for piece in p["code"].split(f"\n{GAP}\n") if p["code"] else []:
            assert inside(lexer.spellings(piece), theirs), (p["index"], piece)


def test_a_field_line_of_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    line = line_of(SAMPLE, "__field(\tint,\tid")
    data = as_data(capsys, SAMPLE.parent, "sample.h", line)
    assert (data["invocation"], data["argument"], data["wrapper"]) == ("TRACE_EVENT(sample_work)", 3,
                                                                        "TP_STRUCT__entry")
    code = {p["index"]: p["code"] for p in data["passes"]}
    assert code[3] == "int id;"
    assert '.name = "id",' in code[6] and ".size = sizeof(int)," in code[6]
    assert all(code[i] == "" for i in (1, 2, 4, 5, 7, 8, 9, 10, 11))
    why = {p["index"]: p for p in data["passes"]}
    assert why[3]["meaning"]["body"] == "type item;"
    assert why[3]["meaning"]["file"].endswith("include/trace/stages/stage1_struct_define.h")
    assert why[4]["meaning"]["body"] == "" and not why[4]["dropped"]  # __field means nothing in stage 2
    assert why[1]["dropped"] and why[1]["outer"]["name"] == "TRACE_EVENT"  # pass 1 drops tstruct
    tu = setup("sample.h", [], [], SAMPLE.parent, None, None)
    check_against_gcc(data, gcc_pass_tokens(tu))


def test_a_printk_line_is_the_format_in_stages_3_and_7(capsys: pytest.CaptureFixture[str]) -> None:
    line = line_of(SAMPLE, 'TP_printk("name=%s')
    data = as_data(capsys, SAMPLE.parent, "sample.h", line)
    code = {p["stage"]: p["code"] for p in data["passes"]}
    assert code["stage3_trace_output"].startswith('"name=%s id=%d flags=%s pos=%d,%d" "\\n"')
    assert '"name=%s id=%d flags=%s pos=%d,%d"' in code["stage7_class_define"]
    assert code["declare"] == code["stage1_struct_define"] == ""


def test_the_text_says_each_pass_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    line = line_of(SAMPLE, "__field(\tint,\tid")
    code, out, _ = follow(capsys, SAMPLE.parent, f"sample.h:{line}")
    assert code == 0
    assert out.startswith(f"include/trace/events/sample.h:{line}, followed through its 11 passes\n")
    assert "  in TRACE_EVENT(sample_work) at line 57, argument 4 (TP_STRUCT__entry)\n" in out
    assert "Pass 3/11 · Stage 1: the record layout:\n    int id;\n  __field means: #define __field(type, item)" \
           " type item;" in out
    assert "Pass 4/11 · Stage 2: where the variable data goes: nothing\n  __field means nothing here:" in out
    assert ("Pass 1/11 · Declarations: nothing argument 4 (TP_STRUCT__entry), which holds this line, is"
            " dropped here: TRACE_EVENT (include/linux/tracepoint.h:") in " ".join(out.split())


def test_the_module_example(capsys: pytest.CaptureFixture[str]) -> None:
    line = line_of(FOO_DIR / "foo.h", "__assign_str(msg);")
    data = as_data(capsys, FOO_DIR, "foo.h", line)
    code = {p["stage"]: p["code"] for p in data["passes"]}
    assert data["wrapper"] == "TP_fast_assign"
    assert "memcpy(" in code["stage6_event_callback"] and code["stage1_struct_define"] == ""
    tu = setup("foo.h", [], [], FOO_DIR, None, None)
    check_against_gcc(data, gcc_pass_tokens(tu))


def test_a_line_of_a_real_header(capsys: pytest.CaptureFixture[str], debian_tree: Path, tmp_path: Path) -> None:
    """6.1's sched.h, the line of __field(pid_t, prev_pid) in sched_switch."""
    tu = setup("sched.h", [], [], tmp_path, str(debian_tree), None)
    line = line_of(tu.header_abspath, "prev_pid", after="TRACE_EVENT(sched_switch,")
    data = as_data(capsys, tmp_path, "sched.h", line, "--kernel", str(debian_tree))
    assert data["invocation"] == "TRACE_EVENT(sched_switch)" and data["header"] == "include/trace/events/sched.h"
    code = {p["index"]: p["code"] for p in data["passes"]}
    assert code[3] == "pid_t prev_pid;" and '.name = "prev_pid",' in code[6]
    check_against_gcc(data, gcc_pass_tokens(tu))


def test_a_line_outside_every_invocation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = follow(capsys, SAMPLE.parent, "sample.h:3")
    assert code == 0 and "line 3 makes no code in any pass" in out and "Pass " not in out


@pytest.mark.parametrize(("place", "said"), [
    ("sample.h", "sample.h: give the header and a line of it as HEADER:LINE, such as sample.h:66"),
    ("sample.h:0", "sample.h:0: give the header"),
    ("sample.h:x", "sample.h:x: give the header"),
    ("sample.h:99999", "sample.h:99999: include/trace/events/sample.h has "),
])
def test_a_bad_place_is_one_line(capsys: pytest.CaptureFixture[str], place: str, said: str) -> None:
    code, out, err = follow(capsys, SAMPLE.parent, place)
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("explain: " + said), err


def test_the_note_for_the_author_follows_the_trees_definition(capsys: pytest.CaptureFixture[str],
                                                              debian_tree: Path, tmp_path: Path) -> None:
    """__assign_str takes one argument since 6.10 (the model kernel), two
    before (6.1): the note says what this tree's definition takes."""
    line = line_of(SAMPLE, "__assign_str(name);")
    model = as_data(capsys, SAMPLE.parent, "sample.h", line)["note"]
    assert isinstance(model, str) and model.startswith("__assign_str(name) copies") and "6.10 and later" in model
    tu = setup("sched.h", [], [], tmp_path, str(debian_tree), None)
    line = line_of(tu.header_abspath, "__assign_str(filename,")
    old = as_data(capsys, tmp_path, "sched.h", line, "--kernel", str(debian_tree))["note"]
    assert isinstance(old, str) and old.startswith("__assign_str(name, src) copies src") and "before Linux 6.10" in old


def test_stretches_from_one_line_are_marked_apart(capsys: pytest.CaptureFixture[str]) -> None:
    """The TRACE_EVENT( line makes most of pass 1, around TP_PROTO's
    parameters (other lines): a GAP line stands where those are, and each
    stretch is a run of gcc's tokens."""
    line = line_of(SAMPLE, "TRACE_EVENT(sample_work,")
    data = as_data(capsys, SAMPLE.parent, "sample.h", line)
    first = data["passes"][0]["code"]
    assert f"\n{GAP}\n" in first and first.startswith("extern int __traceiter_sample_work(void *__data")
    tu = setup("sample.h", [], [], SAMPLE.parent, None, None)
    check_against_gcc(data, gcc_pass_tokens(tu))
