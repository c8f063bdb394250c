"""Which text of files other than the header must be expanded: only text
that can reach __COUNTER__, whose value the header's passes print.

``Reach`` keeps a superset of the macro names whose expansion may reach
__COUNTER__, as definitions come: a macro is in it if its replacement
names one in it, or pastes what may make one; when a name joins, the
macros that name it follow.  Compiled (hatch_build.py): it looks at every
#define and every run of text.

What a paste makes is read from its operands (``_pastes``).  Written
tokens alone make one name, which counts as named.  With one parameter,
``L ## p ## R`` makes names that begin with L and names that end with R
(p's first and last tokens, or all of it); a literal that is not a name's
start (``, ## __VA_ARGS__``, a string) makes no name.  Two parameters in
one paste can make any name: the macro is in, as every pasting macro was
before (then a kernel unit expanded three times the statements it needs).

Of a run of text that must be expanded, only the statements around those
names are (``parts``): after a ';', '{' or '}' outside parentheses no
macro call is under way, so the text after it expands as it would after
the text before it.  Unless a macro's replacement leaves a '(' open, so
that its call reads on into the text: ``opening`` keeps the macros that
may, as ``counting`` does; a run that names one is expanded whole.

Definitions are taken in when Reach is first asked after them, in the
order they came: a run that replays the kernel's headers (cpp/memo.py)
reads no text outside the header's passes, and never asks; taking in
its 22,000 definitions was a third of the replay.
"""

from __future__ import annotations

import bisect
import re

from explainer.cpp.macros import (
    ID,
    IDENTIFIER,
    PARAM,
    PASTE_LEFT,
    STRING,
    STRINGIFY,
    VAOPT_END,
    VAOPT_START,
    MacroDef,
    Tok,
    splice,
)
from explainer.cpp.scan import Text

_PARENS = re.compile(r"[()]")
# What Reach.parts reads of text to find where statements end: literals
# (so that what is in them is not taken for structure), parentheses and
# the marks that end a statement.
_STRUCTURE = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|[(){};]",
    re.DOTALL,
)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$")
_NAME_END = re.compile(r"[A-Za-z0-9_$]+")
# What _pastes says of a paste that may make any name.
_ANY = "*"


class Reach:
    def __init__(self) -> None:
        self._counting: set[str] = {"__COUNTER__"}
        self._opening: set[str] = set()
        self._pasting: set[str] = set()
        self._users: dict[str, list[str]] = {}  # name -> macros whose replacement names it
        # Macros whose pastes make names that begin (end) with a key, and
        # every beginning (ending) of a name that may reach __COUNTER__.
        self._begin: dict[str, list[str]] = {}
        self._end: dict[str, list[str]] = {}
        self._counting_begins: set[str] = set()
        self._counting_ends: set[str] = set()
        self._counted("__COUNTER__")
        # A paste that makes _Pragma reads a string as tokens: such a macro is in.
        self._counted("_Pragma")
        # Definitions not taken in yet, in order.
        self._pending: list[Note] = []

    def note(self, macro: MacroDef, names: list[str] | None = None) -> None:
        """Take in a definition; *names*, if given, are the names its
        replacement list uses (a plain definition: no paste, no literal,
        so its written text shows its parentheses)."""
        if names is not None:
            self._pending.append((macro.name, macro.written, names, None))
        else:
            self._pending.append((macro.name, None, None, facts(macro)))

    def note_all(self, notes: tuple[Note, ...]) -> None:
        """Take in definitions noted before (a replayed read: cpp/memo.py)."""
        self._pending.extend(notes)

    def _take_in(self) -> None:
        """The definitions noted since Reach was last asked, in order."""
        pending, self._pending = self._pending, []
        for name, written, names, found in pending:
            if found is None:
                assert written is not None and names is not None
                opens = "(" in written and _leaves_open(_PARENS.findall(written))
                self._note(name, set(names), False, opens)
                continue
            used, pastes, opens, any_name, pasted = found
            for begin, end in pasted:
                self._note_paste(name, begin, end)
            self._note(name, set(used), pastes, opens, any_name)

    def _note_paste(self, macro: str, begin: str, end: str) -> None:
        """*macro* pastes names that begin with *begin* or end with *end*
        (either may be "": none that way)."""
        if begin:
            self._begin.setdefault(begin, []).append(macro)
            if begin in self._counting_begins and macro not in self._counting:
                self._join(self._counting, macro)
        if end:
            self._end.setdefault(end, []).append(macro)
            if end in self._counting_ends and macro not in self._counting:
                self._join(self._counting, macro)

    def _counted(self, name: str) -> None:
        """Keep the beginnings and endings of *name*, a name that may reach
        __COUNTER__, for the pastes defined later."""
        for k in range(1, len(name) + 1):
            self._counting_begins.add(name[:k])
            self._counting_ends.add(name[-k:])

    def _pasting_to(self, name: str) -> list[str]:
        """The macros whose pastes may make *name*."""
        found: list[str] = []
        for k in range(1, len(name) + 1):
            found.extend(self._begin.get(name[:k], ()))
            found.extend(self._end.get(name[-k:], ()))
        return found

    def _note(self, macro: str, names: set[str], pastes: bool, opens: bool, any_name: bool = False) -> None:
        users = self._users
        for name in names:
            found = users.get(name)
            if found is None:
                users[name] = [macro]
            else:
                found.append(macro)
        if pastes:
            self._pasting.add(macro)
        if macro not in self._counting and (any_name or not self._counting.isdisjoint(names)):
            self._join(self._counting, macro)
        if macro not in self._opening and (opens or not self._opening.isdisjoint(names)):
            self._join(self._opening, macro)

    def _join(self, closure: set[str], macro: str) -> None:
        """Add *macro* to *closure*, and the macros that name it, and so on."""
        joining = [macro]
        counting = closure is self._counting
        while joining:
            name = joining.pop()
            if name not in closure:
                closure.add(name)
                joining.extend(self._users.get(name, ()))
                if counting:
                    self._counted(name)
                    joining.extend(self._pasting_to(name))

    def needed(self, chunk: list[Text]) -> bool:
        """Whether *chunk* must be expanded: it names a macro that may
        reach __COUNTER__, or holds a quote that does not close (an error
        gcc reports)."""
        if self._pending:
            self._take_in()
        counting = self._counting
        for t in chunk:
            if t.unterminated or not counting.isdisjoint(t.names()):
                return True
        return False

    def parts(self, chunk: list[Text]) -> list[list[tuple[Text, int, int]]] | None:
        """The statements of *chunk* (``needed``, and with no quote that
        does not close) to expand, each as pieces (text, start, end) of its
        texts; None if all of it must be (it names a macro that may leave
        a '(' open).  Read from the text, so that only those are lexed:
        where the names are, then where statements end."""
        if self._pending:
            self._take_in()
        counting = self._counting
        # While no macro leaves a '(' open, no paste can make one that does.
        if self._opening:
            risky = self._opening | self._pasting
            for t in chunk:
                if not risky.isdisjoint(t.names()):
                    return None
        out: list[list[tuple[Text, int, int]]] = []
        pieces: list[tuple[Text, int, int]] = []  # of the current statement
        hot = False  # does it name one
        joined = False  # is the previous statement the last part
        depth = 0
        for t in chunk:
            text = t.text
            splices: list[int] = []
            if "\\\n" in text:
                text, splices = splice(text)
            named = counting.intersection(t.names())
            spots = _spots(text, named) if named else []
            k = 0  # the next spot, by position
            start = 0
            for m in _STRUCTURE.finditer(text):
                at = m.start()
                c = text[at]
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                elif (c == ";" or c == "{" or c == "}") and depth == 0:
                    while k < len(spots) and spots[k] < at:
                        hot = True
                        k += 1
                    end = at + 1
                    if splices:  # where it is in the text as written
                        end += 2 * bisect.bisect_right(splices, at)
                    pieces.append((t, start, end))
                    if hot and joined:
                        out[-1].extend(pieces)
                    elif hot:
                        out.append(pieces)
                    joined = hot
                    pieces = []
                    hot = False
                    start = end
            if k < len(spots):
                hot = True
            pieces.append((t, start, len(t.text)))
        if hot and joined:
            out[-1].extend(pieces)
        elif hot:
            out.append(pieces)
        return out


