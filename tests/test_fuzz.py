"""Differential fuzzing: explainer and gcc on generated programs must give
the same tokens, or both reject the program.  A fixed seed and a few
hundred cases here; ``make fuzz`` runs thousands (FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from explainer.cpp import lexer
from explainer.cpp.recorder import Recorder
from explainer.errors import ExplainError, PreprocessError
from explainer.kernel import oracle
from explainer.walkthrough.layout import lay_out_pass

from conftest import requires_gcc, snippet_tu
from programs import program

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))


def gcc_tokens(tu: object) -> list[list[str]] | None:
    """gcc's tokens per pass, or None when gcc rejects the program."""
    argv = list(tu.gcc_argv())  # type: ignore[attr-defined]
    proc = subprocess.run(argv, input=tu.text, cwd=tu.cwd, capture_output=True, text=True,  # type: ignore[attr-defined]
                          env={**os.environ, "SOURCE_DATE_EPOCH": "0"}, check=False)
    if proc.returncode != 0:
        return None
    return [lexer.spellings(p) for p in oracle.split_passes(proc.stdout, tu.cwd, tu.header_abspath)]  # type: ignore[attr-defined]


def our_tokens(tu: object, expand_all_text: bool) -> list[list[str]] | ExplainError:
    try:
        recording = Recorder(tu, expand_all_text=expand_all_text).run()  # type: ignore[arg-type]
    except ExplainError as exc:
        return exc
    return [lexer.spellings(lay_out_pass(p.emitted)[0]) for p in recording.passes]


def check(files: dict[str, str]) -> None:
    """Expanding all text, explainer and gcc agree, errors included.  By
    default (text of other files expanded only where it can change the
    passes) the passes agree whenever gcc accepts the program, and an error
    only gcc reports lies outside the header."""
    with tempfile.TemporaryDirectory() as tmp:
        tu = snippet_tu(Path(tmp), files)
        theirs = gcc_tokens(tu)
        strict, fast = our_tokens(tu, True), our_tokens(tu, False)
        assert (None if isinstance(strict, ExplainError) else strict) == theirs, f"disagreement on:\n{files}"
        if theirs is not None:
            assert fast == theirs, f"disagreement (default reading) on:\n{files}"
        elif not isinstance(fast, ExplainError):
            assert isinstance(strict, PreprocessError) and strict.file != "main.h", f"missed error on:\n{files}"


@requires_gcc
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(program())
def test_explainer_agrees_with_gcc(files: dict[str, str]) -> None:
    check(files)
