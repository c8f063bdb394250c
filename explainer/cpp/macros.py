"""Tokens and macro definitions, in the form gcc's cpplib keeps them,
and text cut into tokens (lex).

A token carries flags rather than separate white-space tokens:
PREV_WHITE (white space came before it), NO_EXPAND (a macro name that
may never expand again, "painted blue"), PASTE_LEFT (a ``##`` follows it
in a replacement list) and STRINGIFY (a parameter preceded by ``#``).
Padding tokens (type PAD) stand where gcc puts its padding: they decide
spacing in stringized text and in printed output, and nothing else.
"""

from __future__ import annotations

import bisect
import re
from typing import Final

from explainer.cpp.pcpp_lexer import INTEGER, PUNCT_RE, PUNCT_TYPES
from explainer.errors import PreprocessError
from explainer.model import Provenance
from explainer.prose import gcc

PREV_WHITE: Final = 1
NO_EXPAND: Final = 2
PASTE_LEFT: Final = 4
STRINGIFY: Final = 8

ID: Final = "CPP_ID"
STRING: Final = "CPP_STRING"
CHAR: Final = "CPP_CHAR"
PAD: Final = "PAD"
EOF: Final = "EOF"
PARAM: Final = "PARAM"
# Marks around the contents of __VA_OPT__( ... ) in a replacement list.
VAOPT_START: Final = "VAOPT_START"
VAOPT_END: Final = "VAOPT_END"

# An identifier as the lexer cuts one ('$' too, as gcc allows).
IDENTIFIER: Final = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class Tok:
    """One preprocessing token.  ``type`` keeps the names of pcpp's lexer
    (CPP_ID, CPP_STRING, ...), which every stage tests."""

    __slots__ = ("argno", "flags", "frame", "lineno", "origin", "pad", "source", "src", "type", "value")

    def __init__(
        self,
        type: str,
        value: str,
        flags: int = 0,
        lineno: int = 0,
        source: str | None = None,
        origin: MacroDef | None = None,
    ) -> None:
        self.type = type
        self.value = value
        self.flags = flags
        self.lineno = lineno
        self.source = source
        self.pad: Tok | None = None
        self.origin = origin  # the macro whose replacement list it comes from
        self.argno = -1
        # The token in a file it stands for (itself, a painted copy of it,
        # or a paste or string made from it); None for replacement text.
        self.src: Tok | None = None
        # The expansion that made it, while an invocation is recorded in
        # full (expand.Expander.framing); None otherwise.
        self.frame: Frame | None = None

    def with_flags(self, flags: int) -> Tok:
        t = Tok(self.type, self.value, flags, self.lineno, self.source, self.origin)
        t.pad = self.pad
        t.argno = self.argno
        t.src = self.src
        t.frame = self.frame
        return t

    def framed(self, frame: Frame) -> Tok:
        """A copy of this replacement-list token, made by *frame*."""
        t = Tok(self.type, self.value, self.flags, self.lineno, self.source, self.origin)
        t.pad = self.pad
        t.argno = self.argno
        t.frame = frame
        return t

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, {self.flags})"


class Frame:
    """One expansion of a macro, while an invocation is recorded in full:
    the macro, the expansion whose replacement list its name was read
    from (None: a file, the header's own text), and its arguments as they
    were collected, so that the call reads as written.  A token made by
    ``##`` or ``#`` gets a frame of its own whose ``how`` says so
    ("a ## b", "#"), with the expansion that made it as ``parent``."""

    __slots__ = ("args", "chain", "how", "macro", "name_src", "parent", "prov", "root", "rooted", "serial",
                 "spanned", "unfoldable")

    def __init__(self, macro: MacroDef, parent: Frame | None,
                 args: list[list[Tok] | None] | None, how: str | None, serial: int,
                 name_src: Tok | None = None) -> None:
        self.macro = macro
        self.parent = parent
        # Without a parent: the header's token its name was read from, when
        # the name was written in an argument (None: the invocation's own).
        self.name_src = name_src
        self.args = args
        self.how = how
        self.serial = serial  # frames are numbered as they are made
        # Worked out once per frame by cpp/invocations.py: the macros from
        # the outermost expansion to this one, and the outermost expansion
        # of a macro that is not the tracing machinery's (a fold).
        self.chain: tuple[MacroDef, ...] | None = None
        self.root: Frame | None = None
        self.rooted = False
        self.unfoldable = False  # within a spanned helper: never folded
        self.prov: Provenance | None = None  # of the tokens of its replacement list
        # A call began inside its expansion and took its arguments from
        # beyond its end (bpf_probe.h's CONCATENATE(__CAST, ...)(args)):
        # its call as written does not say what its tokens are.
        self.spanned = False


def padding(source: Tok | None) -> Tok:
    """A padding token; its source's PREV_WHITE decides spacing."""
    t = Tok(PAD, "")
    t.pad = source
    return t


