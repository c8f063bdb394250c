"""Text and JSON output of the bundled headers against committed golden
files.  After an intended change: ``make golden`` and review the diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explainer import cli

from conftest import BROKEN_DIR, FOO_DIR, REPO, TOY_DIR, requires_gcc

GOLDEN = Path(__file__).parent / "golden"

CASES = [
    pytest.param(REPO, ["TRACE_EVENT", "headers/include/trace/events/sample.h"], "sample-TRACE_EVENT.txt", id="sample-text"),
    pytest.param(REPO, ["--format", "json", "all", "headers/include/trace/events/sample.h"], "sample-all.json", id="sample-json"),
    pytest.param(FOO_DIR, ["TRACE_EVENT", "foo.h"], "foo-TRACE_EVENT.txt", id="foo-text"),
    pytest.param(FOO_DIR, ["--format", "json", "TRACE_EVENT", "foo.h"], "foo-TRACE_EVENT.json", id="foo-json"),
    # The toy: a header that reads itself twice, without the tracing machinery.
    pytest.param(TOY_DIR, ["COLOR", "colors.h"], "colors-COLOR.txt", id="toy-text"),
    pytest.param(TOY_DIR, ["--format", "json", "all", "colors.h"], "colors-all.json", id="toy-json"),
    # A header that stops the translation unit: the passes that worked, then the diagnosis (exit 2).
    pytest.param(BROKEN_DIR, ["TRACE_EVENT", "oldfoo.h"], "oldfoo-TRACE_EVENT.txt", id="oldfoo-text"),
    pytest.param(BROKEN_DIR, ["--format", "json", "TRACE_EVENT", "oldfoo.h"], "oldfoo-TRACE_EVENT.json",
                 id="oldfoo-json"),
    # In Chinese: the sample, and the doctor's diagnosis.
    pytest.param(REPO, ["--lang", "zh", "TRACE_EVENT", "headers/include/trace/events/sample.h"],
                 "sample-TRACE_EVENT.zh.txt", id="sample-text-zh"),
    pytest.param(BROKEN_DIR, ["--lang", "zh", "TRACE_EVENT", "oldfoo.h"], "oldfoo-TRACE_EVENT.zh.txt",
                 id="oldfoo-text-zh"),
]


@requires_gcc
@pytest.mark.parametrize(("cwd", "argv", "golden"), CASES)
def test_output_matches_golden(
    cwd: Path, argv: list[str], golden: str, tmp_path: Path, update_goldens: bool
) -> None:
    actual_path = tmp_path / golden
    old = Path.cwd()
    os.chdir(cwd)
    try:
        expected_status = 2 if "broken" in cwd.parts else 0
        assert cli.main([*argv, "--color", "never", "-o", str(actual_path)]) == expected_status
    finally:
        os.chdir(old)
    actual = actual_path.read_text()
    expected_path = GOLDEN / golden
    if update_goldens:
        expected_path.write_text(actual)
        return
    assert expected_path.exists(), f"no golden file {golden}: run make golden"
    assert actual == expected_path.read_text(), (
        f"output differs from {expected_path}; the new output is in {actual_path}"
    )
