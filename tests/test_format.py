"""clang-format lays code out; it must not change a single token."""

from __future__ import annotations

import bisect
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from explainer import codeformat, lexer
from explainer.preprocess import Recorder
from explainer.printer import print_tokens
from explainer.translation_unit import setup

from conftest import REPO, SAMPLE


def test_formatting_keeps_every_token() -> None:
    recording = Recorder(setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)).run()
    raw = [print_tokens(p.emitted)[0] for p in recording.passes]
    formatted = codeformat.format_blocks(raw)
    assert codeformat.executable() is not None
    changed = 0
    for before, after in zip(raw, formatted, strict=True):
        assert lexer.spellings(before) == lexer.spellings(after)
        changed += before != after
    assert changed == len(raw), "every pass should have been laid out"


def test_kernel_style() -> None:
    (text,) = codeformat.format_blocks(["static int f(int a){if(a)return 1;return 0;}\n"])
    assert text == "static int f(int a)\n{\n\tif (a)\n\t\treturn 1;\n\treturn 0;\n}\n"


def test_offset_map_follows_non_space_characters() -> None:
    mapping = codeformat.OffsetMap("a  b\nc", "a b c")
    assert [mapping(0), mapping(3), mapping(5)] == [0, 2, 4]


@given(st.text(alphabet=" \n\tab", max_size=30), st.text(alphabet=" \n\t", max_size=30))
def test_offset_map_agrees_with_counting_characters(before: str, spaces: str) -> None:
    """The map keeps runs, not characters: it answers as counting would,
    at every offset, also in white space and past the end."""
    after = "".join(c + spaces[i % len(spaces)] if spaces else c
                    for i, c in enumerate(before) if not c.isspace())
    mapping = codeformat.OffsetMap(before, after)
    old = [i for i, c in enumerate(before) if not c.isspace()]
    new = [i for i, c in enumerate(after) if not c.isspace()]
    for offset in range(len(before) + 2):
        k = bisect.bisect_left(old, offset)
        expected = new[k] if k < len(new) else (new[-1] + 1 if new else 0)
        assert mapping(offset) == expected


def test_early_layout_is_the_layout(tmp_path: Path) -> None:
    """Passes formatted while recording goes on come out as formatted
    after it, also when pass 1 wrote more code after pass 2 began."""
    from explainer import walkthrough

    from conftest import snippet_tu

    grows = {"main.h": (
        "int before(void){return 1;}\n"
        "#ifndef AGAIN\n#define AGAIN\n#include \"main.h\"\n#endif\n"
        "int after(void){return 2;}\n"
    )}
    for tu in (setup(str(SAMPLE.relative_to(REPO)), [], [], REPO), snippet_tu(tmp_path, grows)):
        early = walkthrough.EarlyLayout()
        try:
            recording = Recorder(tu, on_pass=early.pass_done).run()
            assert walkthrough.lay_out(recording, early) == walkthrough.lay_out(recording)
        finally:
            early.close()
