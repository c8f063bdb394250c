"""Stage 2 of the pipeline: from a recording to the Walkthrough model.

Lays out each pass's tokens as C (layout.py), cuts out each invocation's
code, names invocations with kernel knowledge, and applies the focus.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from explainer import prose
from explainer.cpp.recording import PassRecord, RawInvocation, Recording
from explainer.errors import ExplainError
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import REPRODUCE_ENV
from explainer.lastmade import LastMade
from explainer.model import Folded, Invocation, Pass, Reproduce, Walkthrough
from explainer.walkthrough import doctor
from explainer.walkthrough.fold import FoldCall, FoldedParts, folded
from explainer.walkthrough.layout import Spans, lay_out_values, values
from explainer.walkthrough.summary import declared

# A name is pasted into identifiers (trace_<name>), so it may start with
# a digit: 9p.h's events are 9p_client_req and friends.
_IDENT = re.compile(r"[A-Za-z0-9_]+")


# A header that reads itself (doctor.reads_itself): each of its
# invocations is followed, named by its first argument.
_ANY_MACRO = {"symbol": 0}


def _roles(raw: RawInvocation, any_macro: bool = False) -> dict[str, int] | None:
    """The macro's argument roles; for an alias (sched.h's
    DEFINE_EVENT_SCHEDSTAT), those of the trace macro it expands to;
    with *any_macro*, a symbol's for any other."""
    found = knowledge.roles(raw.macro)
    if found is None and raw.called is not None:
        found = knowledge.roles(raw.called)
    if found is not None:
        return found
    for name in sorted(raw.used):
        found = knowledge.roles(name)
        if found is not None:
            return found
    return dict(_ANY_MACRO) if any_macro else None


def _arg(raw: RawInvocation, index: int | None) -> str | None:
    if index is None or index >= len(raw.args):
        return None
    text = raw.args[index].strip()
    return text if _IDENT.fullmatch(text) else None


def _names(raw: RawInvocation, roles: dict[str, int], version: str | None) -> tuple[str | None, str | None]:
    event = _arg(raw, roles.get("event"))
    if event is not None:
        event += knowledge.suffix(raw.called or raw.macro, version)
    klass = _arg(raw, roles.get("class"))
    symbol = _arg(raw, roles.get("symbol"))
    # A list macro without arguments (sched.h's NUMAB_SKIP_REASON, whose
    # EM() entries become TRACE_DEFINE_ENUMs) goes by its own name.
    name = event or klass or symbol or (raw.macro if not raw.args else None)
    template = klass if klass is not None and klass != name else None
    return name, template


@dataclass(frozen=True)
class Layout:
    """Each pass laid out: the same whatever the focus, so a site lays a
    header out once for all its pages."""

    code: tuple[str, ...]
    # Per pass: where each non-padding token is in the code (start, end).
    spans: tuple[Spans, ...]
    # Per pass: what each invocation's code declares, by where it starts.
    declares: tuple[dict[int, tuple[str, ...]], ...]
    # Per pass: each invocation's code and token spans in it, by where it
    # starts, filled as pages are built (a site builds many per layout).
    snippets: tuple[dict[int, tuple[str, tuple[tuple[int, int], ...] | None]], ...] = field(
        compare=False, repr=False)
    # Per pass: its invocations as a page that focuses on none of them
    # shows them (the same on every page of a site's header), made when a
    # page is first built: a list of one, or none yet.
    unfocused: tuple[list[_Unfocused], ...] = field(compare=False, repr=False)
    # Per pass: the code of each followed invocation with kernel helpers
    # folded, by where it starts (made a Folded when a page first shows it).
    folded: tuple[dict[int, FoldedParts | Folded], ...] = field(compare=False, repr=False)

    def first(self, count: int) -> Layout:
        """The layout of the first *count* passes."""
        return Layout(self.code[:count], self.spans[:count], self.declares[:count], self.snippets[:count],
                      self.unfocused[:count], self.folded[:count])


LaidOut = tuple[str, Spans, dict[int, tuple[str, ...]], dict[int, FoldedParts]]
# An invocation's start, and its first and last token laid out; with its folds.
Bounds = tuple[int, int, int, list[FoldCall]]


def lay_out(recording: Recording) -> Layout:
    return laid_out([lay_out_one(values(p.emitted), bounds(p.invocations)) for p in recording.passes])


def bounds(invocations: Sequence[RawInvocation]) -> list[Bounds]:
    """What lay_out_one needs to know of each invocation."""
    return [(raw.start, raw.real_start, raw.real_end, [(f.first, f.end, f.tokens) for f in raw.folds])
            for raw in invocations]


def lay_out_one(vals: list[str], bounds: list[Bounds]) -> LaidOut:
    """One pass laid out, from its token texts; what each invocation in it
    declares (for the timeline), and the code of those with folds folded,
    by where each starts."""
    code, spans = lay_out_values(vals)
    return (code, spans, {start: declared(vals[a:b]) for start, a, b, _ in bounds},
            {start: folded(vals[a:b], folds) for start, a, b, folds in bounds if folds})


