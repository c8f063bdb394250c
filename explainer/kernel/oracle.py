"""gcc as the oracle: run ``gcc -E`` on a translation unit and split its
output into the passes over the trace header, by gcc's line markers."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel.translation_unit import REPRODUCE_ENV, TranslationUnit

MARKER = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d)*)$')


def run(tu: TranslationUnit, argv: list[str] | tuple[str, ...], stdin: str) -> subprocess.CompletedProcess[str]:
    """gcc *argv* in *tu*'s folder and reproducible environment, bytes
    that are not UTF-8 kept as gcc wrote them (surrogateescape)."""
    env = dict(os.environ)
    env.update(REPRODUCE_ENV)
    return subprocess.run(argv, input=stdin, cwd=tu.cwd, env=env, capture_output=True, text=True,
                          errors="surrogateescape", check=False)


def failed(proc: subprocess.CompletedProcess[str]) -> ExplainError:
    first = proc.stderr.strip().splitlines()
    return ExplainError(prose.error("oracle_failed", message=first[-1] if first else f"exit {proc.returncode}"))


def run_gcc(tu: TranslationUnit, compiler: str = "gcc") -> str:
    proc = run(tu, tu.gcc_argv(compiler), tu.text)
    if proc.returncode != 0:
        raise failed(proc)
    return proc.stdout


def walk(output: str, cwd: Path, header: Path) -> Iterator[tuple[str, int | None, bool]]:
    """Each line of gcc -E's *output*, with the index of the entry into
    *header* it is in (None: another file) and whether it is a line
    marker.  Markers with flag 1 enter a file, flag 2 return to one."""
    target = os.path.normcase(os.path.normpath(header))
    stack: list[tuple[str, int | None]] = [("<stdin>", None)]
    entries = 0
    for line in output.splitlines():
        m = MARKER.match(line)
        if m is not None:
            name = m.group(2).encode().decode("unicode_escape")
            flags = m.group(3).split()
            path = name if name.startswith("<") else os.path.normcase(os.path.normpath(cwd / name))
            if "1" in flags:
                index = None
                if path == target:
                    index = entries
                    entries += 1
                stack.append((path, index))
            elif "2" in flags:
                while len(stack) > 1 and stack[-1][0] != path:
                    stack.pop()
            yield line, stack[-1][1], True
            continue
        yield line, stack[-1][1], False


def split_passes(output: str, cwd: Path, header: Path) -> list[str]:
    """The text gcc produced inside each entry into *header*, in order of
    entry."""
    passes: list[list[str]] = []
    for line, index, is_marker in walk(output, cwd, header):
        if index is None:
            continue
        while len(passes) <= index:
            passes.append([])
        if not is_marker:
            passes[index].append(line)
    return ["\n".join(p) + "\n" for p in passes]
