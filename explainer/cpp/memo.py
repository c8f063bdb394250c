"""What a kernel's headers did to the preprocessor, kept between runs of
one translation unit, to be replayed rather than read again.

Four fifths of a full-mode run over a trace header is reading the
kernel's headers it includes (linux/sched.h, linux/tracepoint.h ...),
which no pass shows: what those reads leave behind is their #define and
#undef, their include guards, #pragma once, __COUNTER__'s advance and
their warnings.  A first run records these for each include whose read
starts no pass (the largest such: one per include the header and the
machinery make), in order; a later run of the same unit replays each one
where it comes, and reads the header and the machinery as always.

A run is replayed only if nothing it read can differ: the key names the
translation unit (its text, flags, include directories, gcc's predefined
macros) and explainer's preprocessor (the digest of its sources and data),
and the record keeps the size and modification time of every file the
run read and the modification time of every folder its #include searches
looked in (a file that appears or goes changes it).  Anything else reads
every file again and records anew.  Replayed, the recording is the one
reading gives: same macros, same changes, same counter (tests/test_memo.py
checks both against gcc).

Records live in EXPLAINER_CACHE/recorder, a file per unit (the newest
KEEP, enough for a site of every header of a kernel, about 0.8 MB each for
a kernel header, compressed), written whole or not at all;
one that cannot be read or written is no record, not an error.
EXPLAINER_NO_CACHE=1 turns them off.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from explainer import __version__
from explainer.cpp import scan
from explainer.cpp.macros import MacroDef
from explainer.cpp.reach import facts
from explainer.cpp.reader import Reader
from explainer.resources import cache_dir, data, keep, prune

if TYPE_CHECKING:
    from explainer.cpp.recording import Sources
    from explainer.kernel.translation_unit import TranslationUnit

FORMAT = 2  # 2: compressed
# Records kept, the newest: one per header of a kernel's site (Linux 7.3
# has 182), about 0.8 MB each compressed (3 MB as marshal writes them).
KEEP = 256
_SOURCES = ("cpp", "kernel")  # explainer's folders whose code decides a read

# An operation: ("define", ...), ("undef", name, file, line),
# ("guard", path, macro or None), ("once", path).
Op = tuple[Any, ...]
# One include's read, to replay: where it starts (the serial of the
# include among those a run reaches), how many includes it spans, the
# file, its operations, its warnings and how far it took __COUNTER__.
Entry = tuple[int, int, str, tuple[Op, ...], tuple[str, ...], int]


class RecorderState(Protocol):
    """What a record is made of and replayed into: cpp/recorder.py's state."""

    _reader: Reader
    _guards: dict[str, str | None]
    include_once: dict[str, None]
    warnings: list[str]
    _counter: int
    _passes: list[Any]
    _files: scan.FileCache

    def sources(self) -> Sources: ...


def enabled() -> bool:
    return not os.environ.get("EXPLAINER_NO_CACHE")


