"""The helper scans the files a translation unit is likely to read, in the
order it will read them (scan_ahead.py).  A scan it sends is the scan the
recorder would make; the recorder takes it only for the file as it is now;
and the helper never waits for the recorder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from test_scan import LAYOUTS

from explainer.cpp import scan, scan_ahead
from explainer.cpp.recorder import Recorder
from explainer.kernel.translation_unit import TranslationUnit, setup
from explainer.walkthrough import helper

from conftest import REPO, SAMPLE, pass_tokens, snippet_tu

needs_fork = pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2,
                                reason="the helper needs fork and two cores")

# A tree that needs each kind of include the walk follows, and one it
# cannot (a name a macro makes).
TREE = {
    "main.h": (
        '#include "local.h"\n#include <sys/a.h>\n'
        "#if 0\n#include <never.h>\n#endif\n"
        "#define NAME <made.h>\n#include NAME\nint main_h;\n"
    ),
    "local.h": "#ifndef LOCAL\n#define LOCAL\nint local;\n#endif\n",
    "first/sys/a.h": "#include_next <sys/a.h>\nint first_a;\n",
    "second/sys/a.h": '#include "b.h"\nint second_a;\n',
    "second/sys/b.h": "int b;\n",
    "never.h": "int never;\n",
    "made.h": "int made;\n",
}


def tree_tu(tmp_path: Path) -> TranslationUnit:
    tu = snippet_tu(tmp_path, TREE)
    return TranslationUnit(cwd=tu.cwd, header=tu.header, header_abspath=tu.header_abspath,
                           include_dirs=(".", "first", "second"), macro_args=(), text=tu.text)


def sample_tu() -> TranslationUnit:
    return setup(str(SAMPLE.relative_to(REPO)), [], [], REPO)


def walked(tu: TranslationUnit) -> list[str]:
    return [os.path.relpath(path, tu.cwd) for path, _, _ in scan_ahead.walk(tu.text, str(tu.cwd), tu.include_dirs)]


def read_by_recorder(tu: TranslationUnit) -> list[str]:
    """The files the recorder scans, in the order it scans them."""
    order: list[str] = []

    def note(abspath: str, stamp: tuple[int, int]) -> None:
        order.append(os.path.relpath(abspath, tu.cwd))

    Recorder(tu, files=scan.FileCache(note)).run()
    return order


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_a_scan_sent_is_the_scan_made(name: str) -> None:
    items = scan.scan(LAYOUTS[name])
    received = scan.unpack(scan.pack(items))
    assert received == items
    assert [i.split() for i in received if isinstance(i, scan.Directive)] == [
        i.split() for i in items if isinstance(i, scan.Directive)]


def test_every_header_of_the_model_kernel_travels_unchanged() -> None:
    for path in sorted((REPO / "headers").rglob("*.h")):
        items = scan.scan(scan.read_source(str(path)))
        assert scan.unpack(scan.pack(items)) == items, path


@pytest.mark.parametrize("data", [b"", b"\x00", b"not marshal", scan.pack(())[:-1]])
def test_what_is_not_a_scan_is_refused(data: bytes) -> None:
    with pytest.raises((ValueError, EOFError, TypeError, IndexError)):
        scan.unpack(data)


def test_the_walk_reads_ahead_in_the_recorders_order(tmp_path: Path) -> None:
    tu = tree_tu(tmp_path)
    walk = walked(tu)
    # Each file once, depth first, through "x", <x> and #include_next, and
    # also where a conditional will skip it; never where a macro names it.
    assert walk == ["main.h", "local.h", "first/sys/a.h", "second/sys/a.h", "second/sys/b.h", "never.h"]
    assert [f for f in walk if f != "never.h"] == [f for f in read_by_recorder(tu) if f != "made.h"]


def test_the_walk_covers_the_sample_as_the_recorder_reads_it() -> None:
    tu = sample_tu()
    read = read_by_recorder(tu)
    assert walked(tu) == read


def test_files_that_cannot_be_scanned_are_left_to_the_recorder(tmp_path: Path) -> None:
    tu = snippet_tu(tmp_path, {
        "main.h": '#include "nul.h"\n#include "latin1.h"\n#include "open.h"\n#include "ok.h"\n',
        "open.h": "/* never closed\n", "ok.h": "int ok;\n",
    })
    (tmp_path / "nul.h").write_bytes(b"int a;\0\n")
    (tmp_path / "latin1.h").write_bytes(b"int caf\xe9;\n")  # read as gcc reads it (issue 18)
    assert walked(tu) == ["main.h", "latin1.h", "ok.h"]


def serve(tu: TranslationUnit) -> tuple[scan_ahead.Prescans, int]:
    """The helper's side run here: its scans and notes, taken by a
    Prescans (and the notes' pipe, which it reads)."""
    scans = os.memfd_create("scans")
    notes, notes_write = os.pipe()
    scan_ahead.send(tu.text, str(tu.cwd), tu.include_dirs, scans, notes_write, helper._write_all)
    os.close(notes_write)
    os.set_blocking(notes, False)
    return scan_ahead.Prescans(scans, notes, helper._pread_all), notes


def is_open(fd: int, inode: int) -> bool:
    try:
        return os.fstat(fd).st_ino == inode
    except OSError:
        return False


def test_the_recorder_takes_the_scans_sent(tmp_path: Path) -> None:
    tu = tree_tu(tmp_path)
    prescans, notes = serve(tu)
    pipe = os.fstat(notes).st_ino
    helped = Recorder(tu, files=scan.FileCache(prescans.take)).run()
    assert prescans.taken == 5  # all it reads but made.h
    assert not is_open(notes, pipe)  # read to its end, and closed
    assert pass_tokens(helped) == pass_tokens(Recorder(tu).run())
    prescans.close()


def test_a_file_changed_since_it_was_sent_is_scanned_again(tmp_path: Path) -> None:
    tu = tree_tu(tmp_path)
    prescans, _ = serve(tu)
    main = tmp_path / "main.h"
    main.write_text(TREE["main.h"] + "int changed;\n")
    helped = Recorder(tu, files=scan.FileCache(prescans.take)).run()
    assert prescans.taken == 4
    assert "changed" in [t for p in pass_tokens(helped) for t in p]
    prescans.close()


def test_the_walk_keeps_to_its_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_ahead, "MAX_FILES", 3)
    tu = tree_tu(tmp_path)
    prescans, _ = serve(tu)
    Recorder(tu, files=scan.FileCache(prescans.take)).run()
    assert prescans.taken == 3
    prescans.close()


