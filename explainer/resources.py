"""Where the bundled model kernel, the templates and the cache are.

In a wheel the first two sit inside the package (explainer/headers,
explainer/templates); in a source checkout, at the top of the repository.
The cache directory is EXPLAINER_CACHE, default ~/.cache/explainer.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

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


def data_toml(name: str) -> dict[str, Any]:
    """A TOML file of explainer/data, parsed.  Parsing the prose took 40 ms
    of every run, so what it gives is kept in the cache directory, named by
    the file's CRC-32 and length and Python's version (marshal's format):
    an edited file is parsed again.  A cache that cannot be read or
    written is no cache, not an error; one is written whole or not at all."""
    raw = data(name).read_bytes()
    key = f"{name}-{zlib.crc32(raw):08x}-{len(raw)}-py{sys.version_info[0]}{sys.version_info[1]}.marshal"
    kept = cache_dir() / "data" / key
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        found = marshal.loads(kept.read_bytes())
        if isinstance(found, dict):
            return found
    import tomllib

    parsed = tomllib.loads(raw.decode("utf-8"))
    with contextlib.suppress(ValueError):  # what marshal cannot keep
        keep(kept, marshal.dumps(parsed))
    return parsed


def prune(folder: Path, count: int) -> None:
    """Keep the newest *count* cache files in *folder* (the reader of a
    kept file touches it: os.utime)."""
    with contextlib.suppress(OSError):
        if len(os.listdir(folder)) <= count:
            return
        kept = sorted(folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[count:]:
            old.unlink()


def keep(path: Path, content: bytes) -> bool:
    """Write a cache file whole (a temporary name, then rename) or not at
    all; False if it could not be written, which is no error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, scratch = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(scratch, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch)
        return False
