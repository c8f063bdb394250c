"""gcc's reading of one file, compiled (hatch_build.py): conditionals,
#define and #undef, and text gathered into chunks that are expanded where
they end (at #define, #undef, #include and the directives gcc -E prints,
where pcpp ends them too).

A kernel translation unit runs about 200,000 of these items, 19,000 of
them #define, so the loop and the #define path are here; the recorder
(recorder.py, a pcpp subclass that mypyc cannot compile) is called back
for #if expressions, #include, the lines gcc prints and the chunks that
must be expanded.
"""

from __future__ import annotations

import re
from typing import Protocol

from explainer.cpp.macros import (
    ID,
    PREV_WHITE,
    MacroDef,
    Tok,
    from_plain,
    lex,
    parse_define,
    plain_define,
    spell,
)
from explainer.cpp.reach import Reach
from explainer.cpp.scan import OPENING, Directive, Text
from explainer.errors import PreprocessError
from explainer.model import Change
from explainer.prose import gcc

_CONDITIONALS = frozenset(("if", "ifdef", "ifndef", "elif", "else", "endif"))


class Host(Protocol):
    """What the reader asks of the recorder."""

    def condition(self, name: str, tokens: list[Tok]) -> bool: ...
    def expand_chunk(self, tokens: list[Tok], visit: object) -> None: ...
    def include(self, tokens: list[Tok], next_only: bool = False) -> None: ...
    def pragma_once(self, visit: object) -> None: ...
    def passthrough(self, line: int, name: str, args: list[Tok], source: str) -> None: ...
    def chain(self) -> tuple[tuple[str, int], ...]: ...
    def error_here(self, cause: str) -> PreprocessError: ...


class _Conditional:
    """An open #if, #ifdef or #ifndef."""

    __slots__ = ("directive", "enable", "had_else", "hider", "taken")

    def __init__(self, enable: bool, taken: bool, directive: Directive,
                 hider: tuple[Directive, Directive] | None) -> None:
        self.enable = enable  # were lines read before it
        self.taken = taken  # had a group of the enclosing conditional been taken
        self.directive = directive
        self.had_else = False
        self.hider = hider  # what skipped the lines before it, in the header


class Hidden:
    """A trace macro written in the header in a group a conditional
    skipped: the line, the macro, the conditional's opening directive and
    the directive of the skipped group (the same, or its #elif or #else),
    and the read of the header (the visit: the recorder knows its pass)."""

    __slots__ = ("group", "line", "macro", "opening", "visit")

    def __init__(self, line: int, macro: str, opening: Directive, group: Directive, visit: object) -> None:
        self.line = line
        self.macro = macro
        self.opening = opening
        self.group = group
        self.visit = visit


