"""``explain format EVENT [HEADER]``: the event's tracefs format file, as
the kernel will show it, each line with where it comes from
(userspace/format.py); ``explain decode EVENT FIELD=VALUE...``: how the
kernel prints those values (userspace/decode.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import Walkthrough


def _words(key: str, **values: object) -> str:
    return str(prose.load()["cli"][key]).format(**values)


def walkthrough(args: argparse.Namespace, cwd: Path) -> tuple[Walkthrough, TranslationUnit]:
    """Every pass of the header, each token's origin recorded: what
    the format file is read from."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.userspace import answers
    from explainer.walkthrough import assemble, doctor

    header = args.header or default_header(args, cwd)
    tu = setup(header, args.include_dirs, args.macro_args or [], cwd, args.kernel, args.mode, as_kernel=True)
    recorder = Recorder(tu, assemble.trace_filter("all"))
    recording, stopped, problem = doctor.recorded(recorder)
    answers.read_by(tu, recorder.sources() if stopped is None else None)
    if problem is not None:
        raise problem
    return assemble.build(recording, "all", stopped=stopped, diagnosed=True), tu


def default_header(args: argparse.Namespace, cwd: Path) -> str:
    """The header that makes the event: sample.h for the bundled kernel;
    in a tree, the trace header of include/trace/events/ that names it."""
    if args.kernel is None:
        return "sample.h"
    from explainer.kernel import trees

    tree = trees.open_tree(cwd / args.kernel, args.kernel) if args.kernel != "auto" else trees.auto(cwd)
    if tree is None:
        raise ExplainError(_words("format_no_tree"))
    found = trees.event_headers(tree, args.event)
    if not found:
        raise ExplainError(_words("format_no_header", event=args.event))
    if len(found) > 1:
        raise ExplainError(_words("format_many_headers", event=args.event, headers=", ".join(found)))
    return found[0]


def run_format(args: argparse.Namespace, cwd: Path, width: int) -> str:
    from explainer.userspace import format as tracefs_format

    w, tu = walkthrough(args, cwd)
    problem = None
    try:
        f = tracefs_format.build(w, tu, args.event, compute=_computes(tu))
    except ExplainError as exc:  # gcc could not compute the numbers: the rest, and why
        if not _computes(tu):
            raise
        f = tracefs_format.build(w, tu, args.event, compute=False)
        f = tracefs_format.with_undeclared([f], tu, _stage4(w))[0]
        problem = str(exc)
    if args.format == "json":
        from explainer.render import userspace_json

        return userspace_json.render_format(f, tu, problem)
    from explainer.render import userspace_text

    return userspace_text.render_format(f, w, explain=args.explain, width=width, tu=tu, problem=problem)


def _stage4(w: Walkthrough) -> int:
    from explainer.userspace.format import fields_pass

    through = fields_pass(w)
    assert through is not None  # the format was read from it
    return through


def _computes(tu: TranslationUnit) -> bool:
    """Whether gcc can compile the translation unit: not in focused mode,
    whose copy of the machinery names helpers it never declares."""
    return tu.keep is None  # the bundled model kernel compiles too


def run_decode(args: argparse.Namespace, cwd: Path, width: int) -> str:
    """The values given (FIELD=VALUE) as the kernel prints them."""
    from explainer.userspace import decode
    from explainer.userspace import format as tracefs_format

    given = [a for a in args.items if "=" in a]
    rest = [a for a in args.items if "=" not in a]
    if len(rest) > 1 or not given:
        raise ExplainError(_words("decode_usage", items=" ".join(args.items)))
    args.header = rest[0] if rest else None
    w, tu = walkthrough(args, cwd)
    f = tracefs_format.build(w, tu, args.event, compute=_computes(tu))
    if not _computes(tu):
        raise ExplainError(_words("decode_focused"))
    decoded = decode.decode(f, tu, given, _stage4(w))
    from explainer.render import decoded as render

    return render.render_json(decoded) if args.format == "json" else render.render_text(decoded, width)
