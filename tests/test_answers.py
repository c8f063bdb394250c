"""gcc's answers about a unit's code are given again only while nothing
the unit's recording read has changed (userspace/answers.py), and they
are gcc's: the same format files as a run that asks gcc."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from explainer.kernel import translation_unit
from explainer.tracefs import walkthrough
from explainer.userspace import answers, constants
from explainer.userspace import format as tracefs_format
from explainer.userspace.format import EventFormat

from conftest import REPO, requires_gcc

pytestmark = requires_gcc


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("EXPLAINER_NO_CACHE", raising=False)
    shutil.copytree(REPO / "headers", tmp_path / "headers")
    # The model kernel read from the copy, whose files the tests change.
    monkeypatch.setattr(translation_unit, "bundled_headers", lambda: tmp_path / "headers")
    return tmp_path / "headers"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Each compile gcc is asked for, by its flags."""
    calls: list[tuple[str, ...]] = []
    real = constants._compile

    def counted(tu: Any, how: Any, source: str) -> subprocess.CompletedProcess[str]:
        calls.append(tuple(how))
        return real(tu, how, source)

    monkeypatch.setattr(constants, "_compile", counted)
    return calls


def formats(tree: Path) -> list[EventFormat]:
    """Every format file of the model kernel's sample.h, with gcc's
    numbers and the names gcc cannot find."""
    header = tree / "include" / "trace" / "events" / "sample.h"
    args = argparse.Namespace(header=str(header), include_dirs=[], macro_args=[], event="", kernel=None, mode=None)
    w, tu = walkthrough(args, tree)
    stage4 = tracefs_format.fields_pass(w)
    assert stage4 is not None
    constants._code.cache_clear()  # as a new run: gcc -E again
    return tracefs_format.build_all(w, tu, tracefs_format.events(w), compute=True)


def test_a_second_run_is_answered_without_gcc(tree: Path, asked: list[tuple[str, ...]]) -> None:
    first = formats(tree)
    assert asked and all(f.computed for f in first)
    asked.clear()
    assert formats(tree) == first
    assert asked == []
    assert len(os.listdir(Path(os.environ["EXPLAINER_CACHE"]) / "answers")) >= 1


def test_a_changed_file_is_asked_again(tree: Path, asked: list[tuple[str, ...]]) -> None:
    first = formats(tree)
    # A file the unit includes (not the header), its time changed only.
    read = tree / "include" / "linux" / "types.h"
    assert read.is_file()
    os.utime(read, ns=(read.stat().st_atime_ns, read.stat().st_mtime_ns + 1_000_000_000))
    asked.clear()
    assert formats(tree) == first
    assert asked


def test_a_new_file_where_includes_look_is_asked_again(tree: Path, asked: list[tuple[str, ...]]) -> None:
    formats(tree)
    # A folder the #include searches looked in gains a file: it could be
    # the one found now.
    (tree / "include" / "linux" / "new_one.h").write_text("/* new */\n")
    asked.clear()
    formats(tree)
    assert asked


def test_no_cache_asks_gcc(tree: Path, asked: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch) -> None:
    formats(tree)
    monkeypatch.setenv("EXPLAINER_NO_CACHE", "1")
    asked.clear()
    formats(tree)
    assert asked


def test_a_unit_not_recorded_asks_gcc(tree: Path, asked: list[tuple[str, ...]]) -> None:
    header = tree / "include" / "trace" / "events" / "sample.h"
    args = argparse.Namespace(header=str(header), include_dirs=[], macro_args=[], event="", kernel=None, mode=None)
    w, tu = walkthrough(args, tree)
    tracefs_format.build_all(w, tu, tracefs_format.events(w), compute=True)
    answers.read_by(tu, None)  # what it read is not known: nothing to stand on
    asked.clear()
    constants._code.cache_clear()
    tracefs_format.build_all(w, tu, tracefs_format.events(w), compute=True)
    assert asked


def test_an_unreadable_answer_is_none(tree: Path, asked: list[tuple[str, ...]]) -> None:
    first = formats(tree)
    for kept in (Path(os.environ["EXPLAINER_CACHE"]) / "answers").iterdir():
        kept.write_bytes(b"not an answer")
    asked.clear()
    assert formats(tree) == first
    assert asked
