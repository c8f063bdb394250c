"""Which .c file creates a trace header's tracepoints, and what it reads
first: the kernel compiles ``tcp.h`` in net/core/net-traces.c after
skb.h, net.h, napi.h, sock.h and udp.h, and what those define (sock.h's
``show_family_name()``) is in its print format.  Found by scanning a
source tree's .c files for ``#define CREATE_TRACE_POINTS``, and kept as
data for the kernel versions explainer knows (data/creators/*.json, made
from Debian's source packages by bench/creators.py), so that a tree of
headers alone gets the creating file's preprocessor lines too."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from explainer import resources
from explainer.kernel import knowledge
from explainer.kernel.knowledge import Machinery
from explainer.kernel.trees import ARCH, Tree

_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
_DIRECTIVE = re.compile(r"^\s*#\s*(include|define|undef|if|ifdef|ifndef|elif|else|endif)\b(.*)$")
_CREATE = re.compile(r"^\s*#\s*define\s+(CREATE_TRACE_POINTS|CREATE_CUSTOM_TRACE_EVENTS)\b")
_UNCREATE = re.compile(r"^\s*#\s*undef\s+(CREATE_TRACE_POINTS|CREATE_CUSTOM_TRACE_EVENTS)\b")
_INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
_SKIP_DIRS = {"Documentation", "tools", "scripts", "usr", ".git"}


@dataclass(frozen=True)
class Creator:
    """The .c file (relative to the tree) that creates *header*'s
    tracepoints, and its preprocessor lines up to and including the
    header's #include (block comments and code left out; a directive's
    continuation lines joined), then an #endif for each conditional
    still open there."""

    header: str  # as the .c includes it: "trace/events/tcp.h", or "drivers/x/trace.h" for a local one
    file: str  # "" for an orphan: no .c file creates it
    lines: tuple[str, ...]
    # The header the .c includes that includes this one (fs/afs/main.c
    # creates afs.h through "internal.h"); the last line then names ours.
    through: str | None = None



def local_include(line: str) -> str | None:
    """The file a "quoted" #include line names (looked for beside the .c)."""
    m = _INCLUDE.match(line)
    return m.group(2) if m is not None and m.group(1) == '"' else None


def angle_include(line: str) -> str | None:
    """The file an #include <...> line names."""
    m = _INCLUDE.match(line)
    return m.group(2) if m is not None and m.group(1) == "<" else None


def missing_includes(path: Path) -> list[str]:
    """The "quoted" includes of the header *path* that are not there,
    looked for beside it, as the preprocessor looks first."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    return [name for line in directives(text) if (name := local_include(line)) is not None
            and not (path.parent / name).exists()]


def orphan(tree: Tree, header: str) -> bool:
    """Whether the data says no .c file of the tree's version creates *header*."""
    found = known(_version(tree.version())).get(header)
    return found is not None and not found.file


def of(tree: Tree, header: str) -> Creator | None:
    """The creator of *header* ("trace/events/tcp.h") in *tree*: read
    from the tree's own .c file when it has it, else from the data of
    the tree's kernel version."""
    found = known(_version(tree.version())).get(header)
    if found is None and tree.find("kernel/fork.c") is not None:  # a source tree of a version without data
        found = _scanned(tree.root).get(header)
    if found is not None and (not found.file or _arch_rank(found.file) == 2):
        return None  # no .c creates it, or only other architectures': an x86 kernel does not
    if found is not None:
        c_file = tree.find(found.file)
        if c_file is not None:  # a source tree: its own lines, which may differ from the data's
            own = next((c for c in creators_in(c_file, found.file) if c.header == header), None)
            return own or found
    return found


@cache
def _scanned(root: Path) -> dict[str, Creator]:
    return scan(root)


def _version(release: str | None) -> str:
    """"6.1" of "6.1.0-57-amd64" or "6.12.118+deb12-amd64"."""
    found = knowledge.release(release)
    return f"{found[0]}.{found[1]}" if found is not None else ""


