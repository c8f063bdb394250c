"""Parsed data files kept between runs are the files as parsed, an edited
file is parsed again, and a cache that cannot be used is no error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from explainer import resources

NAMES = ("prose.en.toml", "kernel.toml")


@pytest.mark.parametrize("name", NAMES)
def test_a_data_file_parsed_once_is_read_back_the_same(name: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path))
    parsed = tomllib.loads(resources.data(name).read_text("utf-8"))
    assert resources.data_toml(name) == parsed
    kept = list((tmp_path / "data").iterdir())
    assert [p.name.split("-")[0] for p in kept] == [name]

    def unparsed(text: str) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", unparsed)
    assert resources.data_toml(name) == parsed  # from the cache


def test_an_edited_file_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    package = tmp_path / "package"
    (package / "data").mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    (package / "data" / "x.toml").write_text('a = "one"\n')
    assert resources.data_toml("x.toml") == {"a": "one"}
    (package / "data" / "x.toml").write_text('a = "two"\n')
    assert resources.data_toml("x.toml") == {"a": "two"}


def test_a_damaged_cache_is_parsed_again_and_mended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path))
    resources.data_toml("kernel.toml")
    (kept,) = (tmp_path / "data").iterdir()
    kept.write_bytes(b"\x00not marshal")
    assert resources.data_toml("kernel.toml") == tomllib.loads(resources.data("kernel.toml").read_text("utf-8"))
    assert kept.read_bytes() != b"\x00not marshal"


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("EXPLAINER_CACHE", str(blocked))  # a file where the folder would be
    assert resources.data_toml("kernel.toml")["machineries"]
    assert list(tmp_path.iterdir()) == [blocked]
