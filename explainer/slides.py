"""``explain slides [MACRO] [HEADER]``: a deck of slides for a class,
one HTML file that works offline (render/deck.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from explainer.model import Walkthrough
from explainer.record import record
from explainer.resources import bundled_headers


def toy() -> Walkthrough:
    """The bundled colors.h, the trick at two reads, for the deck's third slide."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble

    tu = setup("colors.h", [], [], bundled_headers() / "examples" / "toy", None, None)
    recording = Recorder(tu, assemble.trace_filter("COLOR")).run()
    return assemble.build(recording, "COLOR", assemble.lay_out(recording))


def focus_event(w: Walkthrough) -> str | None:
    """The event the deck's user-space slide is about: the first one in focus."""
    return next((inv.name for inv in w.passes[0].invocations if inv.focus and inv.name), None)


def run(args: argparse.Namespace, cwd: Path) -> str:
    """The deck of MACRO in HEADER; a header that does not build is an
    error (the page of explain MACRO HEADER shows where it stops)."""
    from explainer.render import deck
    from explainer.render.format_view import format_panels

    whole, tu, problem = record(args, cwd, html=True, folds=True)
    if problem is not None:
        raise problem
    event = focus_event(whole)
    fmt = format_panels(whole, tu, None, only=event).get(event) if event is not None else None
    return deck.render(deck.build(whole, None, None if whole.self_read else toy(), fmt))
