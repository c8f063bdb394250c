"""What a pass is made of while the recorder runs it, and the listener
that records the header's top-level invocations as the expander meets
them: their arguments, the macros they used, the code they made and, for
the traced ones, the calls of kernel helpers to fold and (with steps)
each step and where each token came from, through which macros.

Compiled (hatch_build.py): the expander calls it for every macro used in
a pass, some 25,000 times for a kernel header.
"""

from __future__ import annotations

from collections.abc import Callable

from explainer.cpp.expand import Expander
from explainer.cpp.macros import PAD, PREV_WHITE, Frame, MacroDef, Tok
from explainer.cpp.printer import Emitted
from explainer.cpp.recording import RawInvocation
from explainer.cpp.steps import StepRecorder
from explainer.model import Change, Fold, IncludeSite, Provenance, page_bytes


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

    def __init__(self, raw: RawInvocation, macro: MacroDef, arg_of: dict[int, tuple[int, int, int, int]],
                 traced: bool, steps: StepRecorder | None) -> None:
        self.raw = raw
        self.macro = macro
        # id(file token) -> (argument index, start, end in its text, line)
        self.arg_of = arg_of
        self.traced = traced
        self.steps = steps


def _spelled(args: list[list[Tok] | None]) -> tuple[tuple[str, ...], dict[int, tuple[int, int, int, int]]]:
    """The arguments' texts as spell() writes them (a space wherever white
    space was; collected arguments hold no parameter and no pending ##),
    and where each file token of them is: its argument, its place in that
    argument's text, and its line."""
    texts: list[str] = []
    places: dict[int, tuple[int, int, int, int]] = {}
    for i, arg in enumerate(args):
        parts: list[str] = []
        at = 0
        for t in arg or []:
            if t.type == PAD:
                continue
            if parts and t.flags & PREV_WHITE:
                parts.append(" ")
                at += 1
            if t.src is not None:
                places[id(t.src)] = (i, at, at + len(t.value), t.src.lineno)
            parts.append(t.value)
            at += len(t.value)
        texts.append("".join(parts))
    return tuple(texts), places


def _chain(frame: Frame, interned: dict[tuple[MacroDef, ...], tuple[MacroDef, ...]]) -> tuple[MacroDef, ...]:
    """The macros from the outermost expansion to *frame*'s (a frame of
    ## or # adds none: its parent made the token), one tuple per sequence
    in *interned*, so that chains compare by identity."""
    found = frame.chain
    if found is not None:
        return found
    pending: list[Frame] = []
    f: Frame | None = frame
    while f is not None and f.chain is None:
        pending.append(f)
        f = f.parent
    chain: tuple[MacroDef, ...] = f.chain if f is not None and f.chain is not None else ()
    for g in reversed(pending):
        if g.how is None:
            longer = (*chain, g.macro)
            chain = interned.setdefault(longer, longer)
        g.chain = chain
    return chain


def _outermost(frame: Frame | None) -> Frame | None:
    """The expansion whose name the header wrote, around *frame*."""
    while frame is not None and frame.parent is not None:
        frame = frame.parent
    return frame


def _called(frame: Frame | None, arg_of: dict[int, tuple[int, int, int, int]], line: int) -> int:
    """The header's line of the expansion that made a token of *frame*'s:
    where its outermost macro's name was written in an argument, else the
    invocation's own *line*."""
    top = _outermost(frame)
    src = top.name_src if top is not None else None
    place = arg_of.get(id(src)) if src is not None else None
    return place[3] if place is not None else line


def _root(frame: Frame, machinery: Callable[[MacroDef], bool]) -> Frame | None:
    """The outermost expansion around *frame* of a macro that is not the
    tracing machinery's (a kernel helper: its code folds to its call);
    None if there is none, or if that one's call took arguments from
    beyond its expansion (Frame.spanned)."""
    if frame.rooted:
        return frame.root
    pending: list[Frame] = []
    f: Frame | None = frame
    while f is not None and not f.rooted:
        pending.append(f)
        f = f.parent
    root = f.root if f is not None else None
    unfoldable = f is not None and f.unfoldable
    for g in reversed(pending):
        if root is None and not unfoldable and g.how is None and not machinery(g.macro):
            if g.spanned:
                unfoldable = True  # shown whole, and the helpers inside it too
            else:
                root = g
        g.root = root
        g.unfoldable = unfoldable
        g.rooted = True
    return root


