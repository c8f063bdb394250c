"""The ``explain`` command: argument parsing, errors to exit codes, output.

Heavy modules are imported inside ``run`` so that ``explain --help``
starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from explainer import __version__, knowledge, prose
from explainer.errors import ExplainError, PreprocessError

EXIT_OK, EXIT_INPUT, EXIT_BUG = 0, 2, 3


def build_parser() -> argparse.ArgumentParser:
    words = prose.load()["cli"]
    parser = argparse.ArgumentParser(
        prog="explain",
        description=words["description"],
        epilog=words["epilog"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("macro", metavar="MACRO", help=words["macro"])
    parser.add_argument("header", metavar="HEADER", nargs="?", default="sample.h",
                        help=words["header"])
    parser.add_argument("-I", dest="include_dirs", metavar="DIR", action="append", default=[],
                        help=words["include"])
    parser.add_argument("-D", dest="macro_args", metavar="NAME[=VAL]", action="append",
                        type=lambda v: ("-D", v), help=words["define"])
    parser.add_argument("-U", dest="macro_args", metavar="NAME", action="append",
                        type=lambda v: ("-U", v), help=words["undef"])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--pass", dest="pass_index", metavar="N", type=int, help=words["pass"])
    which.add_argument("--stage", metavar="ID",
                       help=words["stage"].format(stages=", ".join(knowledge.stage_ids())))
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help=words["format"])
    parser.add_argument("-o", "--output", metavar="FILE", help=words["output"])
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help=words["color"])
    parser.add_argument("--version", action="version", version=f"explain {__version__}")
    return parser


def _select(walkthrough, pass_index: int | None, stage: str | None):  # type: ignore[no-untyped-def]
    passes = walkthrough.passes
    if pass_index is not None:
        chosen = tuple(p for p in passes if p.index == pass_index)
        if not chosen:
            raise ExplainError(prose.load()["cli"]["no_pass"].format(
                index=pass_index, total=len(passes)))
        return replace(walkthrough, passes=chosen)
    if stage is not None:
        chosen = tuple(p for p in passes if p.stage == stage)
        if not chosen:
            raise ExplainError(prose.load()["cli"]["no_stage"].format(
                stage=stage, stages=", ".join(p.stage for p in passes)))
        return replace(walkthrough, passes=chosen)
    return walkthrough


def run(args: argparse.Namespace, cwd: Path) -> str:
    from explainer import render_json, render_text, walkthrough
    from explainer.preprocess import Recorder
    from explainer.translation_unit import setup

    tu = setup(args.header, args.include_dirs, args.macro_args or [], cwd)
    recording = Recorder(tu).run()
    whole = walkthrough.build(recording, args.macro, walkthrough.reproduce_cwd(str(tu.cwd), str(cwd)))
    chosen = _select(whole, args.pass_index, args.stage)
    if args.format == "json":
        return render_json.render(chosen)
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    return render_text.render(chosen, color=color)


def write_atomically(path: Path, text: str) -> None:
    """Replace *path* with *text*, or leave it untouched on any failure."""
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise ExplainError(prose.load()["cli"]["no_dir"].format(
            path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        text = run(args, Path.cwd())
        if args.output:
            write_atomically(Path(args.output), text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    except PreprocessError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_INPUT
    except ExplainError as exc:
        print(f"explain: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        print("explain: " + prose.load()["cli"]["internal"].format(error=error), file=sys.stderr)
        if os.environ.get("EXPLAINER_DEBUG"):
            raise
        return EXIT_BUG
    return EXIT_OK
