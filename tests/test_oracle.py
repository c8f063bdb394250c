"""Every pass of every bundled header is token-identical to gcc -E."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from explainer import cli
from explainer.cpp import lexer
from explainer.cpp.recorder import Recorder
from explainer.kernel import oracle
from explainer.kernel.translation_unit import setup

from conftest import FOO_DIR, REPO, SAMPLE, gcc_pass_tokens, pass_tokens, requires_gcc

BUNDLED = [
    pytest.param(REPO, str(SAMPLE.relative_to(REPO)), id="sample.h"),
    pytest.param(FOO_DIR, "foo.h", id="foo.h"),
]


@requires_gcc
@pytest.mark.parametrize(("cwd", "header"), BUNDLED)
def test_every_pass_matches_gcc(cwd: Path, header: str) -> None:
    tu = setup(header, [], [], cwd)
    ours = pass_tokens(Recorder(tu).run())
    theirs = gcc_pass_tokens(tu)
    assert len(ours) == len(theirs) == 11
    for index, (a, b) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert a == b, f"pass {index} differs from gcc"
        assert a, f"pass {index} is empty"


@requires_gcc
@pytest.mark.parametrize(("cwd", "header"), BUNDLED)
def test_json_code_matches_its_reproduce_command(
    cwd: Path, header: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's acceptance check: run `reproduce` as a user would."""
    monkeypatch.chdir(cwd)
    out = tmp_path / "w.json"
    assert cli.main(["--format", "json", "TRACE_EVENT", header, "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    r = data["reproduce"]
    run_dir = ((cwd / header).parent / r["cwd"]).resolve()  # cwd is relative to the header's directory
    proc = subprocess.run(
        r["argv"], input=r["stdin"], cwd=run_dir, env={**os.environ, **r["env"]},
        capture_output=True, text=True, check=True,
    )
    gcc_passes = oracle.split_passes(proc.stdout, run_dir, (run_dir / data["header"]).resolve())
    assert len(data["passes"]) == len(gcc_passes) == 11
    for p, g in zip(data["passes"], gcc_passes, strict=True):
        assert lexer.spellings(p["code"]) == lexer.spellings(g), f"pass {p['index']}"


@requires_gcc
def test_bundled_translation_units_are_valid_c(tmp_path: Path) -> None:
    for cwd, header in ((REPO, str(SAMPLE.relative_to(REPO))), (FOO_DIR, "foo.h")):
        tu = setup(header, [], [], cwd)
        argv = [a for a in tu.gcc_argv() if a != "-E"]
        proc = subprocess.run(
            [*argv[:1], "-fsyntax-only", "-Wall", *argv[1:]], input=tu.text, cwd=tu.cwd,
            capture_output=True, text=True, check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "warning" not in proc.stderr, proc.stderr


@requires_gcc
@pytest.mark.parametrize(
    ("macro_args", "passes"),
    [
        # NOTRACE switches tracepoints off: define_trace.h stops after the define read.
        ([("-D", "NOTRACE")], 2),
        # -D/-U act before the translation unit, in order; its own #define wins.
        ([("-D", "CREATE_TRACE_POINTS=0"), ("-U", "CREATE_TRACE_POINTS"), ("-D", "X=2")], 11),
        # Order matters: -U then -D leaves NOTRACE defined, so two passes.
        ([("-U", "NOTRACE"), ("-D", "NOTRACE")], 2),
    ],
)
def test_command_line_macros_reach_both(macro_args: list[tuple[str, str]], passes: int) -> None:
    tu = setup(str(SAMPLE.relative_to(REPO)), [], macro_args, REPO)
    assert [f + v for f, v in macro_args] == [a for a in tu.gcc_argv() if a[:2] in ("-D", "-U")]
    ours = pass_tokens(Recorder(tu).run())
    assert ours == gcc_pass_tokens(tu)
    assert len(ours) == passes
