"""Same input, same bytes: across runs, PYTHONHASHSEED values and working
directories, for text, JSON and HTML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, requires_gcc


def explain(cwd: Path, seed: str, fmt: str, out: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "explainer", "all", "sample.h", "--format", fmt, "--color", "never",
         "-o", str(out)],
        cwd=cwd, env=env, check=True, capture_output=True,
    )
    return out.read_bytes()


@requires_gcc
@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_three_ways_one_output(fmt: str, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "deeper"
    elsewhere.mkdir(parents=True)
    runs = [
        explain(REPO, "0", fmt, tmp_path / "a"),
        explain(REPO, "12345", fmt, tmp_path / "b"),
        explain(elsewhere, "random", fmt, tmp_path / "c"),
    ]
    assert runs[0] == runs[1] == runs[2]
    assert str(tmp_path).encode() not in runs[0] and str(REPO).encode() not in runs[0]