_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def directives(text: str) -> Iterator[str]:
    """The preprocessor lines of *text* that decide what is defined,
    comments removed, continuations joined; an #include inside braces
    (arch/x86/xen/trace.c's table of names, filled by one) is the code's
    content, not a declaration, and is left with the code."""
    text = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), text.replace("\\\n", ""))
    depth = 0
    for line in text.splitlines():
        m = _DIRECTIVE.match(line)
        if m is None:
            code = _LITERAL.sub("", line)
            depth = max(0, depth + code.count("{") - code.count("}"))
        elif not (m.group(1) == "include" and depth > 0):
            yield " ".join(line.split())


def creators_in(c_file: Path, relative: str) -> list[Creator]:
    """What *c_file* creates: a Creator for each header it includes while
    CREATE_TRACE_POINTS (or CREATE_CUSTOM_TRACE_EVENTS) is defined."""
    try:
        text = c_file.read_text(errors="replace")
    except OSError:
        return []
    if "CREATE_" not in text:
        return []
    found: list[Creator] = []
    lines: list[str] = []
    creating = False
    folder = posix_dir(relative)
    depth = 0  # conditionals open here: closed after the header's #include
    for line in directives(text):
        lines.append(line)
        word = _DIRECTIVE.match(line)
        kind = word.group(1) if word else ""
        if kind in ("if", "ifdef", "ifndef"):
            depth += 1
        elif kind == "endif":
            depth = max(0, depth - 1)
        elif _CREATE.match(line):
            creating = True
        elif _UNCREATE.match(line):
            creating = False
        elif creating and (m := _INCLUDE.match(line)):
            header = m.group(2) if m.group(1) == "<" else os.path.normpath(f"{folder}/{m.group(2)}")
            found.append(Creator(header, relative, (*lines, *["#endif"] * depth)))
    return found


def posix_dir(relative: str) -> str:
    return relative.rsplit("/", 1)[0] if "/" in relative else "."


def scan(root: Path) -> dict[str, Creator]:
    """Every creating .c file of the source tree *root*, by header (where
    several create the same header, as _arch_rank orders them, then the
    first in path order)."""
    every: list[Creator] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".c"):
                path = Path(folder) / name
                every += creators_in(path, path.relative_to(root).as_posix())
    found: dict[str, Creator] = {}
    for c in sorted(every, key=lambda c: (_arch_rank(c.file), c.file)):
        found.setdefault(c.header, c)
    for c in list(found.values()):
        for header in _trace_includes(root, c.header):
            at = max(k for k, line in enumerate(c.lines) if _INCLUDE.match(line))
            lines = (*c.lines[:at], f"#include <{header}>", *c.lines[at + 1:])
            found.setdefault(header, Creator(header, c.file, lines, through=c.header))
    return found


def _arch_rank(file: str) -> int:
    """Which creator to keep where several create a header: one that every
    architecture compiles, then x86's (explainer's kernel view is x86_64),
    then another architecture's (ipi.h is created by arm64 and by others)."""
    if not file.startswith("arch/"):
        return 0
    return 1 if file.startswith(f"arch/{ARCH}/") else 2


def _trace_includes(root: Path, header: str) -> list[str]:
    """The trace headers of include/ that *header* (not one itself)
    includes: those a .c creates through it."""
    if header.startswith("trace/"):
        return []
    for path in (root / header, root / "include" / header):
        if path.is_file():
            return [m.group(2) for line in directives(path.read_text(errors="replace"))
                    if (m := _INCLUDE.match(line)) and m.group(1) == "<" and m.group(2).startswith("trace/events/")]
    return []


_EVENTS = re.compile(r"^\s*(?:TRACE_EVENT|DEFINE_EVENT|DECLARE_EVENT_CLASS)\w*\s*\(", re.MULTILINE)


