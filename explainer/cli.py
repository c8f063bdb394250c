"""The ``explain`` command: argument parsing, errors to exit codes, output.

Heavy modules are imported inside ``run`` so that ``explain --help``
starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import resource
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import explainer
from explainer import __version__, gcpause, prose
from explainer.errors import ExplainError, PreprocessError
from explainer.kernel import knowledge
from explainer.output import write_output
from explainer.parser import BadLanguage, Parser, paragraph, split_language

if TYPE_CHECKING:  # imported lazily at run time: --help must start fast
    from explainer.model import Walkthrough
    from explainer.render.format_view import FormatPanel

EXIT_OK, EXIT_INPUT, EXIT_BUG = 0, 2, 3
# Limits (README, "Limits"): a stranger's header must not hang or eat the machine.
TIME_LIMIT_SECONDS = 300
MEMORY_LIMIT_MB = 4096


@contextlib.contextmanager
def limits(seconds: float, megabytes: int) -> Iterator[None]:
    """Wall-clock and address-space limits for one run, put back after."""
    from explainer.cpp import expand

    expand.set_deadline(seconds if seconds > 0 else None)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if megabytes > 0 and (soft == resource.RLIM_INFINITY or wanted < soft):
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        yield
    finally:
        expand.set_deadline(None)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def build_parser() -> argparse.ArgumentParser:
    words = prose.load()["cli"]
    parser = Parser("explain", paragraph(words["description"]), words["epilog"])
    parser.add_argument("macro", metavar="MACRO", help=words["macro"])
    parser.add_argument("header", metavar="HEADER", nargs="?", default="sample.h",
                        help=words["header"])
    _tree_options(parser, words)
    parser.add_argument("--from", dest="reader", metavar="FILE", help=words["from_help"])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--pass", dest="pass_index", metavar="N", type=int, help=words["pass"])
    which.add_argument("--stage", metavar="ID",
                       help=words["stage"].format(stages=", ".join(knowledge.stage_ids())))
    parser.add_argument("--format", choices=("text", "json", "html"), default="text",
                        help=words["format"])
    parser.add_argument("-o", "--output", metavar="FILE", help=words["output"])
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help=words["color"])
    parser.add_argument("--unfold", action="store_true", help=words["unfold"])
    parser.add_argument("--version", action="version", version=version_text(words), help=words["version_help"])
    parser.add_argument("--intro", action=_Intro, nargs=0, help=words["intro_help"])
    return parser


class _Intro(argparse.Action):
    """--intro: the why and where to start, then exit (like --version:
    MACRO is not needed)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> NoReturn:
        from explainer.render import to_text

        sys.stdout.write(to_text.intro(width=terminal_width(True)))
        parser.exit()


def version_text(words: dict[str, str]) -> str:
    """The version, and whether this run is compiled or plain Python, and
    why: a user who installed explainer can see what they got."""
    if explainer.how_it_runs == "compiled":
        return f"explain {__version__}, {words['version_compiled']}"
    reason = explainer.not_compiled_reason() if explainer.how_it_runs == "not-built" else None
    if reason is not None:
        why = words["why_build_said"].format(reason=reason)
    else:
        why = words[f"why_{explainer.how_it_runs.replace('-', '_')}"]
    return f"explain {__version__}, {words['version_plain'].format(why=why)}"


def _tree_options(parser: argparse.ArgumentParser, words: dict[str, str], kernels: str | None = None) -> None:
    """The options that decide the translation unit, shared by every
    command; with *kernels* (its help's key), --kernel may be given twice."""
    parser.add_argument("--lang", choices=prose.LANGUAGES, help=words["lang"].format(languages=prose.languages()))
    parser.add_argument("--time-limit", metavar="SECONDS", type=float, default=TIME_LIMIT_SECONDS,
                        help=words["time_limit_help"])
    parser.add_argument("--memory-limit", metavar="MB", type=int, default=MEMORY_LIMIT_MB,
                        help=words["memory_limit_help"])
    if kernels is not None:
        parser.add_argument("--kernel", metavar="DIR", action="append", help=words[kernels])
    else:
        parser.add_argument("--kernel", metavar="DIR", help=words["kernel"])
    parser.add_argument("--mode", choices=("full", "focused"), help=words["mode"])
    parser.add_argument("-I", dest="include_dirs", metavar="DIR", action="append", default=[],
                        help=words["include"])
    parser.add_argument("-D", dest="macro_args", metavar="NAME[=VAL]", action="append",
                        type=lambda v: ("-D", v), help=words["define"])
    parser.add_argument("-U", dest="macro_args", metavar="NAME", action="append",
                        type=lambda v: ("-U", v), help=words["undef"])


