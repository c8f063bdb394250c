"""The helper process: a second core's work while the recorder runs.

Forked before the recording starts, the helper first scans the files
the translation unit is likely to read, ahead of the recorder
(cpp/scan_ahead.py), then lays out each pass the recorder sends it.

A pass is laid out from its token texts alone (layout.py), and so is what
each of its invocations declares (summary.py).  So each pass's texts and
its invocations' bounds go to the helper, which lays them out while the
recorder reads on: on a kernel header that takes a sixth of a run off the
critical path.

A pass is sent when it ends, and also when a pass starts inside it: the
first read of a header holds all the others (define_trace.h reads it
again), and its tokens are most likely complete by then.  A layout of
fewer tokens than the pass ended with is not used.  Whatever the helper
does not send back (no fork, one core, a helper that died, a result that
cannot be read) is laid out in this process: the output is the same, and
a failure costs time, never output.

Texts and results travel through two anonymous files, so that neither
side ever waits for the other to read; the pipes carry only notes of 32
bytes (pass, tokens, offset, length).  The helper answers each pass as
it lays it out.  Once the recording ends, this process lays out the
passes the helper has not answered, the last first, while the helper
works from the first: it waits only for the one pass left, most likely
the one the helper is on (the first read, the biggest).
"""

from __future__ import annotations

import contextlib
import marshal
import os
import select
import signal
import struct
import tempfile
from array import array
from collections.abc import Iterator
from typing import TYPE_CHECKING

from explainer import prose
from explainer.cpp import scan_ahead
from explainer.cpp.scan import FileCache
from explainer.cpp.scan_ahead import Prescans
from explainer.errors import ExplainError

# The helper is forked as soon as the translation unit is known, before
# the recorder's modules load, so that its walk starts that much sooner:
# what only the layouts need is imported when they are made.
if TYPE_CHECKING:
    from explainer.cpp.invocations import PassBuilder
    from explainer.cpp.recording import PassRecord, Recording
    from explainer.kernel.translation_unit import TranslationUnit
    from explainer.walkthrough.assemble import LaidOut, Layout

_NOTE = struct.Struct("<qqqq")  # pass index, its tokens, offset, length


def _anonymous_file() -> int:
    if hasattr(os, "memfd_create"):
        return os.memfd_create("explainer-helper", os.MFD_CLOEXEC)
    with tempfile.TemporaryFile() as handle:
        return os.dup(handle.fileno())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _pread_all(fd: int, size: int, offset: int) -> bytes:
    """*size* bytes of a file from *offset* (a read of a file stops short
    only at its end, or past 2 GB on Linux)."""
    parts: list[bytes] = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            raise EOFError("the file ends before the blob")
        parts.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(parts)


