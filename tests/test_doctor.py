"""The doctor (issue 18): no silent wrong answers.  Each header of our own
writing makes a mistake seen in public reports; explain says what went
wrong, where, and the fix, with exit status 2 and no traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SAMPLE, explain_in, requires_gcc

pytestmark = requires_gcc

DEFINE_TRACE = "#include <trace/define_trace.h>"


def explain(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    return explain_in(capsys, cwd, *argv)


def one_line(text: str) -> str:
    return " ".join(text.split())


def diagnosed(out: str, err: str) -> str:
    """What explain said went wrong, in one line as standard error's
    "explain: " line starts it: that line (the headline) and the
    output's diagnosis, after the passes that worked, with its detail."""
    assert err.startswith("explain: ") and err.count("\n") == 1, err
    start = out.index("What went wrong")
    block = one_line(out[out.index(":\n", start) + 2 : out.index("\n\n", start)])
    assert block.startswith(one_line(err[len("explain: "):])), (block, err)
    return "explain: " + block


def sample_as(tmp_path: Path, name: str, edit: str = "") -> Path:
    """The bundled sample.h copied as *name*, with *edit* put before its
    #include <trace/define_trace.h>."""
    text = SAMPLE.read_text()
    at = text.rindex(DEFINE_TRACE)
    path = tmp_path / name
    path.write_text(text[:at] + edit + text[at:])
    return path