def laid_out(passes: list[LaidOut]) -> Layout:
    """The Layout of passes laid out, in order."""
    return Layout(tuple(p[0] for p in passes), tuple(p[1] for p in passes),
                  tuple(p[2] for p in passes), tuple({} for _ in passes), tuple([] for _ in passes),
                  tuple(dict[int, FoldedParts | Folded](p[3]) for p in passes))


def build(recording: Recording, focus: str, layout: Layout | None = None,
          steps: bool = True, stopped: doctor.Stop | None = None, diagnosed: bool = False) -> Walkthrough:
    """The walkthrough of *recording*, focused on *focus* (a trace macro,
    an event or class name, or ``all``); without the step lists if not
    *steps*.  A recording the doctor finds wrong raises its Diagnosis,
    unless *stopped* says what stopped it: then the walkthrough has the
    passes that worked and the finding after them.  *diagnosed*: the
    caller asked the doctor already (and *stopped* is its answer)."""
    tu = recording.tu
    if stopped is None:
        if not recording.passes:
            raise ExplainError(prose.error("never_read", path=tu.header))
        if not diagnosed:
            doctor.check(recording)
    else:
        recording = worked(recording, stopped[1])
        layout = layout.first(stopped[1]) if layout is not None else None
    self_read = doctor.reads_itself(recording)
    if self_read:
        stages = knowledge.self_read_stages(len(recording.passes))
        recording = replace(recording, passes=tuple(replace(p, stage=s) for p, s in zip(recording.passes, stages, strict=True)))
    layout = layout or lay_out(recording)
    # The traced (macro, name) pairs, in the order first seen: a dict, as
    # ext4.h's 131 pages each look up 1,500 invocations in it.
    trace_seen: dict[tuple[str, str | None], None] = {}
    passes: list[Pass] = []
    for record, spans, code, declares, snippets, unfocused, folds in zip(
        recording.passes, layout.spans, layout.code, layout.declares, layout.snippets,
        layout.unfocused, layout.folded, strict=True,
    ):
        cut = _Cutter(spans, code, snippets, folds)
        passes.append(_build_pass(record, cut, declares, focus, steps, trace_seen, unfocused, self_read,
                                  tu.kernel_version))
    if stopped is None:  # (when stopped, what stopped it is the point)
        _check_focus(tu.header, focus, passes, trace_seen)
    reproduce = Reproduce(
        argv=tu.gcc_argv(), cwd=tu.reproduce_cwd(), stdin=tu.text, env=REPRODUCE_ENV
    )
    return Walkthrough(
        header=tu.header, focus=focus, passes=tuple(passes),
        shown=tuple(p.index for p in passes), reproduce=reproduce, left_out=recording.left_out,
        warnings=recording.warnings, changes_after=recording.changes_after,
        steps_dropped=recording.steps_dropped, diagnostics=(stopped[0],) if stopped else (),
        roots=tu.roots, self_read=self_read, system=_system(recording), header_lines=tu.lines(),
        creator=tu.creator, creator_left_out=tu.creator_left_out,
    )


# The last recording's TRACE_SYSTEM: a site builds a walkthrough of one
# recording for each of its events, and finding it walks 20,000 changes.
_SYSTEM: LastMade[str | None] = LastMade()


def _system(recording: Recording) -> str | None:
    """TRACE_SYSTEM as the header defines it (its first #define there)."""
    def found() -> str | None:
        header = os.path.basename(recording.tu.header)
        for c in itertools.chain(*(p.changes for p in recording.passes), recording.changes_after):
            if c.kind == "define" and c.name == "TRACE_SYSTEM" and os.path.basename(c.file) == header and c.body:
                return c.body.strip()
        return None

    return _SYSTEM.get((recording,), found)


def worked(recording: Recording, count: int) -> Recording:
    """*recording* with its first *count* passes: the others' changes
    follow them, so that every change is still listed once, in order."""
    dropped = recording.passes[count:]
    return replace(recording, passes=recording.passes[:count],
                   changes_after=tuple(c for p in dropped for c in p.changes) + recording.changes_after)


def _check_focus(header: str, focus: str, passes: list[Pass], trace_seen: dict[tuple[str, str | None], None],
                 ) -> None:
    if not trace_seen:
        raise ExplainError(prose.error("no_trace_macros", path=header))
    if not any(inv.focus for p in passes for inv in p.invocations):
        choices = ["all"]
        for macro, name in trace_seen:
            for option in (macro, name):
                if option is not None and option not in choices:
                    choices.append(option)
        raise ExplainError(prose.error("no_such_focus", path=header, focus=focus, choices=", ".join(choices)))


def indented(code: str, start: int) -> int:
    """Where a stretch of laid-out *code* that begins at *start* is cut
    from: its line's start, when only indentation comes before it."""
    line_start = code.rfind("\n", 0, start) + 1
    return line_start if not code[line_start:start].strip() else start


