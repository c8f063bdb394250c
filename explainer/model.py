"""What a walkthrough is made of.

Two layers: the raw records the preprocessor fills in while it runs
(``Recording``, tokens and all), and the frozen ``Walkthrough`` that every
renderer reads (text only, formatted, named).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from explainer.printer import Emitted
from explainer.translation_unit import TranslationUnit


@dataclass(frozen=True)
class IncludeSite:
    """An #include line: the file that has it and its line number."""

    file: str
    line: int


@dataclass(frozen=True)
class Change:
    """A #define or #undef, as it was written."""

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
    used: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PassRecord:
    index: int
    stage: str
    included_from: IncludeSite
    chain: tuple[IncludeSite, ...]
    changes: tuple[Change, ...]
    invocations: tuple[RawInvocation, ...]
    emitted: tuple[Emitted, ...]


@dataclass(frozen=True)
class Recording:
    tu: TranslationUnit
    passes: tuple[PassRecord, ...]
    warnings: tuple[str, ...]


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


@dataclass(frozen=True)
class Pass:
    index: int
    stage: str
    included_from: IncludeSite
    chain: tuple[IncludeSite, ...]
    changes: tuple[Change, ...]
    invocations: tuple[Invocation, ...]
    code: str

    def relevant_changes(self) -> tuple[Change, ...]:
        """Changes to macros that this pass's focused invocations used."""
        used: set[str] = set()
        for inv in self.invocations:
            if inv.focus:
                used.update(inv.used)
                used.add(inv.macro)
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
    passes: tuple[Pass, ...]  # possibly a selection of them
    total_passes: int
    reproduce: Reproduce
    warnings: tuple[str, ...]