# gcc's avoid_paste: padding with no source, shared.
AVOID_PASTE: Final = padding(None)


def spell(tokens: list[Tok]) -> str:
    """Source-like text of tokens: a space wherever white space was."""
    parts: list[str] = []
    for t in tokens:
        if t.type == PAD:
            continue
        if parts and t.flags & PREV_WHITE:
            parts.append(" ")
        if t.type == PARAM and t.flags & STRINGIFY:
            parts.append("#")
        parts.append(t.value)
        if t.flags & PASTE_LEFT:
            parts.append(" ##")
    return "".join(parts)


# One token with the white space before it: (white, token, unterminated
# literal, token).  The tokens are pcpp_lexer._MASTER's, tried in an order
# that is faster and cuts the same: identifiers that cannot be a literal's
# prefix (u, U, L, u8) and punctuators first ('.' only when no digit
# follows: .5 is a number), then numbers and literals, then unterminated
# literals, then the remaining identifiers and any other character.
_PUNCT = PUNCT_RE.replace(r"|\.|", r"|\.(?![0-9])|")
_TOKEN = re.compile(
    r"([ \t\f\v\r\n]*)(?:("
    r"[A-KM-TV-Za-tv-z_$][A-Za-z0-9_$]*"
    rf"|{_PUNCT}"
    r"|\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*"
    r'|(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*"'
    r"|[uUL]?'(?:[^'\\\n]|\\.)*'"
    r")|((?:u8|[uUL])?[\"'][^\n]*)|("
    r"[A-Za-z_$][A-Za-z0-9_$]*"
    r"|[^ \t\f\v\r\n]))",  # not white space, which the first group may leave
    re.DOTALL,
)
_ID_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")
_DIGITS = frozenset("0123456789")


def lex(text: str, line: int, source: str) -> list[Tok]:
    """Tokens of comment-free *text* whose first character is on *line*;
    white space becomes the PREV_WHITE flag of the token after it.  Lines
    are spliced first (a continuation can fall inside a token), and each
    token keeps the physical line it starts on."""
    splices: list[int] = []
    if "\\\n" in text:
        text, splices = splice(text)
    out: list[Tok] = []
    append = out.append
    at = 0  # in the spliced text, kept only when there are splices
    for white, token, unterminated, other in _TOKEN.findall(text):
        if white and "\n" in white:
            line += white.count("\n")
        token_line = line
        value = token or other or unterminated
        if splices:
            at += len(white)
            token_line += bisect.bisect_right(splices, at)
            at += len(value)
        tok = Tok(_kind(value) if not unterminated else "CPP_UNTERMINATED", value,
                  PREV_WHITE if white else 0, token_line, source)
        tok.src = tok
        append(tok)
    return out


def splice(text: str) -> tuple[str, list[int]]:
    """*text* with its line continuations taken out, and where each one
    was: the index in the spliced text of the character after it."""
    parts = text.split("\\\n")
    splices: list[int] = []
    for part in parts[:-1]:
        splices.append(len(part) + (splices[-1] if splices else 0))
    return "".join(parts), splices


def _kind(value: str) -> str:
    """The type of a token _TOKEN cut, from its first and last characters:
    an identifier never ends in a quote, a literal with a prefix does."""
    first = value[0]
    if first in _ID_START:
        last = value[-1]
        return "CPP_STRING" if last == '"' else "CPP_CHAR" if last == "'" else "CPP_ID"
    if first == '"':
        return "CPP_STRING"
    if first == "'":
        return "CPP_CHAR"
    if first in _DIGITS or (first == "." and len(value) > 1 and value[1] in _DIGITS):
        return "CPP_INTEGER" if INTEGER.fullmatch(value) else "CPP_FLOAT"
    return PUNCT_TYPES.get(value, value)


class MacroDef:
    """A macro as #define made it.  ``disabled`` is set while the macro's
    own expansion is being read (gcc's NODE_DISABLED).

    A plain definition (see ``plain_define``) keeps its text and is lexed
    only when its replacement list is first asked for: most of a kernel
    translation unit's 19,000 macros are never expanded."""

    __slots__ = (
        "_body",
        "builtin",
        "disabled",
        "file",
        "funlike",
        "line",
        "name",
        "params",
        "pending",
        "variadic",
        "written",
    )

    def __init__(
        self,
        name: str,
        params: tuple[str, ...] | None,
        variadic: bool,
        body: list[Tok],
        file: str,
        line: int,
        builtin: str | None = None,
    ) -> None:
        self.name = name
        self.params = params or ()
        self.funlike = params is not None
        self.variadic = variadic
        self._body = body
        self.file = file
        self.line = line
        self.disabled = False
        self.builtin = builtin
        self.written = ""  # the replacement list as written, for display
        # The text after '#define', while the replacement list is unread.
        self.pending: str | None = None

    @property
    def body(self) -> list[Tok]:
        """The replacement list, with parameters marked (see _compile_body)."""
        if self.pending is not None:
            self._read_pending(self.pending)
        return self._body

    def _read_pending(self, text: str) -> None:
        self.pending = None
        toks = lex(text, self.line, self.file)
        self._body = _replacement(self, _split_head(toks, self.file, self.line)[3], self.file, self.line)

    @property
    def nparams(self) -> int:
        return len(self.params)

    def signature(self) -> str | None:
        """The parameter list as written, or None for an object-like macro."""
        if not self.funlike:
            return None
        names = list(self.params)
        if self.variadic:
            last = names.pop()
            names.append("..." if last == "__VA_ARGS__" else last + "...")
        return ", ".join(names)


