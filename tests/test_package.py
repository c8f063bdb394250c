"""The wheel carries the model kernel and the data files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO


def test_wheel_contains_headers_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True, capture_output=True,
    )
    (wheel,) = tmp_path.glob("explainer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "explainer/headers/include/trace/events/sample.h",
        "explainer/headers/include/trace/define_trace.h",
        "explainer/headers/include/trace/stages/stage7_class_define.h",
        "explainer/headers/examples/foo/foo.h",
        "explainer/data/kernel.toml",
        "explainer/data/prose.en.toml",
        "explainer/py.typed",
        "explainer/templates/base.html.jinja2",
        "explainer/templates/walkthrough.html.jinja2",
        "explainer/templates/explainer.js",
        "explainer/templates/pygments.css",
    ):
        assert expected in names
