"""explain format: the tracefs format file, its every number checked
against gcc by another way than the one explainer uses (static
assertions compiled with the translation unit), its print fmt against
stage 7's string in gcc -E's own output, with the boot-time rewrites."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from explainer.kernel import oracle
from explainer.kernel.translation_unit import TranslationUnit
from explainer.tracefs import walkthrough
from explainer.userspace import constants, rewrite
from explainer.userspace import format as tracefs_format
from explainer.userspace.cparse import string_value
from explainer.userspace.format import EventFormat

from conftest import SAMPLE, explain_in, gcc_pass_tokens, requires_gcc

pytestmark = requires_gcc

SAMPLE_EVENTS = ["sample_work", "sample_mode_enter", "sample_mode_exit", "sample_mode_stuck",
                 "sample_buffer", "sample_tick"]


def _args(header: str | None, kernel: Path | None = None, event: str = "") -> argparse.Namespace:
    return argparse.Namespace(header=header, include_dirs=[], macro_args=[], event=event,
                              kernel=str(kernel) if kernel else None, mode=None)


def formats_of(header: str, kernel: Path | None = None) -> tuple[list[EventFormat], TranslationUnit, int]:
    w, tu = walkthrough(_args(header, kernel), Path.cwd())
    if kernel is not None:  # read as the kernel's own .c file reads it
        assert tu.creator is not None
    names = tracefs_format.events(w)
    stage4 = next(p.index for p in w.passes if p.stage == "stage4_event_fields")
    return tracefs_format.build_all(w, tu, names, compute=True), tu, stage4


def _element_type(type_: str) -> str:
    """The C type a format line's signedness is of."""
    for prefix in ("__data_loc ", "__rel_loc "):
        type_ = type_.removeprefix(prefix)
    return type_.split("[", 1)[0].strip()


def assert_numbers_are_gccs(formats: list[EventFormat], tu: TranslationUnit, through: int) -> None:
    """Every offset and size the files show is gcc's offsetof / sizeof of
    stage 1's struct member, every signedness gcc's, every map's value
    gcc's: static assertions that only compile if all hold, after the
    code up to stage 4's pass *through*."""
    checks = []
    for f in formats:
        record = f"struct {f.record}"
        for c in f.common:
            checks.append(f"__builtin_offsetof(struct trace_entry, {c.member}) == {c.offset}")
            checks.append(f"sizeof(((struct trace_entry *)0)->{c.member}) == {c.size}")
        for x in f.fields:
            assert x.offset is not None and x.size is not None
            checks.append(f"__builtin_offsetof({record}, {x.member}) == {x.offset}")
            checks.append(f"sizeof((({record} *)0)->{x.member}) == {x.size}")
            element = _element_type(x.type)
            if "*" not in element and "cpumask" not in element and not element.startswith(("struct", "union")):
                checks.append(f"((({element})(-1)) < ({element})1) == {int(bool(x.signed))}")
        for m in f.maps:
            assert m.value is not None
            checks.append(f"({m.expression}) == {m.value}")
    code = (formats[0].prelude if formats else "") + constants.up_to(oracle.run_gcc(tu), tu, through)
    source = code + "".join(f'_Static_assert({c}, "{n}");\n' for n, c in enumerate(checks))
    argv = ["gcc", "-fsyntax-only", "-w", *tu.compiler_flags, *tu.cflags, "-x", "cpp-output", "-"]
    proc = oracle.run(tu, argv, source)
    failed = re.findall(r'static assertion failed: "(\d+)"', proc.stderr)
    assert proc.returncode == 0, [checks[int(n)] for n in failed] or proc.stderr[-2000:]


def _replace_outside_strings(text: str, name: str, value: str) -> str:
    parts = re.split(r'("(?:[^"\\]|\\.)*")', text)
    return "".join(p if p.startswith('"') else re.sub(rf"(?<![\w.>]){re.escape(name)}(?!\w)", value, p)
                   for p in parts)


def assert_print_fmt_is_stage7s(formats: list[EventFormat], tu: TranslationUnit) -> None:
    """print fmt: is stage 7's print_fmt_<class> in gcc -E's own output,
    with each map's name outside string literals replaced by its value."""
    passes = gcc_pass_tokens(tu)
    for f in formats:
        written = None
        for toks in passes:
            for i in range(len(toks) - 3):
                if toks[i] == f.print_name and toks[i + 1:i + 4] == ["[", "]", "="]:
                    end = toks.index(";", i)
                    written = string_value(toks[i + 4:end])
        assert written is not None, f.print_name
        expected = written
        for m in f.maps:
            assert m.value is not None
            expected = _replace_outside_strings(expected, m.string, rewrite.as_printed(m.value))
        assert f.written_print_fmt == written
        assert f.print_fmt == expected, f.event


