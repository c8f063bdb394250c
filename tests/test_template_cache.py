"""Compiled templates kept between runs change nothing a page shows, and
a cache that cannot be used is no error."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from explainer.render import to_html
from explainer.render.template_cache import template_cache
from explainer.resources import templates

TEMPLATE = "index.html.jinja2"


def page(cache: jinja2.BytecodeCache | None) -> bytes:
    """The compiled template's code (the same code renders the same page)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates())), autoescape=True,
                             bytecode_cache=cache)
    env.filters.update(to_html.environment().filters)  # the pages' own filters (terms ...)
    return env.get_template(TEMPLATE).root_render_func.__code__.co_code


def test_a_template_compiled_once_is_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path))
    first = page(template_cache())
    kept = list((tmp_path / "templates").iterdir())
    assert len(kept) == 1
    written = kept[0].stat().st_mtime_ns
    assert page(template_cache()) == first == page(None)
    assert kept[0].stat().st_mtime_ns == written  # read, not compiled and written again


def test_a_damaged_cache_file_is_compiled_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path))
    expected = page(template_cache())
    (kept,) = (tmp_path / "templates").iterdir()
    kept.write_bytes(kept.read_bytes()[:40] + b"\x00garbage")
    assert page(template_cache()) == expected


def test_no_cache_where_its_directory_cannot_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "templates").write_text("a file where the directory would go")
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path))
    assert template_cache() is None
    assert page(None)
