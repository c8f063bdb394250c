"""gcc's answers about a translation unit's code (a format file's
numbers, its decoder's tables, the names gcc cannot find), kept between
runs, to be given again rather than asked again.

Each answer costs gcc -E and a compile of the whole unit (some 0.4 s each
for a kernel header): on a site of every header of a kernel, more than
twice gcc -E's own time.  The code gcc compiles is gcc -E's output of the
unit, which the recording of the same unit matched token for token; so
an answer is kept only once the recording has said what that run read
(``read_by``), and it is given again only if

- its key is the same: the unit (its text, flags, include directories,
  gcc's predefined macros), gcc itself (its path, size and modification
  time), how gcc was asked, the pass the code ends at and the code put
  before and after it (constants.unit), and explainer's version and the
  digest of the code that cuts the unit's code and adds to it;
- every file that run read, and every folder its #include searches looked
  in, is as it was (scan.unchanged).

Answers live in EXPLAINER_CACHE/answers, a file each (the newest KEEP,
some 10 kB each compressed, most of it the names of the files read),
written whole or not at all; one that cannot be read or written is no
answer, not an error.  EXPLAINER_NO_CACHE=1 turns them off, as it does
the recorder's records (cpp/memo.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import shutil
import subprocess
import zlib
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from explainer import __version__
from explainer.cpp import memo, scan
from explainer.cpp.recording import Sources
from explainer.kernel.translation_unit import TranslationUnit
from explainer.resources import cache_dir, keep, prune

FORMAT = 1
KEEP = 4096  # answers kept, the newest: three per header of a kernel's site
_UNITS = 8  # units whose sources are known at once (a site worker does one at a time)

# What the recording of each recent unit read: an answer about a unit's
# code stands on the same files as the recording (see the docstring).
_READ: dict[TranslationUnit, Sources] = {}


def read_by(tu: TranslationUnit, sources: Sources | None) -> None:
    """Say what the recording of *tu* read (None: nothing is known, and
    answers about it are neither kept nor given)."""
    _READ.pop(tu, None)
    if sources is not None:
        if len(_READ) >= _UNITS:
            del _READ[next(iter(_READ))]
        _READ[tu] = sources


Run = Callable[[], subprocess.CompletedProcess[str]]


def ask(tu: TranslationUnit, how: Sequence[str], through: int, before: str, after: str, run: Run,
        trim: Callable[[str], str] = lambda out: out) -> subprocess.CompletedProcess[str]:
    """gcc's answer to *how* (its flags) on *before*, the unit's code up to
    the end of pass *through*, and *after*: kept, else *run* (which asks
    gcc), kept with its output cut to what the caller reads (*trim*)."""
    sources = _READ.get(tu)
    if sources is None or not memo.enabled():
        return run()
    path = cache_dir() / "answers" / f"{_key(tu, how, through, before, after)}.marshal"
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError, zlib.error):
        form, files, folders, code, out, err = marshal.loads(zlib.decompress(path.read_bytes()))
        if form == FORMAT and scan.unchanged(files, folders):
            with contextlib.suppress(OSError):
                os.utime(path)  # the newest, for prune
            return subprocess.CompletedProcess(list(how), code, out, err)
    proc = run()
    answer = (FORMAT, sources.files, sources.folders, proc.returncode, trim(proc.stdout), proc.stderr)
    if keep(path, zlib.compress(marshal.dumps(answer), 1)):
        prune(path.parent, KEEP)
    return proc


@cache
def _cutter() -> str:
    """The digest of the code that decides what gcc compiles: the unit's
    code cut at a pass (kernel/oracle.py) and the constants' function
    (userspace/constants.py)."""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for source in (package / "kernel" / "oracle.py", package / "userspace" / "constants.py"):
        with contextlib.suppress(OSError):
            h.update(source.read_bytes())
    return h.hexdigest()


@cache
def _gcc() -> tuple[str, int, int]:
    """The gcc that answers: its path, size and modification time."""
    found = shutil.which("gcc")
    if found is None:
        return ("", 0, 0)
    real = os.path.realpath(found)
    size, mtime = scan.stamp(real)
    return (real, size, mtime)


def _key(tu: TranslationUnit, how: Sequence[str], through: int, before: str, after: str) -> str:
    h = hashlib.sha256()
    h.update(repr((FORMAT, __version__, _cutter(), _gcc(), *tu.identity(), tuple(how), through)).encode())
    for text in (before, after):
        h.update(len(text).to_bytes(8, "little"))
        h.update(text.encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]
