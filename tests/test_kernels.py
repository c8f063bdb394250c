"""Every kernel a user runs (6.1, 6.12, 7.x) and every machinery that
reads a header again: each invocation named right, each stage labelled,
each pass gcc's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from explainer.cpp.recorder import Recorder
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import setup
from explainer.model import Walkthrough
from explainer.walkthrough import assemble

from conftest import REPO, explain_in, gcc_pass_tokens, pass_tokens, requires_gcc


def walkthrough(header: str, kernel: Path | None, cwd: Path, focus: str = "all",
                mode: str | None = None) -> Walkthrough:
    tu = setup(header, [], [], cwd, str(kernel) if kernel is not None else None, mode)
    return assemble.build(Recorder(tu, assemble.trace_filter(focus)).run(), focus)


def unnamed(w: Walkthrough) -> list[tuple[int, str, int]]:
    """The trace macros' invocations (those kernel.toml gives roles, or
    their aliases) that have no name: (pass, macro, line)."""
    return [(p.index, inv.macro, inv.line) for p in w.passes for inv in p.invocations
            if inv.name is None and (knowledge.roles(inv.macro) is not None
                                     or any(knowledge.roles(u) is not None for u in inv.used))]


def names(w: Walkthrough, index: int, macro: str) -> list[str | None]:
    return [inv.name for inv in w.passes[index - 1].invocations if inv.macro == macro]


# -- without a real kernel -------------------------------------------------

def test_a_kernel_version_names_declare_trace() -> None:
    assert knowledge.suffix("DECLARE_TRACE", "7.2.13+deb14-amd64") == "_tp"
    assert knowledge.suffix("DECLARE_TRACE_CONDITION", "6.16") == "_tp"
    assert knowledge.suffix("DECLARE_TRACE", "6.15.0") == ""
    assert knowledge.suffix("DECLARE_TRACE", "6.12.118+deb12-amd64") == ""
    assert knowledge.suffix("DECLARE_TRACE_EVENT", "7.3") == ""
    assert knowledge.suffix("DECLARE_TRACE", None) == ""  # the model kernel names them as 6.1


def test_a_focus_on_a_suffixed_tracepoint_follows_its_invocation() -> None:
    traced = assemble.trace_filter("pelt_cfs_tp")
    assert traced("DECLARE_TRACE", ("pelt_cfs", "TP_PROTO(struct cfs_rq *cfs_rq)", "TP_ARGS(cfs_rq)"))
    assert traced("DECLARE_TRACE", ("pelt_cfs_tp", "TP_PROTO(int x)", "TP_ARGS(x)"))
    assert not traced("DECLARE_TRACE", ("pelt_rt", "TP_PROTO(int x)", "TP_ARGS(x)"))


def test_every_stage_has_its_words_and_kernels() -> None:
    from explainer import prose

    stages = prose.load("en")["stage"]
    for stage in knowledge.stage_ids():
        assert stage in stages, stage
        assert {"title", "makes", "why"} <= set(stages[stage]), stage
    for m in knowledge.machineries():
        for ids in m.includers.values():
            for stage in ids:
                assert "kernels" in stages[stage], stage


ALIAS = """\
#undef TRACE_SYSTEM
#define TRACE_SYSTEM alias
#if !defined(_ALIAS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALIAS_H
#include <linux/tracepoint.h>
DECLARE_EVENT_CLASS(alias_class,
	TP_PROTO(int v), TP_ARGS(v),
	TP_STRUCT__entry(__field(int, v)),
	TP_fast_assign(__entry->v = v;),
	TP_printk("v=%d", __entry->v));
#define DEFINE_EVENT_MINE DEFINE_EVENT
DEFINE_EVENT_MINE(alias_class, alias_one,
	TP_PROTO(int v), TP_ARGS(v));
