"""Shared test helpers: gcc as the oracle, the golden-file switch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from explainer.cpp import lexer
from explainer.cpp.recorder import Recorder
from explainer.cpp.recording import Recording
from explainer.kernel import oracle
from explainer.kernel.translation_unit import TranslationUnit
from explainer.walkthrough.layout import lay_out_pass

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "headers" / "include" / "trace" / "events" / "sample.h"
FOO_DIR = REPO / "headers" / "examples" / "foo"
BROKEN_DIR = REPO / "headers" / "examples" / "broken"
TOY_DIR = REPO / "headers" / "examples" / "toy"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", default=False,
        help="rewrite tests/golden/ from the current output instead of comparing",
    )


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English, whatever the machine's locale: a
    test that wants Chinese says --lang zh (or sets LANG itself)."""
    from explainer import prose

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    prose.use("en")
    yield
    prose.use("en")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def debian_tree() -> Path:
    """Debian's configured 6.1 headers (tests/kernels.py fetches them
    into a cache outside the repository), or a skip that says why."""
    from kernels import debian_headers

    found = debian_headers()
    if found is None:
        pytest.skip("Debian's linux-headers packages are not available (needs apt-get; .ci/run fetches them)")
    return found


def _fetched(name: str, what: str) -> Path:
    import kernels

    found: Path | None = kernels.FETCH[name]()
    if found is None:
        pytest.skip(f"{what} is not available (needs apt-get and Debian's archive; .ci/run fetches it)")
    return found


@pytest.fixture(scope="session")
def tree_612() -> Path:
    """Debian 12's configured 6.12 headers (security updates)."""
    return _fetched("6.12", "Debian's linux-headers-6.12 package")


@pytest.fixture(scope="session")
def tree_7() -> Path:
    """Debian unstable's newest configured 7.x headers."""
    return _fetched("7", "Debian's linux-headers-7.x package")


@pytest.fixture(scope="session")
def source_7() -> Path:
    """The parts of the newest linux-source-7.x the tests read (unconfigured)."""
    return _fetched("7-source", "Debian's linux-source-7.x package")


@pytest.fixture(scope="session", params=["6.1", "6.12", "7"])
def configured_tree(request: pytest.FixtureRequest) -> Path:
    """Each configured kernel a user runs: 6.1, 6.12 and 7.x."""
    return _fetched(request.param, f"Debian's {request.param} headers")


requires_gcc = pytest.mark.skipif(
    shutil.which("gcc") is None, reason="gcc is the oracle and is not installed (.ci/run installs it)"
)


def environment(pure: bool = False) -> dict[str, str]:
    """This process's environment for a child that compiles or runs
    explainer: compiled modules where built, plain Python if *pure*."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("EXPLAINER_PURE", "PYTHONPATH")}
    if pure:
        env["EXPLAINER_PURE"] = "1"
    return env


def explain_in(capsys: pytest.CaptureFixture[str], cwd: Path, *argv: str) -> tuple[int, str, str]:
    """explain *argv*, run from *cwd* as a user would: the exit status,
    standard output and standard error (never a traceback)."""
    import os

    from explainer import cli

    old = Path.cwd()
    os.chdir(cwd)
    try:
        code = cli.main(list(argv))
    finally:
        os.chdir(old)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def run_cli(cwd: Path, argv: list[str], out: Path, status: int = 0) -> None:
    """explain *argv* -o *out*, run from *cwd* as a user would; must exit
    with *status* (0: succeed; 2: the header stopped it, out says why)."""
    import os

    from explainer import cli

    old = Path.cwd()
    os.chdir(cwd)
    try:
        assert cli.main([*argv, "-o", str(out)]) == status
    finally:
        os.chdir(old)


def pass_tokens(recording: Recording) -> list[list[str]]:
    """Our tokens per pass, read back from the code as shown (laid out)."""
    return [lexer.spellings(lay_out_pass(p.emitted)[0]) for p in recording.passes]


def gcc_pass_tokens(tu: TranslationUnit) -> list[list[str]]:
    out = oracle.run_gcc(tu)
    return [lexer.spellings(t) for t in oracle.split_passes(out, tu.cwd, tu.header_abspath)]


def snippet_tu(
    tmp_path: Path, files: dict[str, str], main: str = "main.h", entry: str | None = None
) -> TranslationUnit:
    """A translation unit that includes *entry* (default: *main*); the
    passes are the reads of *main*, so small programs can be compared with
    gcc."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return TranslationUnit(
        cwd=tmp_path, header=main, header_abspath=tmp_path / main,
        include_dirs=(".",), macro_args=(), text=f'#include "{entry or main}"\n',
    )


def ours_and_gcc(
    tmp_path: Path, files: dict[str, str], main: str = "main.h", entry: str | None = None
) -> tuple[list[list[str]], list[list[str]]]:
    tu = snippet_tu(tmp_path, files, main, entry)
    return pass_tokens(Recorder(tu).run()), gcc_pass_tokens(tu)


# -- the browser tests (test_browser.py, test_site_kernels.py) ------------------

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, or a skip that says what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no system Chromium (apt-get install chromium; .ci/run does)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A tab of 1280x900 that collects console errors and warnings (problems)."""
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.problems = []
    p.on("console", lambda m: p.problems.append(m.text) if m.type in ("error", "warning") else None)
    p.on("pageerror", lambda e: p.problems.append(str(e)))
    yield p
    try:
        # A picture of where the test ended, to look at when it fails; a page still
        # loading after a click cannot always be captured, and that is no failure.
        p.screenshot(path=str(tmp_path / "final.png"), full_page=False)
    except PlaywrightError:
        pass
    context.close()
