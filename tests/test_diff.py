"""explain diff: one event in two kernels, or in two versions of a header."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import FOO_DIR, explain_in, requires_gcc

pytestmark = requires_gcc


def as_data(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> dict[str, Any]:
    code, out, err = explain_in(capsys, cwd, "diff", *argv, "--format", "json")
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def edited_foo(tmp_path: Path) -> Path:
    """The bundled module header before (old/foo.h) and after an edit
    (foo.h): a field made wider."""
    (tmp_path / "old").mkdir()
    shutil.copy(FOO_DIR / "foo.h", tmp_path / "old" / "foo.h")
    text = (FOO_DIR / "foo.h").read_text()
    field = "__field(\tint,\tcount\t)"
    assert text.count(field) == 1
    (tmp_path / "foo.h").write_text(text.replace(field, "__field(\tlong,\tcount\t)"))
    return tmp_path


def test_an_edit_of_a_module_header(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = edited_foo(tmp_path)
    data = as_data(capsys, folder, "foo_bar", "old/foo.h", "foo.h")
    assert data["schema"] == "explainer-diff/1"
    assert data["old"]["has_event"] and data["new"]["has_event"]
    changed = {a["label"]: a for a in data["definition"]["changed"]}
    assert list(changed) == ["TP_STRUCT__entry"]
    ops = changed["TP_STRUCT__entry"]["ops"]
    assert [(o["old"].strip(), o["new"].strip()) for o in ops if o["op"] != "equal"] == [("int", "long")]
    assert data["machinery"] == []  # one kernel: the same machinery
    by_stage = {p["stage"]: p for p in data["passes"]}
    assert len(data["passes"]) == 11 and all(p["old"] == p["new"] for p in data["passes"])
    assert by_stage["declare"]["same"] and by_stage["define"]["same"]
    record = by_stage["stage1_struct_define"]
    assert not record["same"]
    lines = [ln for hunk in record["hunks"] for ln in hunk]
    assert [ln["text"].split() for ln in lines if ln["op"] == "delete"] == [["int", "count;"]]
    assert [ln["text"].split() for ln in lines if ln["op"] == "insert"] == [["long", "count;"]]
    code, out, _ = explain_in(capsys, folder, "diff", "foo_bar", "old/foo.h", "foo.h")
    assert code == 0
    assert "TP_STRUCT__entry:" in out and "[-int-]{+long+}" in out
    assert [ln.split() for ln in out.splitlines() if ln.startswith("    -")][:1] == [["-", "int", "count;"]]
    assert "Pass 3 -> 3 · Stage 1: the record layout [stage1_struct_define]" in out


def test_the_page_shows_both_sides(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = edited_foo(tmp_path)
    code, _, err = explain_in(capsys, folder, "diff", "foo_bar", "old/foo.h", "foo.h",
                                "--format", "html", "-o", "d.html")
    assert code == 0, err
    page = (folder / "d.html").read_text()
    assert page.startswith("<!doctype html>") and "Content-Security-Policy" in page
    assert '<span class="del">int' in page and '<span class="ins">long' in page
    assert 'class="change"' in page  # a row of the side-by-side code


def test_the_output_is_the_same_each_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = edited_foo(tmp_path)
    runs = [explain_in(capsys, folder, "diff", "foo_bar", "old/foo.h", "foo.h", "--format", f)[1]
            for f in ("json", "html", "json", "html")]
    assert runs[0] == runs[2] and runs[1] == runs[3]
    assert str(tmp_path) not in runs[0] + runs[1]


@pytest.mark.parametrize(("argv", "says"), [
    (["nosuch_event", "old/foo.h", "foo.h"], "nosuch_event: neither side has it"),
    (["foo_bar", "foo.h"], "give two kernels"),
    (["foo_bar", "old/foo.h", "nosuch.h"], "nosuch.h"),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], says: str) -> None:
    folder = edited_foo(tmp_path)
    code, out, err = explain_in(capsys, folder, "diff", *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and says in err


def fake_tree(root: Path, config: str) -> Path:
    for name in ("include/linux/tracepoint.h", "include/trace/define_trace.h"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    (root / "include/generated").mkdir(parents=True, exist_ok=True)
    (root / "include/generated/autoconf.h").write_text(f"#define {config} 1\n")
    return root


def test_two_architectures_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake_tree(tmp_path / "x86", "CONFIG_X86_64")
    fake_tree(tmp_path / "arm", "CONFIG_ARM64")
    code, _, err = explain_in(capsys, tmp_path, "diff", "sched_switch", "--kernel", "x86", "--kernel", "arm")
    assert code == 2 and err.count("\n") == 1
    assert "x86_64" in err and "arm64" in err


def test_a_tree_that_is_not_a_kernel(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    fake_tree(tmp_path / "x86", "CONFIG_X86_64")
    code, _, err = explain_in(capsys, tmp_path, "diff", "sched_switch", "--kernel", "x86", "--kernel", "empty")
    assert code == 2 and "not a kernel tree" in err and err.count("\n") == 1


# -- Debian's kernels ----------------------------------------------------------

def test_sched_switch_from_6_1_to_7(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    debian_tree: Path, tree_7: Path) -> None:
    data = as_data(capsys, tmp_path, "sched_switch", "--kernel", str(debian_tree), "--kernel", str(tree_7))
    assert data["old"]["label"].startswith("6.1.") and data["new"]["label"].startswith("7.")
    assert data["old"]["header"] == data["new"]["header"] == "include/trace/events/sched.h"
    stages = [p["stage"] for p in data["passes"]]
    assert stages[:2] == ["declare", "define"] and stages[-2:] == ["perf", "bpf"]
    assert all(p["old"] is not None and p["new"] is not None for p in data["passes"])
    machinery = {(m["name"], tuple(m["stages"])): m for m in data["machinery"]}
    trace_event = machinery[("TRACE_EVENT", ("declare",))]
    assert "DECLARE_TRACE(" in trace_event["old"] and "DECLARE_TRACE_EVENT(" in trace_event["new"]
    assert not next(p for p in data["passes"] if p["stage"] == "declare")["same"]


def test_assign_str_loses_its_second_argument(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                              debian_tree: Path, tree_7: Path) -> None:
    data = as_data(capsys, tmp_path, "sched_process_exec", "--kernel", str(debian_tree), "--kernel", str(tree_7))
    changed = {a["label"]: a for a in data["definition"]["changed"]}
    ops = [(o["old"].strip(), o["new"].strip()) for o in changed["TP_fast_assign"]["ops"] if o["op"] != "equal"]
    # One run of tokens gone (difflib may align the repeated name either way).
    assert len(ops) == 1 and ops[0][1] == ""
    assert ops[0][0].replace(" ", "") in (",bprm->filename", "filename,bprm->")
    assign = [m for m in data["machinery"] if m["name"] == "__assign_str" and m["old"] and m["new"]]
    assert assign and "__assign_str(dst, src)" in assign[0]["old"] and "__assign_str(dst)" in assign[0]["new"]
    assert "stage6_event_callback" in assign[0]["stages"]


def test_mm_page_alloc_is_written_alike(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        debian_tree: Path, tree_7: Path) -> None:
    data = as_data(capsys, tmp_path, "mm_page_alloc", "--kernel", str(debian_tree), "--kernel", str(tree_7))
    assert data["old"]["header"].endswith("kmem.h") and data["new"]["header"].endswith("kmem.h")
    assert data["definition"]["changed"] == []
    assert any(not p["same"] for p in data["passes"])  # the machinery made other code


def test_an_event_6_1_did_not_have(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                   debian_tree: Path, tree_7: Path) -> None:
    code, out, err = explain_in(capsys, tmp_path, "diff", "sched_prepare_exec",
                                "--kernel", str(debian_tree), "--kernel", str(tree_7))
    assert code == 0, err
    said = " ".join(out.split())
    assert "sched_prepare_exec: 6.1" in said and "include/trace/events/sched.h makes no event of that name" in said
    assert "only the new side has this stage" not in out  # the other side has no passes at all
    data = as_data(capsys, tmp_path, "sched_prepare_exec", "--kernel", str(debian_tree), "--kernel", str(tree_7))
    assert not data["old"]["has_event"] and data["new"]["has_event"]
    assert all(p["old"] is None and p["new"] is not None for p in data["passes"])
