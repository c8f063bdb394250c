"""A lexer for pcpp, in place of its ply one: one compiled regular
expression, and C's tokens as gcc forms them (a pp-number is one token,
``...`` is one token, string and character literals keep their prefix).

pcpp calls ``clone()``, ``input()`` and ``token()`` and reads ``lineno``
(its constructor still lexes a few definitions; the recorder reads files
with scan.py, which shares the token rules and types defined here).
"""

from __future__ import annotations

import re
from typing import Final

from explainer.prose import gcc

PUNCT_TYPES: Final = {
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
PUNCT_RE = "|".join(re.escape(p) for p in sorted(PUNCT_TYPES, key=len, reverse=True) if p != "\\\\")
INTEGER = re.compile(r"(?:0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)[uUlL]*")

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
    rf"|(?P<punct>{PUNCT_RE})"
    r"|(?P<other>.)",
    re.DOTALL,
)
_CONTINUATION = re.compile(r"\\[ \t]*\n")

def classify(kind: str, value: str) -> str:
    """pcpp's type name for a token our expressions call number, punct or
    other (the lexer here, the ## paste in expand.py)."""
    if kind == "number":
        return "CPP_INTEGER" if INTEGER.fullmatch(value) else "CPP_FLOAT"
    if kind == "punct":
        return PUNCT_TYPES.get(value, "CPP_OTHER")
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
            raise LexError(line, gcc("unterminated_comment"))
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
