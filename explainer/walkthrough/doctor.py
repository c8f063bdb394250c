"""The doctor: a recording that would explain the wrong thing quietly is
refused with what went wrong, where, and the fix.

Each check reads what the recorder noted (cpp/recording.py): the
includes the tracing machinery computed, the trace macros conditionals
skipped in the header, whether CREATE_TRACE_POINTS was defined.  The
words are prose (data/prose.*.toml, [doctor]).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from explainer import prose
from explainer.cpp import expand
from explainer.cpp.macros import PAD
from explainer.cpp.recording import PassRecord, RawInvocation, Recording
from explainer.errors import Diagnosis, ExplainError, PreprocessError
from explainer.kernel import knowledge
from explainer.kernel.translation_unit import TranslationUnit, shown_path
from explainer.model import Finding, HiddenMacro, ReInclude, Walkthrough
from explainer.resources import bundled_headers
from explainer.walkthrough import arguments
from explainer.walkthrough.arguments import params, wrapper
from explainer.walkthrough.compiled import CompilerMessage

if TYPE_CHECKING:
    from explainer.cpp.recorder import Recorder

_CONFIG = re.compile(r"\bCONFIG_\w+")
_GUARD = re.compile(r"^(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(?\s*(\w+)\s*\)?)\s*$")
_NEGATED = re.compile(r"ifndef\b|if\s*!")
_FIRST_READ = "define_trace.h"


def _words(key: str, lang: str | None, **values: object) -> str:
    return prose.say("doctor", key, lang, **values)


# What stopped a translation unit: the finding, and how many of its
# passes worked before it (those a walkthrough still shows).
Stop = tuple[Finding, int]


def recorded(recorder: Recorder, lang: str | None = None) -> tuple[Recording, Stop | None, ExplainError | None]:
    """Run *recorder*: the recording (when the preprocessor stopped, the
    passes that worked), what stopped or would mislead it (for assemble.
    build's *stopped*), and the one line standard error says of it.  Out
    of time (--time-limit), the error is raised: nothing more is done."""
    tu = recorder.tu
    try:
        recording = recorder.run()
    except PreprocessError as exc:
        shown = exc.shown(tu.shown)
        if expand.time_left() == 0:
            raise shown from None
        recording = recorder.partial()
        finding = preprocess_finding(exc, recorder.failed_at, tu, lang)
        # Standard error names the line the diagnosis points at: the call
        # itself, where gcc names the line its expansion began on.
        line = PreprocessError(shown.file, finding.line or shown.line, shown.cause, shown.chain)
        return recording, (finding, len(recording.passes)), line
    stop = diagnose(recording, lang)
    # The output has the detail: standard error says the headline.
    return recording, stop, ExplainError(stop[0].message) if stop is not None else None


def check(recording: Recording, lang: str | None = None) -> None:
    """Raise a Diagnosis if *recording* does not explain its header as the
    kernel builds it; return if it does (or if nothing known is wrong)."""
    stop = diagnose(recording, lang)
    if stop is not None:
        raise diagnosis(stop[0])


def diagnosis(f: Finding) -> Diagnosis:
    """A finding of diagnose() as the error it raises."""
    return Diagnosis(f.message, f.detail)


def diagnose(recording: Recording, lang: str | None = None) -> Stop | None:
    """What makes *recording* explain its header wrongly, if anything,
    with the passes that still explain it (the doctor's kind of Finding,
    "diagnosis": its message names the place)."""
    tu = recording.tu
    header = tu.shown(tu.header)
    passes = recording.passes
    other = _another_file(recording)
    if other is not None:
        return _read_another_file(tu, other, lang), len(passes)
    traced = any(_makes_events(raw) for p in passes for raw in p.invocations)
    if len(passes) >= 2:
        empty = [p for p in passes[1:] if not p.invocations]
        hidden = [h for h in recording.hidden if h.pass_index == empty[0].index] if empty else []
        # An empty read followed by full ones is no guard mistake: the .c
        # file included the header before (7.x's arch/x86/mm/init.c reads
        # tlb.h through asm/mmu_context.h), its CREATE_TRACE_POINTS read
        # finds the guard closed, and define_trace.h, outside the guard,
        # still reads it again with TRACE_HEADER_MULTI_READ.
        later = bool(empty) and any(p.invocations for p in passes if p.index > empty[0].index)
        if traced and hidden and not later and any(_makes_events(raw) for raw in passes[0].invocations):
            return _guard(header, tu, hidden[0], empty[0], lang), empty[0].index - 1
    if not traced:
        hidden = [h for h in recording.hidden if h.pass_index == 1]
        first = passes[0] if passes else None
        if hidden:
            return _configured_out(header, tu, hidden[0], first, lang), 0
        if reads_itself(recording):
            return None
        return _helper(header, tu.header_abspath, first, lang), 0
    if len(passes) == 1 and recording.create_trace_points and not any(
            os.path.basename(r.site.file) == _FIRST_READ for r in recording.re_includes):
        return _diagnosis(_words("no_define_trace", lang, header=header), header, 0, None,
                          (_words("no_define_trace_fix", lang),)), 1
    return None


def _diagnosis(message: str, file: str, line: int, tu: TranslationUnit | None, detail: tuple[str, ...],
               at: PassRecord | None = None) -> Finding:
    lines = tu.lines() if tu is not None and line else ()
    source = lines[line - 1] if 0 < line <= len(lines) else None
    return Finding("diagnosis", message, file, line, 0, source, at.index if at else None,
                   at.stage if at else None, detail=detail)


def reads_itself(recording: Recording) -> bool:
    """A header read more than once by its own includes, not by the
    tracing machinery, with no trace macro in it (an X-macro list, the
    bundled examples/toy/colors.h): explained as it is, each read a pass."""
    return (len(recording.passes) >= 2 and not recording.re_includes
            and not any(knowledge.roles(raw.macro) is not None for p in recording.passes for raw in p.invocations))


def _makes_events(raw: RawInvocation) -> bool:
    """Whether an invocation is an event's or a class's (an alias's too)."""
    return knowledge.kind(raw.macro) is not None or any(knowledge.kind(u) is not None for u in raw.used)


def _same(a: str | Path, b: str | Path) -> bool:
    return _real(str(a)) == _real(str(b))


@lru_cache(maxsize=4096)
def _real(path: str) -> str:
    """*path* with its links resolved, once per run: a site asks for each
    page of a header (assemble.build), a stat per folder of the path."""
    return os.path.normcase(os.path.realpath(path))


def _another_file(recording: Recording) -> ReInclude | None:
    """The first of define_trace.h's re-includes that found a file other
    than the header (None if none did: not found is an error of its own)."""
    tu = recording.tu
    for r in recording.re_includes:
        if r.found_abspath is not None and not _same(r.found_abspath, tu.header_abspath):
            # The kernel's own .c creates other headers first (net-traces.c: skb.h ... tcp.h).
            if tu.creator is not None and r.found is not None and _created_first(r.found, tu.text):
                continue
            return r
    return None


def _created_first(found: str, text: str) -> bool:
    """Whether the translation unit's *text* includes *found* (a header as
    shown) itself: a header its .c file creates before the one explained."""
    return any(found.endswith("/" + line.split("<", 1)[1].rstrip(">").strip())
               for line in text.splitlines() if line.startswith("#include <"))


def shown(display: str, abspath: str | None, line: int = 0, lang: str | None = None, roots: tuple[str, ...] = ()) -> str:
    """A path (and line) as a user can place it: a file of the bundled
    model kernel (inside the installed package, or climbing out of the
    user's folder) by its place in that kernel, and says so; a file of a
    kernel tree from the tree's folder (*roots*: TranslationUnit.roots)."""
    display = shown_path(display, roots)
    at = f"{display}:{line}" if line else display
    if abspath is not None:
        bundled = bundled_headers().resolve()
        real = Path(os.path.realpath(abspath))
        if real.is_relative_to(bundled):
            path = real.relative_to(bundled).as_posix()
            return _words("bundled", lang, path=f"{path}:{line}" if line else path)
    return at


def _place(where: str, tu: TranslationUnit, lang: str | None) -> str:
    """A macro's "file:line" as shown() shows it."""
    file, _, line = where.rpartition(":")
    return shown(file, str(tu.cwd / file), int(line) if line.isdigit() else 0, lang, tu.roots)


def _read_another_file(tu: TranslationUnit, r: ReInclude, lang: str | None) -> Finding:
    if r.include_path is None and r.include_file is None:
        why = _words("from_system", lang, system=r.system or "?")
    else:
        why = _words("from_path_and_file", lang, path=r.include_path or "-", file=r.include_file or r.system or "?")
    header, stem = tu.shown(tu.header), tu.header_abspath.stem
    site = shown(r.site.file, r.site_abspath, r.site.line, lang, tu.roots)
    return _diagnosis(
        _words("another_file", lang, header=header,
               found=shown(r.found or r.spelled, r.found_abspath, 0, lang, tu.roots)),
        header, 0, None,
        (
            _words("another_file_why", lang, site=site, spelled=r.spelled, why=why),
            _words("another_file_fix", lang, stem=stem),
            _words("another_file_rename", lang, system=r.system or stem),
        ),
    )


def _guard(header: str, tu: TranslationUnit, h: HiddenMacro, empty: PassRecord, lang: str | None) -> Finding:
    m = _GUARD.match(h.opening)
    name = (m.group(1) or m.group(2)) if m else "_TRACE_..._H"
    return _diagnosis(
        _words("guard", lang, header=header, line=h.opening_line, guard=h.opening, index=empty.index),
        header, h.opening_line, tu, (_words("guard_fix", lang, name=name),), empty,
    )


def _configured_out(header: str, tu: TranslationUnit, h: HiddenMacro, first: PassRecord | None, lang: str | None) -> Finding:
    names = list(dict.fromkeys(_CONFIG.findall(h.group if h.group != h.opening else h.opening)))
    if not names:
        names = list(dict.fromkeys(_CONFIG.findall(h.opening)))
    negated = bool(_NEGATED.match(h.opening)) != h.group.startswith("else")
    flag = "-U" if negated else "-D"
    detail = [_words("configured_out_gcc", lang)]
    if names:
        detail.append(_words("configured_out_fix", lang, flags=" ".join(f"{flag} {n}" for n in names)))
    where = h.opening if h.group == h.opening else f"{h.group} (of #{h.opening}, line {h.opening_line})"
    return _diagnosis(
        _words("configured_out", lang, header=header, line=h.line, macro=h.macro, conditional=where,
               conditional_line=h.group_line),
        header, h.line, tu, tuple(detail), first,
    )


def includers(path: Path) -> list[str]:
    """The other headers of *path*'s folder that include it."""
    spelled = re.compile(rf'#\s*include\s*[<"](?:trace/events/)?{re.escape(path.name)}[>"]')
    found = []
    try:
        siblings = sorted(path.parent.glob("*.h"))
    except OSError:
        return []
    for sibling in siblings:
        if sibling.name == path.name:
            continue
        try:
            if spelled.search(sibling.read_text("utf-8", "replace")):
                found.append(sibling.name)
        except OSError:
            continue
    return found


def _helper(header: str, path: Path, first: PassRecord | None, lang: str | None) -> Finding:
    users = includers(path)
    if users:
        return _diagnosis(_words("helper", lang, header=header), header, 0, None, (
            _words("helper_users", lang, users=", ".join(users)),), first)
    return _diagnosis(_words("no_events", lang, header=header), header, 0, None,
                      (_words("no_events_fix", lang),), first)


# -- explain check: gcc's messages about the passes, mapped to the header ---------


def compile_findings(recording: Recording, w: Walkthrough, messages: list[CompilerMessage],
                     lang: str | None = None) -> list[Finding]:
    """Each error and warning gcc gave when it compiled the passes, as a
    Finding at the header's line (notes are gcc's detail, left out: the
    finding says the same from the recording)."""
    source = recording.tu.lines()
    found: list[Finding] = []
    for m in messages:
        if m.kind not in ("error", "warning"):
            continue
        if m.pass_index is None or m.token is None or m.pass_index > len(recording.passes):
            if m.kind == "error":  # in a kernel header: rare, and worth seeing
                found.append(Finding(m.kind, m.message, recording.tu.shown(m.file), m.line, max(m.column, 0), None))
            continue
        found.append(_locate(recording, w, m, source, lang))
    return merged(found)


def merged(findings: list[Finding]) -> list[Finding]:
    """One finding per message and place: the same mistake read in several
    passes (TP_fast_assign in stage 6 and in perf) says which."""
    out: list[Finding] = []
    at: dict[tuple[str, str, str, int, int], int] = {}
    for f in findings:
        # A known mistake is one finding, whatever gcc says of it in each pass.
        key = (f.kind, f.fix if f.fix is not None else f.message, f.file, f.line, f.column)
        k = at.get(key)
        if k is None:
            at[key] = len(out)
            out.append(f)
        elif f.pass_index is not None:
            first = out[k]
            if f.pass_index != first.pass_index and all(i != f.pass_index for i, _ in first.also):
                out[k] = replace(first, also=(*first.also, (f.pass_index, f.stage or "")))
    return out


def preprocess_findings(recording: Recording, messages: list[CompilerMessage],
                        lang: str | None = None) -> list[Finding]:
    """gcc -E's warnings about the header's own lines (a macro redefined)."""
    tu = recording.tu
    source = tu.lines()
    found: list[Finding] = []
    for m in messages:
        if m.kind != "warning" or not m.file or not _same(tu.cwd / m.file, tu.header_abspath):
            continue
        text = source[m.line - 1] if 0 < m.line <= len(source) else None
        redefined = _REDEFINED.search(m.message)
        fix = None
        if redefined is not None and redefined.group(1) in ("TRACE_INCLUDE_PATH", "TRACE_INCLUDE_FILE"):
            fix = _words("fix_include_path_redefined", lang, name=redefined.group(1))
        found.append(Finding(m.kind, m.message, tu.shown(tu.header), m.line, max(m.column, 0), text, fix=fix))
    return merged(found)


def _locate(recording: Recording, w: Walkthrough, m: CompilerMessage, source: Sequence[str], lang: str | None) -> Finding:
    index = m.pass_index or 1
    record = recording.passes[index - 1]
    token = m.token or 0
    real = [e for e in record.emitted if e.tok.type != PAD]
    emitted = real[min(token, len(real) - 1)] if real else None
    header = recording.tu.shown(recording.tu.header)
    at = next((k for k, raw in enumerate(record.invocations) if raw.real_start <= token < raw.real_end), None)
    if at is None or emitted is None:
        line = emitted.tok.lineno if emitted is not None and emitted.tok.src is not None else (
            emitted.line if emitted is not None else 0)
        text = source[line - 1] if 0 < line <= len(source) else None
        return Finding(m.kind, m.message, header, line, 0, text, index, record.stage)
    raw = record.invocations[at]
    p = w.passes[index - 1]
    inv = p.invocations[at]
    pr = inv.provenance[token - raw.real_start] if inv.provenance else None
    value = emitted.tok.value
    if pr is not None and pr.line is not None:
        line, needle = pr.line, value
    elif emitted.tok.src is not None:
        line, needle = emitted.tok.src.lineno, value
    else:
        line, needle = raw.line, raw.macro
    text = source[line - 1] if 0 < line <= len(source) else None
    column = text.find(needle) + 1 if text is not None and needle in text else 0
    argument = pr.arg if pr is not None else None
    names = params(p, inv.macro, len(inv.args))
    parameter = names[argument] if argument is not None else None
    wrapped = wrapper(inv.args[argument]) if argument is not None else None
    title = f"{inv.macro}({inv.name})" if inv.name else inv.macro
    chain = tuple((macro, _place(where, recording.tu, lang)) for macro, where in pr.chain) if pr is not None else ()
    finding = Finding(
        m.kind, m.message, header, line, column, text, index, record.stage, title, raw.line,
        argument, parameter or None, wrapped, chain,
    )
    return replace(finding, fix=_known_fix(finding, value, m.option, inv.args, lang))


# The known mistakes: what gcc says, where its token was written, and
# the fix (prose [doctor] fix_*).  Public reports show each of them.
_QUOTE, _UNQUOTE = "[\u2018']", "[\u2019']"  # gcc quotes with ' in the C locale
_NO_MEMBER = re.compile(rf"has no member named {_QUOTE}(\w+){_UNQUOTE}")
_UNDECLARED = re.compile(rf"{_QUOTE}(\w+){_UNQUOTE} undeclared")
_EXPECTED_SEMICOLON = re.compile(rf"expected {_QUOTE}?;{_UNQUOTE}? before")
_REDEFINED = re.compile(r'"(\w+)" redefined')
_NAMED_MACRO = re.compile(r'^macro "(\w+)"')
MAX_LINES_DOWN = 200  # how far below an invocation's first line its call is looked for


def _known_fix(f: Finding, token: str, option: str | None, args: tuple[str, ...], lang: str | None) -> str | None:
    part = f.wrapper or f.parameter or ""
    if token == ";" and part == "TP_STRUCT__entry":
        return _words("fix_stray_semicolon", lang)
    if _EXPECTED_SEMICOLON.search(f.message) and part == "TP_fast_assign":
        return _words("fix_missing_semicolon", lang)
    member = _NO_MEMBER.search(f.message)
    if member is not None and part in ("TP_printk", "TP_fast_assign"):
        field = member.group(1)
        struct = next((a for a in args if wrapper(a) == "TP_STRUCT__entry"), "")
        kind = _variable_field(struct, field)
        if kind is not None:
            return _words("fix_variable_field", lang, field=field, kind=kind,
                          getter="__get_str" if "string" in kind else "__get_dynamic_array")
        return _words("fix_no_field", lang, field=field, where=part)
    undeclared = _UNDECLARED.search(f.message)
    if undeclared is not None and part == "TP_ARGS":
        return _words("fix_args_not_in_proto", lang, name=undeclared.group(1))
    if undeclared is not None and f.invocation and f.invocation.startswith("DEFINE_EVENT") and f.argument == 0:
        return _words("fix_undeclared_class", lang, name=args[0].strip())
    if "check_trace_callback_type" in f.message or (
            f.invocation and f.invocation.startswith("DEFINE_EVENT") and "incompatible" in f.message):
        return _words("fix_proto_differs", lang)
    if option is not None and option.startswith("-Wformat") and part == "TP_printk":
        return _words("fix_format", lang)
    return None


def _variable_field(struct: str, field: str) -> str | None:
    """The macro that declares *field* in TP_STRUCT__entry's text when it
    is a string or a dynamic array (its record holds a location, not the
    data), or None."""
    found = re.search(rf"\b(__(?:rel_)?string(?:_len)?)\(\s*{re.escape(field)}\s*,", struct)
    if found is None:
        found = re.search(rf"\b(__(?:rel_)?dynamic_array)\([^,()]*,\s*{re.escape(field)}\s*,", struct)
    return found.group(1) if found else None


def preprocess_finding(exc: PreprocessError, where: tuple[int, str, str | None, int] | None,
                       tu: TranslationUnit, lang: str | None = None) -> Finding:
    """An error of the preprocessor (explain's own) as a Finding: in the
    pass and invocation *where* (index, stage, macro, line) it stopped."""
    source = tu.lines() if os.path.basename(exc.file) == os.path.basename(tu.header) else []
    line = exc.line
    named = _NAMED_MACRO.search(exc.cause)
    if named is not None and source:
        # gcc names the line the expansion began on; the call is further down.
        called = re.compile(rf"\b{re.escape(named.group(1))}\s*\(")
        line = next((n for n in range(exc.line, min(exc.line + MAX_LINES_DOWN, len(source)) + 1)
                     if called.search(source[n - 1])), exc.line)
    text = source[line - 1] if 0 < line <= len(source) else None
    column = 0
    if named is not None and text is not None and named.group(1) in text:
        column = text.find(named.group(1)) + 1
    index, stage, macro, at = where if where is not None else (None, None, None, None)
    written = arguments.written(source, at, macro.partition("(")[0]) if macro and at and source else []
    argument = arguments.holding(written, line)
    wrapped = arguments.wrapper(written[argument][0]) if argument is not None else None
    fix = None
    file = tu.shown(exc.file)
    if 'macro "__assign_str" passed 2 arguments, but takes just 1' in exc.cause:
        fix = _words("fix_assign_str_one", lang)
    elif 'macro "__assign_str" requires 2 arguments, but only 1 given' in exc.cause:
        fix = _words("fix_assign_str_two", lang)
    return Finding("error", exc.cause, file, line, column, text, index, stage, macro, at or None,
                   argument, None, wrapped, fix=fix)