class Reader:
    """Reads files' items for one recorder.  ``line`` is the line of the
    directive being run (the recorder's error messages name it)."""

    def __init__(self, host: Host, macros: dict[str, MacroDef], reach: Reach,
                 changes: list[Change], warnings: list[str], expand_all_text: bool,
                 trace_macros: frozenset[str] = frozenset()) -> None:
        self.host = host
        self.macros = macros
        self.reach = reach
        self.changes = changes
        self.warnings = warnings
        self.expand_all_text = expand_all_text
        self.line = 0
        # The trace macros to look for in the header's skipped groups, and
        # where they were found (the doctor says which conditional hid them).
        self.trace_macros = trace_macros
        self.hidden: list[Hidden] = []
        # While a run is recorded to be replayed (cpp/memo.py): each #define
        # as ("define", the text after it, file, line, macro, its plain
        # names) and each #undef as ("undef", name, file, line), in order.
        self.capture: list[tuple[object, ...]] | None = None

    def read(self, items: tuple[Directive | Text, ...], visit: object, source: str, in_pass: bool) -> None:
        """Run one file's items; *source* is its name as shown, *in_pass*
        whether it is the header (whose text is always expanded)."""
        chunk: list[Text] = []
        conditionals: list[_Conditional] = []
        enable = True
        taken = False  # a group of the innermost conditional was taken
        # In the header: the conditional and group that skip the lines.
        hider: tuple[Directive, Directive] | None = None
        host = self.host
        for item in items:
            if isinstance(item, Text):
                if enable:
                    chunk.append(item)
                elif in_pass and hider is not None:
                    self._note_hidden(item, hider, visit)
                continue
            self.line = item.line
            name, rest = item.split()
            if not name:
                if enable and (toks := lex(rest, item.line, source)):
                    raise host.error_here(gcc("bad_directive", name=toks[0].value))
                continue  # the null directive, or a line in a skipped group
            if name in _CONDITIONALS:
                if name in OPENING:
                    conditionals.append(_Conditional(enable, taken, item, hider))
                    if enable:
                        enable = self._condition(name, item.tokens(source))
                        taken = enable
                        if not enable:
                            hider = (item, item)
                    continue
                if not conditionals:
                    raise host.error_here(gcc("without_if", directive=name))
                top = conditionals[-1]
                if top.had_else and name != "endif":
                    raise host.error_here(gcc("after_else", directive=name))
                if name == "endif":
                    conditionals.pop()
                    enable, taken, hider = top.enable, top.taken, top.hider
                elif not top.enable:
                    pass  # the whole conditional is skipped
                elif name == "else":
                    top.had_else = True
                    enable = not taken
                    taken = True
                elif taken:
                    enable = False
                else:
                    enable = self._condition("elif", item.tokens(source))
                    taken = enable
                if top.enable and name != "endif":
                    hider = top.hider if enable else (top.directive, item)
                continue
            if not enable:
                continue  # skipped without being lexed, as gcc does
            if name == "define":
                self._flush(chunk, visit, source, in_pass)
                self._define_directive(item, rest, source)
                continue
            args = lex(rest, item.line, source)
            if name == "undef":
                self._flush(chunk, visit, source, in_pass)
                self.undef(args, source)
            elif name == "include" or name == "include_next":
                self._flush(chunk, visit, source, in_pass)
                host.include(args, name == "include_next")
            elif name == "pragma" and args and args[0].value == "once":
                host.pragma_once(visit)
            elif name == "pragma" or name == "ident" or name == "sccs":
                # gcc -E prints these lines as they are.
                self._flush(chunk, visit, source, in_pass)
                host.passthrough(item.line, name, args, source)
            elif name == "error":
                raise host.error_here(gcc("error_directive", text=spell(args)))
            elif name == "warning":
                self.warnings.append(f"{source}:{item.line}: warning: #warning {spell(args)}")
            elif name != "line":
                raise host.error_here(gcc("bad_directive", name=name))
        self._flush(chunk, visit, source, in_pass)
        if conditionals:  # gcc names the innermost first
            opened = conditionals[-1].directive
            self.line = opened.line
            raise host.error_here(gcc("unterminated_if", directive=spell(lex(opened.text, opened.line, source))))

    def _note_hidden(self, item: Text, hider: tuple[Directive, Directive], visit: object) -> None:
        for name in item.names():
            if name in self.trace_macros:
                found = re.search(rf"\b{name}\b", item.text)
                line = item.line + (item.text[: found.start()].count("\n") if found else 0)
                self.hidden.append(Hidden(line, name, hider[0], hider[1], visit))
                return

    def _condition(self, name: str, args: list[Tok]) -> bool:
        if name == "if" or name == "elif":
            if not args:
                raise self.host.error_here(gcc("no_expression", directive=name))
            return self.host.condition(name, args)
        if not args:
            raise self.host.error_here(gcc("no_macro_name", directive=name))
        if args[0].type != ID:
            raise self.host.error_here(gcc("not_identifier"))
        return (args[0].value in self.macros) == (name == "ifdef")

    def _flush(self, chunk: list[Text], visit: object, source: str, in_pass: bool) -> None:
        """Expand the text read since the last flush.  Only the header's
        output is kept; text of other files is expanded only when that can
        change what the header's passes show: the statements that can reach
        __COUNTER__ (see reach.py), or all of it if it holds a quote that
        does not close."""
        if not chunk:
            return
        parts = None
        if not in_pass and not self.expand_all_text:
            if not self.reach.needed(chunk):
                chunk.clear()
                return
            if not any(t.unterminated for t in chunk):
                parts = self.reach.parts(chunk)
        if parts is not None:
            for part in parts:
                toks: list[Tok] = []
                for text, start, end in part:
                    if start < end:
                        toks.extend(text.tokens_between(source, start, end))
                self.host.expand_chunk(toks, visit)
        else:
            toks = []
            for t in chunk:
                toks.extend(t.tokens(source))
            self.host.expand_chunk(toks, visit)
        chunk.clear()

    # -- #define and #undef ----------------------------------------------------

    def _define_directive(self, item: Directive, rest: str, source: str) -> None:
        """#define, read once per file and name it is read as: a file read
        again (the trace headers in every pass, a site's headers one after
        another) defines the same macro, so the MacroDef is reused.  Only
        its ``disabled`` flag changes, and no expansion is under way while
        a directive runs."""
        cached = item.defined
        if cached is not None and cached[0] == source:
            macro = cached[1]
            assert isinstance(macro, MacroDef)
            macro.disabled = False  # in case an error stopped an expansion
            self.install(macro, cached[2])
        else:
            plain = item.plain if item.plain_known else plain_define(rest)
            if plain is not None:
                macro = from_plain(plain, rest, source, item.line)
                self.install(macro, plain[4])
                cached = item.defined = (source, macro, plain[4])
            else:
                macro = self.define(lex(rest, item.line, source), source, item.line)
                cached = item.defined = (source, macro, None)
        if self.capture is not None:
            self.capture.append(("define", rest, source, item.line, macro, cached[2]))

    def define(self, toks: list[Tok], file: str, line: int) -> MacroDef:
        body = written_body(toks)  # first: parse_define rewrites the tokens
        try:
            macro = parse_define(toks, file, line)
        except PreprocessError as exc:
            raise PreprocessError(exc.file, exc.line, exc.cause, self.host.chain()) from None
        macro.written = body
        self.install(macro)
        return macro

    def install(self, macro: MacroDef, names: list[str] | None = None) -> None:
        """Make *macro* current; *names* as for Reach.note."""
        macros = self.macros
        old = macros.get(macro.name)
        if old is not None and old.builtin:
            self.warnings.append(f"{macro.file}:{macro.line}: redefining builtin macro {macro.name}")
        macros[macro.name] = macro
        self.reach.note(macro, names)
        self.changes.append(meaning(macro))

    def undef(self, toks: list[Tok], file: str) -> None:
        if not toks or toks[0].type != ID:
            raise PreprocessError(file, self.line, gcc("no_macro_name", directive="undef"), self.host.chain())
        name = toks[0].value
        self.macros.pop(name, None)
        self.changes.append(Change("undef", name, None, None, file, self.line))
        if self.capture is not None:
            self.capture.append(("undef", name, file, self.line))


def meaning(macro: MacroDef) -> Change:
    """A definition as a change: what the pages show of it."""
    return Change("define", macro.name, macro.signature(), macro.written, macro.file, macro.line)


def written_body(toks: list[Tok]) -> str:
    """The replacement list as written, white space runs as one space."""
    i = 1
    if len(toks) > 1 and toks[1].value == "(" and not toks[1].flags & PREV_WHITE:  # skip the parameters
        depth = 0
        while i < len(toks):
            value = toks[i].value
            if value == "(":
                depth += 1
            elif value == ")":
                depth -= 1
            i += 1
            if depth == 0:
                break
    parts: list[str] = []
    for t in toks[i:]:
        if parts and t.flags & PREV_WHITE:
            parts.append(" ")
        parts.append(t.value)
    return "".join(parts)
