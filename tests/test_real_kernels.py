"""Real trees: Debian's 6.1 headers packages (fetched into a cache outside
the repository by tests/kernels.py), every pass compared with gcc."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from explainer import cli
from explainer.cpp import lexer
from explainer.kernel import oracle

from conftest import environment, requires_gcc

pytestmark = requires_gcc


@pytest.fixture(scope="session")
def tree(debian_tree: Path) -> Path:
    return debian_tree


def header_dir(tree: Path, header: str) -> Path:
    from explainer.kernel import trees

    found = trees.header_in_tree(trees.open_tree(tree, str(tree)), header, tree)
    assert found is not None
    return found.parent


def explain_json(cwd: Path, *argv: str) -> dict[str, object]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        out = cwd / ".explain-test.json"
        code = cli.main([*argv, "--format", "json", "-o", str(out)])
        assert code == 0
        data = json.loads(out.read_text())
        out.unlink()
        return data
    finally:
        os.chdir(old)


def check_against_reproduce(header_dir: Path, data: dict[str, object]) -> None:
    """Run the reproduce command from the header's directory, as documented."""
    r = data["reproduce"]
    assert isinstance(r, dict)
    run_dir = (header_dir / r["cwd"]).resolve()
    proc = subprocess.run(r["argv"], input=r["stdin"], cwd=run_dir, env={**os.environ, **r["env"]},
                          capture_output=True, text=True, check=True)
    header = (run_dir / str(data["header"])).resolve()
    gcc = oracle.split_passes(proc.stdout, run_dir, header)
    passes = data["passes"]
    assert isinstance(passes, list) and len(passes) == len(gcc) == 11
    for p, g in zip(passes, gcc, strict=True):
        assert lexer.spellings(p["code"]) == lexer.spellings(g), f"pass {p['index']} differs from gcc"


@pytest.mark.parametrize("header", ["sched.h", "irq.h", "block.h", "nilfs2.h"])
def test_full_mode_every_pass_matches_gcc(tree: Path, header: str, tmp_path: Path) -> None:
    data = explain_json(tmp_path, "all", header, "--kernel", str(tree))
    assert [p["stage"] for p in data["passes"]][:3] == ["declare", "define", "stage1_struct_define"]
    check_against_reproduce(header_dir(tree, header), data)


def test_compiled_and_plain_python_write_the_same_bytes(tree: Path) -> None:
    """The compiled modules are the same code: a real header's JSON is
    byte for byte what plain Python writes."""
    import sys

    argv = [sys.executable, "-m", "explainer", "--format", "json", "all", "sched.h", "--kernel", str(tree)]
    runs = []
    for pure in (False, True):
        runs.append(subprocess.run(argv, cwd=header_dir(tree, "sched.h"), env=environment(pure),
                                   capture_output=True, check=True).stdout)
    assert runs[0] == runs[1]
    assert json.loads(runs[0])["passes"]


@pytest.mark.parametrize("mode", ["full", "focused"])
def test_without_gcc_a_real_tree_is_refused_in_one_line(tree: Path, mode: str) -> None:
    """A real tree needs gcc's predefined macros (asked early, in a
    thread): without gcc, one line says so, exit 2."""
    import sys

    env = {**os.environ, "PATH": "/nonexistent"}
    proc = subprocess.run([sys.executable, "-m", "explainer", "all", "sched.h", "--kernel", str(tree),
                           "--mode", mode], cwd=header_dir(tree, "sched.h"), env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "explain: the compiler's predefined macros needs gcc, which is not installed\n"


MODULE = """#undef TRACE_SYSTEM
#define TRACE_SYSTEM mymod
#if !defined(_MYMOD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MYMOD_TRACE_H
#include <linux/tracepoint.h>
TRACE_EVENT(mymod_tick,
	TP_PROTO(int n, const char *why),
	TP_ARGS(n, why),
	TP_STRUCT__entry(__field(int, n) __string(why, why)),
	TP_fast_assign(__entry->n = n; __assign_str(why, why);),
	TP_printk("n=%d why=%s", __entry->n, __get_str(why))
);
#endif
#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE mymod_trace
#include <trace/define_trace.h>
"""


def test_out_of_tree_module_as_its_author_types_it(tree: Path, tmp_path: Path) -> None:
    (tmp_path / "mymod_trace.h").write_text(MODULE)
    data = explain_json(tmp_path, "TRACE_EVENT", "mymod_trace.h", "--kernel", str(tree))
    assert data["header"] == "mymod_trace.h" and data["reproduce"]["cwd"] == "."
    check_against_reproduce(tmp_path, data)


def test_not_a_kernel_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.h").write_text("int x;\n")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["all", "x.h", "--kernel", "."]) == 2
    assert capsys.readouterr().err == (
        "explain: --kernel .: not a kernel tree (no include/linux/tracepoint.h and "
        "include/trace/define_trace.h)\n"
    )


def test_full_mode_needs_a_configured_tree(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = next(tree.parent.glob("linux-headers-*-common"))
    assert cli.main(["all", "sched.h", "--kernel", str(common), "--mode", "full"]) == 2
    err = capsys.readouterr().err
    assert "--mode full needs a configured tree" in err and "include/generated/autoconf.h" in err
    assert err.count("\n") == 1


def test_private_include_is_named(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """bridge.h includes ../../../net/bridge/br_private.h, which the headers
    package does not ship: gcc fails too, and the error says which file."""
    assert cli.main(["all", "bridge.h", "--kernel", str(tree)]) == 2
    err = capsys.readouterr().err
    assert "br_private.h" in err and "No such file or directory" in err and err.count("\n") == 1


@pytest.mark.parametrize("header", ["sched.h", "irq.h", "block.h", "nilfs2.h", "bridge.h"])
def test_focused_mode_every_pass_matches_gcc(tree: Path, header: str, tmp_path: Path) -> None:
    """Focused mode reads only the tracing machinery, so even bridge.h,
    whose private include the package lacks, explains."""
    data = explain_json(tmp_path, "all", header, "--kernel", str(tree), "--mode", "focused")
    left_out = data["left_out"]
    assert isinstance(left_out, list) and left_out, "focused mode leaves the rest of the kernel out"
    assert all(x["include"] not in ("<linux/tracepoint.h>", "<linux/stringify.h>") for x in left_out)
    check_against_reproduce(header_dir(tree, header), data)


def test_unconfigured_tree_defaults_to_focused(tree: Path, tmp_path: Path) -> None:
    common = next(tree.parent.glob("linux-headers-*-common"))
    data = explain_json(tmp_path, "TRACE_EVENT", "irq.h", "--kernel", str(common))
    assert data["left_out"] and data["header"] == "include/trace/events/irq.h"
    assert "-DCONFIG_TRACEPOINTS" in data["reproduce"]["argv"]
