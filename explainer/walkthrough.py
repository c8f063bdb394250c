"""Stage 2 of the pipeline: from a recording to the Walkthrough model.

Prints each pass's tokens as C, formats it, cuts out each invocation's
code, names invocations with kernel knowledge, and applies the focus.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from explainer import codeformat, knowledge
from explainer.errors import ExplainError
from explainer.macros import PAD
from explainer.model import (
    Invocation,
    Pass,
    PassRecord,
    RawInvocation,
    Recording,
    Reproduce,
    Walkthrough,
)
from explainer.printer import Emitted, print_tokens
from explainer.translation_unit import REPRODUCE_ENV

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _roles(raw: RawInvocation) -> dict[str, int] | None:
    """The macro's argument roles; for an alias (sched.h's
    DEFINE_EVENT_SCHEDSTAT), those of the trace macro it expands to."""
    found = knowledge.roles(raw.macro)
    if found is not None:
        return found
    for name in sorted(raw.used):
        found = knowledge.roles(name)
        if found is not None:
            return found
    return None


def _arg(raw: RawInvocation, index: int | None) -> str | None:
    if index is None or index >= len(raw.args):
        return None
    text = raw.args[index].strip()
    return text if _IDENT.fullmatch(text) else None


def _names(raw: RawInvocation, roles: dict[str, int]) -> tuple[str | None, str | None]:
    event = _arg(raw, roles.get("event"))
    klass = _arg(raw, roles.get("class"))
    symbol = _arg(raw, roles.get("symbol"))
    name = event or klass or symbol
    template = klass if klass is not None and klass != name else None
    return name, template


@dataclass(frozen=True)
class Layout:
    """Each pass printed and formatted: the same whatever the focus, so a
    site lays a header out once for all its pages."""

    printed: tuple[tuple[str, list[tuple[int, int]]], ...]
    formatted: tuple[str, ...]
    # Per pass: how many real (non-padding) tokens come before each
    # emitted one, and one more entry for the end.
    real_counts: tuple[list[int], ...]
    # Per pass: each invocation's code and token spans in it, by where it
    # starts, filled as pages are built (a site builds many per layout).
    snippets: tuple[dict[int, tuple[str, tuple[tuple[int, int], ...] | None]], ...] = field(
        compare=False, repr=False)

    @cached_property
    def offset_maps(self) -> tuple[codeformat.OffsetMap, ...]:
        """Printed to formatted offsets, per pass (made once per layout)."""
        return tuple(codeformat.OffsetMap(text, code)
                     for (text, _), code in zip(self.printed, self.formatted, strict=True))


class EarlyLayout:
    """Lays out each pass as soon as the recorder has finished it, in
    threads that wait on clang-format: formatting (about a second for a
    kernel header) runs on the other core while recording goes on.  The
    recorder reports a pass when it ends, and the first pass also when the
    second begins (its code is usually complete by then); a pass whose
    code grew after it was reported is laid out again by lay_out."""

    def __init__(self) -> None:
        # Found here, once: sysconfig's lazy set-up is not safe to race.
        codeformat.executable()
        self._pool = ThreadPoolExecutor(max_workers=2)
        self._jobs: dict[int, tuple[int, tuple[str, list[tuple[int, int]]], Future[str]]] = {}

    def pass_done(self, index: int, emitted: list[Emitted]) -> None:
        job = self._jobs.get(index)
        if job is not None and job[0] == len(emitted):
            return  # unchanged since it was reported
        printed = print_tokens(emitted)
        self._jobs[index] = (len(emitted), printed, self._pool.submit(codeformat.format_block, printed[0]))

    def take(self, index: int, emitted: tuple[Emitted, ...]) -> tuple[tuple[str, list[tuple[int, int]]], str] | None:
        """The pass's printed and formatted code, if it was laid out from
        all of *emitted* (which only ever grows)."""
        job = self._jobs.pop(index, None)
        if job is None or job[0] != len(emitted):
            return None
        return job[1], job[2].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def lay_out(recording: Recording, early: EarlyLayout | None = None) -> Layout:
    done = [early.take(p.index, p.emitted) if early is not None else None for p in recording.passes]
    printed = tuple(d[0] if d is not None else print_tokens(p.emitted) for d, p in zip(done, recording.passes, strict=True))
    rest = iter(codeformat.format_blocks([text for d, (text, _) in zip(done, printed, strict=True) if d is None]))
    return Layout(printed, tuple(d[1] if d is not None else next(rest) for d in done),
                  tuple(_real_counts(p) for p in recording.passes),
                  tuple({} for _ in recording.passes))


def build(recording: Recording, focus: str, layout: Layout | None = None,
          steps: bool = True) -> Walkthrough:
    """The walkthrough of *recording*, focused on *focus* (a trace macro,
    an event or class name, or ``all``); without the step lists if not
    *steps*."""
    tu = recording.tu
    if not recording.passes:
        raise ExplainError(f"{tu.header}: the translation unit never read the header")
    layout = layout or lay_out(recording)
    trace_seen: list[tuple[str, str | None]] = []
    passes: list[Pass] = []
    for record, (_, spans), code, mapping, counts, snippets in zip(
        recording.passes, layout.printed, layout.formatted, layout.offset_maps, layout.real_counts,
        layout.snippets, strict=True,
    ):
        cut = _Cutter(spans, code, mapping, counts, snippets)
        passes.append(_build_pass(record, cut, focus, steps, trace_seen))
    if not trace_seen:
        raise ExplainError(
            f"{tu.header}: no trace macros (TRACE_EVENT, DECLARE_EVENT_CLASS, ...) found"
        )
    if not any(inv.focus for p in passes for inv in p.invocations):
        choices = ["all"]
        for macro, name in trace_seen:
            for option in (macro, name):
                if option is not None and option not in choices:
                    choices.append(option)
        raise ExplainError(
            f'{tu.header}: nothing named "{focus}" to explain; try one of: ' + ", ".join(choices)
        )
    reproduce = Reproduce(
        argv=tu.gcc_argv(), cwd=tu.reproduce_cwd(), stdin=tu.text, env=REPRODUCE_ENV
    )
    return Walkthrough(
        header=tu.header, focus=focus, passes=tuple(passes),
        shown=tuple(p.index for p in passes), reproduce=reproduce, left_out=recording.left_out,
        warnings=recording.warnings,
    )


class _Cutter:
    """Cuts an invocation's code out of its pass's formatted code, with
    each token's span in it; remembered in the layout for the next page."""

    def __init__(self, spans: list[tuple[int, int]], code: str, mapping: codeformat.OffsetMap,
                 counts: list[int], done: dict[int, tuple[str, tuple[tuple[int, int], ...] | None]]) -> None:
        self._spans = spans
        self.code = code
        self._mapping = mapping
        self._counts = counts
        self._done = done

    def _real_index(self, i: int) -> int:
        """Index into the emitted tokens -> index among non-padding tokens."""
        counts = self._counts
        return counts[min(max(i, 0), len(counts) - 1)]

    def cut(self, raw: RawInvocation, with_spans: bool) -> tuple[str, tuple[tuple[int, int], ...]]:
        done = self._done.get(raw.start)
        if done is not None and (done[1] is not None or not with_spans):
            return done[0], (done[1] or ()) if with_spans else ()
        first, last = self._real_index(raw.start), self._real_index(raw.end)
        if last <= first:
            self._done[raw.start] = ("", ())
            return "", ()
        spans, code, mapping = self._spans, self.code, self._mapping
        begin = mapping(spans[first][0])
        stop = mapping(spans[last - 1][1] - 1) + 1
        line_start = code.rfind("\n", 0, begin) + 1
        if not code[line_start:begin].strip():
            begin = line_start
        snippet = code[begin:stop].rstrip() + "\n"
        token_spans = tuple(
            (mapping(a) - begin, mapping(b - 1) + 1 - begin) for a, b in spans[first:last]
        ) if with_spans else None
        self._done[raw.start] = (snippet, token_spans)
        return snippet, token_spans or ()