def _select(walkthrough: Walkthrough, pass_index: int | None, stage: str | None) -> Walkthrough:
    passes = walkthrough.passes
    if pass_index is not None:
        chosen = tuple(p for p in passes if p.index == pass_index)
        if not chosen and walkthrough.diagnostics and pass_index > len(passes):
            return replace(walkthrough, shown=())  # it stopped before: say why
        if not chosen:
            raise ExplainError(prose.load()["cli"]["no_pass"].format(
                index=pass_index, total=len(passes)))
        return replace(walkthrough, shown=tuple(p.index for p in chosen))
    if stage is not None:
        chosen = tuple(p for p in passes if p.stage == stage)
        if not chosen:
            raise ExplainError(prose.load()["cli"]["no_stage"].format(
                stage=stage, stages=", ".join(p.stage for p in passes)))
        return replace(walkthrough, shown=tuple(p.index for p in chosen))
    return walkthrough


def run(args: argparse.Namespace, cwd: Path) -> tuple[str, ExplainError | None]:
    """The output, and the error that stopped the translation unit (the
    output then shows the passes that worked and the diagnosis)."""
    from explainer.record import record

    whole, tu, problem = record(args, cwd, html=args.format == "html",
                                folds=args.format == "html" or (args.format == "text" and not args.unfold),
                                every_pass=args.pass_index is None and args.stage is None)
    fmt = None
    if args.format == "html" and not whole.diagnostics:  # an event's page shows its format file
        from explainer.render.format_view import format_panels

        fmt = format_panels(whole, tu, None, only=args.macro).get(args.macro)
    return render(_select(whole, args.pass_index, args.stage), args, fmt), problem


def render(chosen: Walkthrough, args: argparse.Namespace, fmt: FormatPanel | None = None) -> str:
    # Each renderer imported only when used: jinja2 and pygments take a
    # noticeable part of a short run.
    if args.format == "json":
        from explainer.render import to_json

        return to_json.render(chosen)
    if args.format == "html":
        from explainer.render import to_html

        return to_html.render(chosen, fmt=fmt)
    from explainer.render import to_text

    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    return to_text.render(chosen, color=color, width=terminal_width(args.output is None),
                          unfold=args.unfold)


def terminal_width(to_stdout: bool) -> int:
    """Columns to wrap the text to: COLUMNS, else the terminal's width
    when writing to one, else 80."""
    if to_stdout:
        return shutil.get_terminal_size((80, 24)).columns
    try:
        return int(os.environ.get("COLUMNS", "")) or 80
    except ValueError:
        return 80


def build_site_parser() -> argparse.ArgumentParser:
    words = prose.load()["cli"]
    parser = Parser("explain site", paragraph(words["site_description"]), words["site_epilog"])
    parser.add_argument("headers", metavar="HEADER", nargs="*", help=words["site_headers"])
    parser.add_argument("-o", "--output", metavar="DIR", required=True, help=words["site_output"])
    parser.add_argument("-j", "--jobs", metavar="N", type=int, default=os.cpu_count() or 1,
                        help=words["site_jobs"])
    parser.add_argument("--one-language", action="store_true", help=words["site_one_language"])
    _tree_options(parser, words, "site_kernel")
    return parser