#endif
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE alias
#include <trace/define_trace.h>
"""


@requires_gcc
def test_an_alias_takes_its_name_and_class_from_the_arguments_after_it(tmp_path: Path) -> None:
    (tmp_path / "alias.h").write_text(ALIAS)
    w = walkthrough("alias.h", None, tmp_path, "alias_one")
    assert unnamed(w) == []
    for p in w.passes:
        (inv,) = [i for i in p.invocations if i.macro == "DEFINE_EVENT_MINE"]
        assert (inv.name, inv.template, inv.args[0]) == ("alias_one", "alias_class", "alias_class")
        assert inv.focus
    first = next(i for i in w.passes[0].invocations if i.macro == "DEFINE_EVENT_MINE")
    # Its own step first (the alias became DEFINE_EVENT), then DEFINE_EVENT's.
    assert first.steps[0].macro == "DEFINE_EVENT_MINE" and first.steps[0].result == "DEFINE_EVENT"
    assert "DEFINE_EVENT" in [s.macro for s in first.steps[1:]]
    tu = setup("alias.h", [], [], tmp_path, None, None)
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)


# -- Debian's kernels ----------------------------------------------------------

@requires_gcc
@pytest.mark.parametrize("header", ["sched.h", "syscalls.h", "9p.h"])
def test_every_invocation_is_named_on_every_kernel(configured_tree: Path, header: str, tmp_path: Path) -> None:
    w = walkthrough(header, configured_tree, tmp_path)
    assert len(w.passes) == 11
    assert unnamed(w) == []


@requires_gcc
def test_declare_trace_of_7_makes_name_tp(tree_7: Path, tmp_path: Path) -> None:
    w = walkthrough("sched.h", tree_7, tmp_path, "pelt_cfs_tp")
    for p in w.passes:
        (inv,) = [i for i in p.invocations if i.macro == "DECLARE_TRACE" and i.args[0].strip() == "pelt_cfs"]
        assert inv.name == "pelt_cfs_tp" and inv.focus
    code = next(i for i in w.passes[0].invocations if i.name == "pelt_cfs_tp").code
    assert "trace_pelt_cfs_tp(" in code and "__tracepoint_pelt_cfs_tp" in code


@pytest.mark.parametrize("macro", ["DECLARE_TRACE", "DECLARE_TRACE_CONDITION", "DECLARE_TRACE_EVENT",
                                   "DECLARE_TRACE_EVENT_CONDITION"])
def test_a_bare_tracepoint_is_no_event(macro: str) -> None:
    assert knowledge.kind(macro) == "tracepoint"
    assert knowledge.kind("TRACE_EVENT") == "event" and knowledge.kind("DECLARE_EVENT_CLASS") == "class"


@requires_gcc
def test_the_timeline_calls_a_bare_tracepoint_so(debian_tree: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "sched.html"
    code, _, _ = explain_in(capsys, REPO, "all", "sched.h", "--kernel", str(debian_tree),
                            "--format", "html", "-o", str(page))
    assert code == 0
    rows = dict(re.findall(r'<th scope="row"><code>([a-z_0-9]+)</code> <span class="kind">([a-z ()]+)</span>',
                           page.read_text()))
    assert rows["pelt_cfs_tp"] == "tracepoint" and rows["sched_switch"] == "event"
    assert rows["sched_process_template"] == "class"


@requires_gcc
def test_declare_trace_of_6_1_keeps_the_name_written(debian_tree: Path, tmp_path: Path) -> None:
    w = walkthrough("sched.h", debian_tree, tmp_path, "pelt_cfs_tp")
    (inv,) = [i for i in w.passes[0].invocations if i.macro == "DECLARE_TRACE" and i.focus]
    assert inv.args[0].strip() == "pelt_cfs_tp" and inv.name == "pelt_cfs_tp"


@requires_gcc
def test_trace_event_syscall_is_in_focus_from_the_first_pass(tree_7: Path, tmp_path: Path) -> None:
    w = walkthrough("syscalls.h", tree_7, tmp_path, "sys_enter")
    assert [p.stage for p in w.passes][:2] == ["declare", "define"]
    for p in w.passes:
        assert [(i.macro, i.name) for i in p.invocations if i.focus][:1] == [("TRACE_EVENT_SYSCALL", "sys_enter")]


@requires_gcc
def test_sched_h_of_7_is_gcc_s_in_every_pass(tree_7: Path, tmp_path: Path) -> None:
    tu = setup("sched.h", [], [], tmp_path, str(tree_7), None)
    ours = pass_tokens(Recorder(tu).run())
    assert len(ours) == 11
    assert ours == gcc_pass_tokens(tu)


@requires_gcc
def test_the_custom_events_sample_is_explained(source_7: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = source_7 / "samples" / "trace_events"
    w = walkthrough("trace_custom_sched.h", Path("../.."), folder)
    assert [p.stage for p in w.passes] == [
        "custom_declare", "custom_define", *(ids for ids in knowledge.machineries()[0].includers["trace_custom_events.h"])]
    assert unnamed(w) == []
    assert [i.name for i in w.passes[-1].invocations] == ["sched_switch", "sched_waking"]
    assert "custom_event_sched_switch" in w.passes[-1].code
    tu = setup("trace_custom_sched.h", [], [], folder, "../..", None)
    assert tu.text.splitlines()[1] == "#define CREATE_CUSTOM_TRACE_EVENTS"
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)
    code, out, _ = explain_in(capsys, folder, "TRACE_CUSTOM_EVENT", "trace_custom_sched.h", "--kernel", "../..")
    assert code == 0 and "9 passes" in out and "Custom stage 7: registration" in out


@requires_gcc
def test_remote_events_are_explained(source_7: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "arch/arm64/include/asm/kvm_hypevents.h"
    w = walkthrough(header, Path("."), source_7)
    assert [p.stage for p in w.passes] == ["remote_print", "remote_register"]
    assert unnamed(w) == []
    assert "hyp_enter" in names(w, 2, "HYP_EVENT")
    assert "remote_event_hyp_enter" in w.passes[1].code
    tu = setup(header, [], [], source_7, ".", None)
    assert "asm/kvm_define_hypevents.h" in tu.text
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)
    code, out, _ = explain_in(capsys, source_7, "hyp_enter", header, "--kernel", ".")
    assert code == 0 and "Remote events: the field table and the event" in out


@requires_gcc
def test_the_sweep_reports_no_unnamed_invocation(tree_7: Path, tmp_path: Path) -> None:
    """bench/sweep.py's JSON on the headers whose names are hardest (an
    alias, names that start with a digit, 7.x's syscall and _tp macros)."""
    import json
    import subprocess
    import sys

    from conftest import REPO, environment

    out = tmp_path / "sweep.json"
    run = subprocess.run([sys.executable, str(REPO / "bench" / "sweep.py"), "--kernel", str(tree_7), "--jobs", "1",
                          "--json", str(out), "sched.h", "9p.h", "rcu.h", "syscalls.h"],
                         capture_output=True, text=True, env=environment(), check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(out.read_text())
    assert report["kernel"].startswith("7.")
    assert [(h["header"], h["verdict"], h["unnamed"]) for h in report["headers"]] == [
        (h, "explained", []) for h in ("sched.h", "9p.h", "rcu.h", "syscalls.h")]


@requires_gcc
def test_focused_copies_are_kept_apart(source_7: Path) -> None:
    """The custom events' copy of the tree holds linux/trace_events.h;
    another header's focused run, after it, must not have gcc read it."""
    setup("trace_custom_sched.h", [], [], source_7 / "samples" / "trace_events", "../..", None)
    tu = setup("clk.h", [], [], source_7, ".", "focused")
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)


