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
from pathlib import Path

from explainer import prose
from explainer.cpp.recording import RawInvocation, Recording
from explainer.errors import Diagnosis
from explainer.kernel import knowledge
from explainer.model import HiddenMacro, ReInclude
from explainer.resources import bundled_headers

_CONFIG = re.compile(r"\bCONFIG_\w+")
_GUARD = re.compile(r"^(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(?\s*(\w+)\s*\)?)\s*$")
_NEGATED = re.compile(r"ifndef\b|if\s*!")
_FIRST_READ = "define_trace.h"


def _words(key: str, lang: str, **values: object) -> str:
    return str(prose.load(lang)["doctor"][key]).format(**values)


def check(recording: Recording, lang: str = "en") -> None:
    """Raise a Diagnosis if *recording* does not explain its header as the
    kernel builds it; return if it does (or if nothing known is wrong)."""
    tu = recording.tu
    header = tu.header
    other = _another_file(recording)
    if other is not None:
        raise _read_another_file(header, tu.header_abspath, other, lang)
    traced = any(_makes_events(raw) for p in recording.passes for raw in p.invocations)
    if len(recording.passes) >= 2:
        empty = [p for p in recording.passes[1:] if not p.invocations]
        hidden = [h for h in recording.hidden if h.pass_index == empty[0].index] if empty else []
        if traced and hidden and any(_makes_events(raw) for raw in recording.passes[0].invocations):
            raise _guard(header, hidden[0], empty[0].index, lang)
    if not traced:
        hidden = [h for h in recording.hidden if h.pass_index == 1]
        if hidden:
            raise _configured_out(header, hidden[0], lang)
        raise _helper(header, tu.header_abspath, lang)
    if len(recording.passes) == 1 and recording.create_trace_points and not any(
            os.path.basename(r.site.file) == _FIRST_READ for r in recording.re_includes):
        raise Diagnosis(_words("no_define_trace", lang, header=header),
                        (_words("no_define_trace_fix", lang),))


def _makes_events(raw: RawInvocation) -> bool:
    """Whether an invocation is an event's or a class's (an alias's too)."""
    return knowledge.kind(raw.macro) is not None or any(knowledge.kind(u) is not None for u in raw.used)


def _same(a: str | Path, b: str | Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _another_file(recording: Recording) -> ReInclude | None:
    """The first of define_trace.h's re-includes that found a file other
    than the header (None if none did: not found is an error of its own)."""
    for r in recording.re_includes:
        if r.found_abspath is not None and not _same(r.found_abspath, recording.tu.header_abspath):
            return r
    return None


def shown(display: str, abspath: str | None, line: int = 0, lang: str = "en") -> str:
    """A path (and line) as a user can place it: a file of the bundled
    model kernel (inside the installed package, or climbing out of the
    user's folder) by its place in that kernel, and says so."""
    display = os.path.normpath(display) if not display.startswith("<") else display
    at = f"{display}:{line}" if line else display
    if abspath is not None:
        bundled = bundled_headers().resolve()
        real = Path(os.path.realpath(abspath))
        if real.is_relative_to(bundled):
            path = real.relative_to(bundled).as_posix()
            return _words("bundled", lang, path=f"{path}:{line}" if line else path)
    return at


def _read_another_file(header: str, path: Path, r: ReInclude, lang: str) -> Diagnosis:
    if r.include_path is None and r.include_file is None:
        why = _words("from_system", lang, system=r.system or "?")
    else:
        why = _words("from_path_and_file", lang, path=r.include_path or "-", file=r.include_file or r.system or "?")
    stem = path.stem
    site = shown(r.site.file, r.site_abspath, r.site.line, lang)
    return Diagnosis(
        _words("another_file", lang, header=header, found=shown(r.found or r.spelled, r.found_abspath, 0, lang)),
        (
            _words("another_file_why", lang, site=site, spelled=r.spelled, why=why),
            _words("another_file_fix", lang, stem=stem),
            _words("another_file_rename", lang, system=r.system or stem),
        ),
    )


def _guard(header: str, h: HiddenMacro, index: int, lang: str) -> Diagnosis:
    m = _GUARD.match(h.opening)
    name = (m.group(1) or m.group(2)) if m else "_TRACE_..._H"
    return Diagnosis(
        _words("guard", lang, header=header, line=h.opening_line, guard=h.opening, index=index),
        (_words("guard_fix", lang, name=name),),
    )


def _configured_out(header: str, h: HiddenMacro, lang: str) -> Diagnosis:
    names = list(dict.fromkeys(_CONFIG.findall(h.group if h.group != h.opening else h.opening)))
    if not names:
        names = list(dict.fromkeys(_CONFIG.findall(h.opening)))
    negated = bool(_NEGATED.match(h.opening)) != h.group.startswith("else")
    flag = "-U" if negated else "-D"
    detail = [_words("configured_out_gcc", lang)]
    if names:
        detail.append(_words("configured_out_fix", lang, flags=" ".join(f"{flag} {n}" for n in names)))
    where = h.opening if h.group == h.opening else f"{h.group} (of #{h.opening}, line {h.opening_line})"
    return Diagnosis(
        _words("configured_out", lang, header=header, line=h.line, macro=h.macro, conditional=where,
               conditional_line=h.group_line),
        tuple(detail),
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


def _helper(header: str, path: Path, lang: str) -> Diagnosis:
    users = includers(path)
    if users:
        return Diagnosis(_words("helper", lang, header=header), (
            _words("helper_users", lang, users=", ".join(users)),))
    return Diagnosis(_words("no_events", lang, header=header), (_words("no_events_fix", lang),))
