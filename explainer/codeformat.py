"""Lay out generated code with clang-format in a kernel-like style.

Formatting may change white space only.  Every block is checked: if the
non-space characters before and after differ, the block stays as it was.
"""

from __future__ import annotations

import bisect
import itertools
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from functools import cache

# Tabs 8 wide, 80 columns, Linux braces: close to the kernel's own
# .clang-format, which we do not copy.  String literals are never split:
# that would change tokens.
STYLE = (
    "{BasedOnStyle: LLVM, UseTab: Always, IndentWidth: 8, TabWidth: 8, "
    "ContinuationIndentWidth: 8, ColumnLimit: 80, BreakBeforeBraces: Linux, "
    "AllowShortFunctionsOnASingleLine: None, AllowShortIfStatementsOnASingleLine: Never, "
    "AllowShortLoopsOnASingleLine: false, AllowShortBlocksOnASingleLine: Never, "
    "AlignAfterOpenBracket: Align, IndentCaseLabels: false, SortIncludes: Never, "
    "PointerAlignment: Right, ReflowComments: false, Cpp11BracedListStyle: false, "
    "AlignTrailingComments: false, AlignConsecutiveMacros: None, "
    "BinPackParameters: true, BinPackArguments: true, BreakStringLiterals: false}"
)
_SEPARATOR = "/* explainer: next block */"
TIMEOUT_SECONDS = 60


@cache
def executable() -> str | None:
    try:
        import clang_format
    except ImportError:
        return None
    path: str = clang_format.get_executable("clang-format")
    return path


def _nonspace(text: str) -> str:
    return "".join(text.split())


def format_blocks(blocks: list[str]) -> list[str]:
    """Each block formatted: clang-format runs on two halves of the blocks
    at once (it is the slowest step after preprocessing)."""
    exe = executable()
    if exe is None or not blocks:
        return list(blocks)
    half = _balanced_split(blocks)
    groups = [g for g in (blocks[:half], blocks[half:]) if g]
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        results = list(pool.map(lambda group: _format_group(exe, group), groups))
    return [text for result in results for text in result]


def format_block(block: str) -> str:
    """One block formatted (in the calling thread; see walkthrough.EarlyLayout)."""
    exe = executable()
    return block if exe is None else _format_group(exe, [block])[0]


def _balanced_split(blocks: list[str]) -> int:
    total = sum(len(b) for b in blocks)
    running = 0
    for i, block in enumerate(blocks):
        running += len(block)
        if running * 2 >= total:
            return i + 1
    return len(blocks)


def _format_group(exe: str, blocks: list[str]) -> list[str]:
    joined = f"\n{_SEPARATOR}\n".join(blocks)
    try:
        proc = subprocess.run(
            [exe, f"--style={STYLE}", "--assume-filename=generated.c"],
            input=joined, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return list(blocks)
    pieces = proc.stdout.split(_SEPARATOR)
    if proc.returncode != 0 or len(pieces) != len(blocks):
        return list(blocks)
    out = []
    for before, after in zip(blocks, pieces, strict=True):
        after = after.strip("\n") + "\n" if after.strip() else ""
        out.append(after if _nonspace(after) == _nonspace(before) else before)
    return out


_WORD = re.compile(r"\S+")


class OffsetMap:
    """Maps offsets in unformatted text to offsets in its formatted form,
    by counting non-space characters (the only thing formatting keeps).
    Kept as runs of non-space characters, not one entry per character:
    a kernel header's passes have over a million."""

    def __init__(self, before: str, after: str) -> None:
        self._before_starts, self._before_ends, self._before_counts = _runs(before)
        self._after_starts, self._after_ends, self._after_counts = _runs(after)

    def __call__(self, offset: int) -> int:
        # k: the number of non-space characters before the first one at or
        # after *offset*.
        starts = self._before_starts
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset < self._before_ends[i]:
            k = self._before_counts[i] + offset - starts[i]
        else:
            k = self._before_counts[i + 1]
        counts = self._after_counts
        if k >= counts[-1]:
            return self._after_ends[-1] if self._after_ends else 0
        j = bisect.bisect_right(counts, k) - 1
        return self._after_starts[j] + k - counts[j]


def _runs(text: str) -> tuple[list[int], list[int], list[int]]:
    """Starts and ends of the runs of non-space characters, and how many
    such characters come before each run (one more entry: the total)."""
    spans = [m.span() for m in _WORD.finditer(text)]
    starts = [start for start, _ in spans]
    ends = [end for _, end in spans]
    return starts, ends, [0, *itertools.accumulate(end - start for start, end in spans)]
