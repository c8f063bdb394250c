"""-o PATH writes what a user means by PATH: a regular file is replaced
whole (through symlinks, which stay), and a device, a FIFO or
/dev/stdout is written to, never replaced by a file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from explainer import cli

from conftest import REPO, environment, requires_gcc

pytestmark = requires_gcc

ARGV = ["--format", "json", "TRACE_EVENT", "sample.h"]


@pytest.fixture(scope="module")
def expected() -> str:
    return subprocess.run([sys.executable, "-m", "explainer", *ARGV], cwd=REPO, env=environment(),
                          capture_output=True, text=True, check=True).stdout


def explain_to(path: Path | str) -> int:
    return cli.main([*ARGV, "-o", str(path)])


def test_a_symlink_is_followed_and_stays(tmp_path: Path, expected: str) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    assert explain_to(link) == 0
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert real.read_text() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]  # no temporary left


def test_a_dangling_symlink_gets_its_file(tmp_path: Path, expected: str) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("made.json")
    assert explain_to(link) == 0
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == expected


def test_a_character_device_stays_a_device(tmp_path: Path) -> None:
    """-o /dev/null once replaced the machine's /dev/null with a file (as
    root).  As root the test makes a null device of its own, so that a
    regression cannot break this machine; otherwise /dev/null itself,
    which only root could replace."""
    if os.geteuid() == 0:
        device = tmp_path / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        device = Path("/dev/null")
    assert explain_to(device) == 0
    assert stat.S_ISCHR(device.stat().st_mode)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_a_fifo_is_written_to(tmp_path: Path, expected: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    # A daemon: were the FIFO replaced by a file, the reader would wait for ever.
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    assert explain_to(fifo) == 0
    reader.join(timeout=30)
    assert got == [expected]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("to_file", [False, True], ids=["pipe", "file"])
def test_dev_stdout(tmp_path: Path, expected: str, to_file: bool) -> None:
    """/dev/stdout is a symlink to /proc/self/fd/1.  The test uses a link
    of its own of that shape: the machine's /dev/stdout is left alone even
    if writing through it ever regressed (a regular file there breaks
    every later run that writes to /dev/stdout)."""
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")
    argv = [sys.executable, "-m", "explainer", *ARGV, "-o", str(stdout)]
    if not to_file:
        out = subprocess.run(argv, cwd=REPO, env=environment(), capture_output=True, text=True, check=True)
        assert out.stdout == expected
        assert stdout.is_symlink()
        return
    target = tmp_path / "shell.json"
    with target.open("w") as redirected:  # as `explain ... -o /dev/stdout > shell.json`
        subprocess.run(argv, cwd=REPO, env=environment(), stdout=redirected, check=True)
    assert target.read_text() == expected
    with target.open("a") as redirected:  # and `>> shell.json` keeps what was there
        subprocess.run(argv, cwd=REPO, env=environment(), stdout=redirected, check=True)
    assert target.read_text() == expected * 2
    assert stdout.is_symlink()


def test_a_directory_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_to(tmp_path) == 2
    err = capsys.readouterr().err
    assert err == f"explain: cannot write {tmp_path}: Is a directory\n"
    assert list(tmp_path.iterdir()) == []


def test_site_into_a_symlinked_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The site is built beside the directory the link names and put in
    its place; the link stays a link to it."""
    real = tmp_path / "real-site"
    real.mkdir()
    link = tmp_path / "public"
    link.symlink_to(real.name, target_is_directory=True)
    assert cli.main(["site", "sample.h", "-o", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == "real-site"
    assert (real / "index.html").is_file() and (real / ".explainer-site").is_file()
    # Built again through the link: the same, and nothing left beside it.
    assert cli.main(["site", "sample.h", "-o", str(link)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "real-site"]
    assert (link / "index.html").read_text() == (real / "index.html").read_text()
    capsys.readouterr()


def test_which_paths_name_a_file_already_open(tmp_path: Path) -> None:
    """/dev/stdout, /dev/fd/N and /proc/PID/fd/N are written into (so
    `>>` appends); any other path, /proc/self/cwd/... included, is a file
    to replace whole."""
    from explainer.output import _names_an_open_file

    link = tmp_path / "out"
    link.symlink_to("/dev/fd/1")
    for path in ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/2", str(link)):
        assert _names_an_open_file(Path(path)), path
    for path in ("/proc/self/cwd/x.json", str(tmp_path / "x.json"), "relative.json"):
        assert not _names_an_open_file(Path(path)), path
