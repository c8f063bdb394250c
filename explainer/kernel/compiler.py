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
import threading
from functools import cache

from explainer import prose
from explainer.errors import ExplainError

GCC = "gcc"
_PROBE_LINE = re.compile(r"^explainer_probe (\d+) = (\d+)$")
TIMEOUT_SECONDS = 30


def available() -> bool:
    return shutil.which(GCC) is not None


def _run(flags: tuple[str, ...], source: str, what: str) -> str:
    if not available():
        raise ExplainError(prose.error("no_gcc", what=what))
    try:
        proc = subprocess.run(
            [GCC, *flags, "-x", "c", "-"], input=source, capture_output=True, text=True,
            timeout=TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ExplainError(prose.error("gcc_not_run", what=what, reason=exc)) from None
    if proc.returncode != 0:
        raise ExplainError(prose.error("gcc_failed", what=what, message=(proc.stderr.strip().splitlines() or [""])[-1]))
    return proc.stdout


_ASKING: dict[tuple[str, ...], threading.Thread] = {}


def ask_early(flags: tuple[str, ...]) -> None:
    """Start asking gcc for its predefined macros, in a thread, while the
    caller does other work; predefined() waits for the answer (and asks
    again, to report it, if this failed)."""
    if flags not in _ASKING:
        _ASKING[flags] = threading.Thread(target=_ask_quietly, args=(flags,), daemon=True)
        _ASKING[flags].start()


def _ask_quietly(flags: tuple[str, ...]) -> None:
    try:
        _predefined(flags)
    except ExplainError:
        pass


def predefined(flags: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """gcc's predefined macros for *flags*, as (name, "VALUE" or
    "NAME(PARAMS) VALUE") definitions, sorted by name."""
    asking = _ASKING.get(flags)
    if asking is not None:
        asking.join()
    return _predefined(flags)


@cache
def _predefined(flags: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = _run(("-dM", "-E", *flags), "", "the compiler's predefined macros")
    found = []
    for line in out.splitlines():
        if line.startswith("#define "):
            rest = line[len("#define ") :]
            name = re.match(r"[A-Za-z_]\w*", rest)
            if name:
                found.append((name.group(), rest))
    return tuple(sorted(found))


# Answers by flags, for the life of the process.
_ANSWERED: dict[tuple[str, ...], dict[tuple[str, str], int]] = {}


class Answers:
    """__has_attribute and __has_builtin answers, asked of gcc in batches.

    The likely questions are asked at once, in a thread, while the
    translation unit is being read; answers are kept for the life of the
    process, per set of flags (a site build asks once, not per header).
    """

    def __init__(self, flags: tuple[str, ...], likely: dict[str, list[str]]) -> None:
        self._flags = flags
        self._likely = sorted({(op, n) for op, names in likely.items() for n in names})
        self._known = _ANSWERED.setdefault(flags, {})
        self._failure: ExplainError | None = None
        self._early: threading.Thread | None = None
        if any(pair not in self._known for pair in self._likely):
            self._early = threading.Thread(target=self._ask_likely, daemon=True)
            self._early.start()

    def _ask_likely(self) -> None:
        try:
            self._fill([pair for pair in self._likely if pair not in self._known])
        except ExplainError as exc:
            self._failure = exc

    def ask(self, operator: str, name: str) -> int:
        if self._early is not None:
            self._early.join()
            self._early = None
            if self._failure is not None:
                raise self._failure
        key = (operator, name)
        if key not in self._known:
            self._fill(sorted({*self._likely, key} - set(self._known)))
        return self._known[key]

    def _fill(self, pairs: list[tuple[str, str]]) -> None:
        if not pairs:  # another run in this process (a site's worker) answered them first
            return
        # gcc expands these operators in text too, to the exact number.
        source = "".join(f"explainer_probe {k} = {op}({name})\n" for k, (op, name) in enumerate(pairs))
        out = _run(("-E", "-P", *self._flags), source, f"answering {pairs[0][0]}")
        found: dict[tuple[str, str], int] = {}
        for line in out.splitlines():
            m = _PROBE_LINE.match(line.strip())
            if m:
                found[pairs[int(m.group(1))]] = int(m.group(2))
        for pair in pairs:
            found.setdefault(pair, 0)
        self._known.update(found)
