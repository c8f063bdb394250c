"""Stage 1 of the pipeline: run the translation unit and record it.

``Recorder`` is a pcpp ``Preprocessor`` whose reading loop, macro
expansion, #define, #undef and #include are replaced by gcc-faithful and
faster versions (pcpp 1.30 differs from gcc in those places; files come
cut into directives and text by scan.py), and which records, for every entry
into the trace header, the pass: why it happened, what was #defined or
#undefined since the previous one, each top-level invocation and all the
code the header produced.  What it returns is a ``recording.Recording``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pcpp

from explainer.cpp import ifexpr, scan
from explainer.cpp.expand import Expander
from explainer.cpp.invocations import InvocationRecorder, PassBuilder
from explainer.cpp.macros import CHAR, ID, PAD, PREV_WHITE, STRING, MacroDef, Tok, spell
from explainer.cpp.pcpp_lexer import Lexer, LexError
from explainer.cpp.printer import Emitted
from explainer.cpp.reach import Reach
from explainer.cpp.reader import Reader, meaning
from explainer.cpp.recording import PassRecord, Recording, Sources
from explainer.errors import PreprocessError
from explainer.kernel import compiler, knowledge
from explainer.kernel.translation_unit import TranslationUnit
from explainer.model import Change, HiddenMacro, IncludeSite, LeftOut, ReInclude
from explainer.prose import gcc

if TYPE_CHECKING:
    from explainer.cpp.memo import Memo

# Limits (README, "Limits"): gcc's own on #include nesting (ours on the
# size of one file is scan.MAX_FILE_BYTES).
MAX_INCLUDE_DEPTH = 200
# With SOURCE_DATE_EPOCH=0 (see TranslationUnit.reproduce) gcc says this.
EPOCH_DATE = '"Jan  1 1970"'
EPOCH_TIME = '"00:00:00"'
BUILTINS = (
    "__FILE__", "__LINE__", "__COUNTER__", "__INCLUDE_LEVEL__", "__BASE_FILE__",
    "__DATE__", "__TIME__",
)
# gcc's function-like operators; the compiler answers them.
ASKED = ("__has_attribute", "__has_builtin", "__has_cpp_attribute", "__has_c_attribute")
# Only meaningful in #if, where we answer them ourselves.
INCLUDE_OPERATORS = ("__has_include", "__has_include_next")


@dataclass
class _Visit:
    """One open file: the TU, or one #include of a file."""

    display: str
    abspath: str | None
    site: IncludeSite | None
    found_in: int | None = None  # index of the -I directory it was found in
    pass_index: int | None = None


