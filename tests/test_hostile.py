"""Broken and hostile headers: each is refused with one line naming the
file, the line and the cause, exit 2, in bounded time, leaving nothing
but its output, whole: the passes that worked, then the diagnosis."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from explainer import cli

HEAD = "#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad\n#include <linux/tracepoint.h>\n"
EVENT_ARGS = "TP_PROTO(int x), TP_ARGS(x), TP_STRUCT__entry(__field(int, x)), TP_fast_assign(__entry->x = x;), TP_printk(\"%d\", __entry->x)"

CORPUS: dict[str, tuple[str | bytes, str]] = {
    "unterminated_comment": ("int a;\n/* never closed\nint b;\n", r"bad\.h:2: error: unterminated comment"),
    "unterminated_string": ('int a = "never closed;\n', r'bad\.h:1: error: missing terminating " character'),
    "unterminated_char": ("int a = 'x;\n", r"bad\.h:1: error: missing terminating ' character"),
    "if_without_endif": ("#ifdef X\nint a;\n", r"bad\.h:1: error: unterminated #ifdef X"),
    "error_directive": ('#error "not this one"\n', r'bad\.h:1: error: #error "not this one"'),
    "nul_byte": (b"int a;\nint\0b;\n", r"bad\.h:2: error: NUL byte"),
    "unbalanced_parentheses": (HEAD + "TRACE_EVENT(bad,\n\tTP_PROTO(int x),\n\tTP_ARGS(x\n",
                               r'bad\.h:4: error: unterminated argument list invoking macro "TRACE_EVENT"'),
    "exponential_macro": (
        "".join(f"#define E{i + 1} E{i} E{i}\n" for i in range(40)).replace("E0 E0", "x x") + "E40\n",
        r'bad\.h:41: error: expansion of macro "E40" exceeds the limit of 100,000 macro expansions',
    ),
    "deep_if": ("#if " + "(" * 3000 + "1" + ")" * 3000 + "\nint a;\n#endif\n",
                r"bad\.h:1: error: #if expression nests too deeply \(limit 200\)"),
    # Deep enough to overflow the C stack, had the compiled modules no limit.
    "deeper_if": ("#if " + "- " * 100_000 + "(" * 200_000 + "1" + ")" * 200_000 + "\n#endif\n",
                  r"bad\.h:1: error: #if expression nests too deeply \(limit 200\)"),
    "deep_arguments": ("#define F(x) x\n" + "F(" * 1000 + "1" + ")" * 1000 + "\n",
                       r"bad\.h:2: error: macro arguments nest too deeply to expand \(limit 200\)"),
    "reinclusion_loop": ('#include "bad.h"\n',
                         r"bad\.h:1: error: #include nested depth 200 exceeds maximum of 200 .*TRACE_HEADER_MULTI_READ.*\.\.\. \d+ more"),
}

# Every trace macro with one argument too few.
TRACE_MACROS = {
    "TRACE_EVENT": 6, "TRACE_EVENT_CONDITION": 7, "TRACE_EVENT_FN": 8, "DECLARE_EVENT_CLASS": 6,
    "DEFINE_EVENT": 4, "DEFINE_EVENT_PRINT": 5, "DEFINE_EVENT_CONDITION": 5, "TRACE_DEFINE_ENUM": 1,
}
for macro, count in TRACE_MACROS.items():
    args = ", ".join(f"a{i}" for i in range(count - 1)) if count > 1 else "a, b"
    given = count - 1 if count > 1 else 2
    wording = (f"requires {count} arguments, but only {given} given" if count > 1
               else f"passed {given} arguments, but takes just {count}")
    CORPUS[f"arguments_{macro}"] = (HEAD + f"{macro}({args});\n", rf'bad\.h:4: error: macro "{macro}" {wording}')


def run_bad(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes) -> tuple[int, str, float]:
    header = tmp_path / "bad.h"
    if isinstance(content, bytes):
        header.write_bytes(content)
    else:
        header.write_text(content)
    out = tmp_path / "out.html"
    old = Path.cwd()
    os.chdir(tmp_path)
    start = time.monotonic()
    try:
        code = cli.main(["all", "bad.h", "--format", "html", "-o", str(out), "--time-limit", "60"])
    finally:
        os.chdir(old)
    elapsed = time.monotonic() - start
    _, err = capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.h", "out.html"]
    page = out.read_text()
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<title>Diagnosis: bad.h: all" in page and 'id="stopped"' in page
    return code, err, elapsed


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_broken_header_is_refused_in_one_line(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content, pattern = CORPUS[name]
    code, err, _ = run_bad(tmp_path, capsys, content)
    assert code == 2
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert re.match(pattern, err), err


def test_huge_header_is_refused_before_it_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = tmp_path / "bad.h"
    with header.open("wb") as handle:
        handle.truncate(50 * 2**20)  # 50 MB, without writing them
    os.chdir(tmp_path)
    try:
        code = cli.main(["all", "bad.h"])
    finally:
        os.chdir(Path(__file__).parent)
    err = capsys.readouterr().err
    assert code == 2 and err == "bad.h: error: is 50.0 MB, over the limit of 8 MB for one file (included from <stdin>:3)\n"


def test_time_limit_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Each E15 stays under the per-invocation limits; 400 of them take minutes.
    slow = "".join(f"#define E{i + 1} E{i} E{i}\n" for i in range(15)).replace("E0 E0", "x x")
    slow += "E15 " * 400 + "\n"
    (tmp_path / "bad.h").write_text(slow)
    os.chdir(tmp_path)
    try:
        code = cli.main(["all", "bad.h", "--time-limit", "0.5"])
    finally:
        os.chdir(Path(__file__).parent)
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("bad.h:16: error: gave up after 0.5 s (the --time-limit)"), err