class _Cutter:
    """Cuts an invocation's code out of its pass's laid-out code, with
    each token's span in it; remembered in the layout for the next page."""

    def __init__(self, spans: Spans, code: str,
                 done: dict[int, tuple[str, tuple[tuple[int, int], ...] | None]],
                 folded: dict[int, FoldedParts | Folded]) -> None:
        self._spans = spans
        self.code = code
        self._done = done
        self._folded = folded

    def folded(self, raw: RawInvocation) -> Folded | None:
        """The code of *raw* with kernel helpers folded, if it has any."""
        found = self._folded.get(raw.start)
        if found is None or isinstance(found, Folded):
            return found
        code, starts, ends, pieces = found
        made = self._folded[raw.start] = Folded(code, starts, ends, pieces)
        return made

    def cut(self, raw: RawInvocation, with_spans: bool) -> tuple[str, tuple[tuple[int, int], ...]]:
        done = self._done.get(raw.start)
        if done is not None and (done[1] is not None or not with_spans):
            return done[0], (done[1] or ()) if with_spans else ()
        first, last = raw.real_start, raw.real_end
        if last <= first:
            self._done[raw.start] = ("", ())
            return "", ()
        spans, code = self._spans, self.code
        begin = indented(code, spans.starts[first])
        stop = spans.ends[last - 1]
        snippet = code[begin:stop].rstrip() + "\n"
        token_spans = tuple(spans.pairs(first, last, begin)) if with_spans else None
        self._done[raw.start] = (snippet, token_spans)
        return snippet, token_spans or ()


class _Unfocused(NamedTuple):
    """A pass's invocations as a page that focuses on none of them shows
    them; the (macro, name) of the trace macros' among them, in order;
    and where those are that each focus picks (by its macro, name or
    class), and all of them (for "all").  A site builds a walkthrough of
    its header's recording for each page: ext4.h's 131 pages looked at
    1,500 invocations each."""

    invocations: tuple[Invocation, ...]
    traced: tuple[tuple[str, str | None], ...]
    picks: dict[str, tuple[int, ...]]
    every: tuple[int, ...]


def _unfocused(record: PassRecord, cutter: _Cutter, declares: dict[int, tuple[str, ...]], self_read: bool,
               version: str | None) -> _Unfocused:
    invocations = []
    traced: dict[tuple[str, str | None], None] = {}
    picks: dict[str, list[int]] = {}
    every = []
    for k, raw in enumerate(record.invocations):
        roles = _roles(raw, self_read)
        name, template = _names(raw, roles, version) if roles is not None else (None, None)
        snippet, _ = cutter.cut(raw, False)
        invocations.append(Invocation(
            macro=raw.macro, line=raw.line, name=name, template=template,
            args=raw.args, code=snippet, used=tuple(sorted(raw.used)), focus=False,
            used_args=raw.used_args, declares=declares.get(raw.start, ()),
            changes_before=raw.changes_before,
        ))
        if roles is None:
            continue
        traced.setdefault((raw.macro, name))
        every.append(k)
        for key in dict.fromkeys((raw.macro, name, template)):
            if key is not None:
                picks.setdefault(key, []).append(k)
    return _Unfocused(tuple(invocations), tuple(traced), {key: tuple(ks) for key, ks in picks.items()},
                      tuple(every))


def _build_pass(
    record: PassRecord, cutter: _Cutter, declares: dict[int, tuple[str, ...]], focus: str, steps: bool,
    trace_seen: dict[tuple[str, str | None], None], unfocused: list[_Unfocused],
    self_read: bool = False, version: str | None = None,
) -> Pass:
    if not unfocused:
        unfocused.append(_unfocused(record, cutter, declares, self_read, version))
    plain = unfocused[0]
    for pair in plain.traced:
        trace_seen.setdefault(pair)
    invocations = list(plain.invocations)
    for k in plain.every if focus == "all" else plain.picks.get(focus, ()):
        raw = record.invocations[k]
        _, token_spans = cutter.cut(raw, bool(raw.provenance))
        invocations[k] = replace(
            invocations[k], focus=True, spans=token_spans,
            provenance=raw.provenance if token_spans else (),
            steps=raw.steps if steps else (), steps_truncated=raw.steps_truncated and steps,
            folds=raw.folds, folded=cutter.folded(raw),
        )
    return Pass(
        index=record.index, stage=record.stage, included_from=record.included_from,
        chain=record.chain, changes=record.changes, invocations=tuple(invocations), code=cutter.code,
        meanings=record.meanings, changes_start=record.changes_start,
    )


def trace_filter(focus: str) -> Callable[[str, tuple[str, ...]], bool]:
    """Which invocations to record step by step for *focus*: a superset of
    the focused ones (names are only certain after expansion)."""
    if focus == "all":
        return lambda macro, args: True
    # A tracepoint some kernels name with a suffix (pelt_cfs_tp of
    # DECLARE_TRACE(pelt_cfs, ...) since 6.16).
    names = {focus, *(focus.removesuffix(s) for s in knowledge.suffixes() if focus.endswith(s))}
    return lambda macro, args: macro == focus or any(a.strip() in names for a in args)
