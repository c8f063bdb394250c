"""Each place where pcpp 1.30 differs from gcc, fixed in our subclass and
checked against gcc on a small program."""

from __future__ import annotations

from pathlib import Path

import pcpp  # type: ignore[import-untyped]
import pytest

from explainer.cpp import lexer
from explainer.cpp.printer import print_tokens
from explainer.cpp.recorder import Recorder

from conftest import gcc_pass_tokens, ours_and_gcc, requires_gcc, snippet_tu

CASES = {
    # gcc: "REC->comm, REC->pid"; pcpp kept the argument's leading newline.
    "stringize_whitespace": (
        "#define __stringify_1(x...) #x\n"
        "#define __stringify(x...) __stringify_1(x)\n"
        "#define __entry REC\n"
        "#define TP_printk(fmt, args...) \"\\\"\" fmt \"\\\", \" __stringify(args)\n"
        "char f[] = TP_printk(\"comm=%s pid=%d\",\n"
        "\t\t__entry->comm,   __entry->pid);\n"
        "char g[] = __stringify_1(  a  +\n  b  \"q\\\"\" 'c' );\n"
    ),
    # GNU ", ## args" through nested variadic macros, and M(x,) keeping its comma.
    "gnu_comma": (
        "#define inner(fmt, args...) f(fmt, ## args)\n"
        "#define outer(fmt, args...) inner(fmt, ## args)\n"
        "#define va(fmt, ...) g(fmt, ##__VA_ARGS__)\n"
        "#define only(args...) h(0, ## args)\n"
        "outer(1); outer(1, 2, 3); va(1); va(1,); va(1, x); only(); only(a);\n"
        "#define COUNT(X...) PICK(, ##X, 3, 2, 1, 0)\n"
        "#define PICK(_0, _1, _2, _3, n, ...) n\n"
        "int c[] = { COUNT(), COUNT(a), COUNT(a, b), COUNT(a, b, c) };\n"
    ),
    # __COUNTER__ starts at 0 and counts every expansion, as gcc's does.
    "counter": (
        "#define CAT2(a, b) a ## b\n#define CAT(a, b) CAT2(a, b)\n"
        "#define UNIQ(p) CAT(p, __COUNTER__)\n#define RAW(p) p ## __COUNTER__\n"
        "int __COUNTER__, UNIQ(a), UNIQ(b), RAW(c);\n"
        "#define NEXT __COUNTER__\nint n = NEXT;\n"
    ),
    # "##" inside an object-like macro pastes too.
    "object_like_paste": "#define A x ## y\n#define B 1 ## 2 ## 3\nint A = B;\n",
    # A macro that expands to a function-like macro's name takes "(" from the text after it.
    "name_then_paren": (
        "#define f(x) [x]\n#define g f\n#define h g(2)\ng(1) h f (3) g\n(4) f\n"
    ),
    # Painted-blue names stay unexpanded, even when an argument is rescanned.
    "recursion": (
        "#define foo foo\n#define bar(x) x bar(x)\n#define AA BB\n#define BB AA\n"
        "foo bar(bar(1)) AA BB\n"
        "#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n"
    ),
    # Built-ins: __LINE__ of the invocation, __FILE__ as gcc spells it.
    "builtins": "#define L __LINE__\nint a = L, b = __LINE__;\nconst char *f = __FILE__;\n"
    "#define M(x) x\nint c = M(\n__LINE__);\n",
    # Clock macros: pinned through SOURCE_DATE_EPOCH=0, never the clock.
    "clock": "const char *d = __DATE__, *t = __TIME__;\n",
    # gcc's operators, answered by the gcc that reproduce runs; operands expand.
    "has_attribute_builtin": (
        "#define AL aligned\n#if __has_attribute(AL) && __has_builtin(__builtin_expect)\nint yes;\n#endif\n"
        "#if __has_attribute(no_such_attribute_here) || !defined(__has_builtin)\nint no;\n#endif\n"
        "int v = __has_attribute(nodiscard), b = __has_builtin(__builtin_constant_p);\n"
        "#define H __has_attribute(packed)\n#if H\nint produced_by_a_macro;\n#endif\n"
    ),
    "has_include": (
        '#if __has_include("main.h") && __has_include(<main.h>) && !__has_include(<nope.h>)\n'
        "int found;\n#endif\n#ifdef __has_include\nint defined_too;\n#endif\n"
    ),
    # _Pragma becomes a #pragma line; #pragma lines are printed as they are.
    "pragma": (
        '#pragma GCC diagnostic push\n#define IGNORE _Pragma("GCC diagnostic ignored \\"-Wformat\\"")\n'
        "IGNORE int x;\n#pragma GCC diagnostic pop\nint y = 0b101 + (1ULL << 3);\n"
    ),
    # __VA_OPT__ (gcc accepts it in gnu11 too).
    "va_opt": (
        "#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)\n"
        "#define G(X, ...) X __VA_OPT__(- X ## __VA_ARGS__ -) end\n"
        "#define E(...) __VA_OPT__(x)y\n#define NOTHING\n"
        "F(1) F(1,2) F(1,) G(a) G(a,b) G(a, b c) E() E(1) F(1, NOTHING) F(1, (g(2)))\n"
    ),
    # Standard predefined macros of gcc -undef -std=gnu11.
    "predefined": "long v = __STDC_VERSION__; int s = __STDC__ + __STDC_HOSTED__;\n",
}


