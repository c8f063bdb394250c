"""Highlighting classes for C tokens, from the tokens themselves.

The classes are pygments' short names (templates/pygments.css styles
them), given as pygments' C lexer gives them; tests compare the two on
the bundled headers.  Classifying the tokens we already have, rather than
lexing the code again with pygments' regular expressions, is what makes
a kernel header's page quick to build: one dictionary look-up per token.
"""

from __future__ import annotations

from typing import Final

_KEYWORDS: Final = frozenset((
    "asm", "auto", "break", "case", "const", "continue", "default", "do", "else", "enum",
    "extern", "for", "goto", "if", "register", "restricted", "return", "sizeof", "struct",
    "static", "switch", "typedef", "volatile", "while", "union", "thread_local", "alignas",
    "alignof", "static_assert", "_Alignas", "_Alignof", "_Noreturn", "_Generic",
    "_Thread_local", "_Static_assert", "_Imaginary", "noreturn", "imaginary", "complex",
    "typeof",
))
_TYPES: Final = frozenset((
    "bool", "int", "long", "float", "short", "double", "char", "unsigned", "signed", "void",
    "_BitInt", "__int128", "_Bool", "_Complex", "_Atomic",
    "size_t", "ssize_t", "off_t", "wchar_t", "ptrdiff_t", "sig_atomic_t", "fpos_t",
    "clock_t", "time_t", "va_list", "jmp_buf", "FILE", "DIR", "div_t", "ldiv_t", "mbstate_t",
    "wctrans_t", "wint_t", "wctype_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "int_least8_t", "int_least16_t", "int_least32_t", "int_least64_t", "uint_least8_t",
    "uint_least16_t", "uint_least32_t", "uint_least64_t", "int_fast8_t", "int_fast16_t",
    "int_fast32_t", "int_fast64_t", "uint_fast8_t", "uint_fast16_t", "uint_fast32_t",
    "uint_fast64_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
))
_RESERVED: Final = frozenset((
    "inline", "_inline", "__inline", "naked", "restrict", "thread", "__asm", "__int8",
    "__int16", "__int32", "__int64", "__based", "__except", "__finally", "__forceinline",
    "__identifier", "__leave", "__try", "__declspec", "__stdcall", "__fastcall", "__cdecl",
    "__w64", "__wchar_t",
))
_BUILTINS: Final = frozenset(("NULL", "true", "false", "TRUE", "FALSE", "__FILE__", "__LINE__"))
_NOT_FUNCTIONS: Final = frozenset(("__attribute__", "__attribute", "__typeof__", "__typeof"))
_PUNCTUATION: Final = frozenset(("(", ")", "[", "]", "{", "}", ",", ";", ".", "..."))
_AGGREGATES: Final = frozenset(("struct", "union"))


def _word_class(word: str) -> str:
    if word in _KEYWORDS:
        return "k"
    if word in _TYPES:
        return "kt"
    if word in _RESERVED:
        return "kr"
    if word in _BUILTINS:
        return "nb"
    return "n"


def _number_class(number: str) -> str:
    lower = number.lower()
    if lower.startswith("0x"):
        return "mf" if "p" in lower else "mh"
    if "." in lower or "e" in lower.rstrip("fl"):
        return "mf"
    if lower.startswith("0b"):
        return "mb"
    if len(lower) > 1 and lower[0] == "0" and lower[1].isdigit():
        return "mo"
    return "mi"


def token_class(text: str) -> str:
    """The class of the token *text* by itself; classes() adjusts it for
    the tokens around it."""
    c = text[0]
    if c.isalpha() or c == "_" or c == "$":
        last = text[-1]
        if last == '"' or last == "'":  # L"x", u8"x", U'x'
            return "s" if last == '"' else "sc"
        return _word_class(text)
    if c.isdigit() or (c == "." and len(text) > 1 and text[1].isdigit()):
        return _number_class(text)
    if c == '"':
        return "s"
    if c == "'":
        return "sc"
    if text in _PUNCTUATION:
        return "p"
    return "o"


# Each distinct text's class by itself (token_class): sched.h's page has
# 165,000 tokens and 1,900 distinct texts.
_ALONE: dict[str, str] = {}
MAX_REMEMBERED = 200_000


def classes(texts: list[str]) -> list[str]:
    """The class of each token, in order.  A name after struct or union is
    a class name; a name declared as a function (after a type or a "*",
    before "(") is a function name."""
    out: list[str] = []
    previous = ""
    before = ""  # the class of *previous*
    n = len(texts)
    alone = _ALONE
    if len(alone) > MAX_REMEMBERED:
        alone.clear()
    for i, text in enumerate(texts):
        css = alone.get(text)
        if css is None:
            css = alone[text] = token_class(text) if text else ""
        if css == "n" and previous in _AGGREGATES:
            css = "nc"
        if css == "n" and i + 1 < n and texts[i + 1] == "(" and text not in _NOT_FUNCTIONS and (
                before == "kt" or before == "nc" or previous == "*" or before == "n"):
            css = "nf"
        out.append(css)
        previous = text
        before = css
    return out
