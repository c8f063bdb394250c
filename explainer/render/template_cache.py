"""jinja2's compiled templates, kept between runs in the cache directory:
compiling the walkthrough's template took 36 ms of every page.  jinja2
checks each against its template's source (and Python's version) before
using it, and writes it whole or not at all."""

from __future__ import annotations

import contextlib

import jinja2

from explainer.resources import cache_dir


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """A cache that cannot be read or written is no cache, not an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache() -> jinja2.BytecodeCache | None:
    """The cache, or None if its directory cannot be made."""
    folder = cache_dir() / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))
