"""Where output goes: -o FILE as a user means it, written whole or not at
all (explain, its verbs, and the exercises' own files)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError


def _names_an_open_file(path: Path) -> bool:
    """Whether *path*, or a symlink on the way to its file, is one of a
    process's open files (/proc/PID/fd/N): /dev/stdout and /dev/fd/N name
    a file the shell already opened (maybe to append), not a place to put
    a new one."""
    here = os.path.abspath(path)
    for _ in range(40):  # the kernel's limit on a chain of symlinks
        # Its folder as it really is (/dev/fd is a link to /proc/self/fd).
        here = os.path.join(os.path.realpath(os.path.dirname(here)), os.path.basename(here))
        parts = here.split("/")
        if len(parts) > 4 and parts[1] == "proc" and parts[3] == "fd":  # /proc/PID/fd/N
            return True
        try:
            target = os.readlink(here)
        except OSError:  # not a link (or not there): the chain ends
            return False
        here = os.path.normpath(os.path.join(os.path.dirname(here), target))
    return False


def write_output(path: Path, text: str | bytes) -> None:
    """Write *text* (a PDF's bytes too) to -o *path* as a user means it: a
    regular file (or a new one) is replaced atomically, through any
    symlinks, so that it is whole or untouched; anything else (a device
    such as /dev/null, a FIFO, /dev/stdout) is written to as it is, never
    replaced, and appended to, so that `>>` keeps what the file had."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        mode = os.stat(path).st_mode  # follows symlinks
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExplainError(prose.load()["cli"]["no_dir"].format(path=path, reason=exc.strerror or exc)) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise ExplainError(prose.load()["cli"]["no_dir"].format(path=path, reason=os.strerror(errno.EISDIR)))
    if mode is not None and (not stat.S_ISREG(mode) or _names_an_open_file(path)):
        try:
            with open(path, "ab") as stream:
                stream.write(data)
        except BrokenPipeError:
            raise  # the reader left, as with standard output: not an error
        except OSError as exc:
            raise ExplainError(prose.load()["cli"]["no_dir"].format(
                path=path, reason=exc.strerror or exc)) from None
        return
    write_atomically(Path(os.path.realpath(path)), data)


def write_atomically(path: Path, text: str | bytes) -> None:
    """Replace the regular file *path* with *text*, or leave it untouched on any failure."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp = path.parent / f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        # Created like any new file (the umask applies), unlike mkstemp's 0600.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ExplainError(prose.load()["cli"]["no_dir"].format(
            path=path, reason=exc.strerror or exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
