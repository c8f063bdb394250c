"""Which text of files other than the header must be expanded: only text
that can reach __COUNTER__, whose value the header's passes print.

``Reach`` keeps a superset of the macro names whose expansion may reach
__COUNTER__, as definitions come: a macro is in it if its replacement
names one in it, or pastes (a paste can make any name); when a name
joins, the macros that name it follow.  Compiled (hatch_build.py): it
looks at every #define and every run of text.
"""

from __future__ import annotations

from explainer.macros import ID, PASTE_LEFT, STRING, MacroDef
from explainer.scan import IDENTIFIER, Text


class Reach:
    def __init__(self) -> None:
        self._counting: set[str] = {"__COUNTER__"}
        self._users: dict[str, list[str]] = {}  # name -> macros whose replacement names it

    def note(self, macro: MacroDef, names: list[str] | None = None) -> None:
        """Take in a definition; *names*, if given, are the names its
        replacement list uses (a plain definition, which cannot paste)."""
        if names is not None:
            self._note(macro.name, set(names), False)
            return
        used: set[str] = set()
        pastes = False
        pragma = False
        for t in macro.body:
            if t.type == ID:
                used.add(t.value)
                if t.value == "_Pragma":
                    pragma = True
            if t.flags & PASTE_LEFT:
                pastes = True
        if pragma:  # the operand's text is read as tokens again
            for t in macro.body:
                if t.type == STRING:
                    used.update(IDENTIFIER.findall(t.value))
        self._note(macro.name, used, pastes)

    def _note(self, macro: str, names: set[str], pastes: bool) -> None:
        users = self._users
        for name in names:
            found = users.get(name)
            if found is None:
                users[name] = [macro]
            else:
                found.append(macro)
        counting = self._counting
        if macro not in counting and (pastes or not counting.isdisjoint(names)):
            joining = [macro]
            while joining:
                name = joining.pop()
                if name not in counting:
                    counting.add(name)
                    joining.extend(users.get(name, ()))

    def needed(self, chunk: list[Text]) -> bool:
        """Whether *chunk* must be expanded: it names a macro that may
        reach __COUNTER__, or holds a quote that does not close (an error
        gcc reports)."""
        counting = self._counting
        for t in chunk:
            if t.unterminated or not counting.isdisjoint(IDENTIFIER.findall(t.text)):
                return True
        return False