def test_a_copy_of_a_trace_header_is_not_explained_from_another_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Copied as mysample.h, define_trace.h would read the bundled sample.h
    again (TRACE_SYSTEM names it): passes 2-11 of another file."""
    sample_as(tmp_path, "mysample.h")
    code, out, err = explain(capsys, tmp_path, "TRACE_EVENT", "mysample.h")
    assert code == 2
    # The first pass read mysample.h: it is shown, then what went wrong.
    assert out.startswith("mysample.h: in focus: TRACE_EVENT; passes that worked: 1, then what went wrong")
    assert "Pass 1 · Declarations  [declare]" in out and "What went wrong after pass 1:" in out
    text = diagnosed(out, err)
    assert text.startswith("explain: mysample.h: trace/define_trace.h read include/trace/events/sample.h"
                           " (explainer's bundled model kernel) again, not mysample.h")
    assert "include/trace/define_trace.h:95 (explainer's bundled model kernel): #include <trace/events/sample.h>" in text
    assert "computed from TRACE_SYSTEM (sample)" in text
    assert "#define TRACE_INCLUDE_PATH . and #define TRACE_INCLUDE_FILE mysample" in text
    assert "CFLAGS_<your .c file>.o := -I$(src)" in text
    assert "name the header sample.h" in text


def test_the_fix_the_doctor_gives_works(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sample_as(tmp_path, "mysample.h", "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
                                      "#define TRACE_INCLUDE_FILE mysample\n")
    code, out, _ = explain(capsys, tmp_path, "TRACE_EVENT", "mysample.h")
    assert code == 0 and out.startswith("mysample.h: 11 passes")


def test_a_wrong_trace_include_file_names_the_file_it_read(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sample_as(tmp_path, "first.h")
    sample_as(tmp_path, "second.h", "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
                                    "#define TRACE_INCLUDE_FILE first\n")
    code, out, err = explain(capsys, tmp_path, "TRACE_EVENT", "second.h")
    text = diagnosed(out, err)
    assert code == 2
    assert "second.h: trace/define_trace.h read first.h again, not second.h" in text
    assert 'computed from TRACE_INCLUDE_PATH (.) and TRACE_INCLUDE_FILE (first)' in text


def test_a_guard_without_multi_read_names_its_line_and_the_fix(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = sample_as(tmp_path, "guard.h", "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
                                          "#define TRACE_INCLUDE_FILE guard\n")
    text = path.read_text().replace(
        "#if !defined(_TRACE_SAMPLE_H) || defined(TRACE_HEADER_MULTI_READ)", "#ifndef _TRACE_SAMPLE_H")
    path.write_text(text)
    line = text[: text.index("#ifndef _TRACE_SAMPLE_H")].count("\n") + 1
    code, out, err = explain(capsys, tmp_path, "TRACE_EVENT", "guard.h")
    assert code == 2
    assert "Pass 1 · Declarations  [declare]" in out and "What went wrong in pass 2 · Tracepoint definitions:" in out
    assert diagnosed(out, err) == one_line(
        f"explain: guard.h:{line}: the guard #ifndef _TRACE_SAMPLE_H skips the header's events when"
        " trace/define_trace.h reads it again: pass 2 and those after it make nothing\n"
        f"{line} | #ifndef _TRACE_SAMPLE_H\n in pass 2 · Tracepoint definitions\n"
        "  Write it as #if !defined(_TRACE_SAMPLE_H) || defined(TRACE_HEADER_MULTI_READ), so that"
        " every read after the first goes in")


def test_a_header_that_never_includes_define_trace(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "once.h").write_text(SAMPLE.read_text().replace(DEFINE_TRACE, ""))
    code, out, err = explain(capsys, tmp_path, "TRACE_EVENT", "once.h")
    assert code == 2
    assert "What went wrong after pass 1:" in out
    assert "once.h: read only once: it never includes <trace/define_trace.h>" in diagnosed(out, err)
    assert "with #include <trace/define_trace.h>" in diagnosed(out, err)


HEAD = ("#undef TRACE_SYSTEM\n#define TRACE_SYSTEM cond\n#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
        "#if !defined(_TRACE_COND_H) || defined(TRACE_HEADER_MULTI_READ)\n#define _TRACE_COND_H\n"
        "#include <linux/tracepoint.h>\n")
EVENT = ("TRACE_EVENT(cond_tick, TP_PROTO(int n), TP_ARGS(n), TP_STRUCT__entry(__field(int, n)),\n"
         "\tTP_fast_assign(__entry->n = n;), TP_printk(\"n=%d\", __entry->n));\n")
TAIL = "#endif\n#include <trace/define_trace.h>\n"


@pytest.mark.parametrize(("around", "flag"), [
    (("#ifdef CONFIG_COND_EVENTS\n", "#endif\n"), "-D CONFIG_COND_EVENTS"),
    (("#if IS_ENABLED(CONFIG_COND_EVENTS)\n", "#endif\n"), "-D CONFIG_COND_EVENTS"),
    (("#ifndef CONFIG_NO_COND\n", "#endif\n"), None),  # defined below: -U
    (("#ifdef CONFIG_OTHER\n#else\n", "#endif\n"), None),
])
def test_events_inside_a_config_conditional_name_it_and_the_flag(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, around: tuple[str, str], flag: str | None) -> None:
    (tmp_path / "cond.h").write_text(HEAD + around[0] + EVENT + around[1] + TAIL)
    argv = ["TRACE_EVENT", "cond.h"]
    if around[0].startswith("#ifndef"):
        argv += ["-D", "CONFIG_NO_COND"]
        flag = "-U CONFIG_NO_COND"
    if "#else" in around[0]:
        argv += ["-D", "CONFIG_OTHER"]
        flag = "-U CONFIG_OTHER"
    code, out, err = explain(capsys, tmp_path, *argv)
    text = diagnosed(out, err)
    assert code == 2 and "What went wrong in pass 1 · Declarations:" in out
    assert text.startswith("explain: cond.h:") and "TRACE_EVENT and the events after it are inside #" in text
    assert "false in this configuration" in text
    assert text.endswith(f"add to the command what the condition asks for: {flag}")
    # And the flag the doctor gives shows them.
    code, out, _ = explain(capsys, tmp_path, *argv, *flag.split())
    assert code == 0 and "cond.h: 11 passes" in out


def test_a_helper_header_names_the_headers_that_include_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "flags.h").write_text("#define SHOW_FLAGS(x) x\n")
    (tmp_path / "user.h").write_text('#include "flags.h"\n')
    code, out, err = explain(capsys, tmp_path, "all", "flags.h")
    assert code == 2
    assert diagnosed(out, err) == ("explain: flags.h defines no event: it is a helper that other event headers"
                                   " include in pass 1 · Declarations Included by user.h: explain one of those")


@pytest.mark.parametrize(("header", "mode", "expected"), [
    ("rv.h", None, r"rv\.h:12: DECLARE_EVENT_CLASS and the events after it are inside "
                   r"#ifdef CONFIG_DA_MON_EVENTS_IMPLICIT \(line 11\).*-D CONFIG_DA_MON_EVENTS_IMPLICIT$"),
    ("preemptirq.h", None, r"inside #ifdef CONFIG_PREEMPTIRQ_TRACEPOINTS \(line 1\).*-D CONFIG_PREEMPTIRQ_TRACEPOINTS$"),
    ("syscalls.h", "focused", r"inside #ifdef CONFIG_HAVE_SYSCALL_TRACEPOINTS .*-D CONFIG_HAVE_SYSCALL_TRACEPOINTS$"),
    ("module.h", "focused", r"inside #ifdef CONFIG_MODULES .*-D CONFIG_MODULES$"),
    ("devlink.h", "focused", r"inside #if IS_ENABLED\(CONFIG_NET_DEVLINK\) .*-D CONFIG_NET_DEVLINK$"),
    ("mmflags.h", None, r"mmflags\.h defines no event: .* Included by btrfs\.h, compaction\.h, kmem\.h, oom\.h"),
    ("net_probe_common.h", None, r"net_probe_common\.h defines no event: .* Included by sunrpc\.h, tcp\.h"),
])
def test_real_headers_without_events_say_why(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, debian_tree: Path, header: str, mode: str | None,
        expected: str) -> None:
    tree = debian_tree
    argv = ["all", header, "--kernel", str(tree), *(["--mode", mode] if mode else [])]
    code, out, err = explain(capsys, tmp_path, *argv)
    assert code == 2
    assert re.search(expected, diagnosed(out, err)), out


def test_focused_mode_never_reads_the_header_again_as_an_empty_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, debian_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module header without TRACE_INCLUDE_PATH: focused mode says what
    full mode says, and makes no empty stand-in for the header."""
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    module = tmp_path / "module"
    module.mkdir()
    (module / "mymod.h").write_text(HEAD.replace("cond", "mymod").replace("COND", "MYMOD").replace(
        "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n", "") + EVENT + TAIL)
    for mode in ("focused", "full"):
        code, _, err = explain(capsys, module, "TRACE_EVENT", "mymod.h", "--kernel", str(debian_tree), "--mode", mode)
        assert code == 2, mode
        assert "<trace/events/mymod.h>: No such file or directory" in err, mode
        assert "must define TRACE_INCLUDE_PATH" in err, mode
    # The module's header is copied into the focused tree; no stand-in is made.
    assert not list((tmp_path / "cache").rglob("trace/events/mymod.h"))


