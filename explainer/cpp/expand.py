"""Macro expansion, step for step as gcc's cpplib does it.

gcc is the oracle, so this follows its algorithm rather than the
standard's prose: a stack of token contexts, a macro disabled while its
own context is on the stack, names painted NO_EXPAND when read while
disabled, arguments pre-expanded lazily, and padding tokens that carry
white-space information (they make ``#x`` and printed output match gcc).

The hot path is ``_get``.  Recording hooks are called only where a
listener is set, and only at top level (an invocation written in a file).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Protocol

from explainer.cpp import lexer
from explainer.cpp.macros import (
    AVOID_PASTE,
    CHAR,
    EOF,
    ID,
    NO_EXPAND,
    PAD,
    PARAM,
    PASTE_LEFT,
    PREV_WHITE,
    STRING,
    STRINGIFY,
    VAOPT_END,
    VAOPT_START,
    Frame,
    MacroDef,
    Tok,
    padding,
)
from explainer.cpp.pcpp_lexer import classify
from explainer.cpp.printer import Emitted
from explainer.errors import PreprocessError
from explainer.prose import gcc

# Limits that keep hostile input bounded (see README, "Limits").
MAX_EXPANDED_TOKENS = 2_000_000  # tokens pushed for one invocation written in a file
MAX_EXPANSIONS = 100_000  # macros expanded for one invocation (a TRACE_EVENT needs ~3,000)
MAX_CONTEXT_DEPTH = 10_000
# Arguments pre-expanded inside arguments, F(G(H(...))): each level is a
# recursion, so the limit is what keeps the stack (Python's or, compiled,
# the C stack) safe.
MAX_ARGUMENT_NESTING = 200


# Wall-clock deadline (time.monotonic()) for the current run, or None.  Set
# by the CLI around one run; checked every 1,024 pushes, where runaway
# expansion spends its time.  A signal would land anywhere, even in a
# garbage-collector callback that swallows it.
_deadline: float | None = None
_deadline_seconds: float = 0.0


def set_deadline(seconds: float | None) -> None:
    global _deadline, _deadline_seconds
    _deadline = time.monotonic() + seconds if seconds else None
    _deadline_seconds = seconds or 0.0


def time_left() -> float | None:
    """Seconds until the deadline (never below 0), or None without one."""
    return max(_deadline - time.monotonic(), 0.0) if _deadline is not None else None


def gave_up() -> str:
    from explainer import prose  # only when a run has failed

    return prose.error("gave_up", seconds=f"{_deadline_seconds:g}")


class Listener(Protocol):
    """What the recorder wants to know about top-level invocations."""

    def invocation(
        self, name: Tok, macro: MacroDef, args: list[list[Tok] | None] | None
    ) -> None: ...

    def macro_used(self, macro: MacroDef) -> None: ...

    def arguments(self, macro: MacroDef, args: list[list[Tok] | None], depth: int) -> None: ...


class Tracer(Protocol):
    """Told every rewrite step while set (for the step-by-step view)."""

    def expanded(
        self, macro: MacroDef, args: list[list[Tok] | None] | None,
        pre_expanded: dict[int, list[Tok]], result: list[Tok], depth: int, frame: Frame | None,
    ) -> None: ...

    # *frame*: the expansion whose replacement list did it.
    def pasted(self, lhs: Tok, rhs: Tok, result: Tok, depth: int, frame: Frame | None) -> None: ...

    def stringified(self, macro: MacroDef, arg: list[Tok], result: Tok, depth: int,
                    frame: Frame | None) -> None: ...


class _Context:
    __slots__ = ("frame", "macro", "pos", "tokens")

    def __init__(self, tokens: list[Tok], macro: MacroDef | None, frame: Frame | None) -> None:
        self.tokens = tokens
        self.pos = 0
        self.macro = macro
        self.frame = frame  # set only while framing


def _typed(kind: str, spelling: str) -> str:
    """A pasted token's type, named as the lexer names a lexed one."""
    if kind == "ident":
        return ID
    if kind == "string":
        return STRING
    if kind == "char":
        return CHAR
    return classify(kind, spelling)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def stringify(arg: list[Tok]) -> str:
    """``#arg``: gcc's stringify_arg, white space decided by padding."""
    out: list[str] = ['"']
    source: Tok | None = None
    backslashes = 0
    for tok in arg:
        if tok.type == PAD:
            if source is None or (not source.flags & PREV_WHITE and tok.pad is None):
                source = tok.pad
            continue
        if len(out) > 1:
            if source is None:
                source = tok
            if source.flags & PREV_WHITE:
                out.append(" ")
        source = None
        if tok.type in (STRING, CHAR):
            out.append(_quote(tok.value))
        else:
            out.append(tok.value)
        backslashes = backslashes + 1 if tok.value == "\\" else 0
    if backslashes % 2:
        out.pop()
    out.append('"')
    return "".join(out)


