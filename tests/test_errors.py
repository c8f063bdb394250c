"""Bad input: one line naming file, line and cause; exit 2; never a
traceback.  A header that stops the translation unit still gets its
output, written whole: the passes that worked, then the diagnosis."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from explainer import cli

TRACE_HEAD = "#undef TRACE_SYSTEM\n#define TRACE_SYSTEM bad\n#include <linux/tracepoint.h>\n"
TRACE_TAIL = "#include <trace/define_trace.h>\n"

CASES = {
    "wrong_argument_count": (
        TRACE_HEAD + "TRACE_EVENT(bad, TP_PROTO(int x), TP_ARGS(x),\n\tTP_STRUCT__entry(), TP_fast_assign())\n" + TRACE_TAIL,
        'bad.h:4: error: macro "TRACE_EVENT" requires 6 arguments, but only 5 given (included from <stdin>:3)',
    ),
    "too_many_arguments": (
        TRACE_HEAD + "DEFINE_EVENT(a, b, TP_PROTO(int x), TP_ARGS(x), extra);\n" + TRACE_TAIL,
        'bad.h:4: error: macro "DEFINE_EVENT" passed 5 arguments, but takes just 4 (included from <stdin>:3)',
    ),
    "unbalanced_parentheses": (
        TRACE_HEAD + "TRACE_EVENT(bad, TP_PROTO(int x),\n\tTP_ARGS(x)\n",
        'bad.h:4: error: unterminated argument list invoking macro "TRACE_EVENT" (included from <stdin>:3)',
    ),
    "missing_include": (
        '#include "nowhere.h"\n',
        'bad.h:1: error: "nowhere.h": No such file or directory (included from <stdin>:3)',
    ),
    "error_directive": (
        "#ifndef CONFIG_NOPE\n#error this header needs CONFIG_NOPE\n#endif\n",
        "bad.h:2: error: #error this header needs CONFIG_NOPE (included from <stdin>:3)",
    ),
    "unterminated_if": ("#if 1\nint x;\n", "bad.h:1: error: unterminated #if 1 (included from <stdin>:3)"),
    "bad_define": ("#define 3 x\n", "bad.h:1: error: macro names must be identifiers (included from <stdin>:3)"),
    "stringify_non_parameter": ("#define S(x) #y\n", "bad.h:1: error: '#' is not followed by a macro parameter (included from <stdin>:3)"),
    "paste_at_end": ("#define P(x) x ##\n", "bad.h:1: error: '##' cannot appear at either end of a macro expansion (included from <stdin>:3)"),
    "invalid_paste": (
        "#define P(a, b) a ## b\nint x = P(+, /);\n",
        'bad.h:2: error: pasting "+" and "/" does not give a valid preprocessing token (included from <stdin>:3)',
    ),
    "no_trace_macros": ("int plain;\n", "explain: bad.h: no trace macros (TRACE_EVENT, DECLARE_EVENT_CLASS, ...) found"),
    # Conditionals, worded as gcc words them (the innermost unterminated first).
    "else_without_if": ("#else\n", "bad.h:1: error: #else without #if (included from <stdin>:3)"),
    "endif_without_if": ("#endif\n", "bad.h:1: error: #endif without #if (included from <stdin>:3)"),
    "else_after_else": ("#if 1\n#else\n#else\n#endif\n", "bad.h:3: error: #else after #else (included from <stdin>:3)"),
    "elif_after_else": ("#if 0\n#else\n#elif 1\n#endif\n", "bad.h:3: error: #elif after #else (included from <stdin>:3)"),
    "elif_without_expression": ("#if 0\n#elif\n#endif\n", "bad.h:2: error: #elif with no expression (included from <stdin>:3)"),
    "ifdef_without_name": ("#ifdef\n#endif\n", "bad.h:1: error: no macro name given in #ifdef directive (included from <stdin>:3)"),
    "nested_unterminated": ("#if 1\n#ifdef A\n", "bad.h:2: error: unterminated #ifdef A (included from <stdin>:3)"),
    "unknown_directive": ("#frobnicate\n", "bad.h:1: error: invalid preprocessing directive #frobnicate (included from <stdin>:3)"),
}


def _run(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str | bytes) -> tuple[int, str, str, dict[str, Any]]:
    header = tmp_path / "bad.h"
    if isinstance(text, bytes):
        header.write_bytes(text)
    else:
        header.write_text(text)
    out_file = tmp_path / "out" / "result.json"
    out_file.parent.mkdir()
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        code = cli.main(["--format", "json", "all", "bad.h", "-o", str(out_file)])
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert list(out_file.parent.iterdir()) == [out_file], "the output, whole, and nothing else"
    return code, out, err, json.loads(out_file.read_text())


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_header(name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text, expected = CASES[name]
    code, out, err, data = _run(capsys, tmp_path, text)
    assert code == 2
    assert out == ""
    assert err == expected + "\n"
    # The output says the same at its place: after the passes that worked (none here).
    assert data["passes"] == [] and len(data["diagnostics"]) == 1
    found = data["diagnostics"][0]
    if found["kind"] == "diagnosis":
        assert "explain: " + found["message"] == expected
    else:
        assert expected.startswith(f"{found['file']}:{found['line']}: error: {found['message']}")


@pytest.mark.parametrize(
    ("target", "expected"),
    [("missing.h", "explain: missing.h: no such file"), (".", "explain: .: is a directory, not a header file")],
)
def test_header_that_is_not_a_file(target: str, expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["TRACE_EVENT", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1


def test_fifo_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.mkfifo(tmp_path / "pipe.h")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["TRACE_EVENT", "pipe.h"]) == 2
    assert capsys.readouterr().err == "explain: pipe.h: is not a regular file\n"


def test_module_header_without_its_directory_explains_the_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """define_trace.h cannot find "./trace.h": the error says why and what to do."""
    module = tmp_path / "mod"
    module.mkdir()
    text = (TRACE_HEAD + "TRACE_EVENT(bad, TP_PROTO(int x), TP_ARGS(x), TP_STRUCT__entry(__field(int, x)),\n"
            "\tTP_fast_assign(__entry->x = x;), TP_printk(\"%d\", __entry->x));\n"
            "#undef TRACE_INCLUDE_PATH\n#define TRACE_INCLUDE_PATH ../elsewhere\n#define TRACE_INCLUDE_FILE trace\n"
            + TRACE_TAIL)
    (module / "trace.h").write_text(text)
    monkeypatch.chdir(module)
    assert cli.main(["TRACE_EVENT", "trace.h"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith('include/trace/define_trace.h:')  # the bundled kernel's, not ../../
    assert '"../elsewhere/trace.h": No such file or directory' in err
    assert "TRACE_INCLUDE_PATH (../elsewhere)" in err and "-I$(src)" in err


def test_module_header_without_trace_include_path_is_told_to_set_it(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (TRACE_HEAD + "TRACE_EVENT(bad, TP_PROTO(int x), TP_ARGS(x), TP_STRUCT__entry(__field(int, x)),\n"
            "\tTP_fast_assign(__entry->x = x;), TP_printk(\"%d\", __entry->x));\n" + TRACE_TAIL)
    (tmp_path / "bad.h").write_text(text)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["TRACE_EVENT", "bad.h"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "<trace/events/bad.h>: No such file or directory" in err
    assert "must define TRACE_INCLUDE_PATH" in err


def test_unterminated_if_in_an_included_file_is_blamed_on_that_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "inner.h").write_text("#ifdef NEVER_CLOSED\nint x;\n")
    code, _, err, _ = _run(capsys, tmp_path, '#ifndef GUARD\n#define GUARD\n#include "inner.h"\n#endif\n')
    assert code == 2
    assert err == "inner.h:1: error: unterminated #ifdef NEVER_CLOSED (included from bad.h:3, <stdin>:3)\n"
