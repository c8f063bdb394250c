"""Stage 0 done ahead: the helper process (walkthrough/helper.py) scans the files
a translation unit is likely to read before the recorder asks for them.

A kernel translation unit reads some 630 files, and scanning them is an
eighth of the recorder's work; reading their 19,000 #defines' texts
(macros.plain_define) and finding the names in their text (for reach.py)
is more.  Which files it reads depends on macros only the recorder
knows, but nearly every #include of a kernel header names its file
plainly.  So the helper walks the includes depth first, in the order the
recorder will read them, following every plain ``#include`` and
``#include_next`` whatever the conditionals around it say, and sends
each file's scan, with those answers (scan.pack), as soon as it is made.
It reads a few files the recorder never does (about 40 of 670), and none
whose name a macro computes.

The recorder takes a file's scan from the helper only if the helper
has sent it and the file's size and time are the ones the helper saw
(``Prescans.take``); otherwise it scans the file itself, as it would
without a helper.  It never waits for one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import struct
from collections.abc import Callable, Iterator

from explainer.cpp import scan
from explainer.cpp.pcpp_lexer import LexError

# Limits of the walk, far above a kernel translation unit's 670 files.
MAX_FILES = 4096
MAX_BYTES = 256 * 1024 * 1024  # of scans sent
PIPE_SIZE = 1024 * 1024  # asked for the notes (Linux's most without privileges)

# A scan's note: where it is in the scans file, the file's size and time,
# and the length of its absolute path, which follows the note.
_NOTE = struct.Struct("<qqqqq")

# An include whose name is written out: "x" or <x>, and nothing after it.
_PLAIN_INCLUDE = re.compile(r'[ \t\f\v]*(?:"([^"\\\n]+)"|<([^>\\\n]+)>)[ \t\f\v]*\Z')

Scan = tuple[scan.Directive | scan.Text, ...]


def walk(text: str, cwd: str, include_dirs: tuple[str, ...]) -> Iterator[tuple[str, tuple[int, int], Scan]]:
    """The files the translation unit *text* includes, each as (absolute
    path, stamp, scan), depth first and each once.  A file that cannot be
    read or scanned is left to the recorder, which says why."""
    found: dict[tuple[object, ...], tuple[str, str, int | None] | None] = {}
    seen: set[str] = set()
    # Each open file: its includes still to follow, its path as shown
    # (None for the translation unit) and its -I directory's index.
    stack: list[tuple[Iterator[tuple[str, bool, bool]], str | None, int | None]] = []
    try:
        stack.append((_includes(scan.scan(text)), None, None))
    except LexError:
        return
    while stack:
        includes, here, found_in = stack[-1]
        include = next(includes, None)
        if include is None:
            stack.pop()
            continue
        name, angled, next_only = include
        where = scan.find_include(name, angled, here, found_in, next_only, cwd, include_dirs, found)
        if where is None or where[1] in seen:
            continue
        display, abspath, index = where
        seen.add(abspath)
        try:
            stamp = scan.stamp(abspath)
            items = scan.scan(scan.read_source(abspath))
        except (OSError, LexError):
            continue
        yield abspath, stamp, items
        stack.append((_includes(items), display, index))


def _includes(items: Scan) -> Iterator[tuple[str, bool, bool]]:
    """(name, angled, include_next) of each plainly written include."""
    for item in items:
        if isinstance(item, scan.Directive):
            kind, rest = item.split()
            if kind == "include" or kind == "include_next":
                m = _PLAIN_INCLUDE.match(rest)
                if m is not None:
                    yield (m.group(1) or m.group(2)), m.group(1) is None, kind == "include_next"


def send(text: str, cwd: str, include_dirs: tuple[str, ...], scans: int, notes: int,
         write: Callable[[int, bytes], None]) -> None:
    """In the helper: walk, writing each scan to the file *scans* and a
    note of it to the pipe *notes*, within MAX_FILES and MAX_BYTES.  The
    helper must never wait for the recorder (it has passes to lay out), so
    *notes* does not block: the walk ends where the pipe is full.  A note
    is shorter than PIPE_BUF, so it is written whole or not at all."""
    with contextlib.suppress(OSError, AttributeError):  # a larger pipe, where there is one
        fcntl.fcntl(notes, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    os.set_blocking(notes, False)
    offset = 0
    for count, (abspath, stamp, items) in enumerate(walk(text, cwd, include_dirs)):
        if count >= MAX_FILES:
            return
        path = os.fsencode(abspath)
        if _NOTE.size + len(path) > select.PIPE_BUF:
            continue
        blob = scan.pack(items)
        if offset + len(blob) > MAX_BYTES:
            return
        write(scans, blob)
        try:
            os.write(notes, _NOTE.pack(offset, len(blob), stamp[0], stamp[1], len(path)) + path)
        except OSError:  # full, or the recorder is done with files
            return
        offset += len(blob)


class Prescans:
    """In the recorder's process: the scans the helper has sent so far.
    ``take`` is a FileCache's *ahead*."""

    def __init__(self, scans: int, notes: int, read_at: Callable[[int, int, int], bytes]) -> None:
        self._scans = scans
        self._notes = notes  # non-blocking; -1 once the helper has sent all
        self._read_at = read_at
        self._buffer = b""
        self._sent: dict[str, tuple[tuple[int, int], int, int]] = {}  # path: stamp, offset, length
        self.taken = 0

    def take(self, abspath: str, stamp: tuple[int, int]) -> Scan | None:
        """The helper's scan of *abspath*, if it has sent one of the file
        as it is now."""
        if self._notes >= 0:
            self._read_notes()
        sent = self._sent.pop(abspath, None)
        if sent is None or self._scans < 0 or sent[0] != stamp:
            return None
        try:
            items = scan.unpack(self._read_at(self._scans, sent[2], sent[1]))
        except (OSError, EOFError, ValueError, TypeError, IndexError):
            return None
        self.taken += 1
        return items

    def close(self) -> None:
        """Reads no more notes (and frees the scans): the helper, if still
        walking, stops at its next note."""
        for fd in (self._notes, self._scans):
            if fd >= 0:
                os.close(fd)
        self._notes = self._scans = -1

    def _read_notes(self) -> None:
        chunks = [self._buffer]
        while True:
            try:
                chunk = os.read(self._notes, 1 << 16)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:  # the helper is done with the walk, or gone
                os.close(self._notes)
                self._notes = -1
                break
            chunks.append(chunk)
        data = b"".join(chunks)
        at = 0
        while len(data) - at >= _NOTE.size:
            offset, length, size, mtime, path_length = _NOTE.unpack_from(data, at)
            end = at + _NOTE.size + path_length
            if end > len(data):
                break
            path = os.fsdecode(data[at + _NOTE.size : end])
            self._sent[path] = ((size, mtime), offset, length)
            at = end
        self._buffer = data[at:]

