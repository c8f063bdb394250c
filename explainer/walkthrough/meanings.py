"""Which definition of each macro the code in focus was expanded with, in
each pass, and which of those meanings change from pass to pass.

A trace header is read again and again, and what it defines in one read
is in force for the code of that same read (``SAMPLE_WORK_READ`` defined
at line 36, used by the ``TRACE_EVENT`` at line 57).  So the meaning that
counts is the one in force where a pass's code was expanded: at its
first invocation in focus, among every #define and #undef of the
translation unit in order.  The passes' own change lists, which run from
one read's start to the next, would put those definitions a pass late.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from explainer.lastmade import LastMade
from explainer.model import Change, Pass, Walkthrough


class Meaning(NamedTuple):
    """A macro's meaning where one pass's code was expanded (a tuple: a
    page makes one per macro and pass, thousands)."""

    change: Change | None  # its #define, or None where it was not defined
    used: bool  # the code of that pass went through it


@dataclass(frozen=True)
class MeaningChange:
    """A macro the pass's code used whose meaning differs from the one in
    force for the previous pass's code."""

    name: str
    status: str  # "first" (never defined for an earlier pass's code), "redefined", "defined" (again)
    change: Change


def same_meaning(a: Change | None, b: Change | None) -> bool:
    """The same meaning: both undefined, or the same parameters and body
    (the header's own macros are defined again, alike, in every read)."""
    if a is None or b is None:
        return a is b
    return (a.params, a.body) == (b.params, b.body)


# The last translation unit's changes, with where each name's are, by
# its passes' change lists: the walkthroughs of one header's pages (one
# per event) share them, some 20,000 changes in full mode.
_LAST: LastMade[tuple[tuple[Change, ...], dict[str, list[int]]]] = LastMade()


def _positions(w: Walkthrough) -> tuple[tuple[Change, ...], dict[str, list[int]]]:
    """Every change of *w*'s unit in order, and the positions of each
    name's among them."""
    def made() -> tuple[tuple[Change, ...], dict[str, list[int]]]:
        changes = w.all_changes()
        at: dict[str, list[int]] = {}
        for i, c in enumerate(changes):
            at.setdefault(c.name, []).append(i)
        return changes, at

    return _LAST.get((*(p.changes for p in w.passes), w.changes_after), made)


class Meanings:
    """The meanings of the macros that the code in focus went through,
    pass by pass, for one walkthrough."""

    def __init__(self, w: Walkthrough) -> None:
        self.passes = w.passes
        names: dict[str, None] = {}
        for p in w.passes:
            for inv in p.invocations:
                if inv.focus:
                    names[inv.macro] = None
                    names.update(dict.fromkeys(inv.used))
        self.names = tuple(names)
        self._changes, every = _positions(w)
        self._at: dict[str, list[int]] = {name: every.get(name, []) for name in self.names}

    def point(self, p: Pass) -> int:
        """Where *p*'s code was expanded: how many changes came before its
        first invocation in focus (else its first invocation, else the
        read's start)."""
        focused = [inv for inv in p.invocations if inv.focus]
        first = focused or list(p.invocations)
        if first:
            return first[0].changes_before
        return p.changes_start + len(p.changes)

    def in_force(self, name: str, point: int) -> Change | None:
        at = self._at.get(name, [])
        k = bisect.bisect_left(at, point)
        if k == 0:
            return None
        change = self._changes[at[k - 1]]
        return change if change.kind == "define" else None

    @cached_property
    def table(self) -> tuple[dict[str, Meaning], ...]:
        """Per pass, each name's meaning for its code: the definition the
        code used, or the one in force there."""
        out = []
        for p in self.passes:
            point = self.point(p)
            used = {m.name: m for m in p.meanings}
            row = {}
            for name in self.names:
                if name in used:
                    row[name] = Meaning(used[name], True)
                else:
                    row[name] = Meaning(self.in_force(name, point), False)
            out.append(row)
        return tuple(out)

    @cached_property
    def changing(self) -> tuple[str, ...]:
        """The names whose meaning is not the same for every pass's code
        from the first that had it on: a macro first defined for a later
        pass (bpf_probe.h's helpers) and never changed is not one."""
        out = []
        for name in self.names:
            meanings = [row[name].change for row in self.table]
            first = next((i for i, m in enumerate(meanings) if m is not None), None)
            if first is not None and any(not same_meaning(m, meanings[first]) for m in meanings[first + 1:]):
                out.append(name)
        return tuple(out)

    @cached_property
    def constant(self) -> tuple[str, ...]:
        """The others: the same meaning for every pass's code."""
        changing = set(self.changing)
        return tuple(n for n in self.names if n not in changing)

    def changes_for(self, p: Pass) -> tuple[MeaningChange, ...]:
        """The changing macros *p*'s code used, with what their meaning is
        now, where it differs from the previous pass's code's."""
        k = p.index - 1  # passes are numbered from 1, in order
        row = self.table[k]
        before = self.table[k - 1] if k > 0 else None
        used_names = p.used_names()
        out = []
        for name in self.changing:
            now = row[name].change
            if name not in used_names or now is None:
                continue
            previous = before[name].change if before is not None else None
            if before is not None and same_meaning(previous, now):
                continue
            if previous is not None:
                status = "redefined"
            elif any(self.table[j][name].change is not None for j in range(k)):
                status = "defined"
            else:
                status = "first"
            out.append(MeaningChange(name, status, now))
        return tuple(out)