def call_tokens(frame: Frame, machinery: Callable[[MacroDef], bool]) -> tuple[list[str], str]:
    """The call of *frame*'s macro as it was written where it expanded:
    its token texts, and its text.  An argument that already holds a
    kernel helper's expansion (an argument expanded before it was passed
    on: tracepoint.h's cond) shows that helper's call instead."""
    macro = frame.macro
    if not macro.funlike:
        return [macro.name], macro.name
    texts = [macro.name, "("]
    spelled: list[str] = []
    for n, arg in enumerate(a for a in frame.args or [] if a is not None):
        if n:
            texts.append(",")
        spelled.append(_folded_spelling(arg, machinery, texts))
    texts.append(")")
    return texts, f"{macro.name}({', '.join(spelled)})"


def _folded_spelling(tokens: list[Tok], machinery: Callable[[MacroDef], bool], texts: list[str]) -> str:
    """*tokens* as spell() writes them, each run that a kernel helper made
    written as its call (see folds); their texts are added to *texts*."""
    real = [t for t in tokens if t.type != PAD]
    inner = folds(real, machinery)
    parts: list[str] = []
    k = n = 0
    while k < len(real):
        t = real[k]
        if parts and t.flags & PREV_WHITE and parts[-1][-1] != "(" and t.value != ")":
            parts.append(" ")
        if n < len(inner) and inner[n].first == k:
            texts.extend(inner[n].tokens)
            parts.append(inner[n].call)
            k = inner[n].end
            n += 1
        else:
            texts.append(t.value)
            parts.append(t.value)
            k += 1
    return "".join(parts)


def folds(real: list[Tok], machinery: Callable[[MacroDef], bool]) -> tuple[Fold, ...]:
    """The outermost runs of *real* that a kernel helper's expansion made,
    each with the helper's call as written.  A run is from the first to
    the last token of one expansion (its arguments' tokens lie between;
    an argument's expansion used twice is two expansions: see
    expand.Expander._reframed).  Two runs that overlap without one
    holding the other are not folded."""
    runs: dict[int, list[int]] = {}  # by the id of the expansion's Frame
    frames: dict[int, Frame] = {}
    last: Frame | None = None  # tokens of one frame mostly come together
    run: list[int] | None = None
    for k, t in enumerate(real):
        frame = t.frame
        if frame is None:
            continue
        if frame is not last:
            last = frame
            root = frame.root if frame.rooted else _root(frame, machinery)
            if root is None:
                run = None
                continue
            run = runs.get(id(root))
            if run is None:
                run = runs[id(root)] = [k, k + 1]
                frames[id(root)] = root
        if run is not None:
            run[1] = k + 1
    out: list[Fold] = []
    end = -1
    kept = False  # whether the run that reaches *end* is in out
    for key, (first, stop) in runs.items():  # in order of their first token
        if stop <= end:
            continue  # inside the previous one
        if first < end:
            if kept:
                out.pop()  # overlapping: neither reads as a call
            kept = False
            end = stop
            continue
        macro = frames[key].macro
        texts, text = call_tokens(frames[key], machinery)
        out.append(Fold(first, stop, text, macro.name, f"{macro.file}:{macro.line}", tuple(texts)))
        end = stop
        kept = True
    return tuple(out)


