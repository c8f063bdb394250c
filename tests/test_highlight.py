"""Our token classes against pygments' C lexer, whose CSS styles them."""

from __future__ import annotations

from pygments.lexers import CLexer
from pygments.token import STANDARD_TYPES, _TokenType

from explainer.cpp.recorder import Recorder
from explainer.kernel.translation_unit import setup
from explainer.render import highlight
from explainer.walkthrough.layout import lay_out_pass

from conftest import REPO, SAMPLE


def pygments_class(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES and ttype.parent is not None:
        ttype = ttype.parent
    return STANDARD_TYPES.get(ttype, "")


def test_classes_agree_with_pygments_on_the_sample() -> None:
    """Token for token over every pass of sample.h, with two known
    differences: pygments reads "-1" as one number, and finds a function
    name only when it is on the same line as its type."""
    recording = Recorder(setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)).run()
    lexer = CLexer(stripnl=False, ensurenl=False)
    compared = 0
    for p in recording.passes:
        code, laid = lay_out_pass(p.emitted)
        spans = laid.pairs()
        theirs = [(start, pygments_class(t)) for start, t, _ in lexer.get_tokens_unprocessed(code)]
        ours = highlight.classes([code[a:b] for a, b in spans])
        k = 0
        for (start, end), css in zip(spans, ours, strict=True):
            while k + 1 < len(theirs) and theirs[k + 1][0] <= start:
                k += 1
            expected = theirs[k][1]
            text = code[start:end]
            if (expected, css) == ("mi", "o") and text == "-":
                continue
            if {expected, css} == {"n", "nf"}:
                continue
            assert css == expected, (text, code[max(start - 40, 0):end + 40])
            compared += 1
    assert compared > 8000


def test_token_kinds() -> None:
    texts = ["static", "unsigned", "inline", "NULL", "struct", "trace_entry", "*", "f", "(",
             "0x1f", "017", "1.5e3", "42UL", '"s"', "'c'", 'L"w"', "->", ")", ";"]
    assert highlight.classes(texts) == [
        "k", "kt", "kr", "nb", "k", "nc", "o", "nf", "p",
        "mh", "mo", "mf", "mi", "s", "sc", "s", "o", "p", "p",
    ]
