"""``explain exercise``: exercises made from a header's passes and checked
against them (gcc-exact), in the style of Rustlings: list, start (write
the exercise's file here), check (correct, or a diff and a hint), hint,
solution; progress is kept in this directory (PROGRESS).

Kinds: the record struct stage 1 makes for an event; which passes use
TP_printk; what one __field line becomes in stage 4; and "fix this
header": the bundled examples/foo/foo.h with one mistake the doctor
knows, checked as explain check checks a header (gcc on every pass).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from explainer import prose, textwidth
from explainer.errors import ExplainError
from explainer.output import write_atomically
from explainer.resources import bundled_headers

PROGRESS = ".explainer-exercises.json"
# "Fix this header": foo.h with one of these changes, each a mistake the
# doctor names: (id, as foo.h has it, as the exercise breaks it).
MISTAKES = (
    ("assign_str", "TP_fast_assign", "__assign_str(msg);", "__assign_str(msg, msg);"),
    ("struct_semicolon", "TP_STRUCT__entry", "__field(\tint,\tcount\t)", "__field(\tint,\tcount\t);"),
    # Not the last statement's: the probe adds one after TP_fast_assign's.
    ("assign_semicolon", "TP_fast_assign", "__assign_str(msg);", "__assign_str(msg)"),
)
DIFF_LINES = 12  # of a wrong answer's diff, shown


@dataclass(frozen=True)
class Exercise:
    number: int
    kind: str  # struct, passes, line, fix
    question: str
    file: str  # what start writes, relative to the directory
    answer: str  # the solution, as it would be written
    hint: str
    broken: str = ""  # fix: the header as start writes it


def _w(key: str, **values: object) -> str:
    return str(prose.load()["exercise"][key]).format(**values)


_COMMENT = re.compile(r'"(?:\\.|[^"\\\n])*"|/\*.*?\*/|//[^\n]*', re.S)


def tokens(text: str) -> list[str]:
    """*text*'s C tokens, comments and white space left out."""
    from explainer.cpp.macros import lex

    found = lex(_uncommented(text), 1, "<answer>")
    bad = next((t for t in found if t.type == "CPP_UNTERMINATED"), None)
    if bad is not None:
        raise ExplainError(_w("not_c", line=bad.lineno))
    return [t.value for t in found]


def _uncommented(text: str) -> str:
    return _COMMENT.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", text)