def defines_events(text: str) -> bool:
    """Whether a header's text invokes TRACE_EVENT, DEFINE_EVENT or their kin."""
    return _EVENTS.search(text) is not None


def orphans(root: Path, found: dict[str, Creator]) -> list[str]:
    """The event headers of *root*'s include/trace/events/ that no .c file
    creates (7.x's intel-sst.h): their events are in no build."""
    folder = root / "include" / "trace" / "events"
    return [f"trace/events/{p.name}" for p in sorted(folder.glob("*.h"))
            if f"trace/events/{p.name}" not in found and defines_events(p.read_text(errors="replace"))]


def to_json(found: dict[str, Creator], orphaned: list[str]) -> str:
    """*found* as the data file keeps it: the headers of include/ only
    (those a tree of headers alone has), sorted; an orphan's file is null."""
    kept: dict[str, object] = {
        h: {"file": c.file, "lines": list(c.lines), **({"through": c.through} if c.through else {})}
        for h, c in sorted(found.items()) if h.startswith("trace/")}
    kept.update({h: {"file": None, "lines": []} for h in orphaned})
    return json.dumps(kept, indent=1, sort_keys=True) + "\n"


@cache
def known(version: str) -> dict[str, Creator]:
    """The data for kernel *version* ("6.1"), by header; empty if none."""
    path = resources.data(f"creators/{version}.json")
    if not path.is_file():
        return {}
    data = json.loads(path.read_text("utf-8"))
    return {h: Creator(h, e["file"] or "", tuple(e["lines"]), e.get("through")) for h, e in data.items()}


def versions() -> list[str]:
    folder = resources.data("creators")
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def machinery_of(path: Path) -> Machinery | None:
    """The machinery other than define_trace.h's that the header *path*
    includes at its end (custom events'), if any."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    named = {angle_include(line) for line in directives(text)}
    return next((m for m in knowledge.machineries() if m.create and m.define in named), None)


# What a .c file defines before it includes a header of define_trace.h's machinery.
DEFAULT_CREATE = "CREATE_TRACE_POINTS"


def create_macro(path: Path) -> str:
    """The macro a .c file defines before it includes the header *path*:
    that of its machinery (custom events: CREATE_CUSTOM_TRACE_EVENTS),
    else CREATE_TRACE_POINTS."""
    found = machinery_of(path)
    return found.create if found is not None else DEFAULT_CREATE


@dataclass(frozen=True)
class Definer:
    """The file that names a header for a machinery that reads it from a
    path (remote events' REMOTE_EVENT_INCLUDE_FILE), and its lines that do."""

    path: Path
    relative: str  # from the tree's root
    lines: tuple[str, ...]


def definer(tree: Tree, path: Path) -> Definer | None:
    """The .h or .c file beside the header *path* that names it, by its
    path from the tree's root, for a machinery (kvm_define_hypevents.h for
    arm64's kvm_hypevents.h); None when no file there does."""
    named = [m for m in knowledge.machineries() if m.names_file]
    try:
        relative = path.resolve().relative_to(tree.base).as_posix()
    except ValueError:
        return None
    for m in named:
        wanted = re.compile(rf"^\s*#\s*define\s+{m.names_file}\s+{re.escape(relative)}\s*$")
        for candidate in sorted(path.parent.glob("*.[ch]")):
            if candidate == path:
                continue
            lines = list(directives(candidate.read_text(errors="replace")))
            at = next((i for i, line in enumerate(lines) if wanted.match(line)), None)
            if at is None:
                continue
            rel = candidate.resolve().relative_to(tree.base).as_posix()
            if candidate.suffix == ".h":
                return Definer(candidate, rel, (f'#include "{rel}"',))
            # A .c file: its #define and what follows up to the include of the machinery.
            end = next((i for i in range(at, len(lines)) if angle_include(lines[i]) == m.define), None)
            if end is not None:
                return Definer(candidate, rel, tuple(lines[at:end + 1]))
    return None
