"""Compiles explainer's hot modules with mypyc: the preprocessor's inner
loops run about twice as fast compiled.

Used two ways:

- by hatchling, as the wheel's build hook: a wheel carries the compiled
  modules in explainer/_native/ (an editable install gets none);
- by ``python hatch_build.py [--if-stale]`` (make runs it before tests,
  demo and bench): builds them into build/native/explainer/ in the
  checkout, with --if-stale only when a compiled module's source changed.

mypyc type-checks what it compiles, so a build needs what ``make lint``
checks with: pyproject.toml's [build-system] pins the same mypy, stubs
and typed libraries as the test extra (tests/test_package.py checks that
they agree), and pip's isolated build environment gets them.

Compiling is optional.  Without mypy, a C compiler or Python's headers, or
with EXPLAINER_PURE=1 set, the build says so in one line on stderr and on
the terminal (pip shows a build's output only when it fails), a wheel
keeps that line in _native/not-compiled.txt for ``explain --version``,
and explainer runs as plain Python, with the same output.  At run time explainer/__init__.py
uses the compiled modules only if the stamp written next to them names
the sources as they are now (an edited module would otherwise run stale).
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import shutil
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
# The modules where the time goes: token by token work, no pcpp subclass
# (mypyc cannot compile a class derived from an interpreted one).  The
# page-building modules ran slower compiled while they worked on
# pygments' tokens; since highlight.py names classes from our own tokens,
# view, summary and render_html gain too (sched.h's site pages: 27.1 G ->
# 23.4 G instructions).  walkthrough stays plain: its time is in layout.
MODULES = ("cpp/macros", "cpp/expand", "cpp/scan", "cpp/lexer", "cpp/pcpp_lexer",
           "cpp/printer", "cpp/ifexpr", "cpp/reach", "cpp/steps", "cpp/reader", "cpp/invocations",
           "walkthrough/layout", "walkthrough/summary",
           "render/highlight", "render/view", "render/to_html")
STAMP = "sources.txt"  # read by explainer/__init__.py
NOT_COMPILED = "not-compiled.txt"  # explainer/__init__.py: why a wheel is plain Python
IN_PLACE = ROOT / "build" / "native" / "explainer"


def source_digest(data: bytes) -> str:
    """A source's digest in the stamp, as explainer/__init__.py computes it:
    CRC-32 and length, enough to see an edit (zlib is quick to import,
    and every run checks the stamp)."""
    return f"{zlib.crc32(data):08x}:{len(data)}"


def stamp_of(package: Path) -> str:
    """What the compiled modules were built for and from: this Python's
    extension suffix, then each source's digest (explainer/__init__.py
    checks it before using them)."""
    lines = [importlib.machinery.EXTENSION_SUFFIXES[0]]
    for m in MODULES:
        lines.append(f"{source_digest((package / f'{m}.py').read_bytes())} {m}.py")
    return "\n".join(lines) + "\n"


def say(line: str) -> None:
    """One line on stderr, and on the terminal too when stderr is not it:
    pip keeps a build's output to itself unless it fails, and a user who
    gets plain Python should know it at once."""
    print(line, file=sys.stderr, flush=True)
    if sys.stderr.isatty():
        return
    try:
        with open("/dev/tty", "w") as terminal:  # none in CI: then only stderr
            # pip's "Building wheel ... " may be waiting on the line for its "done".
            terminal.write("\n" + line + "\n")
    except OSError:
        pass


def _briefly(exc: BaseException) -> str:
    """A failure in a few words: the C compiler's whole command line is
    no use in a one-line message (pip install -v shows it)."""
    # setuptools words a failed compiler as "Command '['cc', ...]' returned
    # non-zero exit status 1."
    failed = re.match(r"Command '\['([^']*)'.*exit status (-?\d+)", str(exc), re.DOTALL)
    if failed:
        return f"{failed.group(1)} exited with status {failed.group(2)}"
    if isinstance(exc, SystemExit):
        return f"mypyc stopped with status {exc.code}"
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:100]


def compile_into(target: Path) -> str | None:
    """Compile MODULES into *target* (a folder that stands for the
    explainer package) with their stamp; None when done, else why this
    machine could not (in a few words)."""
    if os.environ.get("EXPLAINER_PURE"):
        return "EXPLAINER_PURE is set"
    try:
        from mypyc.build import mypycify
        from setuptools import Distribution
    except ImportError as exc:
        return f"{exc.name} is not installed"
    package = ROOT / "explainer"
    with tempfile.TemporaryDirectory(prefix="explainer-mypyc-") as scratch:
        cwd = Path.cwd()
        try:
            # mypyc reads the mypy settings in pyproject.toml from the current folder.
            os.chdir(ROOT)
            extensions = mypycify(
                [f"explainer/{m}.py" for m in MODULES],
                opt_level="3",
                group_name="explainer._compiled",
                target_dir=str(Path(scratch) / "c"),
            )
            dist = Distribution({"name": "explainer-native", "ext_modules": extensions})
            command: Any = dist.get_command_obj("build_ext")
            command.build_lib = str(Path(scratch) / "lib")
            command.build_temp = str(Path(scratch) / "tmp")
            command.ensure_finalized()
            command.run()
        except (Exception, SystemExit) as exc:  # a missing compiler surfaces as SystemExit
            return f"compiling with mypyc failed ({_briefly(exc)})"
        finally:
            os.chdir(cwd)
        if target.exists():
            shutil.rmtree(target)
        # The shared library at the top, each module's own in its folder.
        shutil.copytree(Path(scratch) / "lib" / "explainer", target)
    (target / STAMP).write_text(stamp_of(package))
    return None


class CompileHook(BuildHookInterface):  # type: ignore[type-arg]
    """hatchling's hook: the compiled modules go into the wheel (an
    editable install gets none: make builds them in the checkout)."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        if version == "editable":
            return  # make compiles into the checkout (python hatch_build.py)
        self._scratch = Path(tempfile.mkdtemp(prefix="explainer-wheel-"))
        native = self._scratch / "_native"
        why = compile_into(native)
        if why is None:
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
        else:
            # Still a wheel that works, as plain Python, and says why (explain --version).
            say(f"explainer: {why}: installing plain Python, about twice as slow as compiled"
                " (pip install -v shows why; explain --version says which runs)")
            native.mkdir(parents=True, exist_ok=True)
            (native / NOT_COMPILED).write_text(why + "\n")
        for library in sorted(p for p in native.rglob("*") if p.is_file()):
            inside = library.relative_to(native).as_posix()
            build_data["force_include"][str(library)] = f"explainer/_native/{inside}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        scratch = getattr(self, "_scratch", None)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def fresh(target: Path) -> bool:
    try:
        return (target / STAMP).read_text() == stamp_of(ROOT / "explainer")
    except OSError:
        return False


if __name__ == "__main__":
    # Not compiling is no failure: explainer then runs as plain Python.
    if "--if-stale" not in sys.argv[1:] or not fresh(IN_PLACE):
        why = compile_into(IN_PLACE)
        if why is not None:
            say(f"explainer: {why}: plain Python, about twice as slow as compiled")
