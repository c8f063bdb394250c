"""A finding (model.Finding) as lines of text: explain check's report,
and the diagnosis at the end of a walkthrough that stopped."""

from __future__ import annotations

from typing import Any

from explainer import prose
from explainer.model import Finding, Walkthrough

TAB = 8


def _words(key: str, lang: str | None, **values: object) -> str:
    return str(prose.load(lang)["check"][key]).format(**values)


def stopped_heading(w: Walkthrough, lang: str | None = None) -> str:
    """Where a walkthrough that stopped went wrong: in the pass after
    those that worked, after them (in the machinery), or before any."""
    worked = len(w.passes)
    f = w.diagnostics[0]
    if f.pass_index is not None and f.pass_index == worked + 1:
        title = prose.stage(f.stage or "pass", lang)["title"]
        return prose.text("stopped_in", lang, index=f.pass_index, title=title)
    if worked:
        return prose.text("stopped_after", lang, passes=worked)
    return prose.text("stopped_before", lang)


def headline(f: Finding, lang: str | None = None) -> str:
    """The first line: the doctor's message names its place; gcc's (and
    the preprocessor's) comes after the place, as gcc writes it.  The
    preprocessor's and the doctor's are in *lang*; gcc's own messages
    (explain check) are quoted as gcc prints them in the C locale."""
    if f.kind == "diagnosis":
        return prose.again(f.message, lang)
    where = f"{f.file}:{f.line}:{f.column}" if f.column else f"{f.file}:{f.line}" if f.line else f.file
    if isinstance(f.message, prose.Said) and f.kind == "error":
        return prose.say("cpp", "at", lang, place=where, cause=prose.again(f.message, lang))
    return f"{where}: {f.kind}: {f.message}"


def lines(f: Finding, lang: str | None = None) -> list[str]:
    """The headline, the line it points at with a caret, where it is in
    the passes, what made it, and the fix or the doctor's detail."""
    return [text for _, text in parts(f, lang)]


def parts(f: Finding, lang: str | None = None) -> list[tuple[bool, str]]:
    """lines(), each with whether it is prose (True: a terminal may wrap
    it) or the header's own line and its caret (False: kept as it is)."""
    out = [(True, headline(f, lang))]
    if f.source is not None:
        out.append((False, f"{f.line:6} | {f.source.expandtabs(TAB)}"))
        at = caret(f)
        if at is not None:
            out.append((False, f"{'':6} | {' ' * at}^"))
    out.extend((True, "  " + text) for text in (where(f, lang), made_by(f, lang), fix(f, lang)) if text is not None)
    out.extend((True, "  " + prose.again(line, lang)) for line in f.detail)
    return out


def caret(f: Finding) -> int | None:
    """The column of the source line, tabs expanded, the caret stands under."""
    return len(f.source[: f.column - 1].expandtabs(TAB)) if f.source is not None and f.column else None


def made_by(f: Finding, lang: str | None = None) -> str | None:
    """"made by TP_printk (...) -> __stringify (...)"."""
    if not f.chain:
        return None
    return _words("made_by", lang, chain=" -> ".join(f"{m} ({w})" for m, w in f.chain))


def fix(f: Finding, lang: str | None = None) -> str | None:
    return _words("fix", lang, fix=f.fix) if f.fix is not None else None


def where(f: Finding, lang: str | None = None) -> str | None:
    """"in pass 8 · ..., TRACE_EVENT(x) at line 12, argument 5 (...)"."""
    if f.pass_index is None:
        return None
    title = prose.stage(f.stage or "pass", lang)["title"]
    place = _words("in_pass", lang, index=f.pass_index, title=title)
    if f.also:
        place += " " + _words("also", lang, indexes=prose.text("list_sep", lang).join(str(i) for i, _ in f.also))
    if f.invocation is not None:
        place = prose.text("joined", lang, first=place,
                           then=_words("in_invocation", lang, invocation=f.invocation, line=f.invocation_line))
    if f.argument is not None:
        name = f.wrapper or f.parameter or ""
        place = prose.text("joined", lang, first=place, then=_words("in_argument", lang, number=f.argument + 1, name=name))
    return place


def data(f: Finding) -> dict[str, Any]:
    """A finding as JSON data (README, "explain check"), its words in the
    run's language."""
    return {
        "kind": f.kind, "message": prose.again(f.message), "file": f.file, "line": f.line, "column": f.column,
        "source": f.source, "pass": f.pass_index, "stage": f.stage, "invocation": f.invocation,
        "invocation_line": f.invocation_line, "argument": f.argument, "parameter": f.parameter,
        "wrapper": f.wrapper, "chain": [list(c) for c in f.chain], "fix": f.fix,
        "also": [{"pass": i, "stage": s} for i, s in f.also], "detail": [prose.again(d) for d in f.detail],
    }
