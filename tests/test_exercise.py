"""explain exercise: each kind's real answer passes, a one-token change
fails with a diff, a fixed header passes; progress is kept and never
lost by a failed check; bad input is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import explain_in, requires_gcc

pytestmark = requires_gcc


def explain(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    return explain_in(capsys, cwd, "exercise", *argv)


def solve(capsys: pytest.CaptureFixture[str], cwd: Path, number: int, change: tuple[str, str] | None = None) -> Path:
    """Start exercise *number* and write its solution under the question
    (with *change*: one token replaced)."""
    code, out, _ = explain(capsys, cwd, "start", str(number))
    assert code == 0 and out.startswith("wrote exercise-")
    file = cwd / out.split()[1].rstrip(":")
    _, solution, _ = explain(capsys, cwd, "solution", str(number))
    if change is not None:
        assert change[0] in solution
        solution = solution.replace(change[0], change[1], 1)
    question = file.read_text()
    if file.suffix == ".h":  # fix this header: the fixed header replaces the broken one
        file.write_text(question[:question.index("*/") + 3] + solution)
    else:
        file.write_text(question + solution)
    return file


def test_the_list_names_each_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = explain(capsys, tmp_path, "list")
    assert code == 0 and out.startswith("Exercises on sample.h: 0 of 6 done")
    text = " ".join(out.split())
    assert "Write the struct trace_event_raw_sample_work that stage 1 makes" in text
    assert "Which passes use TP_printk of sample_work?" in text
    assert "What does line 66 of include/trace/events/sample.h, __field( int, id ), become in pass 6" in text
    assert text.count("Fix this header") == 3


@pytest.mark.parametrize(("number", "change"), [(1, ("int id", "long id")), (3, ('"id"', '"idx"'))])
def test_code_answers_right_and_one_token_wrong(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               number: int, change: tuple[str, str]) -> None:
    right = tmp_path / "right"
    right.mkdir()
    solve(capsys, right, number)
    code, out, _ = explain(capsys, right, "check", str(number))
    assert (code, out) == (0, f"correct: exercise {number} is done\n")
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    solve(capsys, wrong, number, change)
    code, out, _ = explain(capsys, wrong, "check", str(number))
    assert code == 1 and out.startswith(f"not yet: exercise {number}")
    assert f"-{change[0].split()[0]}" in out.splitlines() and f"+{change[1].split()[0]}" in out.splitlines()
    assert "\nHint: " in out


def test_which_passes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    solve(capsys, tmp_path, 2)
    code, out, _ = explain(capsys, tmp_path, "check", "2")
    assert code == 0, out
    (tmp_path / "exercise-2-passes.txt").write_text("5\n")  # one pass missing
    code, out, _ = explain(capsys, tmp_path, "check", "2")
    assert code == 1 and out.startswith("not yet: you wrote 5.")


@pytest.mark.parametrize("number", [4, 5, 6])
def test_fix_this_header(capsys: pytest.CaptureFixture[str], tmp_path: Path, number: int) -> None:
    code, out, _ = explain(capsys, tmp_path, "start", str(number))
    assert code == 0
    code, out, _ = explain(capsys, tmp_path, "check", str(number))  # as broken as it came
    assert code == 1 and out.startswith(f"not yet: exercise {number}, explain check still finds this:")
    assert "foo.h:" in out and "\nHint: " in out
    solve_dir = tmp_path / "fixed"
    solve_dir.mkdir()
    solve(capsys, solve_dir, number)
    code, out, _ = explain(capsys, solve_dir, "check", str(number))
    assert (code, out) == (0, f"correct: exercise {number} is done\n")


def test_progress_is_kept_and_never_lost(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    solve(capsys, tmp_path, 1)
    assert explain(capsys, tmp_path, "check", "1")[0] == 0
    assert json.loads((tmp_path / ".explainer-exercises.json").read_text()) == {"done": [1]}
    (tmp_path / "exercise-1-struct.c").write_text("struct nothing;\n")  # now wrong
    assert explain(capsys, tmp_path, "check", "1")[0] == 1
    _, out, _ = explain(capsys, tmp_path, "list")
    assert out.startswith("Exercises on sample.h: 1 of 6 done") and "  1. [done]" in out
    # start does not overwrite an answer
    code, out, _ = explain(capsys, tmp_path, "start", "1")
    assert code == 0 and "already" in out and (tmp_path / "exercise-1-struct.c").read_text() == "struct nothing;\n"


@pytest.mark.parametrize(("argv", "says"), [
    (["check", "9"], "no exercise 9: there are 6"),
    (["hint"], "needs an exercise's number"),
    (["check", "1"], "no such file"),
    (["check", "1", "empty.c"], "no answer in it yet"),
    (["check", "1", "prose.c"], "not C: line 1 has a quote that does not end"),
    (["check", "1", "binary.c"], "not a text file"),
])
def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], says: str) -> None:
    (tmp_path / "empty.c").write_text("/* nothing yet */\n")
    (tmp_path / "prose.c").write_text("I don't know\n")
    (tmp_path / "binary.c").write_bytes(b"\x00\x01struct")
    code, out, err = explain(capsys, tmp_path, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1 and says in err, err
    assert not (tmp_path / ".explainer-exercises.json").exists()


def test_chinese_exercises(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = explain_in(capsys, tmp_path, "--lang", "zh", "exercise", "list")
    assert code == 0 and out.startswith("sample.h 的练习：已完成 0 个，共 6 个")
    code, out, _ = explain_in(capsys, tmp_path, "--lang", "zh", "exercise", "hint", "2")
    assert code == 0 and "TP_printk 是打印格式" in out