def _read_exact(fd: int, size: int) -> bytes | None:
    """*size* bytes from a pipe, or None at its end."""
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class Helper:
    """The helper process, seen from the recorder's: the file cache to
    record with (``files``, with the helper's scans), each pass taken as
    the recorder finishes it (``submit``), and the layout of the whole
    recording (``layout``).  Without a helper process, ``submit`` does
    nothing and ``layout`` lays every pass out here."""

    def __init__(self, fork: bool, tu: TranslationUnit | None = None) -> None:
        self._pid = 0
        self.prescans: Prescans | None = None
        if not fork or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
            return
        self._texts, self._results = _anonymous_file(), _anonymous_file()
        self._offset = 0
        self._sent: dict[int, int] = {}  # pass index: tokens sent
        to_helper, self._from_parent = os.pipe()
        self._from_helper, from_helper_write = os.pipe()
        scans, (notes, notes_write) = (_anonymous_file(), os.pipe()) if tu is not None else (-1, (-1, -1))
        pid = os.fork()
        if pid == 0:  # the helper
            code = 1
            try:
                _only(to_helper, self._texts, self._results, from_helper_write, scans, notes_write)
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers ^C
                if tu is not None:
                    scan_ahead.send(tu.text, str(tu.cwd), tu.include_dirs, scans, notes_write, _write_all)
                    os.close(notes_write)
                _serve(to_helper, self._texts, self._results, from_helper_write)
                code = 0
            finally:
                os._exit(code)
        os.close(to_helper)
        os.close(from_helper_write)
        self._pid = pid
        if tu is not None:
            os.close(notes_write)
            os.set_blocking(notes, False)
            self.prescans = Prescans(scans, notes, _pread_all)

    def submit(self, done: PassBuilder) -> None:
        count = len(done.emitted)
        if not self._pid or self._sent.get(done.index) == count:
            return
        from explainer.walkthrough.assemble import bounds
        from explainer.walkthrough.layout import values

        blob = marshal.dumps((values(done.emitted), bounds(done.invocations)))
        try:
            _write_all(self._texts, blob)
            os.write(self._from_parent, _NOTE.pack(done.index, count, self._offset, len(blob)))
        except OSError:
            self.close()  # the helper is gone: layout() does the work
            return
        self._offset += len(blob)
        self._sent[done.index] = count

    def files(self) -> FileCache:
        """A file cache for the recorder: with the helper's scans, if it
        makes them."""
        return FileCache(self.prescans.take if self.prescans is not None else None)

    def layout(self, recording: Recording) -> Layout:
        from explainer.walkthrough.assemble import bounds, laid_out, lay_out_one
        from explainer.walkthrough.layout import values

        if self.prescans is not None:
            self.prescans.close()  # the recording has read its files
        passes = recording.passes
        laid: dict[int, LaidOut] = {}
        if self._pid:
            os.close(self._from_parent)  # no more passes: the helper's last answers follow
            self._from_parent = -1
        try:
            left = list(passes)
            while left:
                self._answers(laid, passes, wait=False)
                left = [p for p in left if p.index not in laid]
                if not left:
                    break
                last = left[-1]
                if len(left) == 1 and self._pid and self._sent.get(last.index) == len(last.emitted):
                    self._answers(laid, passes, wait=True, header=recording.tu.header)
                    if last.index in laid:
                        break
                laid[last.index] = lay_out_one(values(last.emitted), bounds(last.invocations))
        finally:
            self.close()
        return laid_out([laid[p.index] for p in passes])

    def _answers(self, laid: dict[int, LaidOut], passes: tuple[PassRecord, ...], wait: bool,
                 header: str = "") -> None:
        """Take the layouts the helper has made of *passes* as they ended
        (by pass index, into *laid*): those ready, or with *wait*, until
        it answers or ends.  An answer that cannot be read is dropped (the
        pass is laid out here); a helper that ended answers no more."""
        if not self._pid or self._from_helper < 0:
            return
        from explainer.cpp import expand
        from explainer.walkthrough.layout import Spans

        ended = {p.index: len(p.emitted) for p in passes}
        while True:
            timeout = expand.time_left() if wait else 0.0
            ready, _, _ = select.select([self._from_helper], [], [], timeout)
            if not ready:
                if wait:
                    raise ExplainError(prose.error("layout_gave_up", path=header, gave_up=expand.gave_up()))
                return
            note = _read_exact(self._from_helper, _NOTE.size)
            if note is None:  # the helper is done, or gone
                os.close(self._from_helper)
                self._from_helper = -1
                return
            index, count, offset, length = _NOTE.unpack(note)
            if ended.get(index) != count or index in laid:
                continue  # a pass sent before it ended
            try:
                code, starts, ends, declares, folds = marshal.loads(_pread_all(self._results, length, offset))
            except (OSError, EOFError, ValueError, TypeError):
                continue
            laid[index] = (code, Spans(_longs(starts), _longs(ends)), declares,
                           {k: (c, _longs(s), _longs(e), _longs(p)) for k, (c, s, e, p) in folds.items()})
            if wait:
                return

    def close(self) -> None:
        """Ends the helper (it may still be laying out) and frees its files."""
        if not self._pid:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        self._pid = 0
        for fd in (self._from_parent, self._from_helper, self._texts, self._results):
            if fd >= 0:
                os.close(fd)
        if self.prescans is not None:
            self.prescans.close()


def _only(*keep: int) -> None:
    """In the helper: close every file but *keep*, and read and write
    nothing of the terminal.  Another thread of the parent may be running
    gcc with its input on a pipe (kernel/compiler.py): a copy of that pipe's end
    left open here would keep gcc waiting for the end of its input."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    low = 3
    for fd in sorted(fd for fd in keep if fd >= 0):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, max(os.sysconf("SC_OPEN_MAX"), low))


def _longs(data: bytes) -> array[int]:
    out = array("l")
    out.frombytes(data)
    return out


def _serve(notes: int, texts: int, results: int, answers: int) -> None:
    """The helper: lays out each pass it is told of and answers it.  An
    answer that would wait (the recorder is not reading yet) waits here
    until the recorder has sent its last pass, so that neither side ever
    waits on a full pipe."""
    # Loaded while the recorder is still far from its first pass.
    from explainer.walkthrough.assemble import lay_out_one

    offset = 0
    held = b""
    os.set_blocking(answers, False)
    while (note := _read_exact(notes, _NOTE.size)) is not None:
        index, count, at, length = _NOTE.unpack(note)
        vals, invocations = marshal.loads(_pread_all(texts, length, at))
        code, spans, declares, folds = lay_out_one(vals, invocations)
        packed = {k: (c, s.tobytes(), e.tobytes(), p.tobytes()) for k, (c, s, e, p) in folds.items()}
        blob = marshal.dumps((code, spans.starts.tobytes(), spans.ends.tobytes(), declares, packed))
        _write_all(results, blob)
        answer = _NOTE.pack(index, count, offset, len(blob))
        offset += len(blob)
        if not held:
            try:
                os.write(answers, answer)  # a note is less than PIPE_BUF: all or nothing
                continue
            except BlockingIOError:
                pass
        held += answer
    os.set_blocking(answers, True)
    _write_all(answers, held)


@contextlib.contextmanager
def ahead(helper: bool = True, tu: TranslationUnit | None = None) -> Iterator[Helper]:
    """A Helper, its process (if *helper*) ended however the block ends;
    given *tu*, the process also scans its files ahead of the recorder."""
    made = Helper(helper, tu)
    try:
        yield made
    finally:
        made.close()
