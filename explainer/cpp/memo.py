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

Each read is compressed on its own, under the digest of what it holds:
the units of one kernel's headers read the same kconfig.h and
linux/tracepoint.h (20,000 of their 22,000 definitions), and a process
that loads several records (a site's worker, before it forks a child
per header) decodes each such read once, and makes once what a replay
of it adds to the recording's changes and to Reach (``_Prepared``).
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
from explainer.cpp.reach import Note, facts
from explainer.cpp.reader import Reader, meaning
from explainer.model import Change
from explainer.resources import cache_dir, data, keep, prune

if TYPE_CHECKING:
    from explainer.cpp.recording import Sources
    from explainer.kernel.translation_unit import TranslationUnit

FORMAT = 3  # 2: compressed; 3: each read compressed on its own
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
# As a run replays it: its operations prepared.
Replayed = tuple[int, int, str, "_Prepared", tuple[str, ...], int]
# As a record keeps it: the operations compressed, under their digest.
Kept = tuple[int, int, str, bytes, bytes, tuple[str, ...], int]


class _Prepared:
    """A read's operations, decoded, with what replaying them adds to the
    recording's changes and to Reach's notes, made once per process for
    every unit whose record holds the same read."""

    __slots__ = ("changes", "notes", "ops")

    def __init__(self, ops: tuple[Op, ...]) -> None:
        self.ops = ops
        changes: list[Change] = []
        notes: list[Note] = []
        for op in ops:
            if op[0] == "define":
                _, name, params, variadic, written, _rest, file, line, names, found = op
                macro = MacroDef(name, params, variadic, [], file, line)
                macro.written = written
                changes.append(meaning(macro))
                notes.append((name, written, names, None) if found is None else (name, None, None, found))
            elif op[0] == "undef":
                changes.append(Change("undef", op[1], None, None, op[2], op[3]))
        self.changes = tuple(changes)
        self.notes = tuple(notes)


# Reads decoded in this process, by digest: a site's worker loads a
# record per header, and children forked after inherit them.
_DECODED: dict[bytes, _Prepared] = {}
_DECODED_MAX = 512


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

    def __init__(self, path: Path | None, entries: list[Replayed] | None,
                 kept: tuple[tuple[tuple[str, tuple[int, int]], ...], tuple[tuple[str, int], ...]] = ((), ())) -> None:
        self.path = path
        self.replaying = entries is not None
        # What the record stands on (checked unchanged when it was loaded):
        # the files and folders of the reads it replays, which the recorder
        # does not read (Recorder.sources).
        self.kept = kept
        self._entries: list[Replayed] = entries or []
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
        macros = reader.macros
        for op in ops.ops:
            kind = op[0]
            if kind == "define":
                _, name, params, variadic, written, rest, file, line, _names, _found = op
                macro = MacroDef(name, params, variadic, [], file, line)
                macro.pending = rest
                macro.written = written
                macros[name] = macro
            elif kind == "undef":
                macros.pop(op[1], None)
            elif kind == "guard":
                recorder._guards[op[1]] = op[2]
            else:  # "once"
                recorder.include_once[op[1]] = None
        reader.changes.extend(ops.changes)
        reader.reach.note_all(ops.notes)
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
        entries = [_kept(serial, span, path, tuple(_portable(op) for op in ops), warnings, counter)
                   for serial, span, path, ops, warnings, counter in self._top]
        record = (FORMAT, sorted(self._stamps.items()), list(recorder.sources().folders), entries)
        if keep(self.path, marshal.dumps(record)):
            prune(self.path.parent, KEEP)


def _kept(serial: int, span: int, path: str, ops: tuple[Op, ...], warnings: tuple[str, ...], counter: int) -> Kept:
    data = marshal.dumps(ops)
    return (serial, span, path, hashlib.blake2b(data, digest_size=16).digest(), zlib.compress(data, 1),
            warnings, counter)


def load(tu: TranslationUnit) -> Memo:
    """The record of *tu*'s last run, to replay, if nothing it read has
    changed; else an empty one, to make."""
    path = cache_dir() / "recorder" / f"{_key(tu)}.marshal"
    try:
        form, stamps, folders, kept = marshal.loads(path.read_bytes())
        if form != FORMAT or not scan.unchanged(stamps, folders):
            return Memo(path, None)
        entries = [(serial, span, file, _decoded(digest, blob), warnings, counter)
                   for serial, span, file, digest, blob, warnings, counter in kept]
    except (OSError, EOFError, ValueError, TypeError, zlib.error):
        return Memo(path, None)
    with contextlib.suppress(OSError):
        os.utime(path)  # the newest, for prune
    return Memo(path, entries, (tuple((p, tuple(st)) for p, st in stamps), tuple(map(tuple, folders))))


def _decoded(digest: bytes, blob: bytes) -> _Prepared:
    """The read whose operations *blob* holds, decoded once per process."""
    found = _DECODED.get(digest)
    if found is None:
        data = zlib.decompress(blob)
        if hashlib.blake2b(data, digest_size=16).digest() != digest:
            raise ValueError("a damaged read")
        if len(_DECODED) >= _DECODED_MAX:
            _DECODED.clear()
        found = _DECODED[digest] = _Prepared(tuple(marshal.loads(data)))
    return found


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