class Recorder(pcpp.Preprocessor):  # type: ignore[misc]
    """Runs one translation unit and records the passes over its header.

    ``trace`` picks the invocations (by macro name and argument texts) whose
    expansion is followed, for the kernel helpers' calls to fold, and with
    ``steps`` recorded step by step, with the provenance of each token; it
    costs time and memory, so only the ones a user will look at, and only
    within a page's ``budget`` (see InvocationRecorder).
    ``files`` shares scanned files between recorders (a site build);
    ``expand_all_text`` expands the text of every file, not only what can
    change the header's passes, so that every error gcc reports in any
    file is reported (tests compare that with gcc).  ``on_pass`` is told
    of each pass's tokens when the pass is over, and when another pass
    starts inside it (walkthrough/helper.py).
    """

    def __init__(
        self,
        tu: TranslationUnit,
        trace: Callable[[str, tuple[str, ...]], bool] | None = None,
        *,
        files: scan.FileCache | None = None,
        steps: bool = True,
        budget: int | None = None,
        expand_all_text: bool = False,
        on_pass: Callable[[PassBuilder], None] | None = None,
        line: int | None = None,
        memo: Memo | None = None,
    ) -> None:
        self._ready = False
        super().__init__(lexer=Lexer())
        self.tu = tu
        # pcpp's clock macros and its own marker are not gcc's.
        for name in ("__DATE__", "__TIME__", "__PCPP__"):
            self.macros.pop(name, None)
        # A trace header is meant to be read again: never guess #pragma once.
        self.auto_pragma_once_enabled = False
        self.expand_filemacro = False
        self.expand_linemacro = False
        self.expand_countermacro = False
        self.line_directive: str | None = None
        self.expander = Expander(self.macros, self._builtin, self._expansion_error)
        self.changes: list[Change] = []
        header, reader = tu.header, tu.reader
        self._invocations = InvocationRecorder(
            self.expander, trace, self.changes,
            lambda macro: macro.file == reader or not knowledge.folds(macro.name, macro.file, header),
            steps, budget, line)
        self._on_pass = on_pass
        # Reads of files other than the header, replayed or recorded (memo.py).
        self.memo = memo
        self._visits: list[_Visit] = []
        self._read_stamps: dict[str, tuple[int, int]] = {}  # every file read, as it was (sources())
        self._sources: Sources | None = None
        self._counter = 0
        self._header = os.path.normcase(str(tu.header_abspath))
        self._passes: list[PassBuilder] = []
        self._per_includer: dict[str, int] = {}
        self.left_out: list[LeftOut] = []
        self._files = files if files is not None else scan.FileCache()
        self._left_out_paths: list[str] = []
        # Files whose contents are all in #ifndef X: X, by path (None: not so).
        self._guards: dict[str, str | None] = {}
        self.warnings: list[str] = []
        for name in BUILTINS:
            self.macros[name] = MacroDef(name, None, False, [], "<built-in>", 0, builtin=name)
        for name in (*ASKED, *INCLUDE_OPERATORS, "_Pragma"):
            self.macros[name] = MacroDef(name, ("x",), False, [], "<built-in>", 0, builtin=name)
        self._answers = compiler.Answers(tu.compiler_flags, knowledge.likely_questions())
        self._reader = Reader(self, self.macros, Reach(), self.changes, self.warnings, expand_all_text,
                              knowledge.trace_macros())
        if memo is not None and not memo.replaying:
            self._reader.capture = memo.log
        # The machinery's computed includes, and whether CREATE_TRACE_POINTS
        # was defined when the header was first read (walkthrough/doctor.py).
        self._re_includers = knowledge.re_includers()
        self.re_includes: list[ReInclude] = []
        self._create_trace_points = False
        # Where an error stopped the recording (see where_now), and how
        # many passes had worked by then (see partial).
        self.failed_at: tuple[int, str, str | None, int] | None = None
        self._worked: int | None = None
        self._ready = True

    # -- running -------------------------------------------------------------

    def run(self) -> Recording:
        for definition in self.tu.predefined_macros():
            self.define(definition)
        for flag, value in self.tu.macro_args:  # in order, as gcc applies them
            name, eq, body = value.partition("=")
            if flag == "-D":
                self.define(f"{name} {body if eq else '1'}")
            else:
                self.macros.pop(name, None)
                self.changes.append(Change("undef", name, None, None, "<command-line>", 0))
        try:
            self._run_file(self._scan_text(self.tu.text, "<stdin>", ()), _Visit("<stdin>", None, None))
        except RecursionError:
            raise self.error_here(gcc("args_nest")) from None
        if self.tu.keep is not None:
            from explainer.kernel import focused

            focused.leave_out(self.tu.cwd, self._left_out_paths)
        return self._finish()

    def sources(self) -> Sources:
        """What the run read (made when first asked: some 20 ms, which a
        run that keeps no record and asks gcc nothing need not spend)."""
        if self._sources is None:
            files = dict(self.memo.kept[0]) if self.memo is not None else {}
            files.update(self._read_stamps)
            folders = dict(self.memo.kept[1]) if self.memo is not None else {}
            folders.update(scan.searched(self._files))
            self._sources = Sources(tuple(sorted(files.items())), tuple(sorted(folders.items())))
        return self._sources

    def partial(self) -> Recording:
        """After run() raised a PreprocessError: what was recorded, with the
        passes that worked (none of the one the error stopped)."""
        return self._finish(self._worked if self._worked is not None else max(0, len(self._passes) - 1))

    def _finish(self, worked: int | None = None) -> Recording:
        kept = self._passes if worked is None else self._passes[:worked]
        passes = []
        for b in kept:
            passes.append(
                PassRecord(
                    index=b.index,
                    stage=b.stage,
                    included_from=b.site,
                    chain=b.chain,
                    changes=b.changes(self.changes),
                    invocations=tuple(b.invocations),
                    emitted=tuple(b.emitted),
                    meanings=tuple(meaning(m) for m in b.meanings.values()),
                    changes_start=b.changes_from_previous,
                )
            )
        after = kept[-1].changes_at_start if kept else 0 if worked is not None else len(self.changes)
        hidden = tuple(HiddenMacro(
            h.visit.pass_index, h.line, h.macro, h.opening.text.strip(), h.opening.line,
            h.group.text.strip(), h.group.line,
        ) for h in self._reader.hidden if isinstance(h.visit, _Visit) and h.visit.pass_index is not None)
        return Recording(tu=self.tu, passes=tuple(passes), warnings=tuple(self.warnings),
                         left_out=tuple(self.left_out), changes_after=tuple(self.changes[after:]),
                         steps_dropped=self._invocations.steps_dropped,
                         re_includes=tuple(self.re_includes), hidden=hidden,
                         create_trace_points=self._create_trace_points)

    # -- files -----------------------------------------------------------------

    def _run_file(self, items: tuple[scan.Directive | scan.Text, ...], visit: _Visit) -> None:
        if visit.abspath is not None and visit.site is not None and os.path.normcase(visit.abspath) == self._header:
            visit.pass_index = self._begin_pass(visit.site)
        self._visits.append(visit)
        outer_pass = self._invocations.current
        if visit.pass_index is not None:
            if outer_pass is not None and self._on_pass is not None:
                # The pass that read define_trace.h is most likely over.
                self._on_pass(outer_pass)
            self._invocations.current = self._passes[visit.pass_index - 1]
        try:
            self._reader.read(items, visit, visit.display, visit.pass_index is not None)
        except PreprocessError:
            if self.failed_at is None:  # before the blocks around it forget it
                self.failed_at = self.where_now()
                current = self._invocations.current
                # An error in the header's own text stops its pass; one in
                # the machinery (a re-include not found) comes after the
                # pass that included it, whose text is all there.
                reading = visit.pass_index if visit.pass_index is not None else None
                self._worked = (reading - 1 if reading is not None
                                else current.index if current is not None else 0)
            raise
        finally:
            self._invocations.close()
            self._visits.pop()
            self._invocations.current = outer_pass
        if visit.pass_index is not None and self._on_pass is not None:
            self._on_pass(self._passes[visit.pass_index - 1])

    def condition(self, name: str, tokens: list[Tok]) -> bool:
        """#if or #elif (the reader answers #ifdef and #ifndef)."""
        return bool(self.evalexpr(tokens)[0])

    def _scan_text(self, text: str, display: str, chain: tuple[tuple[str, int], ...]) -> tuple[scan.Directive | scan.Text, ...]:
        try:
            return scan.scan(text)
        except LexError as exc:
            raise PreprocessError(display, exc.lineno, exc.cause, chain) from None

    def _begin_pass(self, site: IncludeSite) -> int:
        index = len(self._passes) + 1
        if index == 1:
            self._create_trace_points = "CREATE_TRACE_POINTS" in self.macros
        includer = os.path.basename(site.file)
        ordinal = self._per_includer.get(includer, 0)
        self._per_includer[includer] = ordinal + 1
        stage = knowledge.stage_for(includer, ordinal, first=index == 1)
        if index == 2 and self._passes[0].stage == knowledge.first_stage():
            # The second read says whose machinery the .c file's first read was for.
            self._passes[0].stage = knowledge.first_stage_for(includer) or self._passes[0].stage
        chain = (site, *(v.site for v in reversed(self._visits) if v.site is not None))
        previous = self._passes[-1].changes_at_start if self._passes else 0
        self._passes.append(PassBuilder(index, stage, site, chain, len(self.changes), previous))
        return index

    def include(self, toks: list[Tok], next_only: bool = False) -> None:
        computed = bool(toks) and toks[0].type != STRING and toks[0].value != "<"
        if computed:
            toks = self.expander.expand(toks, in_directive=True)
        name, angled = self._include_name(toks)
        here = self._visits[-1]
        line = self._line
        # The machinery's re-include of the header: noted for the doctor,
        # and never left out (read as an empty file) in focused mode.
        re_include = computed and os.path.basename(here.display) in self._re_includers
        if len(self._visits) > MAX_INCLUDE_DEPTH:
            raise self.error_here(gcc("include_depth", depth=MAX_INCLUDE_DEPTH))
        found = self._search(name, angled, here, next_only)
        if re_include:
            self._note_re_include(name, angled, here, line, found)
        if self.tu.keep is not None and not re_include and not self._kept(found):
            self._leave_out(name, angled, here, line)
            return
        if found is None:
            raise self.error_here(self._not_found_message(name, angled))
        display, abspath, found_in = found
        if abspath in self.include_once:  # filled by pcpp's "#pragma once"
            return
        guard = self._guards.get(abspath)
        if guard is not None and guard in self.macros:
            return  # all of it is skipped: not read again (gcc does not)
        memo = self.memo
        framed = memo is not None and os.path.normcase(abspath) != self._header
        if framed and memo is not None and memo.replay(self, abspath):
            return
        site = IncludeSite(here.display, line)
        chain = ((site.file, site.line), *self.chain())
        try:
            stamp = scan.stamp(abspath)
        except OSError as exc:
            raise self.error_here(gcc("unreadable", path=display, reason=exc.strerror or exc)) from None
        self._read_stamps.setdefault(abspath, stamp)
        if memo is not None:
            memo.read(abspath, stamp)
        if not framed or memo is None:
            self._read_file(display, abspath, found_in, site, chain, stamp)
            return
        memo.begin(self, abspath)
        try:
            self._read_file(display, abspath, found_in, site, chain, stamp)
        except BaseException:
            memo.broken = True
            raise
        memo.end(self)

    def _read_file(self, display: str, abspath: str, found_in: int | None, site: IncludeSite,
                   chain: tuple[tuple[str, int], ...], stamp: tuple[int, int]) -> None:
        items = self._files.get(abspath, stamp, lambda: self._scan_text(self._read(display, abspath, chain), display, chain))
        if abspath not in self._guards and os.path.normcase(abspath) != self._header:
            guard = self._guards[abspath] = scan.include_guard(items)  # never the header: its reads are passes
            if self.memo is not None:
                self.memo.note(("guard", abspath, guard))
        self._run_file(items, _Visit(display, abspath, site, found_in))

    def _note_re_include(self, name: str, angled: bool, here: _Visit, line: int,
                         found: tuple[str, str, int | None] | None) -> None:
        def body(macro: str) -> str | None:
            m = self.macros.get(macro)
            if m is None or os.path.basename(m.file) in self._re_includers:
                return None
            return spell(m.body)

        self.re_includes.append(ReInclude(
            IncludeSite(here.display, line), here.abspath, f"<{name}>" if angled else f'"{name}"',
            found[0] if found else None, found[1] if found else None,
            body("TRACE_INCLUDE_PATH"), body("TRACE_INCLUDE_FILE"), body("TRACE_SYSTEM"),
        ))

    def _kept(self, found: tuple[str, str, int | None] | None) -> bool:
        """Focused mode: is the file one of the kept ones?"""
        if found is None:
            return False
        relative = os.path.relpath(found[1], self.tu.cwd).replace(os.sep, "/")
        return any(fnmatch.fnmatchcase(relative, p) for p in self.tu.keep or ())

    def _leave_out(self, name: str, angled: bool, here: _Visit, line: int) -> None:
        spelled = f"<{name}>" if angled else f'"{name}"'
        entry = LeftOut(spelled, IncludeSite(here.display, line))
        if entry in self.left_out:
            return  # the header's own includes come back on every pass
        self.left_out.append(entry)
        # Where gcc looks first, so that an empty file there stands in for it.
        if angled or here.abspath is None:
            first = f"{self.tu.include_dirs[0]}/{name}" if self.tu.include_dirs else name
        else:
            first = f"{os.path.dirname(here.display)}/{name}"
        self._left_out_paths.append(first)

    def _include_name(self, toks: list[Tok]) -> tuple[str, bool]:
        if toks and toks[0].type == STRING and toks[0].value.startswith('"'):
            return toks[0].value[1:-1], False
        if toks and toks[0].value == "<":
            parts: list[str] = []
            for t in toks[1:]:
                if t.value == ">" and t.type not in (STRING, CHAR):
                    return "".join(parts), True
                if parts and t.flags & PREV_WHITE:
                    parts.append(" ")
                parts.append(t.value)
        raise self.error_here(gcc("include_expects"))

    def _search(
        self, name: str, angled: bool, here: _Visit, next_only: bool = False
    ) -> tuple[str, str, int | None] | None:
        return scan.find_include(name, angled, here.display if here.abspath is not None else None,
                                 here.found_in, next_only, str(self.tu.cwd), self.tu.include_dirs,
                                 self._files.found)

    def _not_found_message(self, name: str, angled: bool) -> str:
        text = gcc("not_found", name=f"<{name}>" if angled else f'"{name}"')
        in_define_trace = bool(self._visits) and os.path.basename(self._visits[-1].display) == "define_trace.h"
        if in_define_trace and "TRACE_INCLUDE_PATH" not in self.macros:
            text += gcc("not_found_no_path")
        elif in_define_trace:
            text += gcc("not_found_path", path=spell(self.macros["TRACE_INCLUDE_PATH"].body))
        return text

    def _read(self, display: str, abspath: str, chain: tuple[tuple[str, int], ...]) -> str:
        try:
            return scan.read_source(abspath)
        except OSError as exc:
            raise self.error_here(gcc("unreadable", path=display, reason=exc.strerror or exc)) from None
        except LexError as exc:
            raise PreprocessError(display, exc.lineno, exc.cause, chain) from None

    # -- directives ------------------------------------------------------------

    def define(self, tokens: str | list[Tok]) -> MacroDef | None:
        """pcpp's way in (its constructor, and -D options here)."""
        if not self._ready:
            return None  # pcpp's constructor defines its clock macros; we do not want them
        if isinstance(tokens, str):
            return self._reader.define(scan.lex_source(tokens, 0, "<command-line>"), "<command-line>", 0)
        file = self._visits[-1].display if self._visits else "<command-line>"
        return self._reader.define(tokens, file, self._line)

    def evalexpr(self, tokens: list[Tok]) -> tuple[int, None]:
        """#if and #elif: gcc's order.  ``defined`` and __has_include are
        answered before expansion (their operands are not expanded), the
        rest is expanded, ``defined`` produced by a macro is answered, and
        every identifier left is 0."""
        toks = self._answer_operators(tokens)
        toks = [t for t in self.expander.expand(toks, in_directive=True) if t.type != PAD]
        toks = self._answer_operators(toks)
        try:
            return ifexpr.evaluate(toks), None
        except ifexpr.IfError as exc:
            raise self.error_here(exc.cause) from None
        except RecursionError:
            raise self.error_here(gcc("if_nest")) from None

    def _answer_operators(self, toks: list[Tok]) -> list[Tok]:
        out: list[Tok] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.type == ID and t.value == "defined":
                j = i + 1
                paren = j < len(toks) and toks[j].value == "("
                j += paren
                if j >= len(toks) or toks[j].type != ID or (paren and (j + 1 >= len(toks) or toks[j + 1].value != ")")):
                    raise self.error_here(gcc("defined_needs_name"))
                value = toks[j].value in self.macros
                out.append(Tok("CPP_INTEGER", "1" if value else "0", t.flags, t.lineno, t.source))
                i = j + 1 + paren
                continue
            if t.type == ID and t.value in INCLUDE_OPERATORS:
                found, i = self._has_include(toks, i, t.value == "__has_include_next")
                out.append(Tok("CPP_INTEGER", "1" if found else "0", t.flags, t.lineno, t.source))
                continue
            out.append(t)
            i += 1
        return out

    def _has_include(self, toks: list[Tok], i: int, next_only: bool) -> tuple[bool, int]:
        j = i + 1
        if j >= len(toks) or toks[j].value != "(":
            raise self.error_here(gcc("missing_open_paren", name=toks[i].value))
        close = j + 1
        depth = 0
        while close < len(toks) and not (toks[close].value == ")" and depth == 0):
            depth += {"(": 1, ")": -1}.get(toks[close].value, 0)
            close += 1
        operand = toks[j + 1 : close]
        if operand and operand[0].type != STRING and operand[0].value != "<":
            operand = [t for t in self.expander.expand(operand, in_directive=True) if t.type != PAD]
        name, angled = self._include_name(operand)
        found = self._search(name, angled, self._visits[-1], next_only) is not None
        return found, close + 1

    # -- expansion -------------------------------------------------------------

    def expand_chunk(self, toks: list[Tok], visit: object) -> None:
        """Expand text the reader gathered (see reader._flush)."""
        assert isinstance(visit, _Visit)
        builder = self._invocations.current if visit.pass_index is not None else None
        try:
            self._expand_text(toks, visit, builder)
        except RecursionError:
            # Deep argument nesting: said here, where the file is still known.
            raise self.error_here(gcc("args_nest")) from None

    def _expand_text(self, toks: list[Tok], visit: _Visit, builder: PassBuilder | None) -> None:
        for t in toks:
            if t.type == "CPP_UNTERMINATED":
                quote = "'" if "'" in t.value[:3] and '"' not in t.value[:3] else '"'
                raise PreprocessError(visit.display, t.lineno, gcc("missing_terminating", quote=quote), self.chain())
        x = self.expander
        if builder is None:
            x.run(toks)
            return
        x.listener = self._invocations
        try:
            x.emit(toks, builder.emitted, self._invocations.close)
            self._invocations.close()
        finally:
            x.listener = None

    def pragma_once(self, visit: object) -> None:
        assert isinstance(visit, _Visit)
        if visit.abspath is not None:
            self.include_once[visit.abspath] = None
            if self.memo is not None:
                self.memo.note(("once", visit.abspath))

    def passthrough(self, line: int, name: str, args: list[Tok], source: str) -> None:
        """A directive line gcc -E prints as it is (#pragma, #ident)."""
        builder = self._invocations.current
        if builder is None or not self._visits or self._visits[-1].pass_index is None:
            return
        emitted = builder.emitted
        emitted.append(Emitted(Tok("CPP_POUND", "#", PREV_WHITE if emitted else 0, line, source), line))
        emitted.append(Emitted(Tok(ID, name, 0, line, source), line))
        emitted.extend(Emitted(t, t.lineno) for t in args)

    def _builtin(self, macro: MacroDef, name: Tok, top_line: int, operand: list[Tok] | None) -> list[Tok]:
        if macro.builtin == "_Pragma":
            return self._pragma(name, operand or [])
        return [self._builtin_value(macro, name, top_line, operand)]

    def _pragma(self, name: Tok, operand: list[Tok]) -> list[Tok]:
        """_Pragma("x") is the line #pragma x, as gcc -E prints it."""
        strings = [t for t in operand if t.type != PAD]
        if len(strings) != 1 or strings[0].type != STRING:
            raise self.error_here(gcc("pragma_string"))
        text = strings[0].value
        text = text[text.index('"') + 1 : -1].replace('\\"', '"').replace("\\\\", "\\")
        out = [Tok("CPP_POUND", "#", name.flags, name.lineno, name.source),
               Tok(ID, "pragma", 0, name.lineno, name.source)]
        tokens = scan.lex_source(text, name.lineno, name.source or "")
        for t in tokens:
            t.lineno = name.lineno
        if tokens:
            tokens[0].flags |= PREV_WHITE
        return out + tokens

    def _builtin_value(self, macro: MacroDef, name: Tok, top_line: int, operand: list[Tok] | None) -> Tok:
        kind = macro.builtin
        if kind in ASKED:
            words = [t.value for t in operand or [] if t.type != PAD]
            if len(words) != 1 or not _IDENTIFIER.fullmatch(words[0]):
                raise self.error_here(gcc("needs_identifier", name=kind))
            answer = self._answers.ask(str(kind), words[0])
            return Tok("CPP_INTEGER", str(answer), name.flags, name.lineno, name.source)
        if kind in INCLUDE_OPERATORS:
            raise self.error_here(gcc("outside_directive", name=kind))
        if kind == "__LINE__":
            value = str(name.lineno if name.origin is None else top_line)
            return Tok("CPP_INTEGER", value, name.flags, name.lineno, name.source)
        if kind == "__COUNTER__":
            self._counter += 1
            return Tok("CPP_INTEGER", str(self._counter - 1), name.flags, name.lineno, name.source)
        if kind == "__INCLUDE_LEVEL__":
            return Tok("CPP_INTEGER", str(len(self._visits) - 1), name.flags, name.lineno, name.source)
        if kind == "__FILE__":
            text = self._visits[-1].display if self._visits else "<stdin>"
        elif kind == "__BASE_FILE__":
            text = "<stdin>"
        elif kind == "__DATE__":
            return Tok(STRING, EPOCH_DATE, name.flags, name.lineno, name.source)
        else:
            return Tok(STRING, EPOCH_TIME, name.flags, name.lineno, name.source)
        quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return Tok(STRING, quoted, name.flags, name.lineno, name.source)

    # -- helpers ---------------------------------------------------------------

    @property
    def _line(self) -> int:
        """The line of the directive being run."""
        return self._reader.line

    def chain(self) -> tuple[tuple[str, int], ...]:
        return tuple((v.site.file, v.site.line) for v in reversed(self._visits) if v.site is not None)

    def _where(self) -> tuple[str, int]:
        file = self._visits[-1].display if self._visits else "<stdin>"
        return file, self._line

    def _expansion_error(self, cause: str, line: int) -> PreprocessError:
        file, directive_line = self._where()
        return PreprocessError(file, line or directive_line, cause, self.chain())

    def where_now(self) -> tuple[int, str, str | None, int] | None:
        """The pass being read (index, stage), and the invocation of the
        header being expanded, if any ("TRACE_EVENT(name)", line): where
        an error stopped the recording (explain check says it)."""
        current = self._invocations.current
        if current is None:
            return None
        opened = self._invocations.opened
        if opened is None:
            return (current.index, current.stage, None, 0)
        roles = knowledge.roles(opened.macro) or knowledge.roles(opened.called or "") or {}
        named = roles.get("event", roles.get("class"))
        call = opened.macro
        if named is not None and named < len(opened.args):
            call = f"{opened.macro}({opened.args[named].strip()})"
        return (current.index, current.stage, call, opened.line)

    def error_here(self, cause: str) -> PreprocessError:
        file, line = self._where()
        top = self.expander.top_line
        if top and self.expander.expanding:
            line = top
        return PreprocessError(file, line, cause, self.chain())


_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
