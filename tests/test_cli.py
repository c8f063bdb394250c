"""The explain command as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from explainer import cli

from conftest import FOO_DIR, REPO, requires_gcc


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_teaches_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    for needle in ("examples:", "explain TRACE_EVENT", "--stage", "stage1_struct_define", "Exit status"):
        assert needle in out


@requires_gcc
def test_default_is_the_bundled_sample(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "TRACE_EVENT", "--color", "never")
    assert (code, err) == (0, "")
    assert out.startswith("include/trace/events/sample.h: 11 passes; in focus: TRACE_EVENT")
    assert out.count("Pass ") == 11
    assert "struct trace_event_raw_sample_work {" in out
    assert "\x1b[" not in out


def test_color_always_highlights(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sample_tick", "sample.h", "--pass", "3", "--color", "always")
    assert code == 0 and "\x1b[" in out


def test_stage_and_pass_select_one_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "sample_work", "sample.h", "--stage", "perf")
    data = json.loads(out)
    assert code == 0 and [p["index"] for p in data["passes"]] == [10]
    assert data["total_passes"] == 11
    code, out, _ = run(capsys, "--format", "json", "all", "sample.h", "--pass", "4")
    assert [p["stage"] for p in json.loads(out)["passes"]] == ["stage2_data_offsets"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["TRACE_EVENT", "sample.h", "--pass", "12"], "explain: --pass 12: the header was read 11 times"),
        (["TRACE_EVENT", "sample.h", "--stage", "stage9"], "explain: --stage stage9: no pass of that stage"),
        (["nonesuch", "sample.h"], 'explain: include/trace/events/sample.h: nothing named "nonesuch" to explain; try one of: all, TRACE_DEFINE_ENUM'),
    ],
)
def test_selection_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_focus_on_a_class_brings_its_events(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "sample_mode_class", "sample.h", "--pass", "9")
    assert code == 0
    focused = [(i["macro"], i["name"]) for i in json.loads(out)["passes"][0]["invocations"] if i["focus"]]
    assert focused == [
        ("DECLARE_EVENT_CLASS", "sample_mode_class"),
        ("DEFINE_EVENT", "sample_mode_enter"),
        ("DEFINE_EVENT", "sample_mode_exit"),
        ("DEFINE_EVENT_PRINT", "sample_mode_stuck"),
    ]


def test_module_header_from_its_directory(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FOO_DIR)
    code, out, _ = run(capsys, "--format", "json", "TRACE_EVENT", "foo.h")
    data = json.loads(out)
    assert code == 0 and data["header"] == "foo.h" and len(data["passes"]) == 11
    assert data["reproduce"]["cwd"] == "."
    argv = data["reproduce"]["argv"]
    assert argv[argv.index("-I") : argv.index("-I") + 4] == ["-I", "../../include", "-I", "."]
    assert data["passes"][1]["included_from"] == {"file": "../../include/trace/define_trace.h", "line": 95}


def test_json_names_no_machine_path(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    _, out, _ = run(capsys, "--format", "json", "all", "headers/include/trace/events/sample.h")
    # reproduce.cwd is relative to the header's directory (include/trace/events/).
    assert str(REPO) not in out and json.loads(out)["reproduce"]["cwd"] == "../../.."


def test_output_file_is_written_whole(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "w.json"
    code, out, _ = run(capsys, "--format", "json", "TRACE_EVENT", "sample.h", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["schema"] == 2
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "explainer", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("explain ")


def test_command_writes_everything_before_it_leaves(capsys: pytest.CaptureFixture[str]) -> None:
    """The command ends without Python's teardown (cli.entry): what it
    printed through a pipe is whole, and its exit code is main()'s."""
    import subprocess
    import sys

    argv = ["--format", "json", "TRACE_EVENT", "sample.h"]
    _, expected, _ = run(capsys, *argv)
    proc = subprocess.run([sys.executable, "-m", "explainer", *argv], capture_output=True, text=True,
                          check=False, cwd=REPO / "headers/include/trace/events")
    assert proc.returncode == 0 and proc.stdout == expected and len(expected) > 10_000
    proc = subprocess.run([sys.executable, "-m", "explainer", "TRACE_EVENT", "missing.h"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "missing.h" in proc.stderr and proc.stdout == ""


@pytest.mark.parametrize("verb", [[], ["follow"], ["check"], ["site"], ["format"], ["decode"], ["diff"], ["slides"], ["handout"], ["exercise"]])
def test_help_fits_an_80_column_terminal(verb: list[str], capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        cli.main([*verb, "--help"])
    wide = [line for line in capsys.readouterr().out.splitlines() if len(line) > 80]
    assert wide == []