def run_site(args: argparse.Namespace, cwd: Path) -> str:
    from explainer import site

    words = prose.load()["cli"]
    kernels: list[str] = args.kernel or []
    progress = _progress_line if sys.stderr.isatty() else None
    time_limit = args.time_limit if args.time_limit > 0 else None
    if len(kernels) > 1:
        from explainer import site_kernels

        written, skipped = site_kernels.build_kernels(
            kernels, args.headers, args.include_dirs, args.macro_args or [], Path(args.output), cwd,
            mode=args.mode, jobs=max(1, args.jobs), progress=progress, time_limit=time_limit,
            every_language=not args.one_language)
    else:
        kernel = kernels[0] if kernels else None
        every = kernel is not None and not args.headers
        if kernel is not None and every:
            headers = [(cwd, h) for h in site.tree_headers(kernel, cwd)]
        else:
            headers = [(cwd, h) for h in args.headers] or site.default_headers()
        written, skipped = site.build(
            headers, args.include_dirs, args.macro_args or [], Path(args.output), cwd,
            kernel=kernel, mode=args.mode, jobs=max(1, args.jobs), progress=progress,
            skip_failures=every, time_limit=time_limit, every_language=not args.one_language,
            with_kit=not args.headers and kernel is None,
        )
    for line in skipped:
        print("explain: " + words["site_skipped"].format(reason=line), file=sys.stderr)
    done = str(words["site_done"])
    return done.format(count=len(written), path=Path(args.output) / "index.html") + "\n"


def _progress_line(done: int, total: int, header: str) -> None:
    """One line on the terminal, rewritten as headers are done."""
    width = 30
    filled = width * done // total
    line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {Path(header).name}"
    sys.stderr.write(line[:100].ljust(100) + ("\n" if done == total else ""))
    sys.stderr.flush()


def _verb_parser(verb: str, *positionals: tuple[str, str, str | None], explain: bool = False,
                 kernels: bool = False) -> argparse.ArgumentParser:
    """The parser of ``explain VERB``, for a verb that reads a header (check:
    HEADER, follow: HEADER:LINE, format: EVENT [HEADER], decode: EVENT
    FIELD=VALUE...), as text or JSON: each positional as (name, metavar,
    nargs); its words are [cli] VERB_description, VERB_epilog,
    VERB_<name>, VERB_format and (with *explain*) VERB_explain."""
    words = prose.load()["cli"]
    parser = Parser(f"explain {verb}", paragraph(words[f"{verb}_description"]), words[f"{verb}_epilog"])
    for dest, metavar, nargs in positionals:
        parser.add_argument(dest, metavar=metavar, nargs=nargs, help=words[f"{verb}_{dest}"])
    _tree_options(parser, words, f"{verb}_kernel" if kernels else None)
    if explain:
        parser.add_argument("--explain", action="store_true", help=words[f"{verb}_explain"])
    parser.add_argument("--format", choices=("text", "json"), default="text", help=words[f"{verb}_format"])
    parser.add_argument("-o", "--output", metavar="FILE", help=words["output"])
    return parser


def build_check_parser() -> argparse.ArgumentParser:
    return _verb_parser("check", ("header", "HEADER", None))


def build_follow_parser() -> argparse.ArgumentParser:
    return _verb_parser("follow", ("place", "HEADER:LINE", None))


def build_format_parser() -> argparse.ArgumentParser:
    return _verb_parser("format", ("event", "EVENT", None), ("header", "HEADER", "?"), explain=True)


def build_decode_parser() -> argparse.ArgumentParser:
    return _verb_parser("decode", ("event", "EVENT", None), ("items", "FIELD=VALUE", "+"))


def build_diff_parser() -> argparse.ArgumentParser:
    parser = _verb_parser("diff", ("event", "EVENT", None), ("headers", "HEADER", "*"), kernels=True)
    parser.set_defaults(format="text")
    for action in parser._actions:
        if action.dest == "format":
            action.choices = ("text", "json", "html")
    return parser


def _class_parser(verb: str, output: str) -> argparse.ArgumentParser:
    """explain slides or handout: [MACRO] [HEADER] on a translation unit,
    written to -o *output*; words [cli] VERB_description, VERB_epilog,
    VERB_output."""
    words = prose.load()["cli"]
    parser = Parser(f"explain {verb}", paragraph(words[f"{verb}_description"]), words[f"{verb}_epilog"])
    parser.add_argument("macro", metavar="MACRO", nargs="?", default="TRACE_EVENT", help=words["slides_macro"])
    parser.add_argument("header", metavar="HEADER", nargs="?", default="sample.h", help=words["header"])
    _tree_options(parser, words)
    parser.add_argument("-o", "--output", metavar=output, help=words[f"{verb}_output"])
    parser.set_defaults(reader=None)
    return parser


def build_slides_parser() -> argparse.ArgumentParser:
    return _class_parser("slides", "DECK.html")


