"""gcc as the oracle: run ``gcc -E`` on a translation unit and split its
output into the passes over the trace header, by gcc's line markers."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from explainer.errors import ExplainError
from explainer.kernel.translation_unit import REPRODUCE_ENV, TranslationUnit

_MARKER = re.compile(r'^# (\d+) "((?:[^"\\]|\\.)*)"((?: \d)*)$')


def run_gcc(tu: TranslationUnit, compiler: str = "gcc") -> str:
    env = dict(os.environ)
    env.update(REPRODUCE_ENV)
    proc = subprocess.run(
        tu.gcc_argv(compiler), input=tu.text, cwd=tu.cwd, env=env,
        capture_output=True, text=True, errors="surrogateescape", check=False,
    )
    if proc.returncode != 0:
        first = proc.stderr.strip().splitlines()
        raise ExplainError("gcc failed: " + (first[-1] if first else f"exit {proc.returncode}"))
    return proc.stdout


def split_passes(output: str, cwd: Path, header: Path) -> list[str]:
    """The text gcc produced inside each entry into *header*, in order of
    entry.  Line markers with flag 1 enter a file, flag 2 return to one."""
    target = os.path.normcase(os.path.normpath(header))
    stack: list[tuple[str, int | None]] = [("<stdin>", None)]
    passes: list[list[str]] = []
    for line in output.splitlines():
        m = _MARKER.match(line)
        if m is not None:
            name = m.group(2).encode().decode("unicode_escape")
            flags = m.group(3).split()
            path = name if name.startswith("<") else os.path.normcase(os.path.normpath(cwd / name))
            if "1" in flags:
                index = None
                if path == target:
                    passes.append([])
                    index = len(passes) - 1
                stack.append((path, index))
            elif "2" in flags:
                while len(stack) > 1 and stack[-1][0] != path:
                    stack.pop()
            continue
        index = stack[-1][1]
        if index is not None:
            passes[index].append(line)
    return ["\n".join(p) + "\n" for p in passes]