def test_a_site_lists_each_header_left_out_with_its_diagnosis(tmp_path: Path) -> None:
    """explain site --kernel leaves out what has no walkthrough: its index
    says which, why and what would give it one."""
    from explainer import site

    (tmp_path / "cond.h").write_text(HEAD + "#ifdef CONFIG_COND_EVENTS\n" + EVENT + "#endif\n" + TAIL)
    (tmp_path / "flags.h").write_text("#define SHOW_FLAGS(x) x\n")
    (tmp_path / "user.h").write_text('#include "flags.h"\n')
    out = tmp_path / "site"
    written, skipped = site.build([(tmp_path, "cond.h"), (tmp_path, "flags.h"), (SAMPLE.parent, "sample.h")],
                                  [], [], out, tmp_path, skip_failures=True)
    assert [line.split(":")[0] for line in skipped] == ["cond.h", "flags.h"]
    assert "index.html" in written and not any(w.startswith(("cond/", "flags/")) for w in written)
    index = one_line(re.sub(r"<[^>]+>", " ", (out / "index.html").read_text()))
    assert "Left out: 2 headers" in index
    assert "cond.h : cond.h:" in index and "inside #ifdef CONFIG_COND_EVENTS" in index
    assert "add to the command what the condition asks for: -D CONFIG_COND_EVENTS" in index
    assert "flags.h : flags.h defines no event" in index and "Included by user.h" in index


