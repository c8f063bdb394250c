"""What a walkthrough is made of: the vocabulary every stage shares.

The recorder (cpp/) fills in its own raw records (``cpp.recording``,
tokens and all) with the pieces defined here; the walkthrough stage turns
them into the frozen ``Walkthrough`` that every renderer reads (text
only, formatted, named).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final, NamedTuple

from explainer.kernel import knowledge
from explainer.kernel.translation_unit import shown_path

# A page is at most 5 MB (README, Limits).  What makes it large is each
# token's markup (its class and origin) and the step lists: measured on
# 6.1's sched.h, about 24 bytes a token and 460 a step.  Past this
# estimate a page shows its code as plain text, without steps, and says
# where the rest is (one event's page); the recorder, told so, stops
# recording what such a page would not show.
PAGE_BUDGET: Final = 4_000_000
TOKEN_BYTES: Final = 24
STEP_BYTES: Final = 460
# The kinds (knowledge.kind) whose name is a tracepoint's.
_EVENTS: Final = ("event", "tracepoint")


def page_bytes(code_chars: int, tokens: int, steps: int) -> int:
    """About how much of a page a piece of code takes, with its markup."""
    return code_chars + TOKEN_BYTES * tokens + STEP_BYTES * steps


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


@dataclass(frozen=True)
class ReInclude:
    """An #include the tracing machinery computed (define_trace.h's
    ``#include TRACE_INCLUDE(TRACE_INCLUDE_FILE)``): where, what it
    became, the file it found (None: none), and the macros it was made
    of as they were then (None: not defined)."""

    site: IncludeSite
    site_abspath: str | None
    spelled: str  # <trace/events/sample.h> or "./foo.h"
    found: str | None  # the file as shown
    found_abspath: str | None
    # As the header left them (None: not defined, or only by the
    # machinery's own default, define_trace.h's TRACE_INCLUDE_FILE).
    include_path: str | None  # TRACE_INCLUDE_PATH
    include_file: str | None  # TRACE_INCLUDE_FILE
    system: str | None  # TRACE_SYSTEM


@dataclass(frozen=True)
class HiddenMacro:
    """A trace macro in the header that a conditional skipped in one pass:
    its line, the conditional's opening directive and the skipped group's
    (both as written after the '#', with their lines)."""

    pass_index: int
    line: int
    macro: str
    opening: str
    opening_line: int
    group: str
    group_line: int


@dataclass(frozen=True)
class Finding:
    """What explain check found, or what stopped explain (walkthrough/
    doctor.py): gcc's message (or explainer's own, with its detail),
    where it points in the header (or in the file gcc names), and, for a
    pass of the header, which pass, invocation and argument, the macros
    that made the token, and the fix when the mistake is a known one."""

    kind: str  # "error" or "warning"
    message: str
    file: str
    line: int
    column: int  # 1-based; 0 when not known
    source: str | None  # the line's text
    pass_index: int | None = None
    stage: str | None = None
    invocation: str | None = None  # "TRACE_EVENT(sample_work)"
    invocation_line: int | None = None
    argument: int | None = None  # 0-based
    parameter: str | None = None  # the argument's parameter: "tstruct"
    wrapper: str | None = None  # what the argument is written as a call of: "TP_STRUCT__entry"
    chain: tuple[tuple[str, str], ...] = ()
    fix: str | None = None
    also: tuple[tuple[int, str], ...] = ()  # the other passes (index, stage) where it recurs
    detail: tuple[str, ...] = ()  # the doctor's: what happened and the fixes, a line each


@dataclass(frozen=True)
class LeftOut:
    """Focused mode: an #include that was read as an empty file."""

    include: str  # as written: <linux/smp.h> or "x.h"
    site: IncludeSite