class Memo:
    """A record being replayed (``replaying``) or made.  The recorder calls
    ``replay`` at each include it reaches that is not the header; if that
    does not take it, ``begin`` and ``end`` around the read; ``read`` for
    every file it reads and ``note`` for each guard and #pragma once."""

    def __init__(self, path: Path | None, entries: list[Entry] | None,
                 kept: tuple[tuple[tuple[str, tuple[int, int]], ...], tuple[tuple[str, int], ...]] = ((), ())) -> None:
        self.path = path
        self.replaying = entries is not None
        # What the record stands on (checked unchanged when it was loaded):
        # the files and folders of the reads it replays, which the recorder
        # does not read (Recorder.sources).
        self.kept = kept
        self._entries = entries or []
        self._next = 0  # the next entry to replay
        self._serial = 0  # includes reached so far
        self.replayed = 0
        # Making a record: the operations of the whole run, the reads open
        # (serial, start in the log, counter, warnings, passes, entries
        # within), and what the run read.
        self.log: list[Op] = []
        self._open: list[tuple[int, int, int, int, int, str, list[Entry]]] = []
        self._top: list[Entry] = []
        self._stamps: dict[str, tuple[int, int]] = {}
        self.broken = False

    # -- replaying ---------------------------------------------------------------

    def replay(self, recorder: RecorderState, abspath: str) -> bool:
        """Replay the read of *abspath* if the record has it here."""
        serial = self._serial
        self._serial += 1
        if not self.replaying or self._next >= len(self._entries):
            return False
        start, span, path, ops, warnings, counter = self._entries[self._next]
        if start != serial:
            return False
        self._next += 1
        if path != abspath:  # cannot happen with the files unchanged; read on
            self.replaying = False
            self.broken = True  # and make no record of this run
            return False
        reader = recorder._reader
        for op in ops:
            kind = op[0]
            if kind == "define":
                _, name, params, variadic, written, rest, file, line, names, found = op
                macro = MacroDef(name, params, variadic, [], file, line)
                macro.pending = rest
                macro.written = written
                reader.replay_define(macro, names, found)
            elif kind == "undef":
                reader.replay_undef(op[1], op[2], op[3])
            elif kind == "guard":
                recorder._guards[op[1]] = op[2]
            else:  # "once"
                recorder.include_once[op[1]] = None
        recorder.warnings.extend(warnings)
        recorder._counter += counter
        self._serial += span
        self.replayed += 1
        return True

    # -- recording ---------------------------------------------------------------

    def read(self, abspath: str, stamp: tuple[int, int]) -> None:
        """A file the run read, as it was."""
        if not self.replaying:
            self._stamps.setdefault(abspath, stamp)

    def note(self, op: Op) -> None:
        """An include guard or #pragma once the run learned, in order with
        the reader's #define and #undef."""
        if not self.replaying:
            self.log.append(op)

    def begin(self, recorder: RecorderState, abspath: str) -> None:
        self._open.append((self._serial - 1, len(self.log), recorder._counter, len(recorder.warnings),
                           len(recorder._passes), abspath, []))

    def end(self, recorder: RecorderState) -> None:
        serial, start, counter, warnings, passes, abspath, within = self._open.pop()
        outer = self._open[-1][6] if self._open else self._top
        if len(recorder._passes) != passes:  # a pass began in it: its reads within, on their own
            outer.extend(within)
            return
        ops = tuple(self.log[start:])
        outer.append((serial, self._serial - serial - 1, abspath, ops,
                      tuple(recorder.warnings[warnings:]), recorder._counter - counter))

    def save(self, recorder: RecorderState) -> None:
        """Write the record of the run just made (if it made one)."""
        if self.replaying or self.broken or self.path is None or self._open:
            return
        entries = [(serial, span, path, tuple(_portable(op) for op in ops), warnings, counter)
                   for serial, span, path, ops, warnings, counter in self._top]
        record = (FORMAT, sorted(self._stamps.items()), list(recorder.sources().folders), entries)
        if keep(self.path, zlib.compress(marshal.dumps(record), 1)):
            prune(self.path.parent, KEEP)


def load(tu: TranslationUnit) -> Memo:
    """The record of *tu*'s last run, to replay, if nothing it read has
    changed; else an empty one, to make."""
    path = cache_dir() / "recorder" / f"{_key(tu)}.marshal"
    try:
        record = marshal.loads(zlib.decompress(path.read_bytes()))
        form, stamps, folders, entries = record
    except (OSError, EOFError, ValueError, TypeError, zlib.error):
        return Memo(path, None)
    if form != FORMAT or not scan.unchanged(stamps, folders):
        return Memo(path, None)
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest, for prune
    return Memo(path, list(entries), (tuple((p, tuple(st)) for p, st in stamps), tuple(map(tuple, folders))))


def _portable(op: Op) -> Op:
    """An operation as the record keeps it: a definition by its text,
    with what Reach takes in of it."""
    if op[0] != "define":
        return op
    _, rest, file, line, macro, names = op
    assert isinstance(macro, MacroDef)
    params = macro.params if macro.funlike else None
    found = facts(macro) if names is None else None
    return ("define", macro.name, params, macro.variadic, macro.written, rest, file, line,
            names, found)


def _key(tu: TranslationUnit) -> str:
    h = hashlib.sha256()
    h.update(repr((FORMAT, __version__, sys.version_info[:2], *tu.identity())).encode())
    package = Path(__file__).resolve().parent.parent
    for folder in _SOURCES:
        for source in sorted((package / folder).glob("*.py")):
            h.update(source.name.encode())
            h.update(source.read_bytes())
    h.update(data("kernel.toml").read_bytes())
    return h.hexdigest()[:32]
