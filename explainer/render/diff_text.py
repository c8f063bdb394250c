"""explain diff, for the terminal: the definition's changed arguments
word by word ([-old-]{+new+}, as git diff --word-diff), the machinery's
changed macros, and each stage's code as a unified diff."""

from __future__ import annotations

import re

from explainer import prose
from explainer.render.to_text import wrap
from explainer.walkthrough.diff import EventDiff, Line, PassDiff, Side, TokenOp


def _w(key: str, **values: object) -> str:
    return str(prose.load()["diff"][key]).format(**values)


def _side(s: Side) -> str:
    return _w("side", label=s.label, header=s.header) if s.extract is not None else s.label


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _context(text: str, first: bool, last: bool, keep: int = 30) -> str:
    """An unchanged run, its white space collapsed, cut to what is near a
    change: its end (before one), its start (after one), or both."""
    text = _collapsed(text)
    if len(text) <= 2 * keep + 5:
        return text
    after = "" if first else text[:keep].rsplit(" ", 1)[0]  # what follows a change
    before = "" if last else text[-keep:].split(" ", 1)[-1]  # what leads to the next
    if after and before:
        return f"{after} ... {before}"
    return f"{after} ..." if after else f"... {before}"


def word_diff(ops: tuple[TokenOp, ...]) -> str:
    """[-old-]{+new+} where the tokens changed, as git diff --word-diff,
    with what stayed cut to the context around each change."""
    parts = []
    for k, op in enumerate(ops):
        if op.op == "equal":
            parts.append(_context(op.old, k == 0, k == len(ops) - 1))
            continue
        old, new = _collapsed(op.old), _collapsed(op.new)
        if old.strip():
            parts.append(f"[-{old.strip()}-]")
        if new.strip():
            parts.append(f"{{+{new.strip()}+}}")
        ends = new if new.strip() else old
        if ends.endswith(" "):
            parts.append(" ")
    return "".join(parts).strip()


def _pass_title(p: PassDiff, both: bool) -> str:
    title = prose.stage(p.stage)["title"]
    if not both:  # one side has no such event: its passes are all there is
        return _w("pass_one_side", index=p.old or p.new, title=title, stage=p.stage)
    if p.old is None:
        return _w("pass_new_only", new=p.new, title=title, stage=p.stage)
    if p.new is None:
        return _w("pass_old_only", old=p.old, title=title, stage=p.stage)
    return _w("pass_both", old=p.old, new=p.new, title=title, stage=p.stage)


def _hunk_header(lines: tuple[Line, ...]) -> str:
    olds = [ln.old for ln in lines if ln.old is not None]
    news = [ln.new for ln in lines if ln.new is not None]
    a = f"-{olds[0]},{len(olds)}" if olds else "-0,0"
    b = f"+{news[0]},{len(news)}" if news else "+0,0"
    return f"@@ {a} {b} @@"


def render(d: EventDiff, width: int = 80) -> str:
    out = [_w("heading", event=d.event, old=_side(d.old), new=_side(d.new)), ""]
    for s in (d.old, d.new):
        if s.missing is not None:
            out += [*wrap(_w("missing", event=d.event, why=s.missing), width, "", "  "), ""]
    both = d.old.extract is not None and d.new.extract is not None
    if both:
        out.append(_w("definition"))
        a, b = d.macros
        if a != b:
            out += wrap(_w("macros", old=", ".join(a), new=", ".join(b)), width, "  ", "    ")
        if not d.definition:
            out.append("  " + _w("definition_same"))
        for arg in d.definition:
            if arg.old is None or arg.new is None:
                key = "argument_added" if arg.old is None else "argument_removed"
                out += wrap(_w(key, label=arg.label, text=arg.new or arg.old), width, "  ", "    ")
                continue
            out += wrap(f"{arg.label}: {word_diff(arg.ops)}", width, "  ", "    ")
        out.append("")
        out.append(_w("machinery"))
        if not d.machinery:
            out.append("  " + _w("machinery_same"))
        for m in d.machinery:
            if m.ops:
                out += wrap(f"{_w('macro_changed', name=m.name, stages=', '.join(m.stages))} {word_diff(m.ops)}",
                            width, "  ", "    ")
        for side, key in ((0, "only_old"), (1, "only_new")):
            by_stages: dict[str, list[str]] = {}
            for m in d.machinery:
                if (m.new is None if side == 0 else m.old is None):
                    by_stages.setdefault(", ".join(m.stages), []).append(m.name)
            for stages, found in by_stages.items():
                out += wrap(_w(key, names=", ".join(found), stages=stages), width, "  ", "    ")
        out.append("")
    out.append(_w("passes"))
    for p in d.passes:
        title = _pass_title(p, both)
        if p.same:
            out += wrap(f"{title}: {_w('pass_same')}", width, "  ", "    ")
            continue
        out += wrap(title, width, "  ", "    ")
        if not p.hunks:
            out.append("    " + _w("pass_nothing"))
        for hunk in p.hunks:
            out.append("    " + _hunk_header(hunk))
            for ln in hunk:
                mark = {"equal": " ", "delete": "-", "insert": "+"}[ln.op]
                out.append(f"    {mark}{ln.text}")
    return "\n".join(out).rstrip() + "\n"
