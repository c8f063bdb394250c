"""Where the bundled model kernel and the templates are.

In a wheel they sit inside the package (explainer/headers,
explainer/templates); in a source checkout, at the top of the repository.
"""

from __future__ import annotations

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
