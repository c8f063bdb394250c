"""The author's view of the macros written in an invocation (TP_PROTO,
__field, TP_printk ...): what each means in plain C, and which passes
it ends up in, read from the walkthrough.

The sentences are prose ([author] of data/prose.*.toml); where kernel
versions differ (__assign_str takes one argument since 6.10), the note
is chosen by the definition this tree has, not by a version number.
"""

from __future__ import annotations

from explainer import prose
from explainer.cpp.macros import IDENTIFIER
from explainer.lastmade import LastMade
from explainer.model import AuthorNote, Change, Invocation, Walkthrough
from explainer.walkthrough.meanings import Meanings


def notes(w: Walkthrough, inv: Invocation, meanings: Meanings, lang: str | None = None) -> tuple[AuthorNote, ...]:
    """A note for each macro with an [author] note written in *inv*'s
    arguments (or *inv*'s own macro), in order of first use."""
    author = prose.load(lang)["author"]
    written: dict[str, set[int] | None] = {inv.macro: None}  # each macro, and the arguments it is written in
    for k, text in enumerate(inv.args):
        for m in IDENTIFIER.finditer(text):
            args = written.setdefault(m.group(0), set())
            if args is not None:
                args.add(k)
    found = []
    for name, arguments in written.items():
        entry = author.get(name)
        if entry is None:
            continue
        found.append(AuthorNote(name, _means(entry, _definition(meanings, name)),
                                _ends_up(w, meanings, name, (inv.macro, inv.line), arguments)))
    return tuple(found)


def page_notes(w: Walkthrough, meanings: Meanings, lang: str | None = None) -> tuple[AuthorNote, ...]:
    """The notes of every invocation in focus, each macro once, in order."""
    seen: dict[str, AuthorNote] = {}
    for p in w.passes[:1]:  # every pass has the same invocations, as written
        for inv in p.invocations:
            if inv.focus:
                for n in notes(w, inv, meanings, lang):
                    known = seen.get(n.macro)
                    passes = n.passes if known is None else tuple(sorted({*known.passes, *n.passes}))
                    seen[n.macro] = AuthorNote(n.macro, n.means, passes)
    return tuple(seen.values())


def note(macro: str, meanings: Meanings, lang: str | None = None) -> str | None:
    """The author's note for *macro* alone (explain follow)."""
    entry = prose.load(lang)["author"].get(macro)
    return _means(entry, _definition(meanings, macro)) if entry is not None else None


def _definition(meanings: Meanings, name: str) -> Change | None:
    """The definition the code used (or had in force), from any pass."""
    if name not in meanings.names:
        return None
    used = [row[name].change for row in meanings.table if row[name].used and row[name].change is not None]
    if used:
        return used[0]
    return next((row[name].change for row in meanings.table if row[name].change is not None), None)


def _means(entry: dict[str, object], definition: Change | None) -> str:
    """The entry's sentence, or its variant for this definition's number
    of parameters (by_arity), where versions of the kernel differ."""
    by_arity = entry.get("by_arity")
    if isinstance(by_arity, dict) and definition is not None and definition.params is not None:
        count = len([p for p in definition.params.split(",") if p.strip()])
        chosen = by_arity.get(str(count))
        if chosen is not None:
            return str(chosen)
    return str(entry["means"])


# The last walkthrough's invocations by place, pass by pass: a page asks
# for each macro of each invocation in focus.
_PLACES: LastMade[list[dict[tuple[str, int], Invocation]]] = LastMade()


def _places(w: Walkthrough) -> list[dict[tuple[str, int], Invocation]]:
    """Per pass, its first invocation of each (macro, line)."""
    return _PLACES.get((w,), lambda: [{(i.macro, i.line): i for i in reversed(p.invocations)} for p in w.passes])


def _ends_up(w: Walkthrough, meanings: Meanings, name: str, at: tuple[str, int],
             arguments: set[int] | None) -> tuple[int, ...]:
    """The passes where *name*, written in *arguments* of the invocation
    *at* (None: its own macro), is at work: one of those arguments reaches
    the pass's code, and the macro's definition there is not empty."""
    if name not in meanings.names:
        return ()
    out = []
    for p, places, row in zip(w.passes, _places(w), meanings.table, strict=True):
        inv = places.get(at)
        if inv is None or inv.blank:
            continue
        if arguments is not None and not arguments.intersection(inv.used_args):
            continue  # the pass drops them (it may expand them first)
        m = row[name]
        if m.used and m.change is not None and (m.change.body or "").strip():
            out.append(p.index)
    return tuple(out)
