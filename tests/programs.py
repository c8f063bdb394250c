"""Hypothesis strategies that write small preprocessor programs: object-
and function-like macros, '#', '##', variadics (__VA_ARGS__, named
``args...``, GNU ``, ##__VA_ARGS__``), nested calls whose arguments hold
calls, parentheses, commas and semicolons, __COUNTER__, #if arithmetic,
#undef and redefinition, and a header read several times."""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ["A", "B", "F", "G", "H", "x", "y"]
PARAMS = ["a", "b", "c"]
WORDS = ["x", "y", "1", "2", "+", "-", "*", ",", "(", ")", "A", "B", "F", "G", "H", "a", "b",
         "__VA_ARGS__", "args", "#", "##", '"s"', "'c'", ".", "0x1", "z1", ";", "{", "}",
         "__COUNTER__"]

word = st.sampled_from(WORDS)


@st.composite
def body(draw: st.DrawFn, params: list[str]) -> str:
    choices = [*WORDS, *params]
    tokens = draw(st.lists(st.sampled_from(choices), max_size=8))
    spaced = [t if draw(st.booleans()) else " " + t for t in tokens]
    return "".join(spaced).strip()


@st.composite
def define(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    kind = draw(st.sampled_from(["object", "function", "variadic", "named", "gnu"]))
    if kind == "object":
        return f"#define {name} {draw(body([]))}"
    params = draw(st.lists(st.sampled_from(PARAMS), max_size=3, unique=True))
    if kind == "function":
        return f"#define {name}({', '.join(params)}) {draw(body(params))}"
    if kind == "variadic":
        return f"#define {name}({', '.join([*params, '...'])}) {draw(body([*params, '__VA_ARGS__']))}"
    if kind == "named":
        return f"#define {name}({', '.join([*params, 'args...'])}) {draw(body([*params, 'args']))}"
    first = params[0] if params else "f"
    return f"#define {name}({first}, ...) g({first}, ## __VA_ARGS__) {draw(body([first]))}"


@st.composite
def argument(draw: st.DrawFn, depth: int) -> str:
    parts = draw(st.lists(st.sampled_from(["x", "1", "a b", "(1, 2)", "", "A", "+", '"q"', "x; y",
                                           "__COUNTER__"]), max_size=3))
    text = " ".join(parts)
    if depth < 2 and draw(st.booleans()):
        text += " " + draw(call(depth + 1))
    return text


@st.composite
def call(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(st.sampled_from(NAMES))
    args = draw(st.lists(argument(depth), max_size=4))
    return f"{name}({', '.join(args)})"


@st.composite
def text_line(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.one_of(call(), word, st.sampled_from(NAMES)), min_size=1, max_size=5))
    return " ".join(pieces)


@st.composite
def condition(draw: st.DrawFn) -> str:
    a, b = draw(st.integers(-3, 40)), draw(st.integers(-3, 40))
    op = draw(st.sampled_from(["+", "-", "*", "<", "==", "&&", "||", "<<", "%", "/", ">="]))
    name = draw(st.sampled_from(NAMES))
    form = draw(st.sampled_from([f"{a} {op} {b}", f"defined({name})", f"!defined {name} || {a}",
                                 f"({a} {op} {b}) ? {name} : 2", f"{name} {op} {b}"]))
    return form


@st.composite
def program(draw: st.DrawFn) -> dict[str, str]:
    """{file name: text}; main.h is the translation unit's header."""
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["define", "define", "text", "text", "undef", "if", "include"]))
        if kind == "define":
            lines.append(draw(define()))
        elif kind == "undef":
            lines.append(f"#undef {draw(st.sampled_from(NAMES))}")
        elif kind == "text":
            lines.append(draw(text_line()))
        elif kind == "if":
            lines += [f"#if {draw(condition())}", draw(text_line()), "#else", draw(text_line()), "#endif"]
        else:
            lines.append('#include "part.h"')
    # Text of another file is expanded only where it can reach
    # __COUNTER__, statement by statement: several of each.
    part = "\n".join(draw(st.lists(st.one_of(define(), text_line()), min_size=2, max_size=5)))
    # Last, what shows how far the counter went.
    lines.append("int z = __COUNTER__;")
    return {"main.h": "\n".join(lines) + "\n", "part.h": part + "\n"}