def test_sample_events_are_all_there() -> None:
    formats, _, _ = formats_of("sample.h")
    assert [f.event for f in formats] == SAMPLE_EVENTS


def test_sample_numbers_and_print_fmt_are_gccs() -> None:
    formats, tu, stage4 = formats_of("sample.h")
    assert_numbers_are_gccs(formats, tu, stage4)
    assert_print_fmt_is_stage7s(formats, tu)
    assert all(f.computed and not f.mismatches for f in formats)


def test_sample_work_file_line_by_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, SAMPLE.parent, "format", "sample_work")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "name: sample_work"
    assert lines[1].startswith("ID: ")
    assert lines[2] == "format:"
    assert lines[3] == "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;"
    assert lines[6] == "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;"
    assert lines[7] == ""
    # __data_loc: the type as the kernel writes it, never split into NAME[]
    assert lines[8].startswith("\tfield:__data_loc char[] name;\toffset:8;\tsize:4;")
    # an array: its length after the name
    assert lines[12].startswith("\tfield:char tag[4];\toffset:32;\tsize:4;")
    assert lines[-2] == ""
    assert lines[-1].startswith('print fmt: "name=%s id=%d flags=%s pos=%d,%d", __get_str(name), REC->id,')


def test_trace_define_enum_values_replace_names(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, SAMPLE.parent, "format", "sample_mode_enter")
    assert status == 0
    fmt = out.splitlines()[-1]
    assert '{ 0, "idle" }, { 1, "busy" }, { 2, "sleep" }' in fmt
    assert "SAMPLE_MODE_IDLE" not in fmt


def test_explain_names_line_argument_and_pass(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, SAMPLE.parent, "format", "sample_work", "--explain")
    assert status == 0
    text = " ".join(out.split())
    source = SAMPLE.read_text().splitlines()
    id_line = next(n for n, t in enumerate(source, 1) if re.search(r"__field\(\s*int,\s*id\s*\)", t))
    assert f"sample.h:{id_line}: __field( int, id )" in text
    assert "TRACE_EVENT(sample_work)'s argument 4 (tstruct); stage 4's row, pass 6" in text
    assert "gcc's offsetof(struct trace_event_raw_sample_work, id) = 12: the same" in text
    assert "SAMPLE_MODE" not in text  # sample_work's printk has no enum
    assert "print_fmt_sample_work in TRACE_EVENT(sample_work)" in text