def latin_header(tmp_path: Path) -> Path:
    """The sample, with a Latin-1 comment and Latin-1 and GBK bytes in its
    format string, as some editors save them."""
    data = SAMPLE.read_bytes()
    data = data.replace(b"#undef TRACE_SYSTEM", b"/* caf\xe9, \xc4\xe3\xba\xc3 */\n#undef TRACE_SYSTEM", 1)
    data = data.replace(b'TP_printk("name=%s', b'TP_printk("caf\xe9 \xc4\xe3\xba\xc3 name=%s', 1)
    at = data.rindex(DEFINE_TRACE.encode())
    data = (data[:at] + b"#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH .\n"
            b"#define TRACE_INCLUDE_FILE latin\n" + data[at:])
    path = tmp_path / "latin.h"
    path.write_bytes(data)
    return path


def test_bytes_that_are_not_utf8_are_read_as_gcc_reads_them(tmp_path: Path) -> None:
    """Every pass equals gcc's, the bytes kept as they are."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup

    from conftest import gcc_pass_tokens, pass_tokens

    latin_header(tmp_path)
    tu = setup("latin.h", [], [], tmp_path, None, None)
    ours, theirs = pass_tokens(Recorder(tu).run()), gcc_pass_tokens(tu)
    assert len(ours) == 11 and ours == theirs
    assert any('"caf\udce9 \udcc4\udce3\udcba\udcc3 name=%s id=%d flags=%s pos=%d,%d"' in p for p in ours)


def test_bytes_that_are_not_utf8_show_as_escapes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The terminal and the page show each such byte as \\xNN and say so;
    the JSON is valid, and gives the bytes back."""
    import json

    latin_header(tmp_path)
    code, out, _ = explain(capsys, tmp_path, "sample_work", "latin.h", "--pass", "9")
    assert code == 0
    assert '"caf\\xe9 \\xc4\\xe3\\xba\\xc3 name=%s' in out
    assert "Bytes that are not UTF-8 (a Latin-1 or GBK comment or string) are shown as \\xNN." in one_line(out)
    for fmt in ("json", "html"):
        code, _, _ = explain(capsys, tmp_path, "sample_work", "latin.h", "--format", fmt, "-o", f"out.{fmt}")
        assert code == 0
    data = json.loads((tmp_path / "out.json").read_bytes().decode("utf-8"))
    fmt_code = next(p["code"] for p in data["passes"] if p["stage"] == "stage7_class_define")
    assert '"caf\xe9 \xc4\xe3\xba\xc3 '.encode("latin-1") in fmt_code.encode("utf-8", "surrogateescape")
    page = (tmp_path / "out.html").read_text("utf-8")
    assert "caf\\xe9 \\xc4\\xe3\\xba\\xc3" in page and "are shown as \\xNN" in page


def test_a_header_read_before_its_create_read_is_no_guard_mistake() -> None:
    """7.x's arch/x86/mm/init.c reads tlb.h through asm/mmu_context.h
    before its CREATE_TRACE_POINTS read, which the guard then skips;
    define_trace.h, outside the guard, reads it again all the same."""
    from dataclasses import replace

    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import doctor

    from conftest import gcc_pass_tokens, pass_tokens

    tu = setup("sample.h", [], [], Path.cwd())
    tu = replace(tu, text="#include <linux/kconfig.h>\n#include <trace/events/sample.h>\n"
                          "#define CREATE_TRACE_POINTS\n#include <trace/events/sample.h>\n")
    recording, stopped, problem = doctor.recorded(Recorder(tu))
    assert problem is None and stopped is None
    assert [(p.stage, bool(p.invocations)) for p in recording.passes[:3]] == [
        ("declare", True), ("pass", False), ("define", True)]
    assert len(recording.passes) == 12
    assert pass_tokens(recording) == gcc_pass_tokens(tu)
