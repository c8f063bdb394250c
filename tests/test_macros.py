"""A plain #define is read from its text and lexed only when first
expanded (macros.plain_define, from_plain); what it gives must be what the lexer
and parse_define give, which the gcc tests check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.cpp import macros
from explainer.cpp.macros import ID, IDENTIFIER, MacroDef, from_plain, parse_define, plain_define
from explainer.cpp.reader import written_body
from explainer.errors import PreprocessError

# Names, numbers with letters in them, parameter-list punctuation, white
# space and continuations, and what makes a definition not plain.
PIECES = ["a", "b", "\x1c", "\xa0", "é", "x1", "$y", "L", "u8", "defined", "__VA_ARGS__", "__VA_OPT__",
          "1UL", "0x1e", "1e+5", ".5", ".", "...", "(", ")", ",", "+", "-", "->",
          " ", "  ", "\t", "\\\n", "#", "##", '"s"', "'c'", "\\", "@"]


def _seen(macro: MacroDef) -> tuple[object, ...]:
    body = [(t.type, t.value, t.flags, t.lineno, t.source, t.argno, t.origin is macro, t.src)
            for t in macro.body]
    return macro.name, macro.params, macro.funlike, macro.variadic, body


def quick_define(text: str) -> tuple[MacroDef, list[str]] | None:
    """The recorder's way with a plain definition: the MacroDef, unlexed,
    and the names it uses."""
    plain = plain_define(text)
    return None if plain is None else (from_plain(plain, text, "f.h", 7), plain[4])


def _pieces(options: list[str], size: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(options), max_size=size).map("".join)


# Mostly shaped as a definition (name, parameter list, replacement), so
# that most examples are ones parse_define accepts.
DEFINITIONS = st.one_of(
    _pieces(PIECES, 12),
    st.tuples(
        _pieces([" ", "\t", "\\\n"], 2),
        st.sampled_from(["a", "x1", "$y", "L", "defined", "1", "__VA_ARGS__"]),
        st.one_of(st.just(""), _pieces(["a", "b", "x1", ",", " ", "...", "__VA_ARGS__", "\\\n"], 6)
                  .map(lambda p: f"({p})"), st.just("(a")),
        _pieces(PIECES, 10),
    ).map("".join),
)


@settings(max_examples=4000, deadline=None)
@given(DEFINITIONS)
def test_a_plain_definition_reads_as_its_tokens_do(text: str) -> None:
    quick = quick_define(text)
    toks = macros.lex(text, 7, "f.h")
    try:
        written = written_body(toks)
        macro = parse_define(toks, "f.h", 7)
    except PreprocessError:
        assert quick is None  # only parse_define says what is wrong
        return
    if quick is None:
        return
    lazy, names = quick
    assert lazy.pending is not None
    assert lazy.written == written
    used = {t.value for t in macro.body if t.type == ID}
    in_numbers = {n for t in macro.body if t.type in ("CPP_INTEGER", "CPP_FLOAT")
                  for n in IDENTIFIER.findall(t.value)}
    assert used <= set(names) <= used | in_numbers
    assert _seen(lazy) == _seen(macro)
    assert lazy.pending is None


def test_most_kernel_style_definitions_are_plain() -> None:
    for text in [" FOO 1", " BAR(x, y) ((x) + (y))", " PR(fmt, ...) printk(fmt, __VA_ARGS__)",
                 " L(args...) f(args)", " LONG(a) \\\n  g(a)", " EMPTY", " F() 0x1fUL"]:
        assert quick_define(text) is not None, text
    for text in [' S "s"', " P(x) #x", " C(a, b) a##b", " V(...) __VA_OPT__(x)", " defined 1",
                 " D(a, a) a", " B(a,) a", " 1 x"]:
        assert quick_define(text) is None, text
