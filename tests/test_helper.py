"""The layout made by the helper process is the layout made here, and a
helper that fails costs time, never output."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest

from explainer.cpp import expand
from explainer.cpp.invocations import PassBuilder
from explainer.cpp.recorder import Recorder
from explainer.cpp.recording import Recording
from explainer.errors import ExplainError
from explainer.kernel.translation_unit import setup
from explainer.walkthrough import assemble, helper
from explainer.walkthrough.layout import values

from conftest import REPO, SAMPLE, environment

needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="the helper needs fork and two cores")


def record(on_pass: Callable[[PassBuilder], None] | None = None) -> Recording:
    return Recorder(setup(str(SAMPLE.relative_to(REPO)), [], [], REPO), on_pass=on_pass).run()


def same(a: assemble.Layout, b: assemble.Layout) -> None:
    assert a.code == b.code
    assert [s.pairs() for s in a.spans] == [s.pairs() for s in b.spans]
    assert a.declares == b.declares


@needs_fork
def test_the_helper_lays_out_every_pass_as_this_process_does() -> None:
    sent: list[tuple[int, int]] = []
    with helper.ahead() as ahead:
        def submit(done: PassBuilder) -> None:
            sent.append((done.index, len(done.emitted)))
            ahead.submit(done)

        recording = record(submit)
        laid: dict[int, assemble.LaidOut] = {}
        expand.set_deadline(60)
        try:
            while len(laid) < len(recording.passes):  # each answered as it is laid out
                ahead._answers(laid, recording.passes, wait=True, header="sample.h")
        finally:
            expand.set_deadline(None)
    # Every pass reached the helper, the first one before the others began.
    assert {index for index, _ in sent} == {p.index for p in recording.passes}
    assert sent[0][0] == 1 and sent[1][0] == 2
    expected = assemble.lay_out(recording)
    for p, code, declares in zip(recording.passes, expected.code, expected.declares, strict=True):
        assert laid[p.index][0] == code
        assert laid[p.index][2] == declares


@needs_fork
def test_the_layout_is_the_same_with_and_without_a_helper() -> None:
    with helper.ahead() as ahead:
        recording = record(ahead.submit)
        helped = ahead.layout(recording)
    with helper.ahead(helper=False) as alone:
        unhelped = alone.layout(record(alone.submit))
    same(helped, assemble.lay_out(recording))
    same(unhelped, helped)


@needs_fork
def test_a_pass_sent_before_it_ended_is_laid_out_again() -> None:
    sent: list[PassBuilder] = []
    recording = record(sent.append)
    first = sent[0]
    first.emitted = first.emitted[: len(first.emitted) // 2]  # what it held halfway
    with helper.ahead() as ahead:
        ahead.submit(first)
        laid = ahead.layout(recording)  # the rest was never sent: laid out here
    same(laid, assemble.lay_out(recording))


@needs_fork
def test_the_helper_keeps_no_pipe_of_a_process_started_before_it() -> None:
    # What kernel/compiler.py does in a thread while the CLI starts the helper:
    # gcc reads its input from a pipe, to its end.
    reader = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        with helper.ahead():
            out, _ = reader.communicate(b"input", timeout=10)  # its end reaches cat
        assert out == b"input"
    finally:
        reader.kill()
        reader.wait()


@needs_fork
def test_a_helper_that_died_costs_no_output() -> None:
    with helper.ahead() as ahead:
        os.kill(ahead._pid, signal.SIGKILL)
        recording = record(ahead.submit)
        laid = ahead.layout(recording)
    same(laid, assemble.lay_out(recording))


@needs_fork
def test_a_result_that_cannot_be_read_is_laid_out_here(monkeypatch: pytest.MonkeyPatch) -> None:
    with helper.ahead() as ahead:
        recording = record(ahead.submit)

        def unreadable(data: bytes) -> object:
            raise ValueError("bad marshal data")

        monkeypatch.setattr(helper.marshal, "loads", unreadable)  # here, not in the helper
        laid = ahead.layout(recording)
    same(laid, assemble.lay_out(recording))


@needs_fork
def test_this_process_lays_out_the_last_passes_and_waits_only_for_the_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    here: list[int] = []
    with helper.ahead() as ahead:
        os.kill(ahead._pid, signal.SIGSTOP)  # it will never answer
        recording = record(ahead.submit)
        real = assemble.lay_out_one

        def counted(values: list[str], bounds: list[tuple[int, int, bool, str]]) -> assemble.LaidOut:
            here.append(len(values))
            return real(values, bounds)

        monkeypatch.setattr(assemble, "lay_out_one", counted)
        expand.set_deadline(0.5)
        try:
            with pytest.raises(ExplainError, match=r"sample\.h: laying out its passes gave up after"):
                ahead.layout(recording)
        finally:
            expand.set_deadline(None)
    assert ahead._pid == 0  # ended and reaped
    # Every pass but the first, last first; the first was the helper's.
    assert here == [len(values(p.emitted)) for p in reversed(recording.passes[1:])]


def test_without_a_helper_the_layout_is_made_here() -> None:
    with helper.ahead(helper=False) as alone:
        recording = record(alone.submit)
        same(alone.layout(recording), assemble.lay_out(recording))


def test_the_helper_is_forked_before_the_recorders_modules_load() -> None:
    # Its walk starts while they load (cli.run): importing it must not load them.
    code = ("import sys, explainer.walkthrough.helper; "
            "print(sorted(m for m in ('explainer.cpp.recorder', 'explainer.walkthrough.assemble',"
            " 'explainer.cpp.expand', 'explainer.walkthrough.layout', 'pcpp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO, env=environment())
    assert out.stdout.strip() == "[]"
