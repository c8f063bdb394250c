"""lexer.py: where exact token boundaries matter (printing with gcc's
spacing, ``##`` results, the gcc checks)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.cpp import lexer

# One of each kind of token, and the pairs that do run together: literal
# prefixes, pp-numbers that take a sign or a dot, digraphs, comments.
TOKENS = [
    "x", "L", "u8", "u", "$x", "x$", "_", "e", "1", "1e", "0x1p", ".5", ".", "...",
    "+", "++", "-", "->", ">", ">>", "<", "<<", "=", "==", "%", "%:", ":", "#", "##",
    "&", "&&", "|", "/", "*", "/=", "*=", "(", ")", "[", "]", "{", "}", ",", ";", "?",
    "~", "!", "^", "<:", ":>", "<%", "%>", '"a"', "'b'", "L'c'", '""', "@", "`", "\\",
]


def test_would_paste_is_whether_the_pair_reads_back() -> None:
    """The shortcuts (two characters that meet) agree with lexing the
    pair, for every pair of these tokens."""
    for left, right in itertools.product(TOKENS, TOKENS):
        joined = left + right
        # "/" then "*" would open a comment that swallows what follows.
        reads_back = lexer.spellings(joined) == [left, right] and "/*" not in joined
        assert lexer.would_paste(left, right) == (not reads_back), (left, right)


def test_scan_names_kinds_and_skips_space_and_comments() -> None:
    assert lexer.scan('a /* c */ 1.5e+3 "s" \'c\' += @ // d\n') == [
        ("ident", "a"), ("number", "1.5e+3"), ("string", '"s"'), ("char", "'c'"),
        ("punct", "+="), ("other", "@"),
    ]


PIECES = [*"aLuU8xe.+-0123456789\"'\\ \n\t#()<>=&|*/%^!?:;,[]{}~@`$_", "/*", "*/", "//", "\\\n"]


def _one_by_one(text: str) -> list[tuple[str, str]]:
    """_TOKEN_RE matched token after token: what scan() must agree with."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = lexer._TOKEN_RE.match(text, pos)
        assert m is not None
        pos = m.end()
        if m.lastgroup not in ("ws", "nl", "comment"):
            out.append((m.lastgroup or "other", m.group()))
    return out


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_scan_cuts_as_the_token_expression_does(text: str) -> None:
    assert lexer.scan(text) == _one_by_one(text)
