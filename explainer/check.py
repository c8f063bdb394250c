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

from explainer import prose
from explainer.errors import ExplainError, PreprocessError
from explainer.model import Finding
from explainer.render import findings, undecodable

SCHEMA = 1


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
        raise ExplainError(_words("focused", header=tu.shown(tu.header)))
    recorder = Recorder(tu, assemble.trace_filter("all"))
    try:
        recording = recorder.run()
    except PreprocessError as exc:
        finding = doctor.preprocess_finding(exc, recorder.failed_at, tu)
        return _render(args.format, tu.shown(tu.header), [finding], None), 2
    walkthrough = assemble.build(recording, "all")  # the doctor's own checks first
    output, warnings = preprocess(tu)
    found = [*doctor.preprocess_findings(recording, warnings),
             *doctor.compile_findings(recording, walkthrough, compile_passes(tu, output))]
    return _render(args.format, tu.shown(tu.header), found, len(recording.passes)), 2 if found else 0


def _render(fmt: str, header: str, found: list[Finding], passes: int | None) -> str:
    if fmt == "json":
        text = json.dumps({"schema": SCHEMA, "header": header, "passes": passes,
                           "findings": [findings.data(f) for f in found]},
                          ensure_ascii=False, separators=(",", ":"))
        return undecodable.json_escaped(text) + "\n"
    lines: list[str] = []
    for f in found:
        lines.extend(findings.lines(f))
        lines.append("")
    errors = sum(f.kind == "error" for f in found)
    warnings = len(found) - errors
    if not found:
        lines.append(_words("clean", header=header, passes=passes))
    elif passes is None:
        lines.append(_words("stopped", header=header))
    else:
        lines.append(_words("summary", header=header, errors=errors, warnings=warnings, passes=passes))
    return undecodable.visible("\n".join(lines) + "\n")