def _is(tok: Tok, value: str) -> bool:
    return tok.value == value and tok.type not in (STRING, CHAR)


def parse_define(toks: list[Tok], file: str, line: int) -> MacroDef:
    """Build a MacroDef from the tokens after ``#define``, checking what
    gcc checks.  The tokens become the replacement list: they are changed,
    so they must be fresh from the lexer."""
    name, params, variadic, body = _split_head(toks, file, line)
    macro = MacroDef(name, params, variadic, [], file, line)
    macro._body = _replacement(macro, body, file, line)
    return macro


def _split_head(
    toks: list[Tok], file: str, line: int
) -> tuple[str, tuple[str, ...] | None, bool, list[Tok]]:
    """The name, parameters and replacement tokens of a definition."""
    if not toks:
        raise PreprocessError(file, line, gcc("no_macro_name", directive="define"))
    name = toks[0]
    if name.type != ID:
        raise PreprocessError(file, line, gcc("not_identifier"))
    if name.value == "defined":
        raise PreprocessError(file, line, gcc("defined_name"))
    rest = toks[1:]
    params: tuple[str, ...] | None = None
    variadic = False
    if rest and _is(rest[0], "(") and not rest[0].flags & PREV_WHITE:
        params, variadic, rest = _parse_params(name.value, rest, file, line)
    return name.value, params, variadic, rest


def _replacement(macro: MacroDef, body: list[Tok], file: str, line: int) -> list[Tok]:
    for t in body:
        t.src = None
    if body:
        body[0].flags &= ~PREV_WHITE
    return _compile_body(macro, body, file, line)


def _parse_params(
    name: str, rest: list[Tok], file: str, line: int
) -> tuple[tuple[str, ...], bool, list[Tok]]:
    params: list[str] = []
    variadic = False
    i = 1
    expect_name = True
    while True:
        if i >= len(rest):
            raise PreprocessError(file, line, gcc("params_unclosed", name=name))
        t = rest[i]
        if _is(t, ")") and (not expect_name or not params):
            i += 1
            break
        if variadic:
            raise PreprocessError(file, line, gcc("ellipsis_unclosed"))
        if expect_name and t.type == ID and t.value != "__VA_ARGS__":
            if t.value in params:
                raise PreprocessError(file, line, gcc("duplicate_param", name=t.value))
            params.append(t.value)
            expect_name = False
            dots = _dots(rest, i + 1)
            if dots:
                variadic = True
                i += dots
            i += 1
            continue
        dots = _dots(rest, i) if expect_name else 0
        if dots:
            params.append("__VA_ARGS__")
            variadic = True
            expect_name = False
            i += dots
            continue
        if not expect_name and _is(t, ","):
            expect_name = True
            i += 1
            continue
        found = t.value or t.type
        raise PreprocessError(file, line, gcc("expected_param", found=found))
    return tuple(params), variadic, rest[i:]


def _dots(toks: list[Tok], i: int) -> int:
    """How many tokens spell '...' at toks[i]: 1, or 3 (three '.' as
    pcpp's own lexer gives it); 0 if it is not there."""
    if i < len(toks) and toks[i].value == "...":
        return 1
    three = (
        i + 2 < len(toks)
        and all(_is(toks[i + k], ".") for k in range(3))
        and not toks[i + 1].flags & PREV_WHITE
        and not toks[i + 2].flags & PREV_WHITE
    )
    return 3 if three else 0


