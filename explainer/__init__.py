"""explainer: how the Linux kernel's TRACE_EVENT machinery turns one trace
header into structs, functions, field tables, probes and event classes,
shown pass by pass and checked against gcc."""

from __future__ import annotations

import hashlib
import json
import os
import sysconfig
from pathlib import Path

__version__ = "0.1.0"


def _compiled_modules() -> Path | None:
    """The folder of the modules mypyc compiled (see hatch_build.py), if
    they were built from the sources as they are now, for this Python;
    else None, and the same modules run as plain Python."""
    if os.environ.get("EXPLAINER_PURE"):
        return None
    here = Path(__file__).resolve().parent
    for folder in (here / "_native", here.parent / "build" / "native" / "explainer"):
        try:
            stamp = json.loads((folder / "sources.json").read_text())
            fresh = stamp["python"] == sysconfig.get_config_var("EXT_SUFFIX") and all(
                hashlib.sha256((here / f"{name}.py").read_bytes()).hexdigest() == digest
                for name, digest in stamp["sources"].items()
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if fresh:
            return folder
    return None


_COMPILED = _compiled_modules()
if _COMPILED is not None:
    # Searched first: explainer.expand is then the compiled module.
    __path__.insert(0, str(_COMPILED))
compiled = _COMPILED is not None
