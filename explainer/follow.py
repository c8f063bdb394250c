"""``explain follow HEADER:LINE``: one line of a trace header through every
pass (walkthrough/follow.py), as text or JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError


def _words(key: str, **values: object) -> str:
    return str(prose.load()["cli"][key]).format(**values)


def place(text: str) -> tuple[str, int]:
    """HEADER:LINE, split; an error that shows the form otherwise."""
    header, colon, line = text.rpartition(":")
    if not colon or not header or not line.isdigit() or int(line) < 1:
        raise ExplainError(_words("follow_bad_place", place=text))
    return header, int(line)


def run(args: argparse.Namespace, cwd: Path, width: int) -> tuple[str, ExplainError | None]:
    """The output, and the error that stopped the translation unit (the
    output then follows the line through the passes that worked, and
    says what went wrong after them)."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble, doctor
    from explainer.walkthrough.follow import follow

    header, line = place(args.place)
    tu = setup(header, args.include_dirs, args.macro_args or [], cwd, args.kernel, args.mode)
    count = len(tu.lines())
    if line > count:
        raise ExplainError(_words("follow_no_line", place=args.place, header=tu.shown(tu.header), count=count))
    # Only the invocation written across the line is followed token by token.
    recording, stopped, problem = doctor.recorded(Recorder(tu, assemble.trace_filter("all"), line=line))
    walkthrough = assemble.build(recording, "all", stopped=stopped, diagnosed=True)
    followed = follow(walkthrough, line)
    if args.format == "json":
        from explainer.render import to_json

        return to_json.render_followed(followed, walkthrough.diagnostics), problem
    from explainer.render import to_text

    return to_text.render_followed(followed, width=width, roots=tu.roots, stopped=walkthrough), problem
