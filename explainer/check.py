"""``explain check``: compile the header's passes as the kernel would and
say where each error or warning comes from in the header.

gcc compiles gcc -E's output of the translation unit with the header's
passes a token a line (walkthrough/compiled.py), so that each message
names its pass and token; the doctor maps the token back to the
header's line, the invocation, the argument and the macros that made it,
and gives the fix for the mistakes it knows (walkthrough/doctor.py).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from explainer import prose
from explainer.errors import ExplainError, PreprocessError
from explainer.model import Finding
from explainer.render import undecodable

SCHEMA = 1
TAB = 8


def _words(key: str, **values: object) -> str:
    return str(prose.load()["check"][key]).format(**values)


def run(args: argparse.Namespace, cwd: Path) -> tuple[str, int]:
    """The report, and the exit status: 2 if anything was found."""
    from explainer.cpp.recorder import Recorder
    from explainer.kernel.translation_unit import setup
    from explainer.walkthrough import assemble, doctor
    from explainer.walkthrough.compiled import compile_passes, preprocess

    tu = setup(args.header, args.include_dirs, args.macro_args or [], cwd, args.kernel, args.mode)
    if tu.keep is not None:
        raise ExplainError(_words("focused", header=tu.header))
    recorder = Recorder(tu, assemble.trace_filter("all"))
    try:
        recording = recorder.run()
    except PreprocessError as exc:
        finding = doctor.preprocess_finding(exc, recorder.failed_at, tu.header, tu.header_abspath)
        return _render(args.format, tu.header, [finding], None), 2
    walkthrough = assemble.build(recording, "all")  # the doctor's own checks first
    output, warnings = preprocess(tu)
    findings = [*doctor.preprocess_findings(recording, warnings),
                *doctor.compile_findings(recording, walkthrough, compile_passes(tu, output))]
    return _render(args.format, tu.header, findings, len(recording.passes)), 2 if findings else 0


def _render(fmt: str, header: str, findings: list[Finding], passes: int | None) -> str:
    if fmt == "json":
        text = json.dumps({"schema": SCHEMA, "header": header, "passes": passes,
                           "findings": [_data(f) for f in findings]},
                          ensure_ascii=False, separators=(",", ":"))
        return undecodable.json_escaped(text) + "\n"
    lines: list[str] = []
    for f in findings:
        lines.extend(_text(f))
        lines.append("")
    errors = sum(f.kind == "error" for f in findings)
    warnings = len(findings) - errors
    if not findings:
        lines.append(_words("clean", header=header, passes=passes))
    elif passes is None:
        lines.append(_words("stopped", header=header))
    else:
        lines.append(_words("summary", header=header, errors=errors, warnings=warnings, passes=passes))
    return undecodable.visible("\n".join(lines) + "\n")


def _text(f: Finding) -> list[str]:
    where = f"{f.file}:{f.line}:{f.column}" if f.column else f"{f.file}:{f.line}"
    lines = [f"{where}: {f.kind}: {f.message}"]
    if f.source is not None:
        shown = f.source.expandtabs(TAB)
        lines.append(f"{f.line:6} | {shown}")
        if f.column:
            caret = len(f.source[: f.column - 1].expandtabs(TAB))
            lines.append(f"{'':6} | {' ' * caret}^")
    if f.pass_index is not None:
        title = prose.stage(f.stage or "pass")["title"]
        place = _words("in_pass", index=f.pass_index, title=title)
        if f.also:
            place += " " + _words("also", indexes=", ".join(str(i) for i, _ in f.also))
        if f.invocation is not None:
            place += ", " + _words("in_invocation", invocation=f.invocation, line=f.invocation_line)
        if f.argument is not None:
            name = f.wrapper or f.parameter or ""
            place += ", " + _words("in_argument", number=f.argument + 1, name=name)
        lines.append("  " + place)
    if f.chain:
        lines.append("  " + _words("made_by", chain=" -> ".join(f"{m} ({w})" for m, w in f.chain)))
    if f.fix is not None:
        lines.append("  " + _words("fix", fix=f.fix))
    return lines


def _data(f: Finding) -> dict[str, Any]:
    return {
        "kind": f.kind, "message": f.message, "file": f.file, "line": f.line, "column": f.column,
        "source": f.source, "pass": f.pass_index, "stage": f.stage, "invocation": f.invocation,
        "invocation_line": f.invocation_line, "argument": f.argument, "parameter": f.parameter,
        "wrapper": f.wrapper, "chain": [list(c) for c in f.chain], "fix": f.fix,
        "also": [{"pass": i, "stage": s} for i, s in f.also],
    }
