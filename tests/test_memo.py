"""A run replayed from the record of the last one is the run that reads
every file (and gcc's), and a record is replayed only if nothing it read
has changed (cpp/memo.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explainer.cpp import memo
from explainer.cpp.recorder import Recorder
from explainer.cpp.recording import Recording
from explainer.kernel.translation_unit import TranslationUnit

from conftest import REPO, gcc_pass_tokens, pass_tokens, requires_gcc, run_cli

# The header is read twice (two passes); what it includes moves
# __COUNTER__, defines, undefines, guards itself or says #pragma once.
FILES = {
    "entry.c": '#include "main.h"\n#include "main.h"\n',
    "main.h": '#include <ctx.h>\n#include "once.h"\nint m = __COUNTER__ + CTX + ONCE + INNER(a);\n',
    "ctx.h": ('#ifndef CTX_H\n#define CTX_H\n#include "inner.h"\n#define CTX 7\n#define GONE 1\n'
              "int c = __COUNTER__;\n#undef GONE\n#endif\n"),
    "inner.h": "#define INNER(x) x ## _in\nstatic int f(void) { return __COUNTER__; }\n",
    "once.h": "#pragma once\n#define ONCE 1\nint o = __COUNTER__;\n",
}


@pytest.fixture
def unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TranslationUnit:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "src"
    for name, text in FILES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text)
    (src / "first").mkdir()
    (src / "first" / "README").write_text("searched before .\n")
    return TranslationUnit(cwd=src, header="main.h", header_abspath=src / "main.h",
                           include_dirs=("first", "."), macro_args=(), text='#include "entry.c"\n')


def run(tu: TranslationUnit) -> tuple[Recording, memo.Memo]:
    m = memo.load(tu)
    recorder = Recorder(tu, memo=m)
    recording = recorder.run()
    m.save(recorder)
    return recording, m


def same(a: Recording, b: Recording) -> None:
    assert pass_tokens(a) == pass_tokens(b)
    assert [p.changes for p in a.passes] == [p.changes for p in b.passes]
    assert (a.warnings, a.changes_after) == (b.warnings, b.changes_after)


@requires_gcc
def test_a_replayed_run_is_the_run_that_reads_every_file(unit: TranslationUnit) -> None:
    read, first = run(unit)
    assert not first.replaying
    replayed, second = run(unit)
    assert second.replaying and second.replayed == 2  # ctx.h (with inner.h) and once.h
    same(replayed, read)
    assert pass_tokens(replayed) == gcc_pass_tokens(unit)


@requires_gcc
def test_an_edited_file_is_read_again(unit: TranslationUnit) -> None:
    run(unit)
    inner = unit.cwd / "inner.h"
    inner.write_text(inner.read_text() + "int g = __COUNTER__;\n")
    edited, m = run(unit)
    assert not m.replaying
    assert pass_tokens(edited) == gcc_pass_tokens(unit)
    again, m = run(unit)  # and the new record is replayed
    assert m.replaying
    same(again, edited)


@requires_gcc
def test_a_file_that_appears_earlier_in_the_search_is_found(unit: TranslationUnit) -> None:
    run(unit)
    (unit.cwd / "first" / "ctx.h").write_text("#define CTX 8\n")
    shadowed, m = run(unit)
    assert not m.replaying
    assert pass_tokens(shadowed) == gcc_pass_tokens(unit)
    assert "8" in pass_tokens(shadowed)[0]


def test_a_damaged_record_is_no_error(unit: TranslationUnit) -> None:
    read, _ = run(unit)
    (record,) = (Path(os.environ["EXPLAINER_CACHE"]) / "recorder").glob("*.marshal")
    record.write_bytes(b"\x00 not a record")
    again, m = run(unit)
    assert not m.replaying
    same(again, read)
    assert memo.load(unit).replaying  # written anew


def test_a_unit_with_other_macros_has_its_own_record(unit: TranslationUnit) -> None:
    run(unit)
    other = TranslationUnit(cwd=unit.cwd, header=unit.header, header_abspath=unit.header_abspath,
                            include_dirs=unit.include_dirs, macro_args=(("-D", "CTX_H"),), text=unit.text)
    assert not memo.load(other).replaying


@requires_gcc
def test_units_that_read_a_file_alike_share_its_decoded_read(unit: TranslationUnit) -> None:
    """Each read is kept under the digest of what it did: two units'
    records that hold the same read give one decoded read in a process
    (a site's worker loads a record per header), and each unit replays
    to what reading every file gives."""
    other = TranslationUnit(cwd=unit.cwd, header=unit.header, header_abspath=unit.header_abspath,
                            include_dirs=unit.include_dirs, macro_args=(("-D", "UNUSED=1"),), text=unit.text)
    read_one, _ = run(unit)
    read_other, _ = run(other)
    memo._DECODED.clear()
    one, two = memo.load(unit), memo.load(other)
    assert one.replaying and two.replaying
    reads = {entry[2]: entry[3] for entry in one._entries}
    shared = [entry[3] for entry in two._entries if reads.get(entry[2]) is entry[3]]
    assert len(shared) == 2  # ctx.h (with inner.h) and once.h
    assert shared[0].changes and shared[0].notes
    same(Recorder(unit, memo=one).run(), read_one)
    same(Recorder(other, memo=two).run(), read_other)


def test_a_read_whose_digest_does_not_match_is_no_record(unit: TranslationUnit) -> None:
    import marshal

    read, _ = run(unit)
    (path,) = (Path(os.environ["EXPLAINER_CACHE"]) / "recorder").glob("*.marshal")
    form, stamps, folders, kept = marshal.loads(path.read_bytes())
    serial, span, file, _digest, blob, warnings, counter = kept[0]
    kept[0] = (serial, span, file, bytes(16), blob, warnings, counter)
    path.write_bytes(marshal.dumps((form, stamps, folders, kept)))
    memo._DECODED.clear()
    again, m = run(unit)
    assert not m.replaying
    same(again, read)


def test_a_full_mode_explain_replays_its_kernel_headers_and_says_the_same(
        debian_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("EXPLAINER_NO_CACHE", "1")
    argv = ["sched_switch", "sched.h", "--kernel", str(debian_tree), "--format", "html"]
    run_cli(REPO, argv, tmp_path / "read.html")
    assert not (tmp_path / "cache" / "recorder").exists()
    monkeypatch.delenv("EXPLAINER_NO_CACHE")
    run_cli(REPO, argv, tmp_path / "recorded.html")
    assert len(list((tmp_path / "cache" / "recorder").glob("*.marshal"))) == 1
    run_cli(REPO, argv, tmp_path / "replayed.html")
    assert memo.load(_unit_of(debian_tree)).replaying
    read = (tmp_path / "read.html").read_bytes()
    assert (tmp_path / "recorded.html").read_bytes() == read
    assert (tmp_path / "replayed.html").read_bytes() == read


def _unit_of(tree: Path) -> TranslationUnit:
    from explainer.kernel.translation_unit import setup

    return setup("sched.h", [], [], REPO, str(tree))


def test_a_site_built_again_replays_and_is_the_same(
        debian_tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site's headers are recorded and replayed like explain's, and the
    format panels' gcc answers kept (userspace/answers.py): the site built
    from them is the site built from every file and gcc."""
    monkeypatch.setenv("EXPLAINER_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("EXPLAINER_NO_CACHE", "1")
    # Two headers, two workers: replayed, each is explained in a child of
    # its worker (site._forked).
    argv = ["site", "irq.h", "timer.h", "--kernel", str(debian_tree), "--one-language", "-j", "2"]
    run_cli(REPO, argv, tmp_path / "read")
    assert not (tmp_path / "cache" / "recorder").exists() and not (tmp_path / "cache" / "answers").exists()
    monkeypatch.delenv("EXPLAINER_NO_CACHE")
    run_cli(REPO, argv, tmp_path / "recorded")
    assert len(list((tmp_path / "cache" / "recorder").glob("*.marshal"))) == 2
    assert list((tmp_path / "cache" / "answers").glob("*.marshal"))
    run_cli(REPO, argv, tmp_path / "replayed")
    from explainer.kernel.translation_unit import setup

    assert memo.load(setup("irq.h", [], [], REPO, str(debian_tree))).replaying

    def files(site: Path) -> dict[str, bytes]:
        return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    read = files(tmp_path / "read")
    assert any(name.endswith(".html") and b'class="format"' in data for name, data in read.items())
    assert files(tmp_path / "recorded") == read
    assert files(tmp_path / "replayed") == read