class Provenance(NamedTuple):
    """Where one generated token came from (one per token, shared by the
    tokens with the same origin: a kernel header has a million)."""

    macro: str | None  # the macro whose replacement list held it
    where: str | None  # that macro's "file:line"
    arg: int | None  # the invocation's argument it was written in
    # The expansions that made it, outermost first: (macro, "file:line"),
    # each macro's name read from the one before's replacement list (the
    # first from the header); empty for a token written in the header.
    chain: tuple[tuple[str, str], ...] = ()
    how: str | None = None  # made by "##" (its operands: "a ## b") or "#"
    span: tuple[int, int] | None = None  # its place in the argument's text
    line: int | None = None  # the header's line it was written on
    # The header's line it comes from: the line it was written on, else
    # that of the macro whose expansion made it and whose name the header
    # wrote (__field on its line; TRACE_EVENT's own code on the
    # invocation's): explain follow HEADER:LINE reads it.
    called: int | None = None


class Fold(NamedTuple):
    """A kernel helper's expansion in an invocation's code, shown as the
    call that was written (``raw_smp_processor_id()``) until opened."""

    first: int  # the invocation's tokens [first, end) that it made
    end: int
    call: str
    macro: str
    where: str  # the macro's "file:line"
    tokens: tuple[str, ...] = ()  # the call's token texts, to lay it out as code


@dataclass(frozen=True)
class Folded:
    """An invocation's code with each fold written as its call: the
    text, where each piece starts and ends in it, and what each piece is:
    the index of the invocation's token, or -1 - the index of the fold (a
    call is several pieces, its name, parentheses and arguments, so that
    it breaks over lines as any call does)."""

    code: str
    starts: Sequence[int]
    ends: Sequence[int]
    pieces: Sequence[int]

    @cached_property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Each piece's (start, end): made when a page first shows the
        code with each token (a page too large for that needs the text alone)."""
        return tuple(zip(self.starts, self.ends, strict=True))


class Step:
    """One step of an invocation's expansion (cpp/steps.py records them):
    which macro was replaced, with its arguments before and after
    pre-expansion, and what it became; or a '#' or '##'.  A plain class
    with slots, many times cheaper to make than a frozen dataclass: a
    kernel header's events make 31,000 steps (0.3% of the largest page's
    instructions, made here rather than in a compiled module)."""

    __slots__ = ("args", "depth", "inner", "kind", "macro", "number", "pre_expanded", "result", "where")

    def __init__(self, number: int, depth: int, kind: str, macro: str | None, where: str | None,
                 args: tuple[str, ...], pre_expanded: tuple[str | None, ...], result: str) -> None:
        self.number = number
        self.depth = depth  # 0 for the invocation written in the header
        self.kind = kind  # "expand", "paste" or "stringify"
        self.macro = macro
        self.where = where  # "file:line" of the macro's #define
        self.args = args  # as written, for "expand"; the operands otherwise
        self.pre_expanded = pre_expanded  # per argument; None where not pre-expanded
        self.result = result  # this and the texts above cut at steps.MAX_TEXT
        # A kernel helper's expansion: its own steps, not listed (folded as its code is).
        self.inner = 0

    def __repr__(self) -> str:
        return f"Step({self.number}, {self.kind}, {self.macro!r}, {self.result!r})"


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
    # Kernel helpers' expansions, outermost only, and the code with each
    # written as its call (focused invocations that were followed).
    folds: tuple[Fold, ...] = ()
    folded: Folded | None = None
    # How many #defines and #undefs came before it in the translation unit
    # (see Walkthrough.all_changes): the meanings in force where it expanded.
    changes_before: int = 0

    @property
    def blank(self) -> bool:
        """Whether its code is white space only: asked without copying the
        code (code.strip()), which is tens of kilobytes for an event."""
        return not self.code or self.code.isspace()


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
    changes_start: int = 0  # the index of changes[0] in Walkthrough.all_changes()

    def used_names(self) -> set[str]:
        """The macros that this pass's focused invocations used."""
        used: set[str] = set()
        for inv in self.invocations:
            if inv.focus:
                used.update(inv.used)
                used.add(inv.macro)
        return used