def test_the_helper_never_waits_for_a_full_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 200 files whose notes, with their long paths, fill a pipe of one page.
    names = [f"{'d' * 100}/{i:03}.h" for i in range(200)]
    files = {"main.h": "".join(f'#include "{n}"\n' for n in names), **{n: "int x;\n" for n in names}}
    tu = snippet_tu(tmp_path, files)
    monkeypatch.setattr(scan_ahead, "PIPE_SIZE", 4096)
    done = threading.Event()
    notes, notes_write = os.pipe()
    scans = os.memfd_create("scans")

    def send() -> None:
        scan_ahead.send(tu.text, str(tu.cwd), tu.include_dirs, scans, notes_write, helper._write_all)
        done.set()

    threading.Thread(target=send, daemon=True).start()
    assert done.wait(30), "the helper waits for the recorder to read its notes"
    os.close(notes_write)
    os.set_blocking(notes, False)
    prescans = scan_ahead.Prescans(scans, notes, helper._pread_all)
    Recorder(tu, files=scan.FileCache(prescans.take)).run()
    assert 0 < prescans.taken < 201
    prescans.close()


@needs_fork
def test_with_the_helper_the_recording_is_the_same() -> None:
    tu = sample_tu()
    with helper.ahead(tu=tu) as ahead:
        helped = Recorder(tu, on_pass=ahead.submit, files=ahead.files()).run()
        assert ahead.prescans is not None and ahead.prescans.taken > 0
        helped_layout = ahead.layout(helped)
    with helper.ahead(helper=False, tu=tu) as alone:
        assert alone.prescans is None
        unhelped = Recorder(tu, on_pass=alone.submit, files=alone.files()).run()
        unhelped_layout = alone.layout(unhelped)
    assert pass_tokens(helped) == pass_tokens(unhelped)
    assert helped_layout.code == unhelped_layout.code
