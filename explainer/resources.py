"""Where the bundled model kernel, the templates and the cache are.

In a wheel the first two sit inside the package (explainer/headers,
explainer/templates); in a source checkout, at the top of the repository.
The cache directory is EXPLAINER_CACHE, default ~/.cache/explainer.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def bundled_headers() -> Path:
    """The model kernel's root (it has include/ and examples/)."""
    return _find("headers")


def templates() -> Path:
    return _find("templates")


def data(name: str) -> Path:
    """A file of explainer/data (kernel knowledge, prose), which always
    sits inside the package."""
    return _PACKAGE / "data" / name


def cache_dir() -> Path:
    return Path(os.environ.get("EXPLAINER_CACHE", Path.home() / ".cache" / "explainer"))
