"""lexer.py: where exact token boundaries matter (printing with gcc's
spacing, ``##`` results, the gcc checks)."""

from __future__ import annotations

import itertools

from explainer import lexer

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
