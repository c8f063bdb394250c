"""C preprocessing tokens, as gcc -std=gnu11 splits text into them.

Used where exact token boundaries matter: forming the result of ``##``,
deciding whether two printed tokens need a space between them, and
comparing our output with gcc's token for token.
"""

from __future__ import annotations

import re

# Longest punctuators first: the lexer takes the longest match.
_PUNCTUATORS = sorted(
    """
    %:%: ... <<= >>= -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |=
    ## <: :> <% %> %: [ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , #
    """.split(),
    key=len,
    reverse=True,
)

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\f\v\r]+|\\\n)
  | (?P<nl>\n)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<number>\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.]|\\u[0-9A-Fa-f]{4})*)
  | (?P<string>(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*")
  | (?P<char>[uUL]?'(?:[^'\\\n]|\\.)*')
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>"""
    + "|".join(re.escape(p) for p in _PUNCTUATORS)
    + r""")
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

KINDS = ("number", "string", "char", "ident", "punct", "other")


# scan()'s expression: white space and comments skipped in front of each
# token (possessively: what they took is never given back to a token),
# then _TOKEN_RE's tokens, identifiers that cannot prefix a literal first.
# One match per token instead of two is a third faster; the empty
# alternative at the end takes trailing white space.
_SCAN_RE = re.compile(
    r"(?:[ \t\f\v\r\n]+|\\\n|/\*.*?\*/|//[^\n]*)*+"
    r"(?:([A-KM-TV-Za-tv-z_$][A-Za-z0-9_$]*)"
    r"|(\.?[0-9](?:[eEpP][+-]|[0-9A-Za-z_.]|\\u[0-9A-Fa-f]{4})*)"
    r'|((?:u8|[uUL])?"(?:[^"\\\n]|\\.)*")'
    r"|([uUL]?'(?:[^'\\\n]|\\.)*')"
    r"|([A-Za-z_$][A-Za-z0-9_$]*)"
    r"|(" + "|".join(re.escape(p) for p in _PUNCTUATORS) + r")"
    r"|(.)|\Z)",
    re.DOTALL,
)


def scan(text: str) -> list[tuple[str, str]]:
    """(kind, spelling) of every token of *text*, as _TOKEN_RE cuts them,
    skipping white space and comments.  A comment that never closes is no
    comment: its ``/*`` comes out as two punctuators."""
    out: list[tuple[str, str]] = []
    for word, number, string, char, ident, punct, other in _SCAN_RE.findall(text):
        if word or ident:
            out.append(("ident", word or ident))
        elif punct:
            out.append(("punct", punct))
        elif number:
            out.append(("number", number))
        elif string:
            out.append(("string", string))
        elif char:
            out.append(("char", char))
        elif other:
            out.append(("other", other))
    return out


def spellings(text: str) -> list[str]:
    """The tokens of *text* as strings: what 'token-identical' compares."""
    return [s for _, s in scan(text)]


def single_token(text: str) -> tuple[str, str] | None:
    """(kind, spelling) if *text* is exactly one token, else None."""
    m = _TOKEN_RE.fullmatch(text)
    if m is None or m.lastgroup in (None, "ws", "nl", "comment"):
        return None
    return m.lastgroup, m.group()


# Characters no token continues through: a token that ends or starts with
# one never runs into its neighbour.
_ALONE = frozenset("()[]{},;?~")
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def would_paste(left: str, right: str) -> bool:
    """True when printing *left* right before *right* would not read back
    as those two tokens (so a space must separate them).  Most pairs are
    told by the two characters that meet; the rest are lexed."""
    last, first = left[-1:], right[:1]
    if last in _ALONE or first in _ALONE:
        return False
    if last in _WORD and first in _WORD:
        return True  # an identifier or number goes on
    if last == "/" and first in ("/", "*"):
        return True
    joined = left + right
    m = _TOKEN_RE.match(joined)
    return m is None or m.end() != len(left)