def made(header: str, cwd: Path) -> list[Exercise]:
    """The exercises of *header*, numbered: on its first TRACE_EVENT, the
    struct of stage 1, the passes of TP_printk, its first __field line
    in stage 4; then "fix this header", once per mistake."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble
    from explainer.walkthrough.follow import follow
    from explainer.walkthrough.meanings import Meanings
    from explainer.walkthrough.notes import page_notes

    tu = setup(header, [], [], cwd, None, None)
    recording = Recorder(tu, assemble.trace_filter("all")).run()
    w = assemble.build(recording, "all", assemble.lay_out(recording))
    shown = w.display(w.header)
    event = next((inv for inv in w.passes[0].invocations if inv.name and inv.macro == "TRACE_EVENT"), None)
    if event is None:
        raise ExplainError(_w("no_event", header=shown))
    found: list[tuple[str, str, str, str, str, str]] = []  # kind, question, file, answer, hint, broken
    stage1 = next((p for p in w.passes if p.stage == "stage1_struct_define"), None)
    if stage1 is not None:
        code = next(i.code for i in stage1.invocations if i.line == event.line)
        found.append(("struct", _w("struct", event=event.name, header=shown), "struct.c", code.strip(),
                      _w("struct_hint", event=event.name, index=stage1.index), ""))
    at_work = {n.macro: n.passes for n in page_notes(w, Meanings(w))}
    if at_work.get("TP_printk"):
        found.append(("passes", _w("passes", event=event.name), "passes.txt",
                      " ".join(map(str, at_work["TP_printk"])), _w("passes_hint"), ""))
    field = next((n for n in range(event.line, len(w.header_lines) + 1) if "__field(" in w.header_lines[n - 1]), None)
    stage4 = next((p for p in w.passes if p.stage == "stage4_event_fields"), None)
    if field is not None and stage4 is not None:
        followed = follow(assemble.build(Recorder(tu, assemble.trace_filter("all"), line=field).run(), "all"), field)
        became = next(b for b in followed.passes if b.index == stage4.index)
        found.append(("line", _w("line", text=" ".join(w.header_lines[field - 1].split()), line=field,
                                 header=shown, index=stage4.index), "line.c", became.code.strip(),
                      _w("line_hint", index=stage4.index), ""))
    foo = (bundled_headers() / "examples" / "foo" / "foo.h").read_text("utf-8")
    for mistake, part, good, bad in MISTAKES:
        found.append(("fix", _w("fix", part=part), "foo.h", foo, _w(f"fix_hint_{mistake}"), foo.replace(good, bad, 1)))
    return [Exercise(n, kind, question, f"exercise-{n}/{file}" if kind == "fix" else f"exercise-{n}-{file}",
                     answer, hint, broken)
            for n, (kind, question, file, answer, hint, broken) in enumerate(found, start=1)]


def _one(exercises: list[Exercise], number: int) -> Exercise:
    if not 1 <= number <= len(exercises):
        raise ExplainError(_w("no_such", number=number, count=len(exercises)))
    return exercises[number - 1]


def progress(cwd: Path) -> set[int]:
    """The exercises done in *cwd*."""
    try:
        data = json.loads((cwd / PROGRESS).read_text("utf-8"))
    except (OSError, ValueError):
        return set()
    return {n for n in data.get("done", []) if isinstance(n, int)}


def _done(cwd: Path, number: int) -> None:
    """Add *number* to the progress, written whole or not at all."""
    done = sorted(progress(cwd) | {number})
    write_atomically(cwd / PROGRESS, json.dumps({"done": done}) + "\n")


def run(args: argparse.Namespace, cwd: Path, width: int = 80) -> tuple[str, int]:
    """The output and the exit status (check: 1 for a wrong answer)."""
    header = args.items[0] if args.action == "list" and args.items else args.header
    exercises = made(header, cwd)
    if args.action == "list":
        done = progress(cwd)
        lines = [_w("list_heading", header=header, done=len(done & {e.number for e in exercises}),
                    count=len(exercises))]
        for e in exercises:
            mark = f"{e.number:3}. [{_w('done') if e.number in done else _w('to_do')}] "
            lines.extend(textwidth.wrap(e.question, width, mark, " " * textwidth.width(mark)))
        return "\n".join(lines) + "\n", 0
    if not args.items or not args.items[0].isdigit():
        raise ExplainError(_w("needs_number", action=args.action))
    e = _one(exercises, int(args.items[0]))
    if args.action == "hint":
        return e.hint + "\n", 0
    if args.action == "solution":
        return e.answer + "\n", 0
    if args.action == "start":
        return _start(e, cwd), 0
    return _check(e, cwd / args.items[1] if len(args.items) > 1 else cwd / e.file, cwd)


def _start(e: Exercise, cwd: Path) -> str:
    path = cwd / e.file
    if path.exists():
        return _w("started_already", file=e.file) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    question = "\n".join(textwidth.wrap(e.question, 76, " * ", " * "))
    comment = f"/*\n * {_w('exercise_title', number=e.number)}\n *\n{question}\n *\n * {_w('check_with', number=e.number)}\n */\n"
    write_atomically(path, comment + (e.broken if e.kind == "fix" else "\n"))
    return _w("started", file=e.file, number=e.number) + "\n"


def _check(e: Exercise, path: Path, cwd: Path) -> tuple[str, int]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ExplainError(_w("no_answer", file=path, number=e.number)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExplainError(_w("unreadable", file=path, reason=getattr(exc, "strerror", None) or exc)) from None
    if "\0" in text:
        raise ExplainError(_w("not_text", file=path))
    if e.kind == "fix":
        return _check_fix(e, path, cwd)
    if e.kind == "passes":
        given = [int(n) for n in re.findall(r"\d+", _uncommented(text))]
        if not given:
            raise ExplainError(_w("empty", file=path))
        expected = [int(n) for n in e.answer.split()]
        if sorted(set(given)) == expected:
            _done(cwd, e.number)
            return _w("correct", number=e.number) + "\n", 0
        return _w("wrong_passes", given=" ".join(map(str, sorted(set(given)))), hint=e.hint) + "\n", 1
    try:
        given_tokens = tokens(text)
    except ExplainError as exc:
        raise ExplainError(f"{path}: {exc}") from None
    if not given_tokens:
        raise ExplainError(_w("empty", file=path))
    expected_tokens = tokens(e.answer)
    if given_tokens == expected_tokens:
        _done(cwd, e.number)
        return _w("correct", number=e.number) + "\n", 0
    diff = list(difflib.unified_diff(expected_tokens, given_tokens, _w("diff_expected"), _w("diff_given"),
                                     lineterm="", n=2))
    shown = diff[:DIFF_LINES] + ([_w("diff_more", count=len(diff) - DIFF_LINES)] if len(diff) > DIFF_LINES else [])
    return "\n".join([_w("wrong", number=e.number), *shown, "", _w("hint_line", hint=e.hint)]) + "\n", 1


def _check_fix(e: Exercise, path: Path, cwd: Path) -> tuple[str, int]:
    """The header, checked as explain check does: correct when every
    pass compiles with no error or warning."""
    from explainer import check

    args = argparse.Namespace(header=path.name, include_dirs=[], macro_args=[], kernel=None, mode=None,
                              format="text")
    report, status = check.run(args, path.parent.resolve())
    if status == 0:
        _done(cwd, e.number)
        return _w("correct", number=e.number) + "\n", 0
    return "\n".join([_w("wrong_fix", number=e.number), report.rstrip(), "", _w("hint_line", hint=e.hint)]) + "\n", 1
