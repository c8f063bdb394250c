"""The wheel carries the model kernel, the data files and, where this
machine has a C compiler, the modules mypyc compiled; compiled or not,
explainer gives the same output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import explainer

from conftest import REPO, SAMPLE, environment, requires_gcc

SAMPLE_ARGV = ["-m", "explainer", "--format", "json", "TRACE_EVENT", str(SAMPLE)]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(folder), str(REPO)],
        check=True, capture_output=True, env=environment(),
    )
    (found,) = folder.glob("explainer-*.whl")
    return found


def python(argv: list[str], path: Path | None = None, pure: bool = False) -> str:
    env = environment(pure)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run([sys.executable, *argv], env=env, cwd=path or REPO, check=True,
                          capture_output=True, text=True).stdout


def test_wheel_contains_headers_and_data(wheel: Path) -> None:
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


@requires_gcc
def test_wheel_runs_compiled_with_the_same_output(wheel: Path, tmp_path: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "explainer/_native/sources.txt" in names
    assert any(n.startswith("explainer/_native/cpp/expand.") and n.endswith(".so") for n in names)
    assert not wheel.name.endswith("-py3-none-any.whl"), "a wheel with compiled modules names its platform"
    unpacked = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = ["-c", "import explainer, explainer.cpp.expand as e; print(explainer.compiled, e.__file__.endswith('.so'))"]
    assert python(probe, unpacked) == "True True\n"
    assert python(probe, unpacked, pure=True) == "False False\n"
    assert python(SAMPLE_ARGV, unpacked) == python(SAMPLE_ARGV, unpacked, pure=True)


@requires_gcc
def test_the_suite_runs_the_compiled_modules() -> None:
    """make compiles before it tests: what users run is what is tested."""
    if os.environ.get("EXPLAINER_PURE"):
        pytest.skip("EXPLAINER_PURE is set: this run tests plain Python")
    assert explainer.compiled


@requires_gcc
def test_an_edited_module_runs_as_plain_python(tmp_path: Path) -> None:
    """Compiled modules older than their source are not used: an edit
    takes effect at once, before make compiles again."""
    native = REPO / "build" / "native" / "explainer"
    shutil.copytree(REPO / "explainer", tmp_path / "explainer",
                    ignore=shutil.ignore_patterns("__pycache__", "_native"))
    shutil.copytree(native, tmp_path / "build" / "native" / "explainer")
    probe = ["-c", "import explainer, explainer.cpp.scan as s; print(explainer.compiled, s.__file__.endswith('.py'))"]
    assert python(probe, tmp_path) == "True False\n"
    with (tmp_path / "explainer" / "cpp" / "scan.py").open("a") as source:
        source.write("# edited\n")
    assert python(probe, tmp_path) == "False True\n"


@requires_gcc
def test_without_a_working_compiler_the_build_says_so_and_runs_plain_python(tmp_path: Path) -> None:
    """No C compiler (here: one that always fails) is no failure: one line
    on stderr, exit 0, no compiled modules, plain Python."""
    for name in ("explainer", "hatch_build.py", "pyproject.toml"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    proc = subprocess.run([sys.executable, "hatch_build.py"], cwd=tmp_path, env={**environment(), "CC": "/bin/false"},
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stderr.startswith("explainer: compiling with mypyc failed (")
    assert proc.stderr.endswith("): plain Python\n") and proc.stderr.count("\n") == 1
    assert not (tmp_path / "build" / "native").exists()
    probe = ["-c", "import explainer; print(explainer.compiled)"]
    assert python(probe, tmp_path) == "False\n"
