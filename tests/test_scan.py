"""Files are cut into directives and text by regular expressions over the
whole file (scan.py), and text of files other than the header is expanded
only when it can change the header's passes.  Each layout that could fool
the cut, and each way text can reach __COUNTER__, checked against gcc."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from explainer.cpp import macros, pcpp_lexer, scan
from explainer.cpp.macros import PREV_WHITE
from explainer.cpp.reach import Reach
from explainer.cpp.recorder import Recorder
from explainer.errors import PreprocessError

from conftest import ours_and_gcc, requires_gcc, snippet_tu

LAYOUTS = {
    "paste_first_on_a_line": "#define A x\n##\nA\n",
    "comment_across_lines_in_a_define": "#define X 1 /* one\n two */ + 2\nint a = X;\n",
    "directive_after_a_comment_across_lines": "/* one\n two */ #define Y 3\nint b = Y;\n",
    "continued_line_that_starts_with_hash": "#define Z 4 \\\n# 5\nconst char *c = \"Z\"; Z\n",
    "comment_markers_in_strings": 'const char *d = "/*";\n#define W 6\nint e = W; const char *f = "*/";\n',
    "quote_in_a_skipped_group": "#if 0\ndon't /* here\n#endif\nint g = 7;\n",
    "line_numbers_after_comments": "/* a\n\n */ int h = __LINE__; // x\n/**/int i = __LINE__;\n",
    "line_continued_inside_a_name": "int j = __LI\\\nNE__; int k\\\n = 1;\n",
    "spaces_after_a_backslash": "#define V 8 \\   \n + 9\nint l = V;\n",
    "directive_name_continued": "#def\\\nine U 10\nint m = U;\n",
    "elif_and_else_in_skipped_groups": (
        "#if 0\n#if 1\n#else\n#endif\n#elif 1\nint n;\n#else\nint o;\n#endif\n"
    ),
    "pragma_lines": "#pragma GCC visibility push(default)\nint p;\n#pragma once\n",
    "form_feed_and_vertical_tab_are_white_space": "#define Q 1 \f 2 \v 3\nint q = Q;\f\n",
    "carriage_returns_end_lines": "#define R 1\r\nint r = R;\rint s = R \\\r+ 1;\n",
    "continued_last_line": "#define S 1 \\\nint t = S;\n#define T 2 \\\n",
    "backslash_at_the_very_end": "#define U 1\nint u = U; \\",
}


@requires_gcc
@pytest.mark.parametrize("text", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_file_layouts_read_as_gcc_reads_them(tmp_path: Path, text: str) -> None:
    ours, theirs = ours_and_gcc(tmp_path, {"main.h": text})
    assert ours == theirs


# part.h's text is never shown, but each of these advances __COUNTER__,
# whose value main.h prints.
COUNTING = {
    "directly": "int a = __COUNTER__;\n",
    "through_a_macro_defined_later": "#define USE LATER\n#define LATER __COUNTER__\nint a = USE;\n",
    "through_an_argument": "#define ID(x) x\n#define C __COUNTER__\nint a = ID(C);\n",
    "through_a_paste": "#define CAT(a, b) a##b\nint a = CAT(__COUN, TER__);\n",
    "through_pragma_text": "#define P _Pragma(\"message __COUNTER__\")\nP\n",
    # What a paste makes, from its written half (reach._pastes).
    "through_a_written_paste": "#define C __COUN ## TER__\nint a = C;\n",
    "through_a_paste_of_a_written_beginning": "#define MK(x) __COUN ## x\nint a = MK(TER__);\n",
    "through_a_paste_of_a_written_ending": "#define MK(x) x ## TER__\nint a = MK(__COUN);\n",
    "through_a_pasted_name_defined_later": (
        "#define MK(x) UNIQ_ ## x\n#define USE MK(ID)\n#define UNIQ_ID __COUNTER__\nint a = USE;\n"
    ),
    "through_a_pasted_name_defined_before": "#define UNIQ_ID __COUNTER__\n#define MK(x) UNIQ_ ## x\nint a = MK(ID);\n",
    "through_a_paste_around_an_argument": "#define ABD __COUNTER__\n#define MK(x) A ## x ## D\nint a = MK(B);\n",
    "through_a_paste_of_an_arguments_first_token": (
        "#define PRE_a __COUNTER__\n#define MK(x) PRE_ ## x\nint a = MK(a b);\n"
    ),
    "through_a_paste_of_an_arguments_last_token": "#define b_S __COUNTER__\n#define MK(x) x ## _S\nint a = MK(a b);\n",
    "through_a_paste_that_makes_pragma": "#define P(x) _Prag ## x(\"message __COUNTER__\")\nP(ma)\n",
    "through_a_paste_of_two_arguments": "#define CAT3(a, b) a ## _ ## b\n#define x_y __COUNTER__\nint a = CAT3(x, y);\n",
    "not_through_a_comma_paste": "#define F(f, ...) f(1, ## __VA_ARGS__)\nint a = F(g, 2);\n",
    "not_at_all": "#define F(x) x\nint a = F(1) + __LINE__;\n",
    # Only the statements around such names are expanded: these must not
    # be cut at their ';'.
    "in_a_call_across_a_semicolon": "#define TWICE(x) x x\nint a; TWICE(int b = __COUNTER__;) int c;\n",
    "in_a_function_body": "static int f(void) { int a = 1; return __COUNTER__; }\nint g;\n",
    "in_a_call_a_macro_opens": (
        "#define DROP(x)\n#define OPEN DROP(\nint a; OPEN int b; __COUNTER__ ); int c;\n"
    ),
    "in_a_call_a_later_macro_opens": (
        "#define DROP(x)\n#define USE OPEN\n#define OPEN DROP(\nint a; USE int b; __COUNTER__ );\n"
    ),
    # The statements are found in the text, before it is lexed.
    "in_a_name_continued_on_the_next_line": "int a; int b = __COUN\\\nTER__; int c;\n",
    "after_a_semicolon_in_a_string": 'char *s = "x;y", t = __COUNTER__, u = \';\';\n',
    "in_a_statement_across_a_conditional": (
        "int a = 1 +\n#ifdef NOPE\n 2 +\n#endif\n __COUNTER__;\nint b;\n"
    ),
    "between_comments_across_lines": "int a; /* one\n two */ int b = __COUNTER__ /* x\n y */ + 1;\n",
    "not_by_letters_in_a_number": "#define UL __COUNTER__\nlong a = 1UL + 0x2UL; int b = UL;\n",
    "in_a_call_a_paste_opens": (
        "#define DROP(x)\n#define OPEN DROP(\n#define CAT(a, b) a##b\n"
        "int a; CAT(OP, EN) int b; int c; __COUNTER__ );\n"
    ),
}


@requires_gcc
@pytest.mark.parametrize("part", COUNTING.values(), ids=COUNTING.keys())
def test_other_files_advance_the_counter_as_for_gcc(tmp_path: Path, part: str) -> None:
    files = {"main.h": '#include "part.h"\nint z = __COUNTER__;\n', "part.h": part}
    ours, theirs = ours_and_gcc(tmp_path, files)
    assert ours == theirs


# Pastes that cannot make a name that reaches __COUNTER__: text that calls
# them is left unexpanded (a kernel unit's commonest pastes).
NOT_COUNTING = {
    "a_comma_before_the_arguments": "#define F(f, ...) f(1, ## __VA_ARGS__)\nint a = F(g, 2);\n",
    "a_beginning_no_counting_name_has": "#define MK(x) PG_ ## x\nint a = MK(dirty);\n",
    "an_ending_no_counting_name_has": "#define MK(x) x ## _page\nint a = MK(dirty);\n",
    "a_number": "#define UL(x) x ## UL\nlong a = UL(1);\n",
    "a_string": "#define S(x) #x ## _s\nint a = S(q);\n",
}


@pytest.mark.parametrize("text", NOT_COUNTING.values(), ids=NOT_COUNTING.keys())
def test_text_that_calls_a_paste_making_no_counting_name_is_not_expanded(text: str) -> None:
    reach = Reach()
    items = scan.scan("#define UNIQ __COUNTER__\n" + text)
    for item in items[:-1]:
        assert isinstance(item, scan.Directive)
        reach.note(macros.parse_define(macros.lex(item.split()[1], item.line, "t.h"), "t.h", item.line))
    assert isinstance(items[-1], scan.Text)
    assert not reach.needed([items[-1]])
    # The same text calling a macro that pastes two arguments is expanded.
    reach.note(macros.parse_define(macros.lex("CAT(a, b) a ## b", 1, "t.h"), "t.h", 1))
    assert reach.needed([t for t in scan.scan("int b = CAT(x, y);\n") if isinstance(t, scan.Text)])


def test_the_names_of_a_text_are_found_once_each_literals_included() -> None:
    text = scan.scan('int a = min(b, min(c, 1UL));\nchar *s = "max"; int lo\\\nng_name;\n')[0]
    assert isinstance(text, scan.Text)
    assert text.names() == ("int", "a", "min", "b", "c", "UL", "char", "s", "max", "long_name")


def test_errors_in_text_of_other_files_need_expand_all_text(tmp_path: Path) -> None:
    """The limit README states: a wrong call in text that cannot change the
    passes is not expanded, so not reported, unless asked."""
    files = {"main.h": '#include "part.h"\nint z;\n', "part.h": "#define F(x) x\nint a = F(1, 2);\n"}
    tu = snippet_tu(tmp_path, files)
    assert len(Recorder(tu).run().passes) == 1
    with pytest.raises(PreprocessError, match=r'macro "F" passed 2 arguments, but takes just 1'):
        Recorder(tu, expand_all_text=True).run()


def test_scan_keeps_physical_line_numbers() -> None:
    items = scan.scan("/* a\n b */\n#define A 1\n\nint x; /* c\n d */ int y;\n#endif\n")
    assert [(type(i).__name__, i.line) for i in items] == [("Directive", 3), ("Text", 3), ("Directive", 7)]
    text = items[1]
    assert isinstance(text, scan.Text)
    assert [(t.value, t.lineno) for t in macros.lex(text.text, text.line, "f.h")] == [
        ("int", 5), ("x", 5), (";", 5), ("int", 6), ("y", 6), (";", 6)]


def test_file_cache_scans_a_file_again_only_when_it_changed(tmp_path: Path) -> None:
    path = tmp_path / "a.h"
    path.write_text("#define A 1\n")
    cache = scan.FileCache()
    made: list[int] = []

    def make() -> tuple[scan.Directive | scan.Text, ...]:
        made.append(1)
        return scan.scan(path.read_text())

    first = cache.get(str(path), scan.stamp(str(path)), make)
    assert cache.get(str(path), scan.stamp(str(path)), make) is first
    path.write_text("#define A 22\n")
    assert cache.get(str(path), scan.stamp(str(path)), make) == (scan.Directive(1, "define A 22"),)
    assert len(made) == 2


# The pieces where the order of a lexer's alternatives matters: literal
# prefixes (u, U, L, u8), numbers after a dot, quotes that do not close.
PIECES = [*"aLuU8xeE.+-0123456789\"'\\ \n\t#()<>=&|*%^!?:;,[]{}~@`$_",
          "u8", "...", ".5", "1e+", "0x1p-", "L'", 'u8"', "/", "/="]


def _pcpp_tokens(text: str) -> list[tuple[str, str, bool]]:
    lexer = pcpp_lexer.Lexer()
    lexer.input(text)
    out: list[tuple[str, str, bool]] = []
    white = False
    while (tok := lexer.token()) is not None:
        if tok.type == "CPP_WS":
            white = True
            continue
        out.append((tok.type, tok.value, white))
        white = False
    return out


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_lex_cuts_and_names_tokens_as_the_pcpp_lexer(text: str) -> None:
    """scan.lex tries its alternatives in a faster order than
    pcpp_lexer's, with the kinds worked out afterwards: same tokens."""
    # What scan.scan has taken away before lexing: comments, continuations.
    assume("/*" not in text and "//" not in text and not re.search(r"\\[ \t]*\n", text))
    ours = [(t.type, t.value, bool(t.flags & PREV_WHITE)) for t in macros.lex(text, 1, "f.h")]
    assert ours == _pcpp_tokens(text)


