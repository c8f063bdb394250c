"""explainer: how the Linux kernel's TRACE_EVENT machinery turns one trace
header into structs, functions, field tables, probes and event classes,
shown pass by pass and checked against gcc."""

from __future__ import annotations

import os
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

__version__ = "0.1.0"

STAMP = "sources.txt"


def _compiled_modules() -> Path | None:
    """The folder of the modules mypyc compiled (see hatch_build.py), if
    they fit this Python and were built from the sources as they are now;
    else None, and the same modules run as plain Python."""
    if os.environ.get("EXPLAINER_PURE"):
        return None
    here = Path(__file__).resolve().parent
    wheel, checkout = here / "_native", here.parent / "build" / "native" / "explainer"
    for folder in (wheel, checkout):
        try:
            suffix, *sources = (folder / STAMP).read_text().splitlines()
        except (OSError, ValueError):
            continue
        if suffix != EXTENSION_SUFFIXES[0]:
            continue
        # A wheel installs sources and compiled modules together; in a
        # checkout, a source edited since make compiled it must run as is.
        if folder == wheel or _same_sources(here, sources):
            return folder
    return None


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


_COMPILED = _compiled_modules()
# The compiled modules' shared library, explainer._compiled, is found here.
search_compiled_first(__path__, __name__)
compiled = _COMPILED is not None