def test_json_is_structured(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = explain_in(capsys, SAMPLE.parent, "format", "sample_mode_stuck", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["event"] == "sample_mode_stuck" and data["class"] == "sample_mode_class"
    assert data["print_fmt"]["variable"] == "print_fmt_sample_mode_stuck"
    assert [f["name"] for f in data["fields"]] == ["cpu", "mode"]
    assert data["fields"][1]["origin"]["stage"] == "stage4_event_fields"
    assert data["file"].splitlines()[-1].startswith('print fmt: "cpu %d stuck in %s"')
    assert [m["value"] for m in data["maps"]] == [0, 1, 2]


@pytest.mark.parametrize("argv, says", [
    (["format", "no_such_event"], "no_such_event: include/trace/events/sample.h makes no trace event"),
    (["format", "sample_mode_class"], "makes no trace event of that name"),
    (["format", "sample_work", "nothere.h"], "nothere.h: no such file"),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str],
                               says: str) -> None:
    status, out, err = explain_in(capsys, tmp_path, *argv)
    assert status == 2 and out == ""
    assert says in err and len(err.strip().splitlines()) == 1


def test_kernel_rewrites_as_the_kernel_does() -> None:
    # numbers are skipped with what follows them, members after . and ->
    assert rewrite.print_fmt('"%d", A, 1A, x.A, x->A, (A)', [("A", 7)]) == '"%d", 7, 1A, x.A, x->A, (7)'
    # never inside string literals
    assert rewrite.print_fmt('"A", A', [("A", 3)]) == '"A", 3'
    # a value longer than the name: the kernel gives up on that map
    assert rewrite.print_fmt("B, B", [("B", 12)]) == "B, B"
    assert rewrite.as_printed(2**64 - 1) == "-1"
    assert rewrite.sanitize("int __attribute__((aligned(8)))") == "int "
    assert rewrite.sanitize("x__attribute__((a)) int") == "x__attribute__((a)) int"
    # in a field type only the array size is rewritten, and no end is checked
    assert rewrite.field_type("u64[NR_ITEMS]", [("NR_ITEMS", 4)]) == "u64[4]"
    assert rewrite.field_type("u64[NR_ITEMSX]", [("NR_ITEMS", 4)]) == "u64[4X]"


@pytest.mark.parametrize("header", ["sched.h", "irq.h", "kmem.h", "host1x.h", "avc.h"])
def test_debian_61_every_event(debian_tree: Path, header: str) -> None:
    formats, tu, stage4 = formats_of(header, debian_tree)
    assert formats
    assert_numbers_are_gccs(formats, tu, stage4)
    assert_print_fmt_is_stage7s(formats, tu)
    assert not any(f.mismatches for f in formats)


def test_sched_h_on_every_kernel(configured_tree: Path) -> None:
    formats, tu, stage4 = formats_of("sched.h", configured_tree)
    assert any(f.event == "sched_switch" for f in formats)
    assert_numbers_are_gccs(formats, tu, stage4)
    assert_print_fmt_is_stage7s(formats, tu)
    assert not any(f.mismatches for f in formats)
    switch = next(f for f in formats if f.event == "sched_switch")
    # char is signed on 6.1, unsigned since 6.2's -funsigned-char
    (comm,) = [fl for fl in switch.fields if fl.name == "prev_comm"]
    assert comm.signed == (tu.kernel_version or "").startswith("6.1.")


def test_debian_61_sched_switch(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the header found by the event's name
    status, out, err = explain_in(capsys, Path.cwd(), "format", "sched_switch", "--kernel", str(debian_tree))
    assert status == 0, err
    lines = out.splitlines()
    # 6.1 compiles char as signed (-funsigned-char is 6.2's)
    assert "\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:1;" in lines
    assert "\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;" in lines


def test_debian_61_enum_maps(debian_tree: Path) -> None:
    formats, _, _ = formats_of("kmem.h", debian_tree)
    rss = next(f for f in formats if f.event == "rss_stat")
    assert {m.string for m in rss.maps} >= {"MM_FILEPAGES", "MM_ANONPAGES"}
    assert '{ MM_FILEPAGES, "MM_FILEPAGES" }' in rss.written_print_fmt
    # replaced outside the string literal only
    assert '{ 0, "MM_FILEPAGES" }' in rss.print_fmt and "{ MM_FILEPAGES," not in rss.print_fmt


def test_focused_mode_says_what_needs_a_tree(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, Path.cwd(), "format", "sched_switch", "sched.h",
                                  "--kernel", str(debian_tree), "--mode", "focused")
    assert status == 0, err
    assert "\tfield:char prev_comm[TASK_COMM_LEN];\toffset:?;\tsize:?;\tsigned:?;" in out.splitlines()
    assert "need a configured tree" in " ".join(out.split())


def test_unsigned_char_flag_is_read_from_the_makefile(tmp_path: Path) -> None:
    from explainer.kernel import trees

    for text, flags in (("KBUILD_CFLAGS += -funsigned-char\n", ("-funsigned-char",)), ("", ())):
        (tmp_path / "Makefile").write_text(text)
        assert trees.kbuild_cflags(trees.Tree(tmp_path, (tmp_path,))) == flags
    # 7.x: the dialect's -fms-extensions comes from the configuration
    (tmp_path / "Makefile").write_text("CC_FLAGS_DIALECT += $(CONFIG_CC_MS_EXTENSIONS)\n")
    (tmp_path / "include" / "config").mkdir(parents=True)
    (tmp_path / "include" / "config" / "auto.conf").write_text("CONFIG_CC_MS_EXTENSIONS=-fms-extensions\n")
    assert trees.kbuild_cflags(trees.Tree(tmp_path, (tmp_path,))) == ("-fms-extensions",)



def test_tcp_is_read_as_net_traces_c_reads_it(debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, Path.cwd(), "format", "tcp_send_reset", "--kernel", str(debian_tree))
    assert status == 0, err
    fmt = next(line for line in out.splitlines() if line.startswith("print fmt:"))
    # sock.h, read first, defines show_family_name(): the kernel's print fmt
    assert "__print_symbolic(REC->family" in fmt and "show_family_name" not in fmt
    assert "translation unit: net/core/net-traces.c, as the kernel compiles it" in out


def test_creators_are_known_for_every_kernel_explainer_knows() -> None:
    from explainer.kernel import creators

    assert {"6.1", "6.12", "7.2", "7.3"} <= set(creators.versions())
    for version in creators.versions():
        known = creators.known(version)
        assert known["trace/events/tcp.h"].file == "net/core/net-traces.c"
        assert known["trace/events/irq.h"].file == "kernel/softirq.c"
        assert known["trace/events/rcu.h"].through == "kernel/rcu/rcu.h"
        for header, c in known.items():
            if not c.file:  # an orphan: no .c file creates it
                continue
            last = [line for line in c.lines if line != "#endif"][-1]
            assert last == f"#include <{header}>", header
            assert any("CREATE_" in line for line in c.lines), header
    assert creators.known("7.3")["trace/events/intel-sst.h"].file == ""


def test_every_event_header_of_61_has_its_creator(debian_tree: Path) -> None:
    from explainer.kernel import creators, trees

    tree = trees.open_tree(debian_tree, str(debian_tree))
    events = [p.name for d in tree.events_dirs() for p in sorted(d.glob("*.h"))
              if creators.defines_events(p.read_text(errors="replace"))]
    known = creators.known("6.1")
    assert len(events) > 140
    assert [h for h in events if f"trace/events/{h}" not in known] == []


def test_creators_scan_a_source_tree(tmp_path: Path) -> None:
    from explainer.kernel import creators

    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "a.c").write_text(
        '/* #include <not/this.h> */\n#include <linux/x.h>\n#include "local.h"\nint code;\n'
        "#define CREATE_TRACE_POINTS\n#include <trace/events/one.h>\n#include <trace/events/two.h>\n"
        "#undef CREATE_TRACE_POINTS\n#include <trace/events/three.h>\n"
        "#define CREATE_TRACE_POINTS\n#ifdef CONFIG_X\n#include <trace/events/four.h>\n#endif\n")
    found = creators.scan(tmp_path)
    assert sorted(found) == ["trace/events/four.h", "trace/events/one.h", "trace/events/two.h"]
    # a conditional open at the header's #include is closed after it
    assert found["trace/events/four.h"].lines[-3:] == (
        "#ifdef CONFIG_X", "#include <trace/events/four.h>", "#endif")
    assert found["trace/events/two.h"].lines == (
        "#include <linux/x.h>", '#include "local.h"', "#define CREATE_TRACE_POINTS",
        "#include <trace/events/one.h>", "#include <trace/events/two.h>")


@pytest.mark.parametrize("event", SAMPLE_EVENTS)
def test_the_event_page_shows_the_same_file(capsys: pytest.CaptureFixture[str], event: str) -> None:
    import html as htmlmod

    status, text, _ = explain_in(capsys, SAMPLE.parent, "format", event)
    assert status == 0
    status, page, _ = explain_in(capsys, SAMPLE.parent, event, "--format", "html")
    assert status == 0
    shown = re.search(r'<pre class="format-file"[^>]*>(.*?)</pre>', page, re.DOTALL)
    assert shown is not None
    assert htmlmod.unescape(shown.group(1)) == text
    # every line's origin cell names the pass it links to
    for href, cell in re.findall(r'<a href="#(pass-\d+)">([^<]*)</a>', page.split('id="format"', 1)[1]):
        assert f"pass {href.split('-')[1]}" in htmlmod.unescape(cell)
        assert f'id="{href}"' in page


def test_own_unit_names_what_the_kernels_build_defines(debian_tree: Path) -> None:
    """Read in explainer's own three-line unit, tcp.h's print fmt keeps
    show_family_name(), which sock.h defines: said, by gcc's word."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble, doctor

    tu = setup("tcp.h", [], [], Path.cwd(), str(debian_tree))
    assert tu.creator is None
    recording, stopped, problem = doctor.recorded(Recorder(tu, assemble.trace_filter("all")))
    assert problem is None
    w = assemble.build(recording, "all", stopped=stopped, diagnosed=True)
    f = tracefs_format.build(w, tu, "tcp_send_reset", compute=True)
    assert "show_family_name(REC->family)" in f.print_fmt
    assert "show_family_name" in f.undeclared and "TCP_ESTABLISHED" not in f.undeclared


def test_private_headers_missing_leaves_numbers_out_and_says_why(
        debian_tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = explain_in(capsys, Path.cwd(), "format", "ext4_mballoc_alloc", "--kernel", str(debian_tree))
    assert status == 0, err
    text = " ".join(out.split())
    assert "\tfield:__u8 cr;\toffset:?;\tsize:?;\tsigned:?;" in out.splitlines()
    assert "unknown type name \u2018ext4_group_t\u2019" in text
    assert 'fs/ext4/super.c reads headers of its own folder that this tree of headers lacks ("ext4.h"' in text
    assert "neither declares nor defines: EXT4_MB_HINT_MERGE," in text


def test_two_fields_of_one_name(debian_tree: Path) -> None:
    # host1x.h's cmdbuf is a bool and a __data_loc array: each its own numbers
    formats, _, _ = formats_of("host1x.h", debian_tree)
    gather = next(f for f in formats if f.event == "host1x_cdma_push_gather")
    flag, array = [x for x in gather.fields if x.name == "cmdbuf"]
    assert (flag.size, flag.member, array.size, array.member) == (1, "cmdbuf", 4, "__data_loc_cmdbuf")
    assert array.offset == 36 and not gather.mismatches


def test_forward_declarations_when_the_cs_own_headers_are_left_out(debian_tree: Path) -> None:
    formats, tu, _ = formats_of("avc.h", debian_tree)
    assert tu.creator == "security/selinux/avc.c" and "avc.h" in tu.creator_left_out
    assert formats[0].forward == ("selinux_audit_data",) and formats[0].computed


REL_HEADER = """/* A module's trace header that keeps its string at a relative location. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM relmod

#if !defined(_RELMOD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RELMOD_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(relmod_note,
	TP_PROTO(const char *text, int level),
	TP_ARGS(text, level),
	TP_STRUCT__entry(
		__field(int, level)
		__rel_string(text, text)
	),
	TP_fast_assign(
		__entry->level = level;
		__assign_rel_str(text, text);
	),
	TP_printk("level=%d text=%s", __entry->level, __get_rel_str(text))
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE relmod
#include <trace/define_trace.h>
"""


def test_rel_loc_is_split_as_the_kernel_splits_it(debian_tree: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "relmod.h").write_text(REL_HEADER)
    status, out, err = explain_in(capsys, tmp_path, "format", "relmod_note", "relmod.h", "--kernel", str(debian_tree))
    assert status == 0, err
    # f_show() keeps __data_loc whole but not __rel_loc: its [] goes after the name
    assert "\tfield:__rel_loc char text[];\toffset:12;\tsize:4;\tsigned:1;" in out.splitlines()
    assert 'print fmt: "level=%d text=%s", REC->level, __get_rel_str(text)' in out


def test_a_source_tree_reads_the_header_as_its_c_file_does(debian_tree: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A configured tree with the kernel's .c files (made here from the
    headers package and two .c files written for the test): every output
    says which .c file the passes are read as, and they stay gcc's."""
    import shutil

    common = next(debian_tree.parent.glob("*-common"))
    (tmp_path / common.name).symlink_to(common)
    tree = tmp_path / debian_tree.name
    shutil.copytree(debian_tree, tree, symlinks=True)
    (tree / "kernel" / "sched").mkdir(parents=True)
    (tree / "kernel" / "fork.c").write_text("/* a source tree has it */\n")
    (tree / "kernel" / "sched" / "core.c").write_text(
        "#include <linux/sched.h>\n#include \"sched.h\"\n#define CREATE_TRACE_POINTS\n#include <trace/events/sched.h>\n")
    (tree / "kernel" / "sched" / "sched.h").write_text("/* the scheduler's own header */\n#define SCHED_OWN 1\n")
    status, out, err = explain_in(capsys, tmp_path, "sched_switch", "sched.h", "--kernel", tree.name,
                                  "--pass", "3")
    assert status == 0, err
    assert "translation unit: kernel/sched/core.c, as the kernel compiles it" in " ".join(out.split()[:60])
    status, out, _ = explain_in(capsys, tmp_path, "sched_switch", "sched.h", "--kernel", tree.name,
                                "--format", "json")
    data = json.loads(out)
    assert data["translation_unit"] == {"creator": "kernel/sched/core.c", "left_out": []}
    assert '#include "' in data["reproduce"]["stdin"] and "kernel/sched/sched.h" in data["reproduce"]["stdin"]
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup

    from conftest import pass_tokens

    tu = setup("sched.h", [], [], tmp_path, tree.name)
    assert tu.creator == "kernel/sched/core.c"
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)
