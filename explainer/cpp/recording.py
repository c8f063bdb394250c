"""What the recorder returns: each pass's tokens and invocations as they
were recorded, before the walkthrough stage lays them out and names them."""

from __future__ import annotations

from dataclasses import dataclass, field

from explainer.cpp.printer import Emitted
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import (
    Change,
    Fold,
    HiddenMacro,
    IncludeSite,
    LeftOut,
    Provenance,
    ReInclude,
    Step,
)


@dataclass
class RawInvocation:
    """A macro invocation written at top level in the header, while it is
    recorded: ``start``/``end`` index the pass's emitted tokens."""

    macro: str
    line: int
    args: tuple[str, ...]
    start: int
    end: int = -1
    # For an alias (an object-like macro), the macro that took the
    # arguments from the file after its name.
    called: str | None = None
    # The same, counting only the tokens that are not padding (those laid out).
    real_start: int = 0
    real_end: int = 0
    used: set[str] = field(default_factory=set)
    used_args: tuple[int, ...] = ()
    # For traced (focused) invocations only: per emitted token in
    # [start, end), the macro whose text it is (or None) and the argument
    # of this invocation it comes from (or None); and the steps.
    provenance: tuple[Provenance, ...] = ()
    # For traced invocations: the kernel helpers' expansions to fold.
    folds: tuple[Fold, ...] = ()
    steps: tuple[Step, ...] = ()
    steps_truncated: bool = False
    # How many #defines and #undefs the translation unit had made when it
    # began (an index into all of them, in order): what was in force.
    changes_before: int = 0


@dataclass(frozen=True)
class Sources:
    """What a run read, by which to know later that gcc -E's output of the
    same unit would be the same: each file with its stamp (scan.stamp), and
    each folder its #include searches looked in with its modification time
    (scan.searched: a file that appears there could be found first)."""

    files: tuple[tuple[str, tuple[int, int]], ...]
    folders: tuple[tuple[str, int], ...]


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
    changes_start: int = 0  # the index of changes[0] among all of them


@dataclass(frozen=True)
class Recording:
    tu: TranslationUnit
    passes: tuple[PassRecord, ...]
    warnings: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()
    # The changes made from the last pass's start on, which no pass lists:
    # with the passes' own, every change in order.
    changes_after: tuple[Change, ...] = ()
    steps_dropped: bool = False  # past the page budget (InvocationRecorder)
    # What the doctor reads (walkthrough/doctor.py): the includes the
    # machinery computed, and the trace macros conditionals skipped.
    re_includes: tuple[ReInclude, ...] = ()
    hidden: tuple[HiddenMacro, ...] = ()
    create_trace_points: bool = False  # defined when the header was first read
