"""The passes compiled: gcc -fsyntax-only reads gcc -E's output of the
translation unit back, with each read of the header a token a line, so
that each message it gives names the pass and the token it is about
(the doctor maps the token back to the header: walkthrough/doctor.py)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explainer.cpp import lexer
from explainer.kernel import oracle
from explainer.kernel.translation_unit import TranslationUnit

# The header's passes as a compiler reads them back (compile_passes): one
# token a line, in a file named after the pass, so that a diagnostic's
# line is the token's index in the pass.
PASS_FILE = "{header}@pass{index}"
_PASS_FILE = re.compile(r"^(.*)@pass(\d+)$")


@dataclass(frozen=True)
class CompilerMessage:
    """One diagnostic of gcc's: its kind ("error", "warning", "note"), its
    text, and where: in the header's pass *pass_index* at its token
    *token* (0-based), or else in *file* at *line*."""

    kind: str
    message: str
    pass_index: int | None
    token: int | None
    file: str
    line: int
    column: int
    option: str | None  # the warning's -W option, if any


def token_lines(output: str, cwd: Path, header: Path, shown: str) -> str:
    """gcc -E *output* with the text of each read of *header* written a
    token a line under a line marker of its own (PASS_FILE): compiled,
    it gives the same code, and every diagnostic names its token."""
    out: list[str] = []
    counts: list[int] = []  # tokens written for each pass so far

    def marker(index: int, flags: str = "") -> str:
        name = PASS_FILE.format(header=shown, index=index + 1).replace("\\", "\\\\").replace('"', '\\"')
        return f'# {counts[index] + 1} "{name}"{flags}'

    for line, index, is_marker in oracle.walk(output, cwd, header):
        if index is None:
            out.append(line)
            continue
        while len(counts) <= index:
            counts.append(0)
        if is_marker:  # entering the header, or back in it: under the pass's name
            m = oracle.MARKER.match(line)
            out.append(marker(index, m.group(3) if m else ""))
            continue
        tokens = lexer.spellings(line)
        if not tokens:
            continue
        if line.lstrip().startswith("#"):  # #pragma: a line of its own, as gcc wrote it
            out.append(line)
            counts[index] += len(tokens)
            out.append(marker(index))
            continue
        for t in tokens:
            # A lone '#' starting a line would read as a directive.
            if t in ("#", "##", "%:", "%:%:") and out and not oracle.MARKER.match(out[-1]):
                out[-1] += " " + t
            else:
                out.append(t)
            counts[index] += 1
    return "\n".join(out) + "\n"


def _gcc(argv: list[str], stdin: str, tu: TranslationUnit) -> tuple[str, list[dict[str, Any]]]:
    """Run gcc with JSON diagnostics: its output, and its diagnostics."""
    proc = oracle.run(tu, argv, stdin)
    try:
        found: list[dict[str, Any]] = json.loads(proc.stderr or "[]")
    except ValueError:
        raise oracle.failed(proc) from None
    return proc.stdout, found


def preprocess(tu: TranslationUnit, compiler: str = "gcc") -> tuple[str, list[CompilerMessage]]:
    """gcc -E of *tu*: its output, and its warnings (a macro redefined ...)."""
    argv = list(tu.gcc_argv(compiler))
    argv.insert(-3, "-fdiagnostics-format=json")  # before "-x c -"
    output, found = _gcc(argv, tu.text, tu)
    return output, _messages(found)


def compile_passes(tu: TranslationUnit, output: str, compiler: str = "gcc") -> list[CompilerMessage]:
    """Compile gcc -E's *output* of *tu* (-fsyntax-only, with -Wall, as a
    module is built), its passes read back a token a line; gcc's messages."""
    shown = os.path.basename(tu.header)
    text = token_lines(output, tu.cwd, tu.header_abspath, shown)
    # With what kbuild compiles with beyond the preprocessor's flags: 7.x's
    # -fms-extensions lets a struct embed another, which its headers need.
    argv = [compiler, "-fsyntax-only", *tu.compiler_flags, *tu.cflags, "-Wall", "-fdiagnostics-format=json",
            "-x", "cpp-output", "-"]
    _, found = _gcc(argv, text, tu)
    return _messages(found)


def _messages(found: list[dict[str, Any]]) -> list[CompilerMessage]:
    messages: list[CompilerMessage] = []
    for d in _flatten(found):
        where = (d.get("locations") or [{}])[0].get("caret", {})
        file = str(where.get("file", ""))
        line = int(where.get("line", 0))
        m = _PASS_FILE.match(file)
        messages.append(CompilerMessage(
            str(d.get("kind", "")), str(d.get("message", "")),
            int(m.group(2)) if m else None, line - 1 if m else None,
            file, line, int(where.get("column", 0)), d.get("option"),
        ))
    return messages


def _flatten(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in diagnostics:
        out.append(d)
        out.extend(_flatten(d.get("children") or []))
    return out