def build_handout_parser() -> argparse.ArgumentParser:
    parser = _class_parser("handout", "FILE")
    parser.add_argument("--format", choices=("pdf", "html"), default="pdf",
                        help=prose.load()["cli"]["handout_format"])
    return parser


def build_exercise_parser() -> argparse.ArgumentParser:
    words = prose.load()["cli"]
    parser = Parser("explain exercise", paragraph(words["exercise_description"]), words["exercise_epilog"])
    parser.add_argument("action", choices=("list", "start", "check", "hint", "solution"), help=words["exercise_action"])
    parser.add_argument("items", metavar="N", nargs="*", help=words["exercise_items"])
    parser.add_argument("--header", metavar="HEADER", default="sample.h", help=words["exercise_header"])
    parser.add_argument("--lang", choices=prose.LANGUAGES, help=words["lang"].format(languages=prose.languages()))
    parser.add_argument("-o", "--output", metavar="FILE", help=words["output"])
    parser.set_defaults(time_limit=TIME_LIMIT_SECONDS, memory_limit=MEMORY_LIMIT_MB)
    return parser


# The verbs: explain VERB ... (anything else is explain MACRO [HEADER]).
VERBS = {"site": build_site_parser, "check": build_check_parser, "follow": build_follow_parser,
         "format": build_format_parser, "decode": build_decode_parser, "diff": build_diff_parser,
         "slides": build_slides_parser, "handout": build_handout_parser, "exercise": build_exercise_parser}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        lang, rest = split_language(argv)
    except BadLanguage as exc:
        print(f"explain: {exc}", file=sys.stderr)
        return EXIT_INPUT
    prose.use(lang)
    verb = rest[0] if rest and rest[0] in VERBS else None
    args = VERBS[verb]().parse_args(rest[1:]) if verb is not None else build_parser().parse_args(argv)
    status = EXIT_OK
    problem: ExplainError | None = None
    text: str | bytes
    try:
        with limits(args.time_limit, args.memory_limit):
            if verb == "site":
                sys.stdout.write(run_site(args, Path.cwd()))
                return EXIT_OK
            with gcpause.held():
                if verb == "check":
                    from explainer import check

                    text, status = check.run(args, Path.cwd())
                elif verb == "follow":
                    from explainer import follow

                    text, problem = follow.run(args, Path.cwd(), terminal_width(args.output is None))
                elif verb == "format":
                    from explainer import tracefs

                    text = tracefs.run_format(args, Path.cwd(), terminal_width(args.output is None))
                elif verb == "decode":
                    from explainer import tracefs

                    text = tracefs.run_decode(args, Path.cwd(), terminal_width(args.output is None))
                elif verb == "diff":
                    from explainer import diff

                    text = diff.run(args, Path.cwd(), terminal_width(args.output is None))
                elif verb == "slides":
                    from explainer import slides

                    text = slides.run(args, Path.cwd())
                elif verb == "handout":
                    from explainer import handout

                    text = handout.run(args, Path.cwd())
                elif verb == "exercise":
                    from explainer import exercise

                    text, status = exercise.run(args, Path.cwd(), terminal_width(args.output is None))
                else:
                    text, problem = run(args, Path.cwd())
        if args.output:
            write_output(Path(args.output), text)
        elif isinstance(text, bytes):  # a PDF, piped on
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        if problem is not None:
            raise problem  # the output says it at its place; standard error in one line
    except PreprocessError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_INPUT
    except ExplainError as exc:
        print(f"explain: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except MemoryError:
        print("explain: " + prose.load()["cli"]["memory_limit"].format(mb=args.memory_limit),
              file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        print("explain: " + prose.load()["cli"]["internal"].format(error=error), file=sys.stderr)
        if os.environ.get("EXPLAINER_DEBUG"):
            raise
        return EXIT_BUG
    return status


def entry() -> NoReturn:
    """The ``explain`` command: main() without Python's cycle collector,
    then out without tearing the interpreter down.  A run leaves a million
    objects alive: the collector, once on again, would walk them all at the
    next allocation, and Python's exit would free every one of them, only
    to end the process (a tenth of a second each for a kernel header).
    Site workers still collect what each header leaves (gcpause.settle)."""
    gc.disable()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, a closed stream
            stream.flush()
    os._exit(code)
