"""explain follow HEADER:LINE: what one line of the header became in each
pass, read from where each token of the pass's code came from
(Provenance.called: the header's line the token was written on, or that
of the call written in the header whose expansion made it).

The tokens are the gcc-checked code's: a pass's answer is the stretch of
its laid-out code those tokens stand in, never text made up here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from explainer.cpp.macros import IDENTIFIER
from explainer.model import Became, Followed, Invocation, Pass, Walkthrough
from explainer.walkthrough import arguments, notes
from explainer.walkthrough.arguments import params, wrapper
from explainer.walkthrough.assemble import indented
from explainer.walkthrough.meanings import Meanings

GAP = "\u22ef"  # between two stretches of code from the line: "⋯" (not C's "...")


def follow(w: Walkthrough, line: int) -> Followed:
    """Line *line* of *w*'s header through every pass of *w* (a
    walkthrough of every invocation, with provenance)."""
    source = w.header_lines
    text = source[line - 1] if 0 < line <= len(source) else None
    holder, argument = _holder(w.passes, line)
    if holder is None or argument is None:  # no token of the line reached any pass: read where it is written
        written = _written_at(w.passes, line, source)
        if written is not None:
            holder = holder or written[0]
            argument = written[1] if argument is None else argument
    first = next((inv for p in w.passes for inv in p.invocations if _same(inv, holder)), None)
    meanings = Meanings(w)
    macro = _macro(text, meanings.names)
    passes = []
    for p in w.passes:
        inv = next((i for i in p.invocations if _same(i, holder)), None)
        row = meanings.table[p.index - 1]
        meaning = row.get(macro) if macro is not None else None
        dropped = inv is not None and argument is not None and argument not in inv.used_args
        outer = row.get(inv.macro) if inv is not None and dropped else None
        passes.append(Became(p.index, p.stage, _code(inv, line) if inv is not None else "", macro,
                             meaning.change if meaning is not None else None, dropped,
                             outer.change if outer is not None else None))
    parameter = wrapped = None
    if first is not None and argument is not None and argument < len(first.args):
        names = params(w.passes[-1], first.macro, len(first.args))
        parameter = names[argument] or None
        wrapped = wrapper(first.args[argument])
    title = None if first is None else f"{first.macro}({first.name})" if first.name else first.macro
    return Followed(w.display(w.header), line, text, title, first.line if first is not None else None,
                    argument, parameter, wrapped, tuple(passes),
                    notes.note(macro, meanings) if macro is not None else None)


def _same(inv: Invocation, holder: tuple[str, int] | None) -> bool:
    return holder is not None and (inv.macro, inv.line) == holder


def _holder(passes: tuple[Pass, ...], line: int) -> tuple[tuple[str, int] | None, int | None]:
    """The invocation (macro, line) whose code has tokens from *line*, and
    the argument the line is written in (None: the invocation's own
    line, or none found)."""
    holder = None
    for p in passes:
        for inv in p.invocations:
            for pr in inv.provenance:
                if pr.line == line and pr.arg is not None:
                    return (inv.macro, inv.line), pr.arg
                if holder is None and pr.called == line:
                    holder = (inv.macro, inv.line)
    return holder, None


def _written_at(passes: tuple[Pass, ...], line: int, source: Sequence[str]) -> tuple[tuple[str, int], int | None] | None:
    """The invocation (macro, line) whose call, as written, spans *line*,
    and the argument that holds it."""
    for inv in passes[0].invocations if passes else ():
        if inv.line > line:
            break
        args = arguments.written(source, inv.line, inv.macro)
        if args and inv.line <= line <= args[-1][2]:
            return (inv.macro, inv.line), arguments.holding(args, line)
    return None


def _macro(text: str | None, names: tuple[str, ...]) -> str | None:
    """The first macro written on the line among those the code went through."""
    known = set(names)
    for m in IDENTIFIER.finditer(text or ""):
        if m.group(0) in known:
            return m.group(0)
    return None


def _code(inv: Invocation, line: int) -> str:
    """The stretches of *inv*'s code that hold the tokens from *line*, each
    from its line's indentation, dedented, one after the other, with a
    line GAP between two (the code of other lines stands there)."""
    runs: list[tuple[int, int]] = []
    for k, pr in enumerate(inv.provenance):
        if pr.called != line:
            continue
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    code = inv.code
    pieces = []
    for a, b in runs:
        start, stop = indented(code, inv.spans[a][0]), inv.spans[b - 1][1]
        pieces.append(textwrap.dedent(code[start:stop].expandtabs(8)))
    return f"\n{GAP}\n".join(pieces)