def _compile_body(macro: MacroDef, body: list[Tok], file: str, line: int) -> list[Tok]:
    """Mark parameters, fold '#' into STRINGIFY and '##' into PASTE_LEFT."""
    out: list[Tok] = []
    i = 0
    vaopt_depth: int | None = None  # paren depth inside __VA_OPT__( ... )
    while i < len(body):
        t = body[i]
        t.origin = macro
        if macro.variadic and t.type == ID and t.value == "__VA_OPT__" and vaopt_depth is None:
            if i + 1 >= len(body) or body[i + 1].value != "(":
                raise PreprocessError(file, line, gcc("va_opt_paren"))
            t.type = VAOPT_START
            out.append(t)
            vaopt_depth = 0
            i += 2
            continue
        if vaopt_depth is not None and t.value in ("(", ")") and t.type != STRING:
            if t.value == "(":
                vaopt_depth += 1
            elif vaopt_depth == 0:
                t.type = VAOPT_END
                out.append(t)
                vaopt_depth = None
                i += 1
                continue
            else:
                vaopt_depth -= 1
        if macro.funlike and t.type == ID and t.value in macro.params:
            t.type = PARAM
            t.argno = macro.params.index(t.value)
        elif macro.funlike and t.type == "CPP_POUND" and _is(t, "#"):
            nxt = body[i + 1] if i + 1 < len(body) else None
            if nxt is None or nxt.type != ID or nxt.value not in macro.params:
                raise PreprocessError(file, line, gcc("hash_no_param"))
            nxt.type = PARAM
            nxt.argno = macro.params.index(nxt.value)
            nxt.origin = macro
            nxt.flags = (nxt.flags & ~PREV_WHITE) | (t.flags & PREV_WHITE) | STRINGIFY
            out.append(nxt)
            i += 2
            continue
        elif t.type == "CPP_DPOUND":
            if not out or i + 1 >= len(body):
                raise PreprocessError(file, line, gcc("paste_at_end"))
            out[-1].flags |= PASTE_LEFT
            i += 1
            continue
        out.append(t)
        i += 1
    if vaopt_depth is not None:
        raise PreprocessError(file, line, gcc("va_opt_unterminated"))
    return out


# What plain_define reads: ASCII with no quotes, '#', stray backslash,
# '$' or the control characters str.split() takes for white space.  Then
# no token holds white space or hides a name, str.split() cuts at the
# lexer's white space, a name found in a number (the UL of 1UL) ends
# with it, and the replacement list has nothing gcc checks when it is
# defined (see _compile_body).
_HEAD = re.compile(r"[ \t\f\v]*([A-Za-z_$][A-Za-z0-9_$]*)")
_NOT_PLAIN = re.compile(r"[\"'#\\$\x1c-\x1f]")
_BLANKS = " \t\f\v"


# What plain_define finds: name, parameters (None: object-like), variadic,
# the replacement list as written (white space runs as one space), and
# the names it uses.
Plain = tuple[str, tuple[str, ...] | None, bool, str, list[str]]


def from_plain(plain: Plain, text: str, file: str, line: int) -> MacroDef:
    """The MacroDef of a plain definition, from what plain_define found
    in its *text* (which the helper process may have read: scan.pack)."""
    macro = MacroDef(plain[0], plain[1], plain[2], [], file, line)
    macro.pending = text
    macro.written = plain[3]
    return macro


def plain_define(text: str) -> Plain | None:
    """What a plain definition *text* (after ``#define``) defines, read
    without lexing, with the names its replacement list uses (and letters
    in numbers, such as UL in 1UL: more names only cost Reach time); or
    None when it needs the lexer (then parse_define reads it, errors and
    all)."""
    spliced = text.replace("\\\n", "") if "\\" in text else text
    if not spliced.isascii() or _NOT_PLAIN.search(spliced) or "__VA_OPT__" in spliced:
        return None
    head = _HEAD.match(spliced)
    if head is None or head.group(1) == "defined":
        return None
    at = head.end()
    params: tuple[str, ...] | None = None
    variadic = False
    if spliced.startswith("(", at):
        close = spliced.find(")", at)
        if close < 0 or "(" in spliced[at + 1 : close]:
            return None
        parsed = _plain_params(spliced[at + 1 : close])
        if parsed is None:
            return None
        params, variadic = parsed
        at = close + 1
    body = spliced[at:]
    names = IDENTIFIER.findall(body)
    if params:  # a parameter's name stands for its argument, not for a macro
        names = [n for n in names if n not in params]
    return head.group(1), params, variadic, " ".join(body.split()), names


def _plain_params(text: str) -> tuple[tuple[str, ...], bool] | None:
    """Names and variadic flag of a parameter list such as ``a, b, c...``,
    or None if it is not plain names (then parse_define says why)."""
    if not text.strip(_BLANKS):
        return (), False
    names: list[str] = []
    variadic = False
    parts = text.split(",")
    for i, part in enumerate(parts):
        name = part.strip(_BLANKS)
        if i == len(parts) - 1 and name.endswith("..."):
            variadic = True
            name = name[:-3].rstrip(_BLANKS)
            if not name:
                names.append("__VA_ARGS__")
                continue
        if not IDENTIFIER.fullmatch(name) or name == "__VA_ARGS__" or name in names:
            return None
        names.append(name)
    return tuple(names), variadic