def _spots(text: str, names: set[str]) -> list[int]:
    """Where *names* stand in *text* as names (not within a longer one,
    nor after a digit: that is a number), literals included, in order."""
    spots: list[int] = []
    for name in names:
        at = text.find(name)
        while at >= 0:
            after = at + len(name)
            if (at == 0 or text[at - 1] not in _NAME_CHARS) and (
                    after == len(text) or text[after] not in _NAME_CHARS):
                spots.append(at)
            at = text.find(name, after)
    spots.sort()
    return spots


# What Reach takes in of a definition that is not plain: the names its
# replacement list uses (and those its pastes make whole), whether it
# pastes, leaves a '(' open, may make any name, and the (begin, end) of
# each paste of one parameter.
Facts = tuple[tuple[str, ...], bool, bool, bool, tuple[tuple[str, str], ...]]
# A definition to take in: its name, and its written text and the names
# it uses (a plain one) or what ``facts`` found of it.
Note = tuple[str, str | None, list[str] | None, Facts | None]


def facts(macro: MacroDef) -> Facts:
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
    any_name = False
    pasted: list[tuple[str, str]] = []
    if pastes:
        for begin, end in _pastes(macro.body):
            if begin == _ANY:
                any_name = True
            elif end is None:  # written tokens alone: one name
                used.add(begin)
                any_name = any_name or begin == "_Pragma"
            else:
                pasted.append((begin, end))
    return tuple(sorted(used)), pastes, _leaves_open(parens), any_name, tuple(pasted)


def _pastes(body: list[Tok]) -> list[tuple[str, str | None]]:
    """What each paste of a replacement list may make: (name, None) for
    written tokens that make one name; (begin, end) for one parameter's,
    "" where no name is made that way; (_ANY, None) for any name."""
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(body):
        if not body[i].flags & PASTE_LEFT:
            i += 1
            continue
        chain = [body[i]]
        while chain[-1].flags & PASTE_LEFT and i + len(chain) < len(body):
            chain.append(body[i + len(chain)])
        i += len(chain)
        params = [k for k, t in enumerate(chain) if t.type == PARAM and not t.flags & STRINGIFY]
        if any(t.type == VAOPT_START or t.type == VAOPT_END for t in chain) or len(params) > 1:
            out.append((_ANY, None))  # __VA_OPT__'s marks, or two arguments
            continue
        spelled = ['"' if t.flags & STRINGIFY else t.value for t in chain]
        if not params:
            whole = "".join(spelled)
            if IDENTIFIER.fullmatch(whole):
                out.append((whole, None))
            continue
        begin = "".join(spelled[: params[0]])
        end = "".join(spelled[params[0] + 1 :])
        out.append((begin if IDENTIFIER.fullmatch(begin) else "",
                    end if _NAME_END.fullmatch(end) else ""))
    return out


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