def _build_pass(
    record: PassRecord, cutter: _Cutter, focus: str, steps: bool,
    trace_seen: list[tuple[str, str | None]],
) -> Pass:
    invocations = []
    for raw in record.invocations:
        roles = _roles(raw)
        name, template = _names(raw, roles) if roles is not None else (None, None)
        if roles is not None and (raw.macro, name) not in trace_seen:
            trace_seen.append((raw.macro, name))
        is_focus = roles is not None and (
            focus == "all" or focus == raw.macro or focus in (name, template)
        )
        snippet, token_spans = cutter.cut(raw, bool(is_focus and raw.provenance))
        invocations.append(
            Invocation(
                macro=raw.macro, line=raw.line, name=name, template=template,
                args=raw.args, code=snippet, used=tuple(sorted(raw.used)), focus=is_focus,
                used_args=raw.used_args,
                spans=token_spans,
                provenance=raw.provenance if token_spans else (),
                steps=raw.steps if is_focus and steps else (),
                steps_truncated=raw.steps_truncated and is_focus and steps,
            )
        )
    return Pass(
        index=record.index, stage=record.stage, included_from=record.included_from,
        chain=record.chain, changes=record.changes, invocations=tuple(invocations), code=cutter.code,
        meanings=record.meanings,
    )


def _real_counts(record: PassRecord) -> list[int]:
    return [0, *itertools.accumulate(e.tok.type != PAD for e in record.emitted)]


def trace_filter(focus: str) -> Callable[[str, tuple[str, ...]], bool]:
    """Which invocations to record step by step for *focus*: a superset of
    the focused ones (names are only certain after expansion)."""
    if focus == "all":
        return lambda macro, args: True
    return lambda macro, args: macro == focus or any(a.strip() == focus for a in args)