XMACRO_LIST = "COLOR(red, 1)\nCOLOR(green, 2)\n"
XMACRO_READER = """\
#define COLOR(n, v) n = v,
enum color {
#include "colors.def"
};
#undef COLOR
#define COLOR(n, v) #n,
const char *color_names[] = {
#include "colors.def"
};
"""


@requires_gcc
def test_a_list_read_by_its_c_file_is_shown_read_by_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user's X-macro list, included twice by their .c file (--from):
    two passes with generic labels, its macros not folded, gcc's tokens."""
    import json

    (tmp_path / "colors.def").write_text(XMACRO_LIST)
    (tmp_path / "main.c").write_text(XMACRO_READER)
    tu = setup("colors.def", [], [], tmp_path, None, None, reader="main.c")
    assert pass_tokens(Recorder(tu).run()) == gcc_pass_tokens(tu)
    code, out, err = explain_in(capsys, tmp_path, "all", "colors.def", "--from", "main.c", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [p["stage"] for p in data["passes"]] == ["first_read", "read_again"]
    codes = [[" ".join(i["code"].split()) for i in p["invocations"]] for p in data["passes"]]
    assert codes == [["red = 1,", "green = 2,"], ['"red",', '"green",']]
    code, _, err = explain_in(capsys, tmp_path, "all", "colors.def", "--from", "nope.c")
    assert code == 2 and err == "explain: --from nope.c: no such file\n"