@requires_gcc
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_gcc(name: str, tmp_path: Path) -> None:
    ours, theirs = ours_and_gcc(tmp_path, {"main.h": CASES[name]})
    assert ours == theirs


def test_plain_pcpp_gets_stringizing_wrong() -> None:
    """Why the fix exists: pcpp 1.30 keeps the argument's leading white space."""
    p = pcpp.Preprocessor()
    p.parse('#define S(x...) #x\nS(\n  a,  b)\n')
    text = "".join(t.value for t in iter(p.token, None))
    assert '" a, b"' in text or '"\n  a, b"' in text or '"  a, b"' in text


@requires_gcc
def test_multi_read_header_is_read_every_time(tmp_path: Path) -> None:
    """pcpp guesses "#pragma once" for guarded headers; a trace header whose
    guard opens again (TRACE_HEADER_MULTI_READ) must be read every time."""
    files = {
        "main.h": '#include "ev.h"\n#include "ev.h"\n#define MULTI\n#include "ev.h"\n',
        "ev.h": "#if !defined(EV_H) || defined(MULTI)\n#define EV_H\nint x;\n#endif\n",
    }
    tu = snippet_tu(tmp_path, files, main="ev.h", entry="main.h")
    recording = Recorder(tu).run()
    ours = [lexer.spellings(print_tokens([e.tok for e in p.emitted], [e.line for e in p.emitted])) for p in recording.passes]
    assert ours == gcc_pass_tokens(tu) == [["int", "x", ";"], [], ["int", "x", ";"]]


@requires_gcc
def test_include_next_continues_after_the_current_directory(tmp_path: Path) -> None:
    files = {
        "main.h": "#include <wrap.h>\nint WHICH;\n",
        "first/wrap.h": "#include_next <wrap.h>\n#define OUTER 1\n",
        "second/wrap.h": "#define WHICH from_second\n",
    }
    tu = snippet_tu(tmp_path, files)
    tu = type(tu)(**{**tu.__dict__, "include_dirs": ("first", "second")})
    ours = [lexer.spellings(print_tokens([e.tok for e in p.emitted], [e.line for e in p.emitted])) for p in Recorder(tu).run().passes]
    assert ours == gcc_pass_tokens(tu) == [["int", "from_second", ";"]]


@requires_gcc
def test_pragma_once_is_honoured(tmp_path: Path) -> None:
    files = {"main.h": '#include "o.h"\n#include "o.h"\n', "o.h": "#pragma once\nint once;\n"}
    ours, theirs = ours_and_gcc(tmp_path, files, main="o.h", entry="main.h")
    assert ours == theirs == [["int", "once", ";"]]


@requires_gcc
def test_quote_include_searches_the_current_files_directory_only(tmp_path: Path) -> None:
    """pcpp searches the directories of every open file; gcc only the
    current file's, then -I.  define_trace.h's "./foo.h" depends on it."""
    files = {
        "main.h": '#include "sub/a.h"\n',
        "sub/a.h": '#include "b.h"\nint WHICH;\n',
        "sub/b.h": "#define WHICH from_sub\n",
        "b.h": "#define WHICH from_top\n",
    }
    ours, theirs = ours_and_gcc(tmp_path, files, main="sub/a.h", entry="main.h")
    assert ours == theirs == [["int", "from_sub", ";"]]


@requires_gcc
def test_computed_include_and_stringified_path(tmp_path: Path) -> None:
    files = {
        "main.h": (
            "#define __stringify_1(x...) #x\n#define __stringify(x...) __stringify_1(x)\n"
            "#define TRACE_INCLUDE_PATH .\n#define FILE_NAME inc\n"
            "#define TRACE_INCLUDE(system) __stringify(TRACE_INCLUDE_PATH/system.h)\n"
            "#include TRACE_INCLUDE(FILE_NAME)\n"
            "#define ANGLED(system) <system.h>\n#include ANGLED(inc)\n"
        ),
        "inc.h": "int included;\n",
    }
    ours, theirs = ours_and_gcc(tmp_path, files, main="inc.h", entry="main.h")
    assert ours == theirs == [["int", "included", ";"]] * 2
