"""Stage 0 of the pipeline: one file as directive lines and runs of text.

A kernel translation unit reads about 5 MB of headers; only the trace
header's text is ever shown, and the rest matters for its directives (and
for ``__COUNTER__``, see recorder.py).  So a file is first cut, with a
few passes of regular expressions over the whole text, into directives
(lexed into tokens only when they are run) and runs of text (lexed only
when they are expanded), instead of being lexed line by line.

Comments are replaced here as gcc's translation phase 3 does: one space.
A block comment that spans lines leaves a line continuation for each
newline it held, so the logical line goes on (as it does for gcc) and every
later token keeps its physical line number.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from explainer.cpp.macros import IDENTIFIER, Plain, Tok, lex, plain_define
from explainer.cpp.pcpp_lexer import LexError
from explainer.prose import gcc

# Literals are matched so that comment markers in them are left alone
# (their prefixes, u8 and L, do not matter here).  The pattern starts with
# a set of characters so that the regular expression engine skips quickly
# to the next candidate; the lookbehinds then say which one it was.  The
# block comment is matched in runs of characters, not one at a time.
_STRIP = re.compile(
    r"[\"'/](?:"
    r'(?<=")[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|(?<=')[^'\\\n]*(?:\\.[^'\\\n]*)*'"
    r"|(?<=/)(?P<block>\*[^*]*\*+(?:[^/*][^*]*\*+)*/)"
    r"|(?<=/)(?P<line>/[^\n]*)"
    r"|(?<=/)(?P<open>\*)"
    r"|(?<=[\"'])(?P<unterminated>[^\n]*))",
    re.DOTALL,
)
_BACKSLASH_BLANKS = re.compile(r"\\[ \t\f\v]+(?=\n|\Z)")
# A directive's name, when it is a plain identifier (nearly always).
_DIRECTIVE_NAME = re.compile(r"[ \t\f\v]*([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_$\\])")


MAX_FILE_BYTES = 8 * 1024 * 1024  # a file larger than this is refused


# Plain classes, not named tuples: compiled, they cost a fraction to make
# (a kernel translation unit has 200,000).
class Directive:
    __slots__ = ("_name", "_rest", "defined", "lexed", "line", "plain", "plain_known", "text")

    def __init__(self, line: int, text: str) -> None:
        self.line = line
        self.text = text  # after the '#', up to the end of the logical line
        self._name: str | None = None
        self._rest = ""
        # A #define's macro once read, with the file name it was read as
        # and the names it uses if known without its tokens (the
        # preprocessor reuses them when the file is read again).
        self.defined: tuple[str, object, list[str] | None] | None = None
        # The tokens after the name, and the file name they were read as.
        self.lexed: tuple[str, list[Tok]] | None = None
        # A #define's macros.plain_define, when the helper process read it
        # (see pack); plain_known says it did.
        self.plain: Plain | None = None
        self.plain_known = False

    def split(self) -> tuple[str, str]:
        """The directive's name ("" if it has none that is a plain
        identifier) and the text after it; worked out once, as a file's
        directives are run again and again (a header's 11 passes, a site's
        headers)."""
        name = self._name
        if name is None:
            text = self.text
            m = _DIRECTIVE_NAME.match(text)
            if m is None and "\\\n" in text:  # a name continued on the next line
                text = text.replace("\\\n", "")
                m = _DIRECTIVE_NAME.match(text)
            name = m.group(1) if m is not None else ""
            self._rest = text[m.end():] if m is not None else text
            self._name = name
        return name, self._rest

    def tokens(self, source: str) -> list[Tok]:
        """The tokens after the name (a conditional's expression), lexed
        once per file name it is read as, as Text.tokens."""
        lexed = self.lexed
        if lexed is not None and lexed[0] == source:
            return lexed[1]
        tokens = lex(self.split()[1], self.line, source)
        self.lexed = (source, tokens)
        return tokens

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Directive) and (self.line, self.text) == (other.line, other.text)

    def __hash__(self) -> int:
        return hash((self.line, self.text))

    def __repr__(self) -> str:
        return f"Directive({self.line}, {self.text!r})"


class Text:
    __slots__ = ("_names", "lexed", "line", "pieces", "text", "unterminated")

    def __init__(self, line: int, text: str, unterminated: bool) -> None:
        self.line = line
        self.text = text  # whole lines, comments replaced, continuations kept
        self.unterminated = unterminated  # holds a quote that does not close on its line
        # Its tokens once lexed, and the file name they were read as.
        self.lexed: tuple[str, list[Tok]] | None = None
        # The same for pieces of it, by (start, end).
        self.pieces: tuple[str, dict[tuple[int, int], list[Tok]]] | None = None
        self._names: tuple[str, ...] | None = None

    def names(self) -> tuple[str, ...]:
        """Each name in the text once, as IDENTIFIER finds them (so also in
        literals, and letters in numbers): what reach.py looks for in text
        of other files.  Found once (or by the helper process, see pack)."""
        names = self._names
        if names is None:
            text = self.text
            if "\\\n" in text:  # a name can go on past a continuation
                text = text.replace("\\\n", "")
            names = self._names = tuple(dict.fromkeys(IDENTIFIER.findall(text)))
        return names

    def tokens(self, source: str) -> list[Tok]:
        """The text's tokens, lexed once per file name it is read as (a
        header's text is read in each of its passes).  Nothing changes a
        token once lexed: expansion makes new ones."""
        lexed = self.lexed
        if lexed is not None and lexed[0] == source:
            return lexed[1]
        tokens = lex(self.text, self.line, source)
        self.lexed = (source, tokens)
        return tokens

    def tokens_between(self, source: str, start: int, end: int) -> list[Tok]:
        """The tokens of text[start:end], a piece that starts and ends
        between tokens (reach.Reach.parts), lexed once as tokens() is."""
        if start == 0 and end == len(self.text):
            return self.tokens(source)
        pieces = self.pieces
        if pieces is None or pieces[0] != source:
            pieces = self.pieces = (source, {})
        found = pieces[1].get((start, end))
        if found is None:
            line = self.line + self.text.count("\n", 0, start)
            found = pieces[1][(start, end)] = lex(self.text[start:end], line, source)
        return found

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Text) and (self.line, self.text, self.unterminated) == (
            other.line, other.text, other.unterminated)

    def __hash__(self) -> int:
        return hash((self.line, self.text, self.unterminated))

    def __repr__(self) -> str:
        return f"Text({self.line}, {self.text!r}, {self.unterminated})"


def scan(text: str) -> tuple[Directive | Text, ...]:
    """Cut *text* (a file's contents) into directives and text runs.
    Raises LexError for a comment that never closes."""
    # Lines end as gcc ends them: at \n, \r\n or \r (not at the form
    # feeds and other separators str.splitlines knows).  As gcc (with a
    # warning), a backslash followed by white space still continues the
    # line; other white space at the end of a line makes no difference.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BACKSLASH_BLANKS.sub("\\\\", text)
    bad: list[int] = []

    def replace(m: re.Match[str]) -> str:
        kind = m.lastgroup
        if kind is None:
            return m.group()
        if kind == "block":
            return " " + "\\\n" * m.group().count("\n")
        if kind == "line":
            return " "
        if kind == "open":
            raise LexError(text.count("\n", 0, m.start()) + 1, gcc("unterminated_comment"))
        bad.append(m.start())
        return m.group()

    # A newline in front, so that the first line is found as the others;
    # s[0] is on line 0.
    s = "\n" + _STRIP.sub(replace, text)
    if bad:  # the positions moved: find them again in the stripped text
        bad = [m.start() for m in _STRIP.finditer(s) if m.lastgroup == "unterminated"]
    items: list[Directive | Text] = []
    line, pos = 0, 0  # the line number at s[pos]
    for begin, hash_at in _directive_starts(s):
        if begin < pos or (begin > 0 and s[begin - 1] == "\\"):
            continue  # within a logical line that started earlier
        if begin > pos:
            _add_text(items, s, pos, begin, line, bad)
            line += s.count("\n", pos, begin)
            pos = begin
        end = s.find("\n", hash_at)
        while end > 0 and s[end - 1] == "\\":
            end = s.find("\n", end + 1)
        if end < 0:
            end = len(s)
        line += s.count("\n", pos, hash_at)
        items.append(Directive(line, s[hash_at + 1 : end]))
        line += s.count("\n", hash_at, end)
        pos = end
    if pos < len(s):
        _add_text(items, s, pos, len(s), line, bad)
    return tuple(items)


_BLANK = frozenset(" \t\f\v")
OPENING = frozenset(("if", "ifdef", "ifndef"))  # the conditionals #endif closes


def include_guard(items: tuple[Directive | Text, ...]) -> str | None:
    """The macro X if the whole file is ``#ifndef X`` ... ``#endif``: then,
    once X is defined, including the file again reads nothing, and gcc
    does not read it again (its multiple-include optimization)."""
    if len(items) < 2 or not isinstance(items[0], Directive):
        return None
    name, rest = items[0].split()
    guard = rest.strip(" \t\f\v")
    if name != "ifndef" or not IDENTIFIER.fullmatch(guard):
        return None
    depth = 0
    last = len(items) - 1
    for i, item in enumerate(items):
        if isinstance(item, Text):
            continue
        kind = item.split()[0]
        if kind in OPENING:
            depth += 1
        elif kind == "endif":
            depth -= 1
            if depth == 0:
                return guard if i == last else None
        elif depth == 1 and (kind == "else" or kind == "elif"):
            return None
    return None


def _directive_starts(s: str) -> list[tuple[int, int]]:
    """Where directives may start: each '#' (not '##') first on its line,
    after white space or continuations, with the newline that starts that
    line (the earliest, through continuations).  Found from the '#'s,
    which are a quarter as many as the newlines."""
    out: list[tuple[int, int]] = []
    end = len(s)
    h = s.find("#")
    while h >= 0:
        if h + 1 < end and s[h + 1] == "#":
            h = s.find("#", h + 2)  # '##' starts no directive
            continue
        j = h - 1
        while j >= 0 and s[j] in _BLANK:
            j -= 1
        if j >= 0 and s[j] == "\n":
            start = j
            while start >= 2 and s[start - 1] == "\\":
                k = start - 2
                while k >= 0 and s[k] in _BLANK:
                    k -= 1
                if k < 0 or s[k] != "\n":
                    break
                start = k
            out.append((start, h))
        h = s.find("#", h + 1)
    return out


def _add_text(items: list[Directive | Text], s: str, start: int, end: int, line: int,
              bad: list[int]) -> None:
    chunk = s[start:end]
    # Comments leave continuations behind: a run of only those is empty.
    if chunk.strip() and ("\\" not in chunk or chunk.replace("\\\n", "").strip()):
        items.append(Text(line, chunk, any(start <= b < end for b in bad)))


def lex_source(text: str, line: int, source: str) -> list[Tok]:
    """lex() for text that may hold comments (a -D option, _Pragma's
    string)."""
    return lex(_STRIP.sub(_comment_to_space, text), line, source)


def _comment_to_space(m: re.Match[str]) -> str:
    return " " if m.lastgroup in ("block", "line") else m.group()


class FileCache:
    """Scans of files, by path, size and modification time: the trace
    machinery is read again for every pass, and a site build reads the
    same kernel headers for every event header.  Also where each #include
    was found (``found``, kept by the preprocessor): the files of a tree
    do not come and go during one run.  *ahead*, if given, is asked first
    for a file not scanned here (scan_ahead.py: a helper process scans the
    files a translation unit is likely to read before it reads them)."""

    def __init__(self, ahead: Callable[[str, tuple[int, int]], tuple[Directive | Text, ...] | None] | None = None) -> None:
        self._scans: dict[str, tuple[tuple[int, int], tuple[Directive | Text, ...]]] = {}
        self.found: dict[tuple[object, ...], tuple[str, str, int | None] | None] = {}
        self.ahead = ahead

    def get(self, abspath: str, stamp: tuple[int, int],
            make: Callable[[], tuple[Directive | Text, ...]]) -> tuple[Directive | Text, ...]:
        cached = self._scans.get(abspath)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        items = self.ahead(abspath, stamp) if self.ahead is not None else None
        if items is None:
            items = make()
        self._scans[abspath] = (stamp, items)
        return items


def stamp(abspath: str) -> tuple[int, int]:
    """What says a file has not changed since it was scanned."""
    st = os.stat(abspath)
    return st.st_size, st.st_mtime_ns


def mtime(path: str) -> int:
    """A folder's modification time (-1: not there): a file that appears
    in it or goes changes it."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def searched(files: FileCache) -> dict[str, int]:
    """The folders the #include searches of *files* looked in, with their
    modification times."""
    found: dict[str, int] = {}
    key: Any
    for key in files.found:
        name, cwd, include_dirs, first, here = key
        dirs = ([here] if here is not None else []) + list(include_dirs[first:])
        for d in dirs:
            folder = os.path.dirname(os.path.normpath(os.path.join(cwd, d, name)))
            if folder not in found:
                found[folder] = mtime(folder)
    return found


def unchanged(stamps: Iterable[tuple[str, tuple[int, int]]], folders: Iterable[tuple[str, int]]) -> bool:
    """Whether every file and folder is as it was when a run read it: what
    a kept record (memo.py) or answer (userspace/answers.py) stands on."""
    for path, kept in stamps:
        try:
            if stamp(path) != tuple(kept):
                return False
        except OSError:
            return False
    return all(mtime(folder) == when for folder, when in folders)


def read_source(abspath: str) -> str:
    """A file's text, as the preprocessor takes it in.  Raises OSError, or
    LexError naming the line of what explainer refuses to read."""
    size = os.path.getsize(abspath)
    if size > MAX_FILE_BYTES:
        raise LexError(0, gcc("too_big", size=f"{size / 2**20:.1f}", limit=MAX_FILE_BYTES // 2**20))
    with open(abspath, "rb") as handle:
        data = handle.read()
    if b"\0" in data:
        raise LexError(data[: data.index(b"\0")].count(b"\n") + 1, gcc("nul_byte"))
    # gcc takes any byte (Latin-1 or GBK in a comment or a string, as
    # some editors save them): one that is not UTF-8 becomes a lone
    # surrogate (U+DC80-U+DCFF, Python's surrogateescape), kept as it is
    # through the passes and shown as \xNN (render/undecodable.py).
    text = data.decode("utf-8", "surrogateescape")
    return text[1:] if text.startswith("\ufeff") else text


def find_include(name: str, angled: bool, here: str | None, found_in: int | None, next_only: bool,
                 cwd: str, include_dirs: tuple[str, ...],
                 found: dict[tuple[object, ...], tuple[str, str, int | None] | None]) -> tuple[str, str, int | None] | None:
    """gcc's search, as (path as shown, absolute path, index of the -I
    directory) or None: "x" looks next to the including file *here* (its
    path as shown; None for the translation unit itself) first, then in
    the -I directories; <x> only in the -I directories; #include_next in
    the directories after *found_in*, the one the including file was found
    in.  Answers are kept in *found*."""
    if os.path.isabs(name):
        return (name, name, None) if os.path.isfile(name) else None
    dirs: list[tuple[str, int | None]] = []
    first = 0
    if next_only and found_in is not None:
        first = found_in + 1
    elif not angled:
        dirs.append((os.path.dirname(here) if here is not None else "", None))
    key = (name, cwd, include_dirs, first, dirs[0][0] if dirs else None)
    if key in found:
        return found[key]
    dirs.extend((d, k) for k, d in enumerate(include_dirs) if k >= first)
    answer: tuple[str, str, int | None] | None = None
    for d, index in dirs:
        display = f"{d}/{name}" if d else name
        abspath = os.path.normpath(os.path.join(cwd, display))
        if os.path.isfile(abspath):
            answer = display, abspath, index
            break
    found[key] = answer
    return answer


# A scan sent from one process to another: its items' kinds (a byte
# each), lines and texts, each directive's name and the text after it
# (worked out by the sender, which has read them to find the includes),
# what each #define defines if it is plain (macros.plain_define), and the
# names in each text (Text.names).
_DIRECTIVE, _TEXT, _UNTERMINATED = 0, 1, 2


def pack(items: tuple[Directive | Text, ...]) -> bytes:
    kinds = bytearray()
    lines: list[int] = []
    texts: list[str] = []
    names: list[str] = []
    rests: list[str] = []
    plains: list[Plain | None] = []
    text_names: list[tuple[str, ...]] = []
    for item in items:
        lines.append(item.line)
        texts.append(item.text)
        if isinstance(item, Directive):
            name, rest = item.split()
            kinds.append(_DIRECTIVE)
            names.append(sys.intern(name))  # shared, so sent once and hashed once
            rests.append(rest)
            if name == "define":
                plain = plain_define(rest)
                if plain is not None:  # the same names, sent once
                    plain = (plain[0], plain[1], plain[2], plain[3], [sys.intern(n) for n in plain[4]])
                plains.append(plain)
        else:
            kinds.append(_UNTERMINATED if item.unterminated else _TEXT)
            text_names.append(tuple([sys.intern(n) for n in item.names()]))
    return marshal.dumps((bytes(kinds), lines, texts, names, rests, plains, text_names))


def unpack(data: bytes) -> tuple[Directive | Text, ...]:
    """The items *data* (from pack) holds.  Raises ValueError, EOFError,
    TypeError or IndexError for data that is not such a scan."""
    kinds, lines, texts, names, rests, plains, text_names = marshal.loads(data)
    if not (isinstance(kinds, bytes) and isinstance(lines, list) and isinstance(texts, list)
            and isinstance(names, list) and isinstance(rests, list) and isinstance(plains, list)
            and isinstance(text_names, list)):
        raise TypeError("not a scan")
    items: list[Directive | Text] = []
    d = 0
    p = 0
    n = 0
    for i, kind in enumerate(kinds):
        if kind == _DIRECTIVE:
            directive = Directive(lines[i], texts[i])
            directive._name = name = names[d]
            directive._rest = rests[d]
            if name == "define":
                directive.plain = plains[p]
                directive.plain_known = True
                p += 1
            items.append(directive)
            d += 1
        else:
            text = Text(lines[i], texts[i], kind == _UNTERMINATED)
            text._names = text_names[n]
            n += 1
            items.append(text)
    return tuple(items)
