"""The walkthrough of one MACRO in one HEADER, recorded as the page,
the deck and the handout need it (explain MACRO HEADER, slides, handout,
a site's class): the translation unit, its passes and what stopped it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from explainer.errors import ExplainError

if TYPE_CHECKING:  # imported as the run needs them, behind the helper's start
    from explainer.kernel.translation_unit import TranslationUnit
    from explainer.model import Walkthrough


def record(args: argparse.Namespace, cwd: Path, html: bool, folds: bool,
           every_pass: bool = True) -> tuple[Walkthrough, TranslationUnit, ExplainError | None]:
    """The walkthrough of MACRO in HEADER (args.macro, args.header and the
    tree options), its translation unit, and what stopped it if anything.
    *html*: with each token's origin and steps, as a page shows them;
    *folds*: kernel helpers folded."""
    from explainer.kernel.translation_unit import setup

    # First: for a kernel tree, setup asks gcc for its predefined macros
    # in a thread, and the answer comes while the modules below load.
    tu = setup(args.header, args.include_dirs, args.macro_args or [], cwd, args.kernel, args.mode,
               reader=args.reader)
    from explainer.walkthrough.helper import ahead

    # A kernel's headers, replayed from this unit's last run if none has
    # changed (cpp/memo.py): then the helper has no files to scan.
    memo = None
    if tu.full_mode:
        from explainer.cpp import memo as memos

        memo = memos.load(tu) if memos.enabled() else None
    # Then the helper process, which starts scanning the translation
    # unit's files while the recorder's modules load.
    with ahead(tu=None if memo is not None and memo.replaying else tu) as helper:
        from explainer.cpp.recorder import Recorder
        from explainer.model import PAGE_BUDGET
        from explainer.walkthrough import assemble, doctor

        # Pages show each token's origin and steps; pages and the terminal
        # fold kernel helpers; JSON has the code alone.
        trace = assemble.trace_filter(args.macro) if folds else None
        # A page of every pass stays under its budget (model.PAGE_BUDGET):
        # what it could not show is not recorded.
        budget = PAGE_BUDGET if every_pass else None
        recorder = Recorder(tu, trace, on_pass=helper.submit, files=helper.files(),
                            steps=html, budget=budget, memo=memo)
        recording, stopped, problem = doctor.recorded(recorder)
        if html and stopped is None:  # an event's page asks gcc for its format's numbers
            from explainer.userspace import answers

            answers.read_by(tu, recorder.sources())
        if memo is not None and recorder.failed_at is None:
            memo.save(recorder)
        if html:
            # jinja2 and the page's template load while the helper lays
            # out the last passes, rather than after.
            from explainer.render import to_html

            to_html.warm()
        whole = assemble.build(recording, args.macro, helper.layout(recording), stopped=stopped, diagnosed=True)
    return whole, tu, problem
