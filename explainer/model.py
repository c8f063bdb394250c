"""What a walkthrough is made of.

Two layers: the raw records the preprocessor fills in while it runs
(``Recording``, tokens and all), and the frozen ``Walkthrough`` that every
renderer reads (text only, formatted, named).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from explainer.printer import Emitted
from explainer.steps import Step
from explainer.translation_unit import TranslationUnit


@dataclass(frozen=True)
class IncludeSite:
    """An #include line: the file that has it and its line number."""

    file: str
    line: int


class Change(NamedTuple):
    """A #define or #undef, as it was written (a named tuple: a kernel
    translation unit makes 20,000, and a tuple is the cheapest to make)."""

    kind: str  # "define" or "undef"
    name: str
    params: str | None  # "a, b, args..." for function-like macros
    body: str | None
    file: str
    line: int


@dataclass
class RawInvocation:
    """A macro invocation written at top level in the header, while it is
    recorded: ``start``/``end`` index the pass's emitted tokens."""

    macro: str
    line: int
    args: tuple[str, ...]
    start: int
    end: int = -1
    # The same, counting only the tokens that are not padding (those laid out).
    real_start: int = 0
    real_end: int = 0
    used: set[str] = field(default_factory=set)
    used_args: tuple[int, ...] = ()
    # For traced (focused) invocations only: per emitted token in
    # [start, end), the macro whose text it is (or None) and the argument
    # of this invocation it comes from (or None); and the steps.
    provenance: tuple[Provenance, ...] = ()
    steps: tuple[Step, ...] = ()
    steps_truncated: bool = False


@dataclass(frozen=True)
class PassRecord:
    index: int
    stage: str
    included_from: IncludeSite
    chain: tuple[IncludeSite, ...]
    changes: tuple[Change, ...]
    invocations: tuple[RawInvocation, ...]
    emitted: tuple[Emitted, ...]
    meanings: tuple[Change, ...]  # the definition of each macro the header's code used


@dataclass(frozen=True)
class LeftOut:
    """Focused mode: an #include that was read as an empty file."""

    include: str  # as written: <linux/smp.h> or "x.h"
    site: IncludeSite


@dataclass(frozen=True)
class Recording:
    tu: TranslationUnit
    passes: tuple[PassRecord, ...]
    warnings: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()


class Provenance(NamedTuple):
    """Where one generated token came from (one per token, shared by the
    tokens with the same origin: a kernel header has a million)."""

    macro: str | None  # the macro whose replacement list held it
    where: str | None  # that macro's "file:line"
    arg: int | None  # the invocation's argument it was written in


@dataclass(frozen=True)
class Invocation:
    """One trace macro invocation in one pass, and the code it made."""

    macro: str
    line: int
    name: str | None  # the event, class or symbol it is about
    template: str | None  # the event class, where it names one
    args: tuple[str, ...]
    code: str
    used: tuple[str, ...]  # every macro its expansion went through
    focus: bool
    used_args: tuple[int, ...] = ()  # arguments whose text reached the code
    declares: tuple[str, ...] = ()  # what the code declares (summary.py)
    # For focused invocations: each token of ``code`` as (start, end) in it,
    # and where it came from.
    spans: tuple[tuple[int, int], ...] = ()
    provenance: tuple[Provenance, ...] = ()
    steps: tuple[Step, ...] = ()
    steps_truncated: bool = False


@dataclass(frozen=True)
class Pass:
    index: int
    stage: str
    included_from: IncludeSite
    chain: tuple[IncludeSite, ...]
    changes: tuple[Change, ...]
    invocations: tuple[Invocation, ...]
    code: str
    meanings: tuple[Change, ...] = ()

    def used_names(self) -> set[str]:
        """The macros that this pass's focused invocations used."""
        used: set[str] = set()
        for inv in self.invocations:
            if inv.focus:
                used.update(inv.used)
                used.add(inv.macro)
        return used

    def relevant_changes(self) -> tuple[Change, ...]:
        """Changes to macros that this pass's focused invocations used."""
        used = self.used_names()
        return tuple(c for c in self.changes if c.name in used)


@dataclass(frozen=True)
class Reproduce:
    """A gcc command that preprocesses the same translation unit."""

    argv: tuple[str, ...]
    cwd: str
    stdin: str
    env: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Walkthrough:
    header: str
    focus: str
    passes: tuple[Pass, ...]  # every pass
    shown: tuple[int, ...]  # indexes of the passes to show
    reproduce: Reproduce
    warnings: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()

    @property
    def total_passes(self) -> int:
        return len(self.passes)

    def shown_passes(self) -> tuple[Pass, ...]:
        return tuple(p for p in self.passes if p.index in self.shown)
