"""explainer: how the Linux kernel's TRACE_EVENT machinery turns one trace
header into structs, functions, field tables, probes and event classes,
shown pass by pass and checked against gcc."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

__version__ = "0.1.0"

STAMP = "sources.txt"
# Left in the wheel's _native/ by hatch_build.py when it could not compile:
# why, in one line (explain --version says it).
NOT_COMPILED = "not-compiled.txt"

_HERE = Path(__file__).resolve().parent
_WHEEL, _CHECKOUT = _HERE / "_native", _HERE.parent / "build" / "native" / "explainer"


def _compiled_modules() -> tuple[Path | None, str]:
    """The folder of the modules mypyc compiled (see hatch_build.py), if
    they fit this Python and were built from the sources as they are now,
    and "compiled"; else None and why not: "pure" (EXPLAINER_PURE is
    set), "other-python", "stale" or "not-built".  The same modules then
    run as plain Python."""
    if os.environ.get("EXPLAINER_PURE"):
        return None, "pure"
    why = "not-built"
    for folder in (_WHEEL, _CHECKOUT):
        try:
            suffix, *sources = (folder / STAMP).read_text().splitlines()
        except (OSError, ValueError):
            continue
        if suffix != EXTENSION_SUFFIXES[0]:
            why = "other-python"
            continue
        # A wheel installs sources and compiled modules together; in a
        # checkout, a source edited since make compiled it must run as is.
        if folder == _WHEEL or _same_sources(_HERE, sources):
            return folder, "compiled"
        why = "stale"
    return None, why


def _same_sources(package: Path, lines: list[str]) -> bool:
    import zlib

    for line in lines:
        digest, _, name = line.partition(" ")
        try:
            data = (package / name).read_bytes()
            if f"{zlib.crc32(data):08x}:{len(data)}" != digest:  # hatch_build.source_digest
                return False
        except OSError:
            return False
    return True


def search_compiled_first(path: list[str], package: str) -> None:
    """Put the compiled modules of *package* (``explainer`` or one of its
    folders) before its sources on *path*, the package's ``__path__``:
    ``explainer.cpp.expand`` is then the compiled module.  Each folder
    with compiled modules calls this from its ``__init__.py``."""
    if _COMPILED is not None:
        path.insert(0, str(_COMPILED.joinpath(*package.split(".")[1:])))


def not_compiled_reason() -> str | None:
    """What the wheel's build said when it could not compile, if it left
    a word (for explain --version)."""
    try:
        return (_WHEEL / NOT_COMPILED).read_text("utf-8").strip() or None
    except OSError:
        return None


_COMPILED, how_it_runs = _compiled_modules()
# The compiled modules' shared library, explainer._compiled, is found here.
search_compiled_first(__path__, __name__)
compiled = _COMPILED is not None
