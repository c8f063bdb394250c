"""A lexer for pcpp, in place of its ply one: one compiled regular
expression, and C's tokens as gcc forms them (a pp-number is one token,
``...`` is one token, string and character literals keep their prefix).

pcpp calls ``clone()``, ``input()`` and ``token()`` and reads ``lineno``;
token types keep pcpp's names, which its directive code and #if evaluator
test.  White space, newlines, line continuations and comments are tokens,
as pcpp expects.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from explainer.macros import PREV_WHITE, Tok

_PUNCT_TYPES: Final = {
    "->": "CPP_DEREFERENCE", "-=": "CPP_MINUSEQUAL", "--": "CPP_MINUSMINUS",
    "<<=": "CPP_LSHIFTEQUAL", ">>=": "CPP_RSHIFTEQUAL", "<<": "CPP_LSHIFT", ">>": "CPP_RSHIFT",
    "<=": "CPP_LESSEQUAL", ">=": "CPP_GREATEREQUAL", "||": "CPP_LOGICALOR", "|=": "CPP_OREQUAL",
    "&&": "CPP_LOGICALAND", "&=": "CPP_ANDEQUAL", "==": "CPP_EQUALITY", "!=": "CPP_INEQUALITY",
    "^=": "CPP_XOREQUAL", "*=": "CPP_MULTIPLYEQUAL", "/=": "CPP_DIVIDEEQUAL", "+=": "CPP_PLUSEQUAL",
    "++": "CPP_PLUSPLUS", "%=": "CPP_PERCENTEQUAL", "##": "CPP_DPOUND", "#": "CPP_POUND",
    "+": "CPP_PLUS", "-": "CPP_MINUS", "*": "CPP_STAR", "/": "CPP_FSLASH", "%": "CPP_PERCENT",
    "|": "CPP_BAR", "&": "CPP_AMPERSAND", "~": "CPP_TILDE", "^": "CPP_HAT", "<": "CPP_LESS",
    ">": "CPP_GREATER", "=": "CPP_EQUAL", "!": "CPP_EXCLAMATION", "?": "CPP_QUESTION",
    "(": "CPP_LPAREN", ")": "CPP_RPAREN", "[": "CPP_LBRACKET", "]": "CPP_RBRACKET",
    "{": "CPP_LCURLY", "}": "CPP_RCURLY", ".": "CPP_DOT", ",": "CPP_COMMA", ";": "CPP_SEMICOLON",
    ":": "CPP_COLON", "\\\\": "CPP_BSLASH", "...": "CPP_ELLIPSIS",
}
_PUNCT_RE = "|".join(re.escape(p) for p in sorted(_PUNCT_TYPES, key=len, reverse=True) if p != "\\\\")
_INTEGER = re.compile(r"(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)[uUlL]*")

_MASTER = re.compile(
    r"(?P<CPP_LINECONT>\\[ \t]*\n)"
    r"|(?P<CPP_WS>[ \t\f\v\r]+|\n)"
    r"|(?P<CPP_COMMENT1>/\*.*?\*/)"
    r"|(?P<open_comment>/\*)"
    r"|(?P<CPP_COMMENT2>//[^\n]*)"
    r"|(?P<number>\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.])*)"
    r'|(?P<CPP_STRING>(?:u8|[uUL])?"(?:[^"\\\n]|\\.|\\\n)*")'
    r"|(?P<CPP_CHAR>[uUL]?'(?:[^'\\\n]|\\.|\\\n)*')"
    r"|(?P<CPP_UNTERMINATED>(?:u8|[uUL])?[\"'][^\n]*)"
    r"|(?P<CPP_ID>[A-Za-z_$][A-Za-z0-9_$]*)"
    rf"|(?P<punct>{_PUNCT_RE})"
    r"|(?P<other>.)",
    re.DOTALL,
)
_CONTINUATION = re.compile(r"\\[ \t]*\n")
# The same, each match taking the spaces before it along (lines() only:
# half as many matches to loop over).
_SPACED = re.compile(r"(?P<lead>[ \t\f\v\r]*)(?:" + _MASTER.pattern + ")", re.DOTALL)


def classify(kind: str, value: str) -> str:
    """pcpp's type name for a token our expressions call number, punct or
    other (the lexer here, the ## paste in expand.py)."""
    if kind == "number":
        return "CPP_INTEGER" if _INTEGER.fullmatch(value) else "CPP_FLOAT"
    if kind == "punct":
        return _PUNCT_TYPES.get(value, "CPP_OTHER")
    if kind == "other":
        return value  # as ply's error rule: the character is its own type
    return kind


class LexError(Exception):
    """Text that is no token at all: an unterminated comment."""

    def __init__(self, lineno: int, cause: str) -> None:
        super().__init__(cause)
        self.lineno = lineno
        self.cause = cause


class LexToken:
    __slots__ = ("lexpos", "lineno", "source", "type", "value")

    def __init__(self, type: str, value: str, lineno: int, lexpos: int) -> None:
        self.type = type
        self.value = value
        self.lineno = lineno
        self.lexpos = lexpos
        self.source = ""

    def __repr__(self) -> str:
        return f"LexToken({self.type},{self.value!r},{self.lineno},{self.lexpos})"


class Lexer:
    """The interface of a ply lexer that pcpp uses."""

    def __init__(self) -> None:
        self.lineno = 1
        self._text = ""
        self._pos = 0

    def clone(self) -> Lexer:
        return Lexer()

    def input(self, text: str) -> None:
        self._text = text
        self._pos = 0

    def token(self) -> LexToken | None:
        text = self._text
        pos = self._pos
        if pos >= len(text):
            return None
        m = _MASTER.match(text, pos)
        assert m is not None  # "other" matches any character
        kind = m.lastgroup or "other"
        value = m.group()
        self._pos = m.end()
        line = self.lineno
        kind = classify(kind, value)
        if kind == "open_comment":
            raise LexError(line, "unterminated comment")
        elif kind == "CPP_LINECONT":
            self.lineno += 1
            value = value[1:-1]
        elif kind in ("CPP_STRING", "CPP_CHAR"):
            if "\n" in value:
                self.lineno += value.count("\n")
                value = _CONTINUATION.sub("", value)
        elif kind == "CPP_COMMENT1" or value == "\n":
            self.lineno += value.count("\n")
        return LexToken(kind, value, line, pos)


def lines(text: str, source: str) -> Iterator[list[Tok | LexToken]]:
    """pcpp's lines of *text* (as its group_lines makes them), but with our
    tokens: white space and comments become the PREV_WHITE flag instead of
    tokens of their own, which halves the objects made; each line still
    ends with a newline token, which pcpp's directive code looks for."""
    text = "\n".join(line.rstrip() for line in text.splitlines())
    line: list[Tok | LexToken] = []
    white = 0
    lineno = 1
    for m in _SPACED.finditer(text):
        kind = m.lastgroup or "other"
        lead = m.end("lead") - m.start()
        if lead:
            white = PREV_WHITE
            value = m.group()[lead:]
        else:
            value = m.group()
        if kind == "lead":  # spaces at the very end of the text
            continue
        if kind == "CPP_WS":
            if value == "\n":
                newline = LexToken("CPP_WS", "\n", lineno, m.start())
                newline.source = source
                line.append(newline)
                yield line
                line = []
                white = 0
                lineno += 1
            else:
                white = PREV_WHITE
            continue
        if kind == "CPP_LINECONT":
            white = PREV_WHITE
            lineno += 1
            continue
        if kind == "CPP_COMMENT1":
            white = PREV_WHITE
            lineno += value.count("\n")
            continue
        if kind == "CPP_COMMENT2":
            white = PREV_WHITE
            continue
        if kind == "open_comment":
            raise LexError(lineno, "unterminated comment")
        line_of_token = lineno
        kind = classify(kind, value)
        if kind in ("CPP_STRING", "CPP_CHAR") and "\n" in value:
            lineno += value.count("\n")
            value = _CONTINUATION.sub("", value)
        tok = Tok(kind, value, white, line_of_token, source)
        tok.src = tok
        line.append(tok)
        white = 0
    if line:
        newline = LexToken("CPP_WS", "\n", lineno, len(text))
        newline.source = source
        line.append(newline)
        yield line