class Expander:
    """Expands token lists against a macro table.

    ``builtin`` answers built-in macros (__LINE__, __FILE__, __COUNTER__)
    given the macro, the name token and the current top-level line;
    ``error`` makes the error to raise for a cause at a line (0: unknown).
    """

    def __init__(
        self,
        macros: dict[str, MacroDef],
        builtin: Callable[[MacroDef, Tok, int, list[Tok] | None], list[Tok]],
        error: Callable[[str, int], PreprocessError],
    ) -> None:
        self.macros = macros
        self.builtin = builtin
        self.error = error
        self.listener: Listener | None = None
        self.tracer: Tracer | None = None
        # While set, every expansion gets a Frame and every token read from
        # a replacement list is a copy that knows it (macros.Frame): which
        # macros made a token, and what a folded call reads as.
        self.framing = False
        self._popped: list[Frame] = []  # expansions ended while arguments were read
        self._frames = 0  # frames made so far
        self._stack: list[_Context] = []
        self._prevent = 0
        self._in_directive = False
        self._base: _Context | None = None
        self._from_base = False
        self._top_line = 0
        self._top_name = ""
        self._budget = MAX_EXPANDED_TOKENS
        self._expansions = MAX_EXPANSIONS
        self._nesting = 0
        self.last_from_base = False

    # -- public -----------------------------------------------------------

    @property
    def top_line(self) -> int:
        """Line of the invocation being expanded (gcc's expansion point)."""
        return self._top_line

    @property
    def expanding(self) -> bool:
        return len(self._stack) > 1

    def expand(self, tokens: list[Tok], in_directive: bool = False) -> list[Tok]:
        """Fully macro-expand *tokens*; returns tokens with padding (none
        in directives, as gcc)."""
        return list(self.stream(tokens, in_directive))

    def run(self, tokens: list[Tok]) -> None:
        """Expand *tokens* for their effects alone (__COUNTER__, errors)."""
        saved = self._begin(tokens, False)
        try:
            while self._get().type != EOF:
                pass
        except RecursionError:
            raise self._too_deep() from None
        finally:
            self._end(saved)

    def emit(self, tokens: list[Tok], emitted: list[Emitted], at_base: Callable[[], None]) -> None:
        """Expand *tokens* onto *emitted*, each on the line gcc prints it
        on; *at_base* is called before each token that came straight from
        *tokens* (an invocation written in the file has ended)."""
        saved = self._begin(tokens, False)
        try:
            while True:
                tok = self._get()
                if tok.type == EOF:
                    return
                if self.last_from_base:
                    at_base()
                    emitted.append(Emitted(tok, tok.lineno))
                else:
                    emitted.append(Emitted(tok, self._top_line))
        except RecursionError:
            raise self._too_deep() from None
        finally:
            self._end(saved)

    def stream(self, tokens: list[Tok], in_directive: bool = False) -> Iterator[Tok]:
        """Expanded tokens one by one; after each, ``last_from_base`` says
        whether it came straight from *tokens* (not from an expansion)."""
        saved = self._begin(tokens, in_directive)
        try:
            while True:
                tok = self._get()
                if tok.type == EOF:
                    return
                yield tok
        except RecursionError:
            raise self._too_deep() from None
        finally:
            self._end(saved)

    def _begin(self, tokens: list[Tok], in_directive: bool) -> tuple[
            list[_Context], int, bool, _Context | None, int]:
        """Start expanding *tokens*; returns the state to restore, since an
        expansion can start inside another (#include's operand)."""
        saved = (self._stack, self._prevent, self._in_directive, self._base, self._top_line)
        base = _Context([*tokens, Tok(EOF, "")], None, None)
        self._stack = [base]
        self._base = base
        self._prevent = 0
        self._in_directive = in_directive
        return saved

    def _end(self, saved: tuple[list[_Context], int, bool, _Context | None, int]) -> None:
        for ctx in self._stack[1:]:
            if ctx.macro is not None:
                ctx.macro.disabled = False
        self._stack, self._prevent, self._in_directive, self._base, self._top_line = saved

    def _too_deep(self) -> PreprocessError:
        # Python's stack, not the input, ran out: say where, plainly.
        return self._error(gcc("args_nest"))

    # -- gcc's cpp_get_token ------------------------------------------------

    def _error(self, cause: str) -> PreprocessError:
        return self.error(cause, self._top_line)

    def _get(self) -> Tok:
        stack = self._stack
        while True:
            ctx = stack[-1]
            from_base = ctx is self._base
            if ctx.pos < len(ctx.tokens):
                tok = ctx.tokens[ctx.pos]
                if from_base and tok.type == EOF:
                    self.last_from_base = True
                    return tok  # the end of the input stays put
                ctx.pos += 1
                if not from_base and tok.flags & PASTE_LEFT:
                    self._paste_all(tok)
                    if self._in_directive:
                        continue
                    self.last_from_base = False
                    return padding(tok)
            else:
                self._pop()
                if self._in_directive:
                    continue
                self.last_from_base = False
                return AVOID_PASTE
            if ctx.frame is not None and tok.frame is None and tok.src is None and tok.type != PAD:
                tok = tok.framed(ctx.frame)
            self.last_from_base = from_base
            if tok.type != ID or tok.flags & NO_EXPAND:
                return tok
            macro = self.macros.get(tok.value)
            if macro is None:
                return tok
            if macro.disabled:
                return tok.with_flags(tok.flags | NO_EXPAND)
            if self._prevent:
                return tok
            if from_base:
                self._top_line = tok.lineno
                self._top_name = tok.value
                self._budget = MAX_EXPANDED_TOKENS
                self._expansions = MAX_EXPANSIONS
            if self._enter(macro, tok, from_base):
                if self._in_directive:
                    continue
                self.last_from_base = False
                return padding(tok)
            self.last_from_base = from_base
            return tok

    def _frame(self, macro: MacroDef, parent: Frame | None, args: list[list[Tok] | None] | None,
               how: str | None, name_src: Tok | None = None) -> Frame:
        self._frames += 1
        return Frame(macro, parent, args, how, self._frames, name_src)

    def _reframed(self, tokens: list[Tok], after: int, upto: int) -> list[Tok]:
        """*tokens*, an argument's expansion used once already, with the
        frames made while it was expanded (numbered after..upto) made
        again: each use of it is an expansion of its own where it
        stands, and folds as one (cpp/invocations.py)."""
        again: dict[int, Frame] = {}

        def copy(frame: Frame | None) -> Frame | None:
            if frame is None or not after < frame.serial <= upto:
                return frame
            found = again.get(id(frame))
            if found is None:
                found = again[id(frame)] = self._frame(frame.macro, copy(frame.parent), frame.args, frame.how,
                                                       frame.name_src)
            return found

        out: list[Tok] = []
        for t in tokens:
            if t.frame is not None and after < t.frame.serial <= upto:
                t = t.with_flags(t.flags)
                t.frame = copy(t.frame)
            out.append(t)
        return out

    def _push(self, tokens: list[Tok], macro: MacroDef | None, frame: Frame | None = None) -> None:
        if len(self._stack) > MAX_CONTEXT_DEPTH:
            raise self._error(gcc("expansion_nest", limit=MAX_CONTEXT_DEPTH))
        self._charge(len(tokens))
        self._stack.append(_Context(tokens, macro, frame))

    def _charge(self, count: int) -> None:
        """Count *count* tokens and one expansion against the limits."""
        self._budget -= count
        self._expansions -= 1
        if not self._expansions & 1023 and _deadline is not None and time.monotonic() > _deadline:
            raise self._error(gave_up())
        if self._expansions < 0:
            raise self._error(gcc("too_many_expansions", name=self._top_name, limit=f"{MAX_EXPANSIONS:,}"))
        if self._budget < 0:
            raise self._error(gcc("too_many_tokens", name=self._top_name, limit=f"{MAX_EXPANDED_TOKENS:,}"))

    def _pop(self) -> None:
        ctx = self._stack.pop()
        if ctx.macro is not None:
            ctx.macro.disabled = False
            if ctx.frame is not None and self._prevent:
                self._popped.append(ctx.frame)

    def _backup(self) -> None:
        self._stack[-1].pos -= 1

    # -- gcc's enter_macro_context -------------------------------------------

    def _enter(self, macro: MacroDef, name: Tok, top: bool) -> bool:
        if macro.builtin is not None:
            return self._enter_builtin(macro, name)
        listener = self.listener if top and not self._in_directive else None
        args: list[list[Tok] | None] | None = None
        if macro.funlike:
            args = self._arguments(macro, name)
            if args is None:
                return False
            if not top and self._stack[-1] is self._base and self.listener is not None and not self._in_directive:
                # An alias (sched.h's DEFINE_EVENT_SCHEDSTAT, object-like)
                # whose macro takes its arguments from the file.
                self.listener.arguments(macro, args, len(self._stack))
        if listener is not None:
            listener.invocation(name, macro, args)
        frame = self._frame(macro, name.frame, args, None, name.src) if self.framing else None
        expanded: dict[int, list[Tok]] = {}
        if args:
            tokens = self._replace_args(macro, args, expanded, frame)
        else:
            tokens = macro.body
        if self.tracer is not None:
            self.tracer.expanded(macro, args, expanded, tokens, len(self._stack), frame)
        if self.listener is not None and not self._in_directive:
            self.listener.macro_used(macro)
        macro.disabled = True
        self._push(tokens, macro, frame)
        return True

    def _enter_builtin(self, macro: MacroDef, name: Tok) -> bool:
        """__LINE__ and friends; and gcc's function-like operators
        (__has_attribute(x) ...), whose operand is macro-expanded first."""
        operand: list[Tok] | None = None
        if macro.funlike:
            args = self._arguments(macro, name)
            if args is None:
                return False
            # _Pragma's string is taken as written; the others' operands expand.
            operand = args[0] or [] if macro.builtin == "_Pragma" else self._expand_arg(args[0] or [])
        self._push(self.builtin(macro, name, self._top_line, operand), None)
        return True

    def _arguments(self, macro: MacroDef, name: Tok) -> list[list[Tok] | None] | None:
        """The arguments of a function-like invocation, read with expansion
        held off; None when no '(' follows the name."""
        self._prevent += 1
        popped = len(self._popped)
        try:
            args = self._funlike_invocation(macro, name)
        finally:
            self._prevent -= 1
        if len(self._popped) > popped:
            if args is not None:  # the call read past their ends
                for frame in self._popped[popped:]:
                    frame.spanned = True
            del self._popped[popped:]
        return args

    def _funlike_invocation(self, macro: MacroDef, name: Tok) -> list[list[Tok] | None] | None:
        pad: Tok | None = None
        while True:
            tok = self._get()
            if tok.type != PAD:
                break
            if pad is None or pad.pad is None or (
                not pad.pad.flags & PREV_WHITE and tok.pad is None
            ):
                pad = tok
        if tok.value == "(" and tok.type not in (STRING, CHAR, PAD, EOF):
            return self._collect_args(macro, name)
        if tok.type != EOF or self._stack[-1] is not self._base:
            self._backup()
            if pad is not None:
                self._push([pad], None)
        return None

    def _collect_args(self, macro: MacroDef, name: Tok) -> list[list[Tok] | None] | None:
        args: list[list[Tok] | None] = []
        nparams = macro.nparams
        depth = 0
        while True:
            arg: list[Tok] = []
            args.append(arg)
            while True:
                tok = self._get()
                ttype = tok.type
                if ttype == PAD:
                    if not arg:
                        continue
                elif ttype == EOF:
                    break
                elif tok.value == "(" and ttype != STRING and ttype != CHAR:
                    depth += 1
                elif tok.value == ")" and ttype != STRING and ttype != CHAR:
                    if depth == 0:
                        break
                    depth -= 1
                elif tok.value == "," and depth == 0 and ttype != STRING and ttype != CHAR:
                    if not (macro.variadic and len(args) == nparams):
                        break
                arg.append(tok)
            while arg and arg[-1].type == PAD:
                arg.pop()
            if tok.type == EOF or tok.value == ")":
                break
        if tok.type == EOF:
            raise self._error(gcc("unterminated_args", name=macro.name))
        argc = len(args)
        if argc == 1 and nparams == 0 and not args[0]:
            argc = 0
            args = []
        if argc != nparams:
            if argc < nparams and argc + 1 == nparams and macro.variadic:
                args.append(None)  # GNU: variadic arguments left out entirely
            elif argc < nparams:
                raise self._error(gcc("too_few_args", name=macro.name, need=nparams, given=argc))
            else:
                raise self._error(gcc("too_many_args", name=macro.name, need=nparams, given=argc))
        elif macro.variadic and argc == 1 and not args[0]:
            args[0] = None  # GNU mode: M() of a variadic-only macro omits it
        return args

    # -- gcc's replace_args ------------------------------------------------

    def _replace_args(
        self, macro: MacroDef, args: list[list[Tok] | None], expanded: dict[int, list[Tok]],
        frame: Frame | None,
    ) -> list[Tok]:
        body = macro.body
        out: list[Tok] = []
        skipping = False  # inside a __VA_OPT__ whose variadic argument is empty
        in_directive = self._in_directive
        # Framing only: the frames each argument's expansion made (after,
        # upto], and the arguments already used once.
        made: dict[int, tuple[int, int]] | None = None
        used: set[int] | None = None
        if frame is not None:
            made, used = {}, set()
        for i, src in enumerate(body):
            if src.type == VAOPT_START:
                va = macro.nparams - 1
                if va not in expanded:
                    before = self._frames
                    expanded[va] = self._expand_arg(args[va] or [])
                    if made is not None:
                        made[va] = (before, self._frames)
                skipping = not any(t.type != PAD for t in expanded[va])
                continue
            if src.type == VAOPT_END:
                if not skipping and not in_directive:
                    out.append(AVOID_PASTE)  # as gcc: what follows must not paste
                skipping = False
                continue
            if skipping:
                continue
            if src.type != PARAM:
                out.append(src)
                continue
            arg = args[src.argno]
            after_paste = i > 0 and bool(body[i - 1].flags & PASTE_LEFT)
            fix: int | None = None
            toks: list[Tok]
            if src.flags & STRINGIFY:
                s = Tok(STRING, stringify(arg or []), 0, src.lineno, src.source, macro)
                s.src = next((t.src for t in arg or [] if t.src is not None), None)
                if frame is not None:
                    s.frame = self._frame(macro, frame, None, "#")
                if self.tracer is not None:
                    self.tracer.stringified(macro, arg or [], s, len(self._stack), frame)
                toks = [s]
            elif src.flags & PASTE_LEFT:
                toks = arg or []
            elif after_paste:
                toks = arg or []
                if out:
                    last = out[-1]
                    if last.value == "," and macro.variadic and src.argno == macro.nparams - 1:
                        if arg is None:
                            out.pop()  # GNU ", ## __VA_ARGS__" with nothing passed
                        else:
                            fix = len(out) - 1
                    elif not toks:
                        fix = len(out) - 1
            else:
                if src.argno not in expanded:
                    before = self._frames
                    expanded[src.argno] = self._expand_arg(arg or [])
                    if made is not None:
                        made[src.argno] = (before, self._frames)
                toks = expanded[src.argno]
                if made is not None and used is not None:
                    window = made.get(src.argno)
                    if src.argno in used and window is not None and window[1] > window[0]:
                        toks = self._reframed(toks, window[0], window[1])
                    used.add(src.argno)
            if not in_directive and i > 0 and not after_paste:
                out.append(padding(src))
            if toks:
                out.extend(toks)
                if src.flags & PASTE_LEFT:
                    fix = len(out) - 1
            if not in_directive and not src.flags & PASTE_LEFT:
                out.append(AVOID_PASTE)
            if fix is not None:
                t = out[fix]
                out[fix] = t.with_flags((t.flags & ~PASTE_LEFT) | (src.flags & PASTE_LEFT))
        return out

    def _expand_arg(self, arg: list[Tok]) -> list[Tok]:
        macros = self.macros
        for t in arg:
            if t.type == ID and not t.flags & NO_EXPAND and t.value in macros:
                break
        else:
            # No name in it can expand (and no token of an argument pastes):
            # reading it back token by token would return it as it is.
            self._charge(len(arg) + 1)
            return list(arg)
        if self._nesting >= MAX_ARGUMENT_NESTING:
            raise self._error(gcc("args_nest_limit", limit=MAX_ARGUMENT_NESTING))
        self._push([*arg, Tok(EOF, "")], None)
        self._nesting += 1
        result: list[Tok] = []
        try:
            while True:
                tok = self._get()
                if tok.type == EOF:
                    break
                result.append(tok)
        finally:
            self._nesting -= 1
        self._pop()
        return result

    # -- gcc's paste_all_tokens ----------------------------------------------

    def _paste_all(self, lhs: Tok) -> None:
        ctx = self._stack[-1]
        operands = [lhs.value] if ctx.frame is not None else None
        while True:
            rhs = ctx.tokens[ctx.pos]
            ctx.pos += 1
            if rhs.type == PAD:
                continue
            lhs = self._paste(lhs, rhs)
            if operands is not None:
                operands.append(rhs.value)
            if not rhs.flags & PASTE_LEFT:
                break
        lhs = lhs.with_flags(lhs.flags & ~PASTE_LEFT)
        if ctx.frame is not None and operands is not None:
            lhs.frame = self._frame(ctx.frame.macro, ctx.frame, None, " ## ".join(operands))
        self._push([lhs], None)

    def _paste(self, lhs: Tok, rhs: Tok) -> Tok:
        text = lhs.value + rhs.value
        one = lexer.single_token(text)
        if one is None or (lhs.value.endswith("/") and rhs.value[:1] in "/*"):
            raise self._error(gcc("bad_paste", left=lhs.value, right=rhs.value))
        kind, spelling = one
        tok = Tok(_typed(kind, spelling), spelling, (lhs.flags & PREV_WHITE) | (rhs.flags & PASTE_LEFT),
                  lhs.lineno, lhs.source, lhs.origin)
        tok.src = lhs.src or rhs.src
        if self.tracer is not None:
            self.tracer.pasted(lhs, rhs, tok, len(self._stack), self._stack[-1].frame)
        return tok