def _without_comments(text: str) -> str:
    """Comments as one space each, read one character at a time: the
    plain reading that scan's regular expression must agree with."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < len(text) and text[j] not in (c, "\n"):
                j += 2 if text[j] == "\\" else 1
            end = j + 1 if j < len(text) and text[j] == c else text.find("\n", i) % (len(text) + 1)
            out.append(text[i:end])
            i = end
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                out.append("/*")  # an error for scan.scan; lex_source keeps it
                i += 2
                continue
            out.append(" ")
            i = close + 2
        elif text.startswith("//", i):
            out.append(" ")
            i = text.find("\n", i) % (len(text) + 1)
        else:
            out.append(c)
            i += 1
    return "".join(out)


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from([*"/*\"'\\\na "]), max_size=16).map("".join))
def test_comments_are_found_as_a_plain_reading_finds_them(text: str) -> None:
    assert scan._STRIP.sub(scan._comment_to_space, text) == _without_comments(text)


# What scan._directive_starts finds, said as a regular expression: a '#'
# (not '##') first on a line, after white space or continuations, from
# the newline that starts the line.
_DIRECTIVE = re.compile(r"\n[ \t\f\v]*(?:\\\n[ \t\f\v]*)*#(?!#)")


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(["\n", " ", "\t", "\\", "#", "a", "\\\n", "##"]), max_size=16).map("".join))
def test_directives_start_where_the_expression_says(text: str) -> None:
    expected = [(m.start(), m.end() - 1) for m in _DIRECTIVE.finditer(text)]
    assert scan._directive_starts(text) == expected


@pytest.mark.parametrize("text", [
    "#ifndef G\n#define G\n#if X\nint a;\n#else\nint b;\n#endif\n#endif\n",
    "#ifndef G /* the guard */\n#define G\n#endif\n",
])
def test_a_file_all_in_ifndef_has_an_include_guard(text: str) -> None:
    assert scan.include_guard(scan.scan(text)) == "G"


@pytest.mark.parametrize("text", [
    "#ifndef G\nint a;\n#endif\nint b;\n",  # text after it
    "#ifndef G\nint a;\n#else\nint b;\n#endif\n",  # read either way
    "#ifndef G\n#endif\n#ifndef H\n#endif\n",  # two of them
    "int a;\n#ifndef G\n#endif\n",  # text before it
    "#if !defined(G)\n#endif\n",  # gcc takes this form too; we need not
    "#ifndef G H\n#endif\n",
])
def test_other_files_have_none(text: str) -> None:
    assert scan.include_guard(scan.scan(text)) is None


@requires_gcc
@pytest.mark.parametrize("main", [
    '#include "part.h"\n#include "part.h"\nint z = __COUNTER__;\n',
    '#include "part.h"\n#undef G\n#include "part.h"\nint z = __COUNTER__ + P;\n',
    '#define G\n#include "part.h"\nint z = __COUNTER__;\n',
])
def test_a_guarded_file_is_read_again_only_when_its_guard_is_not_defined(tmp_path: Path, main: str) -> None:
    part = "#ifndef G\n#define G\n#undef P\n#define P __LINE__\nint p = __COUNTER__;\n#endif\n"
    ours, theirs = ours_and_gcc(tmp_path, {"main.h": main, "part.h": part})
    assert ours == theirs
