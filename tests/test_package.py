"""What a user installs: the wheel that ``pip install .`` builds, in a
fresh venv outside the checkout, carries the model kernel, the data files
and the compiled modules, and gives the checkout's bytes.  Where compiling
cannot happen, the install still works as plain Python and says so."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

import explainer

from conftest import REPO, environment, requires_gcc

pytestmark = requires_gcc  # mypyc needs a C compiler, and the comparisons gcc's headers


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    return subprocess.run(argv, cwd=cwd, env=env or environment(), check=True,
                          capture_output=True, text=True).stdout


def fresh_venv(folder: Path) -> Path:
    """A venv with nothing of this one's: what `python3 -m venv v` gives."""
    run([sys.executable, "-m", "venv", str(folder)], REPO)
    return folder / "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the venv's bin, the wheel): the wheel built by a fresh venv's pip
    from the checkout, in pip's isolated build environment, as `pip
    install .` builds it, then installed into that venv."""
    top = tmp_path_factory.mktemp("user")
    bin_dir = fresh_venv(top / "venv")
    run([str(bin_dir / "pip"), "wheel", "--no-deps", "-q", "-w", str(top / "wheel"), str(REPO)], top)
    (wheel,) = (top / "wheel").glob("explainer-*.whl")
    run([str(bin_dir / "pip"), "install", "-q", str(wheel)], top)
    return bin_dir, wheel


def test_the_wheel_carries_headers_data_and_compiled_modules(installed: tuple[Path, Path]) -> None:
    _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "explainer/headers/include/trace/events/sample.h",
        "explainer/headers/include/trace/define_trace.h",
        "explainer/headers/include/trace/stages/stage7_class_define.h",
        "explainer/headers/examples/foo/foo.h",
        "explainer/headers/examples/broken/oldfoo.h",
        "explainer/data/kernel.toml",
        "explainer/data/prose.en.toml",
        "explainer/data/creators/6.1.json",
        "explainer/data/creators/6.12.json",
        "explainer/py.typed",
        "explainer/templates/base.html.jinja2",
        "explainer/templates/walkthrough.html.jinja2",
        "explainer/templates/explainer.js",
        "explainer/templates/pygments.css",
        "explainer/_native/sources.txt",
    ):
        assert expected in names
    for module in ("cpp/expand", "walkthrough/layout", "render/view"):
        assert any(n.startswith(f"explainer/_native/{module}.") and n.endswith(".so") for n in names)
    assert not wheel.name.endswith("-py3-none-any.whl"), "a wheel with compiled modules names its platform"


def test_the_installed_explain_runs_compiled(installed: tuple[Path, Path], tmp_path: Path) -> None:
    bin_dir, _ = installed
    probe = "import explainer, explainer.cpp.expand as e; print(explainer.compiled, e.__file__.endswith('.so'), explainer.__file__)"
    compiled, so, where = run([str(bin_dir / "python"), "-c", probe], tmp_path).split()
    assert (compiled, so) == ("True", "True")
    assert Path(where).is_relative_to(bin_dir.parent), "the installed package, not the checkout"
    assert run([str(bin_dir / "explain"), "--version"], tmp_path) == \
        f"explain {explainer.__version__}, compiled with mypyc\n"


def test_the_installed_explain_shows_its_kernel_from_the_kernels_folder(installed: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    """A module's header beside the user, the bundled kernel inside the
    installed package: text and errors name include/..., never a path
    that climbs into site-packages (the gcc command must, and does)."""
    bin_dir, _ = installed
    (tmp_path / "oldfoo.h").write_text((REPO / "headers/examples/broken/oldfoo.h").read_text())
    proc = subprocess.run([str(bin_dir / "explain"), "TRACE_EVENT", "oldfoo.h"], cwd=tmp_path,
                          capture_output=True, text=True, env=environment(), check=False)
    assert proc.returncode == 2
    assert "(included from include/trace/trace_events.h:277, include/trace/define_trace.h:102" in proc.stderr
    shown = proc.stdout[: proc.stdout.index("The same translation unit")]
    assert "read by include/trace/define_trace.h:" in shown and "What went wrong in pass 8" in shown
    assert "site-packages" not in shown + proc.stderr and "../" not in shown + proc.stderr
    assert "site-packages/explainer/headers/include" in proc.stdout  # the gcc command's -I


def test_the_installed_explain_gives_the_checkouts_bytes(installed: tuple[Path, Path], tmp_path: Path,
                                                        debian_tree: Path) -> None:
    """For a real kernel header (JSON) and the bundled sample (a page,
    templates read from the wheel), compiled and as plain Python."""
    tree = debian_tree
    bin_dir, _ = installed
    for argv in (["--format", "json", "TRACE_EVENT", "sched.h", "--kernel", str(tree)],
                 ["--format", "html", "TRACE_EVENT", "sample.h"]):  # each its own bundled copy
        checkout = run([sys.executable, "-m", "explainer", *argv], REPO)
        assert run([str(bin_dir / "explain"), *argv], tmp_path) == checkout
        assert run([str(bin_dir / "explain"), *argv], tmp_path, environment(pure=True)) == checkout


def test_the_build_pins_what_the_project_is_checked_with() -> None:
    """mypyc type-checks what it compiles: the isolated build gets the
    mypy, stubs and libraries that make lint runs with."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    build = [r for r in project["build-system"]["requires"] if "==" in r]
    checked = set(project["project"]["optional-dependencies"]["test"])
    assert {r.split("==")[0] for r in build} >= {"mypy", "types-Pygments", "jinja2"}
    for requirement in build:
        name, pinned = requirement.split("==")
        assert requirement in checked, f"{requirement}: pin the test extra the same"
        assert version(name) == pinned, f"make lint runs {name} {version(name)}, the build {pinned}"


def test_without_a_compiler_pip_installs_plain_python_and_says_so(tmp_path: Path) -> None:
    """No working C compiler (here: one that always fails): pip still
    builds a wheel, pure Python, and the user sees one line on their
    terminal (pip hides a build's output unless it fails), and explain
    --version says what they got."""
    bin_dir = fresh_venv(tmp_path / "venv")
    command = shlex.join([str(bin_dir / "pip"), "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"), str(REPO)])
    # script(1) gives pip a terminal, as a user's shell does.
    shown = run(["script", "-qec", command, "/dev/null"], tmp_path, {**environment(), "CC": "/bin/false"})
    said = [line for line in shown.splitlines() if "explainer:" in line]
    assert len(said) == 1, shown
    assert "explainer: compiling with mypyc failed (" in said[0]
    assert said[0].rstrip().endswith("installing plain Python, about twice as slow as compiled"
                                      " (pip install -v shows why; explain --version says which runs)")
    (wheel,) = (tmp_path / "wheel").glob("explainer-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "explainer/_native/not-compiled.txt" in names
    assert not any(n.endswith(".so") for n in names)
    unpacked = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**environment(), "PYTHONPATH": str(unpacked)}
    why = zipfile.ZipFile(wheel).read("explainer/_native/not-compiled.txt").decode().strip()
    assert why.startswith("compiling with mypyc failed (") and why in said[0]
    assert run([sys.executable, "-m", "explainer", "--version"], tmp_path, env) == (
        f"explain {explainer.__version__}, plain Python, about twice as slow as compiled:"
        f" when its wheel was built, {why}\n")
    sample = ["-m", "explainer", "--format", "json", "TRACE_EVENT", "sample.h"]  # each its own bundled copy
    assert run([sys.executable, *sample], tmp_path, env) == run([sys.executable, *sample], REPO)


def test_the_suite_runs_the_compiled_modules() -> None:
    """make compiles before it tests: what users run is what is tested."""
    if os.environ.get("EXPLAINER_PURE"):
        pytest.skip("EXPLAINER_PURE is set: this run tests plain Python")
    assert explainer.compiled


def python(argv: list[str], path: Path) -> str:
    return run([sys.executable, *argv], path, {**environment(), "PYTHONPATH": str(path)})


def test_an_edited_module_runs_as_plain_python(tmp_path: Path) -> None:
    """Compiled modules older than their source are not used: an edit
    takes effect at once, before make compiles again, and --version
    says so."""
    native = REPO / "build" / "native" / "explainer"
    shutil.copytree(REPO / "explainer", tmp_path / "explainer",
                    ignore=shutil.ignore_patterns("__pycache__", "_native"))
    shutil.copytree(native, tmp_path / "build" / "native" / "explainer")
    probe = ["-c", "import explainer, explainer.cpp.scan as s; print(explainer.compiled, s.__file__.endswith('.py'))"]
    assert python(probe, tmp_path) == "True False\n"
    with (tmp_path / "explainer" / "cpp" / "scan.py").open("a") as source:
        source.write("# edited\n")
    assert python(probe, tmp_path) == "False True\n"
    assert "a module changed since make compiled it" in python(["-m", "explainer", "--version"], tmp_path)


def test_without_a_working_compiler_make_says_so_and_runs_plain_python(tmp_path: Path) -> None:
    """In a checkout (make runs hatch_build.py): one line on stderr, exit
    0, no compiled modules, plain Python."""
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
    assert proc.stderr.endswith("): plain Python, about twice as slow as compiled\n")
    assert proc.stderr.count("\n") == 1
    assert not (tmp_path / "build" / "native").exists()
    assert python(["-c", "import explainer; print(explainer.compiled)"], tmp_path) == "False\n"
    assert "no compiled modules were built" in python(["-m", "explainer", "--version"], tmp_path)
