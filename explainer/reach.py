"""Which text of files other than the header must be expanded: only text
that can reach __COUNTER__, whose value the header's passes print.

``Reach`` keeps a superset of the macro names whose expansion may reach
__COUNTER__, as definitions come: a macro is in it if its replacement
names one in it, or pastes (a paste can make any name); when a name
joins, the macros that name it follow.  Compiled (hatch_build.py): it
looks at every #define and every run of text.

Of a run of text that must be expanded, only the statements around those
names are (``parts``): after a ';', '{' or '}' outside parentheses no
macro call is under way, so the text after it expands as it would after
the text before it.  Unless a macro's replacement leaves a '(' open, so
that its call reads on into the text: ``opening`` keeps the macros that
may, as ``counting`` does; a run that names one is expanded whole.
"""

from __future__ import annotations

import re

from explainer.macros import ID, PASTE_LEFT, STRING, MacroDef, Tok
from explainer.scan import IDENTIFIER, Text

_PARENS = re.compile(r"[()]")


class Reach:
    def __init__(self) -> None:
        self._counting: set[str] = {"__COUNTER__"}
        self._opening: set[str] = set()
        self._pasting: set[str] = set()
        self._users: dict[str, list[str]] = {}  # name -> macros whose replacement names it

    def note(self, macro: MacroDef, names: list[str] | None = None) -> None:
        """Take in a definition; *names*, if given, are the names its
        replacement list uses (a plain definition: no paste, no literal,
        so its written text shows its parentheses)."""
        if names is not None:
            opens = "(" in macro.written and _leaves_open(_PARENS.findall(macro.written))
            self._note(macro.name, set(names), False, opens)
            return
        used: set[str] = set()
        pastes = False
        pragma = False
        parens: list[str] = []
        for t in macro.body:
            if t.type == ID:
                used.add(t.value)
                if t.value == "_Pragma":
                    pragma = True
            elif t.value == "(" or t.value == ")":
                parens.append(t.value)
            if t.flags & PASTE_LEFT:
                pastes = True
        if pragma:  # the operand's text is read as tokens again
            for t in macro.body:
                if t.type == STRING:
                    used.update(IDENTIFIER.findall(t.value))
        self._note(macro.name, used, pastes, _leaves_open(parens))

    def _note(self, macro: str, names: set[str], pastes: bool, opens: bool) -> None:
        users = self._users
        for name in names:
            found = users.get(name)
            if found is None:
                users[name] = [macro]
            else:
                found.append(macro)
        if pastes:
            self._pasting.add(macro)
        if macro not in self._counting and (pastes or not self._counting.isdisjoint(names)):
            self._join(self._counting, macro)
        if macro not in self._opening and (opens or not self._opening.isdisjoint(names)):
            self._join(self._opening, macro)

    def _join(self, closure: set[str], macro: str) -> None:
        """Add *macro* to *closure*, and the macros that name it, and so on."""
        joining = [macro]
        while joining:
            name = joining.pop()
            if name not in closure:
                closure.add(name)
                joining.extend(self._users.get(name, ()))

    def needed(self, chunk: list[Text]) -> bool:
        """Whether *chunk* must be expanded: it names a macro that may
        reach __COUNTER__, or holds a quote that does not close (an error
        gcc reports)."""
        counting = self._counting
        for t in chunk:
            if t.unterminated or not counting.isdisjoint(IDENTIFIER.findall(t.text)):
                return True
        return False

    def parts(self, toks: list[Tok]) -> list[tuple[int, int]]:
        """The ranges of *toks* (a needed chunk's tokens) to expand: the
        statements that name a macro that may reach __COUNTER__."""
        counting = self._counting
        # While no macro leaves a '(' open, no paste can make one that does.
        risky = self._opening | self._pasting if self._opening else None
        n = len(toks)
        out: list[tuple[int, int]] = []
        start = 0  # where the current statement starts
        hot = False  # does it name one
        depth = 0
        for i in range(n):
            t = toks[i]
            v = t.value
            if t.type == ID:
                if v in counting:
                    hot = True
                if risky is not None and v in risky:
                    return [(0, n)]
            elif t.type == STRING:
                if not counting.isdisjoint(IDENTIFIER.findall(v)):
                    hot = True  # _Pragma's operand
            elif v == "(":
                depth += 1
            elif v == ")":
                depth -= 1
            elif depth == 0 and (v == ";" or v == "{" or v == "}"):
                if hot:
                    _add(out, start, i + 1)
                start = i + 1
                hot = False
        if hot:
            _add(out, start, n)
        return out


def _add(parts: list[tuple[int, int]], start: int, end: int) -> None:
    """Append [start, end), joined to the last part if they meet."""
    if parts and parts[-1][1] == start:
        parts[-1] = (parts[-1][0], end)
    else:
        parts.append((start, end))


def _leaves_open(parens: list[str]) -> bool:
    """Does a replacement with these parentheses, in order, end with one
    open?  (A ')' with none open closes nothing of its own.)"""
    depth = 0
    for p in parens:
        if p == "(":
            depth += 1
        elif depth > 0:
            depth -= 1
    return depth > 0