class InvocationRecorder:
    """The expander's listener (expand.Listener) while text of the pass
    ``current`` expands.  *trace* picks the invocations, by macro name and
    argument texts, whose expansions are followed (expand.Expander.framing)
    for folds; with *steps*, also recorded step by step, with each token's
    origin.  *machinery* says whether a macro is the tracing machinery's
    (never folded).  With a *line*, only the invocation written across
    that line of the header is traced.  Past a *budget* of page bytes (model.page_bytes) for
    the traced invocations, the page they are for will show plain code:
    steps and origins are no longer recorded, and ``steps_dropped`` says so."""

    def __init__(self, expander: Expander, trace: Callable[[str, tuple[str, ...]], bool] | None,
                 changes: list[Change], machinery: Callable[[MacroDef], bool],
                 steps: bool = True, budget: int | None = None, line: int | None = None) -> None:
        self.expander = expander
        self.trace = trace
        self.line = line  # trace only the invocation written across this line (explain follow)
        self.changes = changes  # the recorder's, as they are made
        self.machinery = machinery
        self.with_steps = steps
        self.budget = budget
        self.steps_dropped = False
        self.current: PassBuilder | None = None
        self._open: _Open | None = None
        # Shared by the tokens with the same origin, place and chain.
        self._provenances: dict[tuple[MacroDef | None, tuple[int, int, int, int] | None, int, str | None, int],
                                Provenance] = {}
        # One tuple per sequence of macros, so that a chain is compared by identity.
        self._chains: dict[tuple[MacroDef, ...], tuple[MacroDef, ...]] = {}

    def invocation(self, name: Tok, macro: MacroDef, args: list[list[Tok] | None] | None) -> None:
        builder = self.current
        if builder is None:
            return
        self.close()
        texts, arg_of = _spelled(args) if args is not None else ((), {})
        raw = RawInvocation(macro=macro.name, line=name.lineno, args=texts, start=len(builder.emitted),
                            changes_before=len(self.changes))
        self._open = _Open(raw, macro, arg_of, False, None)
        self._start_tracing(name.lineno)

    def _start_tracing(self, line: int) -> None:
        opened = self._open
        if opened is None or self.trace is None or not self.trace(opened.raw.macro, opened.raw.args):
            return
        if self.line is not None:
            last = max((place[3] for place in opened.arg_of.values()), default=line)
            if not line <= self.line <= last:
                return
        opened.traced = True
        self.expander.framing = True
        if self.with_steps:
            opened.steps = self.expander.tracer = StepRecorder()

    def arguments(self, macro: MacroDef, args: list[list[Tok] | None], depth: int) -> None:
        """The open invocation is an alias (an object-like macro) whose
        *macro* took its arguments from the file: they are the invocation's."""
        opened = self._open
        if opened is None or opened.raw.args or opened.macro.funlike:
            return
        raw = opened.raw
        raw.args, opened.arg_of = _spelled(args)
        raw.called = macro.name
        if opened.traced:
            return
        self._start_tracing(raw.line)
        if opened.steps is not None:
            # Its own step, which came before tracing could start.
            opened.steps.expanded(opened.macro, None, {}, opened.macro.body, depth)

    @property
    def opened(self) -> RawInvocation | None:
        """The invocation being expanded, if any."""
        return self._open.raw if self._open is not None else None

    def macro_used(self, macro: MacroDef) -> None:
        if self._open is not None:
            self._open.raw.used.add(macro.name)
        if self.current is not None:
            self.current.meanings.setdefault(macro.name, macro)

    def close(self) -> None:
        """The open invocation, if any, is over: record what it made."""
        opened, self._open = self._open, None
        self.expander.tracer = None
        self.expander.framing = False
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
                place = arg_of.get(id(t.src))
                if place is not None:
                    used_args.add(place[0])
        raw.used_args = tuple(sorted(used_args))
        raw.real_start = builder.real_index(raw.start)
        raw.real_end = raw.real_start + len(real)
        builder.counted(raw.end, raw.real_end)  # not walked again for the next one
        if opened.traced:
            raw.folds = folds(real, self.machinery)
        if opened.steps is not None:
            raw.provenance = tuple(self._provenance(t, arg_of, raw.line) for t in real)
            raw.steps = opened.steps.finished(lambda f: _root(f, self.machinery))
            raw.steps_truncated = opened.steps.truncated
            if self.budget is not None:
                chars = len(real)  # a space or a newline each, about
                for t in real:
                    chars += len(t.value)
                self.budget -= page_bytes(chars, len(real), len(raw.steps))
                if self.budget < 0:
                    self.with_steps = False
                    self.steps_dropped = True
        builder.invocations.append(raw)

    def _provenance(self, t: Tok, arg_of: dict[int, tuple[int, int, int, int]], line: int) -> Provenance:
        place = arg_of.get(id(t.src)) if t.src is not None else None
        frame = t.frame
        how = None
        chain: tuple[MacroDef, ...] = ()
        if frame is not None:
            if place is None and frame.how is None and frame.prov is not None:
                return frame.prov  # the usual token: from the frame's replacement list
            how = frame.how
            chain = _chain(frame, self._chains)
            if how == "#" and place is not None:
                place = (place[0], -1, -1, place[3])  # a string of the whole argument
        called = place[3] if place is not None else _called(frame, arg_of, line)
        key = (t.origin, place, id(chain), how, called)
        found = self._provenances.get(key)
        if found is None:
            origin = t.origin
            found = self._provenances[key] = Provenance(
                origin.name if origin is not None else None,
                f"{origin.file}:{origin.line}" if origin is not None else None,
                place[0] if place is not None else None,
                tuple((m.name, f"{m.file}:{m.line}") for m in chain),
                how,
                (place[1], place[2]) if place is not None and place[1] >= 0 else None,
                place[3] if place is not None else None,
                called,
            )
        if frame is not None and place is None and how is None:
            frame.prov = found
        return found
