"""What a pass is made of while the recorder runs it, and the listener
that records the header's top-level invocations as the expander meets
them: their arguments, the macros they used, the code they made and, for
the traced ones, each step and where each token came from.

Compiled (hatch_build.py): the expander calls it for every macro used in
a pass, some 25,000 times for a kernel header.
"""

from __future__ import annotations

from collections.abc import Callable

from explainer.cpp.expand import Expander
from explainer.cpp.macros import PAD, MacroDef, Tok, spell
from explainer.cpp.printer import Emitted
from explainer.cpp.recording import RawInvocation
from explainer.cpp.steps import StepRecorder
from explainer.model import Change, IncludeSite, Provenance


class PassBuilder:
    """One pass while it is recorded."""

    def __init__(self, index: int, stage: str, site: IncludeSite, chain: tuple[IncludeSite, ...],
                 changes_at_start: int, changes_from_previous: int) -> None:
        self.index = index
        self.stage = stage
        self.site = site
        self.chain = chain
        # Indexes into the recorder's changes: those of this pass are
        # [changes_from_previous, changes_at_start).
        self.changes_at_start = changes_at_start
        self.changes_from_previous = changes_from_previous
        self.emitted: list[Emitted] = []
        self.invocations: list[RawInvocation] = []
        self.meanings: dict[str, MacroDef] = {}
        self._counted = 0  # emitted tokens counted by real_index so far
        self._real_seen = 0  # how many of them are not padding

    def real_index(self, i: int) -> int:
        """How many emitted tokens before the i-th are not padding; asked
        with i never going back (invocations come in order)."""
        emitted = self.emitted
        real = self._real_seen
        for k in range(self._counted, i):
            if emitted[k].tok.type != PAD:
                real += 1
        self._counted = max(self._counted, i)
        self._real_seen = real
        return real

    def counted(self, i: int, real: int) -> None:
        """The caller has counted *real* non-padding tokens before the
        i-th (an invocation's own): real_index goes on from there."""
        self._counted = i
        self._real_seen = real

    def changes(self, all_changes: list[Change]) -> tuple[Change, ...]:
        return tuple(all_changes[self.changes_from_previous : self.changes_at_start])


class _Open:
    """The invocation being expanded, while it is."""

    def __init__(self, raw: RawInvocation, arg_of: dict[int, int], steps: StepRecorder | None) -> None:
        self.raw = raw
        self.arg_of = arg_of  # id(file token) -> argument index
        self.steps = steps


class InvocationRecorder:
    """The expander's listener (expand.Listener) while text of the pass
    ``current`` expands.  *trace* picks the invocations, by macro name and
    argument texts, recorded step by step."""

    def __init__(self, expander: Expander, trace: Callable[[str, tuple[str, ...]], bool] | None,
                 changes: list[Change]) -> None:
        self.expander = expander
        self.trace = trace
        self.changes = changes  # the recorder's, as they are made
        self.current: PassBuilder | None = None
        self._open: _Open | None = None
        # Shared by the tokens with the same origin and argument.
        self._provenances: dict[tuple[MacroDef | None, int | None], Provenance] = {}

    def invocation(self, name: Tok, macro: MacroDef, args: list[list[Tok] | None] | None) -> None:
        builder = self.current
        if builder is None:
            return
        self.close()
        texts = tuple(spell(a or []) for a in args) if args is not None else ()
        raw = RawInvocation(macro=macro.name, line=name.lineno, args=texts, start=len(builder.emitted),
                            changes_before=len(self.changes))
        arg_of: dict[int, int] = {}
        if args is not None:
            for i, arg in enumerate(args):
                for t in arg or []:
                    if t.src is not None:
                        arg_of[id(t.src)] = i
        steps = None
        if self.trace is not None and self.trace(macro.name, texts):
            steps = StepRecorder()
            self.expander.tracer = steps
        self._open = _Open(raw, arg_of, steps)

    def macro_used(self, macro: MacroDef) -> None:
        if self._open is not None:
            self._open.raw.used.add(macro.name)
        if self.current is not None:
            self.current.meanings.setdefault(macro.name, macro)

    def close(self) -> None:
        """The open invocation, if any, is over: record what it made."""
        opened, self._open = self._open, None
        self.expander.tracer = None
        builder = self.current
        if opened is None or builder is None:
            return
        raw = opened.raw
        raw.end = len(builder.emitted)
        real: list[Tok] = []
        for e in builder.emitted[raw.start : raw.end]:
            if e.tok.type != PAD:
                real.append(e.tok)
        arg_of = opened.arg_of
        used_args: set[int] = set()
        for t in real:
            if t.src is not None:
                arg = arg_of.get(id(t.src))
                if arg is not None:
                    used_args.add(arg)
        raw.used_args = tuple(sorted(used_args))
        raw.real_start = builder.real_index(raw.start)
        raw.real_end = raw.real_start + len(real)
        builder.counted(raw.end, raw.real_end)  # not walked again for the next one
        if opened.steps is not None:
            raw.provenance = tuple(self._provenance(t, arg_of) for t in real)
            raw.steps = opened.steps.finished()
            raw.steps_truncated = opened.steps.truncated
        builder.invocations.append(raw)

    def _provenance(self, t: Tok, arg_of: dict[int, int]) -> Provenance:
        arg = arg_of.get(id(t.src)) if t.src is not None else None
        key = (t.origin, arg)
        found = self._provenances.get(key)
        if found is None:
            origin = t.origin
            found = self._provenances[key] = Provenance(
                origin.name if origin is not None else None,
                f"{origin.file}:{origin.line}" if origin is not None else None, arg)
        return found