@dataclass(frozen=True)
class Reproduce:
    """A gcc command that preprocesses the same translation unit."""

    argv: tuple[str, ...]
    cwd: str
    stdin: str
    env: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuthorNote:
    """What a macro an author writes means to them (walkthrough/notes.py)."""

    macro: str
    means: str
    passes: tuple[int, ...]  # the passes whose code it makes something in


@dataclass(frozen=True)
class Became:
    """What one line of the header became in one pass (explain follow)."""

    index: int
    stage: str
    code: str  # its tokens as the pass's code lays them out; "" for none
    macro: str | None  # the macro written on the line whose meaning decides it
    meaning: Change | None  # that macro's definition in force for the pass (None: undefined)
    dropped: bool  # the pass's invocation does not use the argument that holds the line
    outer: Change | None  # the invocation's macro as defined for the pass (when dropped)


@dataclass(frozen=True)
class Followed:
    """One line of the header, followed through every pass."""

    header: str  # as users read it
    line: int
    text: str | None  # the line as written
    invocation: str | None  # "TRACE_EVENT(sample_work)", the invocation that holds it
    invocation_line: int | None
    argument: int | None  # 0-based, the argument it is written in
    parameter: str | None  # that argument's parameter ("tstruct")
    wrapper: str | None  # what the argument is written as a call of ("TP_STRUCT__entry")
    passes: tuple[Became, ...]
    note: str | None = None  # for the author, what the line's macro means (notes.py)


@dataclass(frozen=True)
class Walkthrough:
    header: str
    focus: str
    passes: tuple[Pass, ...]  # every pass
    shown: tuple[int, ...]  # indexes of the passes to show
    reproduce: Reproduce
    warnings: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()
    changes_after: tuple[Change, ...] = ()  # made from the last pass's start on
    # The recorder stopped recording steps and origins past PAGE_BUDGET:
    # the page would have been too large for them anyway.
    steps_dropped: bool = False
    # What stopped the translation unit (or made its reading wrong): then
    # ``passes`` holds only the passes that worked, and these come after.
    diagnostics: tuple[Finding, ...] = ()
    # The kernel's folders, relative to the translation unit's (see
    # TranslationUnit.roots): display() shows paths from there.
    roots: tuple[str, ...] = ()
    # A header that reads itself, without the tracing machinery (the toy).
    self_read: bool = False
    system: str | None = None  # TRACE_SYSTEM as the header defines it
    header_lines: tuple[str, ...] = ()  # the header's text, a line each (a page follows a line)
    # Read as the kernel reads it: the .c file that creates the header
    # (TranslationUnit.creator), and what of it a tree of headers lacks.
    creator: str | None = None
    creator_left_out: tuple[str, ...] = ()

    def display(self, path: str) -> str:
        """A file as users read it in text and pages (JSON keeps the
        translation unit's spelling): include/trace/define_trace.h, never
        ../../.../site-packages/explainer/headers/include/trace/define_trace.h."""
        return shown_path(path, self.roots)

    def display_at(self, where: str) -> str:
        """A "file:line" as display() shows the file."""
        file, colon, line = where.rpartition(":")
        return f"{shown_path(file, self.roots)}:{line}" if colon and line.isdigit() else shown_path(where, self.roots)

    @property
    def total_passes(self) -> int:
        return len(self.passes)

    def all_changes(self) -> tuple[Change, ...]:
        """Every #define and #undef of the translation unit, in order: the
        passes' lists, which follow on from each other, then the rest."""
        return tuple(c for p in self.passes for c in p.changes) + self.changes_after

    def event_in_focus(self, p: Pass) -> str | None:
        """The first event (or bare tracepoint) *p* shows in focus (None:
        only classes, or none)."""
        for inv in p.invocations:
            if inv.focus and inv.name is not None and (
                    knowledge.kind(inv.macro) in _EVENTS or (knowledge.kind(inv.macro) is None
                    and any(knowledge.kind(u) in _EVENTS for u in inv.used))):
                return inv.name
        return None

    def shown_passes(self) -> tuple[Pass, ...]:
        return tuple(p for p in self.passes if p.index in self.shown)
