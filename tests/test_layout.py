"""Our layout of generated code: kernel style, and never a token changed."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.cpp import lexer
from explainer.cpp.macros import PAD, Tok, padding
from explainer.cpp.printer import Emitted, print_tokens
from explainer.cpp.recorder import Recorder
from explainer.kernel.translation_unit import setup
from explainer.walkthrough import layout

from conftest import REPO, SAMPLE


def lay(text: str) -> str:
    code, _ = layout.lay_out_pass([Emitted(Tok("X", s), 1) for s in lexer.spellings(text)])
    return code


def check_spans(emitted: list[Emitted], code: str, spans: list[tuple[int, int]]) -> None:
    """Every token is where its span says, in order, with only white
    space around: layout chooses white space and nothing else."""
    values = [e.tok.value for e in emitted if e.tok.type != PAD]
    assert [code[a:b] for a, b in spans] == values
    ends = [0] + [b for _, b in spans]
    starts = [a for a, _ in spans] + [len(code)]
    assert all(not code[e:s].strip() for e, s in zip(ends, starts, strict=True))
    assert lexer.spellings(code) == values


def test_every_pass_keeps_every_token() -> None:
    recording = Recorder(setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)).run()
    for p in recording.passes:
        code, spans = layout.lay_out_pass(p.emitted)
        check_spans(list(p.emitted), code, spans.pairs())
        assert lexer.spellings(code) == lexer.spellings(print_tokens([e.tok for e in p.emitted], [e.line for e in p.emitted]))


def test_padding_tokens_are_skipped() -> None:
    emitted = [Emitted(Tok("X", "a"), 1), Emitted(padding(None), 1), Emitted(Tok("X", ";"), 1)]
    code, spans = layout.lay_out_pass(emitted)
    assert (code, spans.pairs()) == ("a;\n", [(0, 1), (1, 2)])
    code, spans = layout.lay_out_pass([])
    assert (code, spans.pairs(), len(spans)) == ("", [], 0)


CASES = {
    "function": (
        "static int f(int a){if(a)return 1;return 0;}",
        "static int f(int a)\n{\n\tif (a)\n\t\treturn 1;\n\treturn 0;\n}\n",
    ),
    "struct": (
        "struct x { int a; char *p; unsigned long flags; char tag[4]; } y;",
        "struct x {\n\tint a;\n\tchar *p;\n\tunsigned long flags;\n\tchar tag[4];\n} y;\n",
    ),
    "statements": (
        "void g(void){switch(x){case 1:a=(u64)-b;break;default:c=(a)-b;}"
        "do{x++;}while(0);if(a)b();else if(c){d=&x->y[3];}else e=*p*3;}",
        "void g(void)\n{\n\tswitch (x) {\n\tcase 1:\n\t\ta = (u64)-b;\n\t\tbreak;\n"
        "\tdefault:\n\t\tc = (a) - b;\n\t}\n\tdo {\n\t\tx++;\n\t} while (0);\n"
        "\tif (a)\n\t\tb();\n\telse if (c) {\n\t\td = &x->y[3];\n\t} else\n\t\te = *p * 3;\n}\n",
    ),
    "short_list_on_one_line": (
        "static const struct f flags[] = { { 0x1, \"READ\" }, { -1, ((void *)0) } };",
        "static const struct f flags[] = { { 0x1, \"READ\" }, { -1, ((void *)0) } };\n",
    ),
    "designators_one_per_line": (
        "static struct trace_event_functions trace_event_type_funcs_sample = "
        "{ .trace = trace_raw_output_sample, };",
        "static struct trace_event_functions trace_event_type_funcs_sample = {\n"
        "\t.trace = trace_raw_output_sample,\n};\n",
    ),
    "statement_expression": (
        "int h(void){return x(a,({int z=1;z;}));}",
        "int h(void)\n{\n\treturn x(a, ({\n\t\tint z = 1;\n\t\tz;\n\t}));\n}\n",
    ),
    "arguments_aligned": (
        "int __traceiter_sample_work(void *__data, const char *name, int id, "
        "unsigned long flags, const struct sample_point *pos);",
        "int __traceiter_sample_work(void *__data, const char *name, int id,\n"
        "\t\t\t    unsigned long flags,\n"
        "\t\t\t    const struct sample_point *pos);\n",
    ),
    "return_type_alone": (
        "static __attribute__((__no_instrument_function__)) enum print_line_t "
        "trace_raw_output_sample(struct trace_iterator *iter, int flags, struct trace_event *e);",
        "static __attribute__((__no_instrument_function__)) enum print_line_t\n"
        "trace_raw_output_sample(struct trace_iterator *iter, int flags,\n"
        "\t\t\tstruct trace_event *e);\n",
    ),
    "operators_end_lines": (
        "void k(void){if(!bpf_prog_array_valid(event_call)&&__builtin_constant_p(!__task)"
        "&&!__task&&hlist_empty(head))return;}",
        "void k(void)\n{\n\tif (!bpf_prog_array_valid(event_call) &&\n"
        "\t    __builtin_constant_p(!__task) && !__task && hlist_empty(head))\n\t\treturn;\n}\n",
    ),
    "pointers_casts_and_gnu": (
        "struct s __attribute__((__unused__)) *p = (void *)0; x = (typeof(f))e->g ?: (char *)y;",
        "struct s __attribute__((__unused__)) *p = (void *)0;\nx = (typeof(f))e->g ?: (char *)y;\n",
    ),
    "condition_holding_a_block": (
        "void f(void){if(!(cpu_online(({switch(x){case 1:y=2;}z;}))))return;"
        "asm volatile(\"\" : : : \"memory\");}",
        "void f(void)\n{\n\tif (!(cpu_online(({\n\t\tswitch (x) {\n\t\tcase 1:\n\t\t\ty = 2;\n"
        "\t\t}\n\t\tz;\n\t}))))\n\t\treturn;\n\tasm volatile(\"\" : : : \"memory\");\n}\n",
    ),
}


def test_kernel_style() -> None:
    for name, (text, expected) in CASES.items():
        assert lay(text) == expected, name


def test_the_brace_of_a_long_condition_stays_on_its_line() -> None:
    """A condition that fits in 80 columns only without its " {" is
    broken inside, as the kernel writes it, not left with its brace on a
    line of its own (seen with folded calls, which are one text each)."""
    texts = ["void", "f", "(", "void", ")", "{", "if", "(", "IS_ENABLED(CONFIG_LOCKDEP)", "&&",
             "(", "cpu_online", "(", "raw_smp_processor_id()", ")", ")", ")", "{",
             "WARN_ON_ONCE", "(", "!rcu_is_watching()", ")", ";", "}", "}"]
    code, _ = layout.lay_out_values(texts)
    assert code == (
        "void f(void)\n{\n\tif (IS_ENABLED(CONFIG_LOCKDEP) &&\n"
        "\t    (cpu_online(raw_smp_processor_id()))) {\n"
        "\t\tWARN_ON_ONCE(!rcu_is_watching());\n\t}\n}\n")


def test_long_calls_are_broken_within_the_limit() -> None:
    args = ", ".join(f"argument_{i}" for i in range(30))
    code = lay(f"void f(void){{ result = some_function_with_a_long_name({args}); }}")
    lines = code.splitlines()
    assert len(lines) > 5
    assert all(len(line.expandtabs(8)) <= layout.LIMIT for line in lines)
    assert lexer.spellings(code) == lexer.spellings(f"void f(void){{ result = some_function_with_a_long_name({args}); }}")


# Tokens that would merge if written together, and ones that steer layout.
TOKENS = [
    "a", "b1", "int", "struct", "if", "else", "do", "while", "case", "return", "sizeof",
    "1", ".5", "0x1f", "1.", '"s"', "'c'", 'L"w"',
    "(", ")", "[", "]", "{", "}", ";", ",", ":", "?", ".", "...", "->",
    "+", "++", "-", "--", "*", "/", "%", "&", "&&", "|", "||", "<", "<<", "<<=", ">", ">>",
    "=", "==", "!", "!=", "~", "#", "##", "%:", "<:", ":>",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=120))
def test_any_token_sequence_reads_back_the_same(tokens: list[str]) -> None:
    emitted = [Emitted(Tok("X", t), 1) for t in tokens]
    code, spans = layout.lay_out_pass(emitted)
    check_spans(emitted, code, spans.pairs())


def test_hostile_nesting_costs_linear_time() -> None:
    """Deep braces stop indenting at MAX_INDENT; a line nested past
    MAX_LINE_NESTING parentheses is written unbroken."""
    braces = "void f(void)" + "{" * 20_000 + "x;" + "}" * 20_000
    parens = "y = " + "f(a, " * 5_000 + "b" + ")" * 5_000 + ";"
    for text in (braces, parens):
        start = time.perf_counter()
        code = lay(text)
        assert time.perf_counter() - start < 30  # a hang, not a timing target
        assert lexer.spellings(code) == lexer.spellings(text)
        assert max(len(line) - len(line.lstrip("\t ")) for line in code.splitlines()) \
            <= layout.MAX_INDENT
