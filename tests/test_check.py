"""explain check (issue 18): the passes compiled, and each error or
warning mapped back to the header's line, its pass and stage, the
invocation and argument, with the fix for the mistakes public reports
show.  A corpus of broken headers of our own: each the bundled sample
with one mistake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLE, explain_in, requires_gcc

pytestmark = requires_gcc

DEFINE_TRACE = "#include <trace/define_trace.h>"


def broken(tmp_path: Path, name: str, edits: list[tuple[str, str]], include_path: bool = True) -> Path:
    """The sample as *name*.h with *edits*, read again from its folder."""
    text = SAMPLE.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    if include_path:
        at = text.rindex(DEFINE_TRACE)
        text = (text[:at] + "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
                f"#define TRACE_INCLUDE_FILE {name}\n" + text[at:])
    path = tmp_path / f"{name}.h"
    path.write_text(text)
    return path


def check(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    return explain_in(capsys, cwd, 'check', *argv)


def line_of(path: Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


# name, edits, the line the finding points at (a text on it), the first
# pass and stage, the argument (what it is written as), and the fix.
CORPUS = [
    ("semi", [("__field(\tint,\tid\t\t\t)", "__field(\tint,\tid\t\t\t);")],
     "__field(\tint,\tid", 6, "stage4_event_fields", "TP_STRUCT__entry", "Remove it"),
    ("assign2", [("__assign_str(name);", "__assign_str(name, name);")],
     "__assign_str(name, name);", 8, "stage6_event_callback", None, "Since Linux 6.10 __assign_str() takes only"),
    ("nosemi", [("__entry->id\t= id;", "__entry->id\t= id")],
     "__entry->id\t= id", 8, "stage6_event_callback", "TP_fast_assign", "End each statement in TP_fast_assign()"),
    ("printkfield", [("__get_str(name), __entry->id,", "__get_str(name), __entry->idx,")],
     "__entry->idx,", 5, "stage3_trace_output", "TP_printk", "the field idx, which TP_STRUCT__entry does not declare"),
    ("assignfield", [("__entry->id\t= id;", "__entry->idd\t= id;")],
     "__entry->idd", 8, "stage6_event_callback", "TP_fast_assign", "the field idd, which TP_STRUCT__entry"),
    ("strfield", [("__get_str(name), __entry->id,", "__entry->name, __entry->id,")],
     "__entry->name,", 5, "stage3_trace_output", "TP_printk", "name is a __string field"),
    ("args", [("TP_ARGS(name, id, flags, pos),", "TP_ARGS(name, idx, flags, pos),")],
     "TP_ARGS(name, idx", 1, "declare", "TP_ARGS", "TP_ARGS names idx, which TP_PROTO does not declare"),
    ("noclass", [("DEFINE_EVENT(sample_mode_class, sample_mode_enter,",
                  "DEFINE_EVENT(sample_mode_klass, sample_mode_enter,")],
     "DEFINE_EVENT(sample_mode_klass", 8, "stage6_event_callback", "template",
     "class sample_mode_klass is not declared before it"),
    ("proto", [("DEFINE_EVENT(sample_mode_class, sample_mode_enter,\n\tTP_PROTO(int cpu,",
                "DEFINE_EVENT(sample_mode_class, sample_mode_enter,\n\tTP_PROTO(long cpu,")],
     "DEFINE_EVENT(sample_mode_class, sample_mode_enter,", 8, "stage6_event_callback", "template",
     "must be its class's"),
    ("format", [('TP_printk("name=%s id=%d flags', 'TP_printk("name=%s id=%s flags')],
     'TP_printk("name=%s id=%s', 5, "stage3_trace_output", "TP_printk", "disagree in type"),
    ("redef", [("#define TRACE_SYSTEM sample\n", "#define TRACE_SYSTEM sample\n#define TRACE_INCLUDE_PATH ..\n")],
     "#define TRACE_INCLUDE_PATH ..", None, None, None, "#undef TRACE_INCLUDE_PATH before defining it"),
    ("argcount", [("\tTP_ARGS(name, id, flags, pos),\n", "")],
     "TRACE_EVENT(sample_work,", 1, "declare", None, None),
]


@pytest.mark.parametrize(("name", "edits", "at", "index", "stage", "part", "fix"), CORPUS,
                         ids=[c[0] for c in CORPUS])
def test_a_broken_header_is_mapped_back_to_its_line(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, edits: list[tuple[str, str]],
        at: str, index: int | None, stage: str | None, part: str | None, fix: str | None) -> None:
    path = broken(tmp_path, name, edits)
    code, out, _ = check(capsys, tmp_path, f"{name}.h", "--format", "json")
    assert code == 2
    findings = json.loads(out)["findings"]
    assert findings, out
    first = findings[0]
    assert first["line"] == line_of(path, at), first
    assert first["file"] == f"{name}.h"
    assert first["source"] == path.read_text().splitlines()[first["line"] - 1]
    assert (first["pass"], first["stage"]) == (index, stage), first
    if part is not None:
        assert part in (first["wrapper"], first["parameter"]), first
    if fix is None:
        assert first["fix"] is None
    else:
        assert fix in first["fix"], first
    # The text says the same, in a headline a user can act on.
    code, text, _ = check(capsys, tmp_path, f"{name}.h")
    assert code == 2
    assert text.startswith(f"{name}.h:{first['line']}")
    if fix is not None:
        assert "  fix: " in text


def test_the_caret_is_under_the_token_gcc_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken(tmp_path, "semi", [("__field(\tint,\tid\t\t\t)", "__field(\tint,\tid\t\t\t);")])
    _, text, _ = check(capsys, tmp_path, "semi.h")
    lines = text.splitlines()
    source, caret = lines[1], lines[2]
    assert caret.index("^") == source.index(";")
    assert lines[3] == ("  in pass 6 · Stage 4: the field table, TRACE_EVENT(sample_work) at line 57,"
                        " argument 4 (TP_STRUCT__entry)")


def test_a_mistake_read_in_several_passes_is_one_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken(tmp_path, "nosemi", [("__entry->id\t= id;", "__entry->id\t= id")])
    _, out, _ = check(capsys, tmp_path, "nosemi.h", "--format", "json")
    findings = json.loads(out)["findings"]
    assert len(findings) == 1
    assert findings[0]["also"] == [{"pass": 10, "stage": "perf"}]


def test_a_module_without_trace_include_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken(tmp_path, "mymod", [("#define TRACE_SYSTEM sample", "#define TRACE_SYSTEM mymod")], include_path=False)
    code, text, _ = check(capsys, tmp_path, "mymod.h")
    assert code == 2
    assert "<trace/events/mymod.h>: No such file or directory" in text
    assert "must define TRACE_INCLUDE_PATH" in text
    assert "in pass 1 · Declarations" in text


@pytest.mark.parametrize(("edit", "expected"), [
    (("#if !defined(_TRACE_SAMPLE_H) || defined(TRACE_HEADER_MULTI_READ)", "#ifndef _TRACE_SAMPLE_H"),
     "the guard #ifndef _TRACE_SAMPLE_H skips the header's events"),
    (("TRACE_EVENT(sample_work,", "#ifdef CONFIG_SAMPLE_EVENTS\nTRACE_EVENT(sample_work,"),
     None),
])
def test_what_the_doctor_refuses_check_refuses_too(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, edit: tuple[str, str], expected: str | None) -> None:
    edits = [edit]
    if expected is None:  # every event under a CONFIG_ that is not set
        text = SAMPLE.read_text()
        edits = [("/* A whole event in one macro", "#ifdef CONFIG_SAMPLE_EVENTS\n/* A whole event in one macro"),
                 ("#endif /* _TRACE_SAMPLE_H */", "#endif\n#endif /* _TRACE_SAMPLE_H */")]
        assert "#endif /* _TRACE_SAMPLE_H */" in text
        expected = "-D CONFIG_SAMPLE_EVENTS"
    broken(tmp_path, "refused", edits)
    code, _, err = check(capsys, tmp_path, "refused.h")
    assert code == 2 and expected in " ".join(err.split())


def test_the_bundled_headers_compile_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, SAMPLE.parent, "sample.h")
    assert code == 0
    assert out == "include/trace/events/sample.h: no error or warning: its 11 passes compile (gcc -fsyntax-only -Wall)\n"
    code, out, _ = check(capsys, SAMPLE.parents[3] / "examples" / "foo", "foo.h")
    assert code == 0 and "no error or warning" in out


def test_sched_h_compiles_cleanly_on_every_kernel(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 configured_tree: Path) -> None:
    """7.x's headers need kbuild's -fms-extensions (CONFIG_CC_MS_EXTENSIONS)."""
    code, out, _ = check(capsys, tmp_path, "sched.h", "--kernel", str(configured_tree))
    assert code == 0 and out.endswith("sched.h: no error or warning: its 11 passes compile (gcc -fsyntax-only -Wall)\n")


def test_assign_str_of_6_10_on_a_6_1_tree(capsys: pytest.CaptureFixture[str], tmp_path: Path, debian_tree: Path) -> None:
    """The other direction: one argument where the tree's __assign_str
    takes two."""
    path = broken(tmp_path, "old", [])
    code, out, _ = check(capsys, tmp_path, "old.h", "--kernel", str(debian_tree), "--format", "json")
    first = json.loads(out)["findings"][0]
    assert code == 2
    assert first["message"] == 'macro "__assign_str" requires 2 arguments, but only 1 given'
    assert first["line"] == line_of(path, "__assign_str(name);")
    assert "Before Linux 6.10 __assign_str() takes the field and its source" in first["fix"]


def test_focused_mode_cannot_compile_and_says_why(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  debian_tree: Path) -> None:
    code, _, err = check(capsys, tmp_path, "sched.h", "--kernel", str(debian_tree), "--mode", "focused")
    assert code == 2
    assert "needs a configured tree (full mode)" in err


def test_bytes_that_are_not_utf8_in_a_broken_header(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The finding's source line holds a Latin-1 byte: \\xNN in the text,
    its escape in valid JSON."""
    path = broken(tmp_path, "latin", [("__get_str(name), __entry->id,", "__get_str(name), __entry->idx, /* caf\xe9 */")])
    path.write_bytes(path.read_text().encode("utf-8").replace("caf\xe9".encode(), b"caf\xe9"))
    code, text, _ = check(capsys, tmp_path, "latin.h")
    assert code == 2 and "/* caf\\xe9 */" in text
    code, out, _ = check(capsys, tmp_path, "latin.h", "--format", "json")
    assert json.loads(out)["findings"][0]["source"].encode("utf-8", "surrogateescape").endswith(b"caf\xe9 */")
