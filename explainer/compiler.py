"""What the compiler says about itself: its predefined macros and its
answers to __has_attribute / __has_builtin, taken from the gcc that the
``reproduce`` command runs, so both sides agree.

Asking gcc costs a process start, so answers are asked for in batches and
kept for the life of the process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

from explainer.errors import ExplainError

GCC = "gcc"
_PROBE_LINE = re.compile(r"^explainer_probe (\d+) = (\d+)$")
TIMEOUT_SECONDS = 30


def available() -> bool:
    return shutil.which(GCC) is not None


def _run(flags: tuple[str, ...], source: str, what: str) -> str:
    if not available():
        raise ExplainError(f"{what} needs gcc, which is not installed")
    try:
        proc = subprocess.run(
            [GCC, *flags, "-x", "c", "-"], input=source, capture_output=True, text=True,
            timeout=TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExplainError(f"{what}: running gcc failed: {exc}") from None
    if proc.returncode != 0:
        raise ExplainError(f"{what}: gcc failed: {proc.stderr.strip().splitlines()[-1:]}")
    return proc.stdout


@cache
def predefined(flags: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """gcc's predefined macros for *flags*, as (name, "VALUE" or
    "NAME(PARAMS) VALUE") definitions, sorted by name."""
    out = _run(("-dM", "-E", *flags), "", "the compiler's predefined macros")
    found = []
    for line in out.splitlines():
        if line.startswith("#define "):
            rest = line[len("#define ") :]
            name = re.match(r"[A-Za-z_]\w*", rest)
            if name:
                found.append((name.group(), rest))
    return tuple(sorted(found))


class Answers:
    """__has_attribute and __has_builtin answers, asked of gcc in batches."""

    def __init__(self, flags: tuple[str, ...], likely: dict[str, list[str]]) -> None:
        self._flags = flags
        self._likely = likely
        self._known: dict[tuple[str, str], int] = {}

    def ask(self, operator: str, name: str) -> int:
        key = (operator, name)
        if key not in self._known:
            batch = {(op, n) for op, names in self._likely.items() for n in names}
            batch.add(key)
            self._fill(sorted(batch - set(self._known)))
        return self._known[key]

    def _fill(self, pairs: list[tuple[str, str]]) -> None:
        # gcc expands these operators in text too, to the exact number.
        source = "".join(f"explainer_probe {k} = {op}({name})\n" for k, (op, name) in enumerate(pairs))
        out = _run(("-E", "-P", *self._flags), source, f"answering {pairs[0][0]}")
        for line in out.splitlines():
            m = _PROBE_LINE.match(line.strip())
            if m:
                self._known[pairs[int(m.group(1))]] = int(m.group(2))
        for pair in pairs:
            self._known.setdefault(pair, 0)
