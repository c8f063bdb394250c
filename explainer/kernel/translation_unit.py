"""Which translation unit to run for a header, and how gcc runs the same.

A .c file that defines tracepoints is, for the preprocessor, three lines:
kbuild's forced include of linux/kconfig.h, ``#define CREATE_TRACE_POINTS``
and the include of the trace header.  Everything is expressed relative to
one directory (``cwd``) so that the gcc command in ``reproduce`` names no
path of this machine.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError
from explainer.resources import bundled_headers

GCC_FLAGS = ("-E", "-nostdinc", "-undef", "-std=gnu11")
# The compiler flags of focused mode (full mode: trees.COMPILER_FLAGS).
FOCUSED_FLAGS = ("-nostdinc", "-std=gnu11")
# What gcc -nostdinc -undef -std=gnu11 predefines (gcc -dM -E shows it).
STANDARD_PREDEFINED = (
    "__STDC__ 1",
    "__STDC_VERSION__ 201112L",
    "__STDC_HOSTED__ 1",
    "__STDC_UTF_16__ 1",
    "__STDC_UTF_32__ 1",
)
# gcc honours SOURCE_DATE_EPOCH for __DATE__/__TIME__; we pin it.
REPRODUCE_ENV = (("SOURCE_DATE_EPOCH", "0"),)


@dataclass(frozen=True)
class TranslationUnit:
    cwd: Path  # absolute; never shown
    header: str  # the header as the translation unit spells it
    header_abspath: Path
    include_dirs: tuple[str, ...]  # relative to cwd, in search order
    macro_args: tuple[tuple[str, str], ...]  # ("-D", "X=1") / ("-U", "Y"), in order
    text: str
    # The flags that decide gcc's predefined macros and answers (not -I/-D).
    compiler_flags: tuple[str, ...] = GCC_FLAGS[1:]
    # The macros gcc defines before anything else, as "NAME BODY" lines;
    # None: those gcc says it defines with compiler_flags (predefined_macros).
    predefined: tuple[str, ...] | None = STANDARD_PREDEFINED
    # Focused mode: an include that is not one of these files (glob
    # patterns relative to cwd) is left out.  None: read everything.
    keep: tuple[str, ...] | None = None
    # The header the user named (focused mode reads a copy of it).
    named_header: Path | None = None
    # The kernel's folders (a tree's layers, the bundled model kernel; a
    # module's copy in focused mode) relative to cwd: a file in one is
    # shown to users from there (shown), not climbing out of their folder.
    roots: tuple[str, ...] = ()
    # What kbuild compiles with, beyond the preprocessor's flags, that
    # changes what gcc computes (userspace/constants.py): -funsigned-char
    # since 6.2, read from the tree's Makefile.
    cflags: tuple[str, ...] = ()
    # Read as the kernel reads it: the .c file that creates the header's
    # tracepoints (kernel/creators.py), None for explainer's own three
    # lines; and that file's "local" includes a tree of headers alone lacks.
    creator: str | None = None
    creator_left_out: tuple[str, ...] = ()
    orphan: bool = False  # no .c file of this kernel creates the header
    # The .c file that creates the header in the kernel's build, when
    # known, whether or not this unit reads it that way.
    kernel_creator: str | None = None
    # The kernel's release ("7.2.13+deb14-amd64", "6.12"), None for the
    # bundled model kernel: what names a tracepoint (knowledge.suffix).
    kernel_version: str | None = None
    # The user's file that includes the header (explain --from), as the
    # unit spells it: its macros are the header's own, never folded.
    reader: str | None = None

    @property
    def full_mode(self) -> bool:
        """A real kernel tree read whole (not the bundled model kernel, not focused mode)."""
        return self.predefined is None and self.keep is None

    def shown(self, path: str) -> str:
        """*path* (as the translation unit spells it) as users read it."""
        return shown_path(path, self.roots)

    def lines(self) -> tuple[str, ...]:
        """The header's text, a line each, its bytes as gcc reads them
        (what is not UTF-8 kept as surrogate escapes); none if unreadable."""
        try:
            return tuple(self.header_abspath.read_bytes().decode("utf-8", "surrogateescape").splitlines())
        except OSError:
            return ()

    def identity(self) -> tuple[object, ...]:
        """What decides the unit's preprocessed output besides the files it
        reads: the key of what is kept of it between runs (cpp/memo.py's
        records, userspace/answers.py's answers)."""
        return (str(self.cwd), self.header, str(self.header_abspath), self.include_dirs, self.macro_args,
                self.text, self.compiler_flags, self.predefined_macros(), self.keep, self.cflags,
                self.kernel_version, self.reader)

    def predefined_macros(self) -> tuple[str, ...]:
        """``predefined``, or gcc's.  setup asks gcc early, in a thread, so
        that the answer comes while explainer imports the rest of itself."""
        if self.predefined is not None:
            return self.predefined
        from explainer.kernel import compiler

        return tuple(d for _, d in compiler.predefined(self.compiler_flags))

    def reproduce_cwd(self) -> str:
        """``cwd`` relative to the directory of the header the user named:
        the same wherever explain runs, and never a path of this machine."""
        named = self.named_header or self.header_abspath
        return _relative(self.cwd, named.parent)

    def gcc_argv(self, compiler: str = "gcc") -> tuple[str, ...]:
        argv = [compiler, "-E", *self.compiler_flags]
        for d in self.include_dirs:
            argv += ["-I", d]
        for flag, value in self.macro_args:
            argv.append(flag + value)
        argv += ["-x", "c", "-"]
        return tuple(argv)


@lru_cache(maxsize=4096)
def shown_path(path: str, roots: tuple[str, ...]) -> str:
    """*path*, spelled relative to a translation unit's folder, as users
    read it: without ./ and a/../, and from the kernel's folder when it is
    in one of *roots* (include/trace/define_trace.h, not
    ../../site-packages/explainer/headers/include/trace/define_trace.h)."""
    if path.startswith("<"):  # <stdin>, <command-line>, <built-in>
        return path
    normal = posixpath.normpath(path)
    for root in roots:
        if normal.startswith(root + "/"):
            return normal[len(root) + 1 :]
    return normal


def _roots(root: Path, *kernel: Path) -> tuple[str, ...]:
    """The folders *kernel* relative to *root*, the deepest first; not
    root itself (its files are already spelled from it)."""
    found = {_relative(k, root) for k in kernel} - {"."}
    return tuple(sorted(found, key=lambda r: (-r.count("/"), r)))


def _check_header(path: Path, shown: str) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ExplainError(prose.error("no_file", path=shown)) from None
    except OSError as exc:
        raise ExplainError(prose.error("cannot_read", path=shown, reason=exc.strerror)) from None
    if stat.S_ISDIR(mode):
        raise ExplainError(prose.error("is_directory", path=shown))
    if not stat.S_ISREG(mode):
        raise ExplainError(prose.error("not_regular", path=shown))
    if not os.access(path, os.R_OK):
        raise ExplainError(prose.error("no_permission", path=shown))


def _relative(path: Path, start: Path) -> str:
    rel = os.path.relpath(path, start)
    return "." if rel == "." else rel.replace(os.sep, "/")


def locate_header(header: str, cwd: Path) -> Path:
    """The header as given, or a bare name found among the bundled
    model kernel's trace headers, then its examples (colors.h, foo.h)."""
    given = cwd / header
    if given.exists() or os.sep in header or "/" in header:
        _check_header(given, header)
        return given.resolve()
    bundled = bundled_headers() / "include" / "trace" / "events" / header
    if bundled.is_file():
        return bundled.resolve()
    for example in sorted((bundled_headers() / "examples").glob(f"*/{header}")):
        if example.is_file():
            return example.resolve()
    raise ExplainError(prose.error("no_header", path=header))


def setup(
    header: str,
    include_dirs: list[str],
    macro_args: list[tuple[str, str]],
    cwd: Path,
    kernel: str | None = None,
    mode: str | None = None,
    as_kernel: bool | None = None,
    reader: str | None = None,
) -> TranslationUnit:
    """The translation unit for *header*: with the bundled model kernel, or
    with the tree *kernel* names ("auto": see kernel.auto) in *mode*; in
    full mode, *as_kernel*: as the .c file that creates it reads it
    (None: so in a source tree, which has that file and its folder's
    headers; a tree of headers alone reads it in explainer's own unit,
    the lines kbuild's forced includes and the header need).  *reader*:
    the file (a user's .c) that includes the header, as many times as it
    does, instead of explainer's lines that include it once."""
    if kernel is not None:
        tu = _setup_real(header, include_dirs, macro_args, cwd, kernel, mode,
                         False if reader is not None else as_kernel)
    elif mode is not None:
        raise ExplainError(prose.error("mode_needs_kernel"))
    else:
        tu = _setup_bundled(header, include_dirs, macro_args, cwd)
    return _read_by(tu, reader, cwd) if reader is not None else tu


def _read_by(tu: TranslationUnit, reader: str, cwd: Path) -> TranslationUnit:
    """*tu* with its last lines (the #define CREATE_... and the #include
    of the header) replaced by an #include of *reader*."""
    path = (cwd / reader).resolve()
    if not path.is_file():
        raise ExplainError(prose.error("no_reader", path=reader))
    if tu.keep is not None:
        raise ExplainError(prose.error("reader_focused", path=reader))
    lines = tu.text.splitlines()[:-1]
    if lines and lines[-1].startswith("#define CREATE_"):
        lines.pop()
    spelled = os.path.relpath(path, tu.cwd).replace(os.sep, "/")
    return replace(tu, text="\n".join([*lines, f'#include "{spelled}"']) + "\n", reader=spelled)


def _user_dirs(include_dirs: list[str], cwd: Path) -> list[Path]:
    extra = [(cwd / d).resolve() for d in include_dirs]
    for d, given in zip(extra, include_dirs, strict=True):
        if not d.is_dir():
            raise ExplainError(prose.error("no_include_dir", path=given))
    return extra


def _setup_real(
    header: str, include_dirs: list[str], macro_args: list[tuple[str, str]], cwd: Path,
    kernel_arg: str, mode: str | None, as_kernel: bool | None = None,
) -> TranslationUnit:
    from explainer.kernel import compiler, creators, trees

    if kernel_arg == "auto":
        given = (cwd / header)
        tree = trees.auto(given if given.exists() else cwd)
        if tree is None:
            raise ExplainError(prose.error("auto_no_tree", path=header))
    else:
        tree = trees.open_tree(cwd / kernel_arg, kernel_arg)
    path = trees.header_in_tree(tree, header, cwd)
    if path is None:
        raise ExplainError(prose.error("not_in_tree", path=header))
    _check_header(path, header)
    mode = mode or ("full" if tree.configured else "focused")
    compiler.ask_early(trees.COMPILER_FLAGS if mode == "full" else FOCUSED_FLAGS)
    if mode == "focused":
        return _setup_focused(tree, path, include_dirs, macro_args, cwd)
    if not tree.configured:
        raise ExplainError(prose.error("not_configured", path=kernel_arg))
    spelled = trees.include_spelling(tree, path)
    module_dirs: list[str] = []
    if spelled is not None:
        root = tree.base
        include_line = f"#include <{spelled}>"
    else:
        root = path.parent
        include_line = f'#include "{path.name}"'
        module_dirs = ["."]  # kbuild's CFLAGS_x.o := -I$(src)
    dirs = [_relative(d, root) for kd in trees.KBUILD_DIRS for d in tree.all(kd)]
    dirs += module_dirs + [_relative(d, root) for d in _user_dirs(include_dirs, cwd)]
    forced = [tree.find(f) for f in trees.FORCED]
    lines = [f'#include "{_relative(f, root)}"' for f in forced if f is not None]
    known = _creator(tree, spelled, root) if spelled is not None else None
    if as_kernel is None:
        as_kernel = tree.find("kernel/fork.c") is not None
    creator = known if as_kernel else None
    if creator is not None:
        lines += creator[1]
    else:
        lines += [f"#define {creators.create_macro(path)}", include_line]
    stem = Path(creator[0]).stem if creator is not None else path.stem
    kbuild = [("-D", "__KERNEL__"), ("-D", f'KBUILD_MODNAME="{stem}"'),
              ("-D", f'KBUILD_BASENAME="{stem}"'), ("-D", "CC_USING_FENTRY")]
    return TranslationUnit(
        cwd=root,
        header=_relative(path, root),
        header_abspath=path,
        include_dirs=tuple(dirs),
        macro_args=tuple(kbuild + list(macro_args)),
        text="\n".join(lines) + "\n",
        compiler_flags=trees.COMPILER_FLAGS,
        predefined=None,
        roots=_roots(root, *tree.layers),
        cflags=trees.kbuild_cflags(tree),
        creator=creator[0] if creator is not None else None,
        creator_left_out=creator[2] if creator is not None else (),
        kernel_creator=known[0] if known is not None else None,
        orphan=as_kernel and spelled is not None and _orphan(tree, spelled),
        kernel_version=tree.version(),
    )


def _orphan(tree: object, spelled: str) -> bool:
    from explainer.kernel import creators, trees

    assert isinstance(tree, trees.Tree)
    return creators.orphan(tree, spelled)


def _creator(tree: object, spelled: str, root: Path) -> tuple[str, list[str], tuple[str, ...]] | None:
    """The .c file that creates *spelled*'s tracepoints, its lines for the
    translation unit (its "local" includes spelled from *root*, or left
    out where the tree lacks them), and those left out; None if unknown."""
    from explainer.kernel import creators, trees

    assert isinstance(tree, trees.Tree)
    found = creators.of(tree, spelled)
    if found is None:
        return None
    folder = creators.posix_dir(found.file)
    lines: list[str] = []
    left_out: list[str] = []
    for line in found.lines:
        local = creators.local_include(line)
        other = creators.angle_include(line)
        if other is not None and other != spelled and other.startswith("trace/events/"):
            # Another header the .c creates first, which reads private files
            # (bridge.h: "../../../net/bridge/br_private.h"): left out too.
            path = tree.find(f"include/{other}")
            if path is not None and creators.missing_includes(path):
                left_out.append(other)
                lines.append(f"/* {line}: reads files not in this tree */")
                continue
        if local is None:
            lines.append(line)
            continue
        place = tree.find(posixpath.normpath(f"{folder}/{local}"))
        if place is None:
            left_out.append(local)
            lines.append(f"/* {line}: not in this tree */")
        else:
            lines.append(f'#include "{_relative(place, root)}"')
    return found.file, lines, tuple(left_out)


def _setup_focused(
    tree: object, path: Path, include_dirs: list[str], macro_args: list[tuple[str, str]], cwd: Path,
) -> TranslationUnit:
    from explainer.kernel import creators, focused, knowledge, trees

    assert isinstance(tree, trees.Tree)
    spelled = trees.include_spelling(tree, path)
    named_by = creators.definer(tree, path) if spelled is None else None
    module = [] if spelled is not None or named_by is not None else sorted(path.parent.glob("*.h"))
    in_place = [path, named_by.path] if named_by is not None else []
    keep = [*knowledge.focused_keep()]
    machinery = creators.machinery_of(path)
    for pattern in machinery.focused_keep if machinery is not None else ():
        keep.append(pattern)
        in_place += [found] if (found := tree.find(pattern)) is not None else []
    root = focused.copy(tree, module, in_place)
    dirs = ["include"]
    create = f"#define {machinery.create if machinery is not None else creators.DEFAULT_CREATE}\n"
    if spelled is not None:
        include_line = f"#include <{spelled}>"
        header = f"include/{spelled}"
    elif named_by is not None:
        # Read where the machinery names it from (remote events).
        header = _relative(path, tree.base)
        keep += [header, named_by.relative]
        include_line = "\n".join(named_by.lines)
        create = ""
    else:
        include_line = f'#include "{path.name}"'
        header = f"module/{path.name}"
        dirs.append("module")  # kbuild's CFLAGS_x.o := -I$(src)
        keep.append("module/*")
    dirs += [_relative(d, root) for d in _user_dirs(include_dirs, cwd)]
    config = [("-D", name) for name in knowledge.focused_config()]
    return TranslationUnit(
        cwd=root,
        header=header,
        header_abspath=(root / header).resolve(),
        named_header=path,
        include_dirs=tuple(dirs),
        macro_args=tuple(config + list(macro_args)),
        text=f'#include "include/linux/kconfig.h"\n{create}{include_line}\n',
        compiler_flags=FOCUSED_FLAGS,
        predefined=None,
        keep=tuple(keep),
        roots=() if spelled is not None or named_by is not None else ("module",),
        kernel_version=tree.version(),
    )


def _setup_bundled(
    header: str,
    include_dirs: list[str],
    macro_args: list[tuple[str, str]],
    cwd: Path,
) -> TranslationUnit:
    """The translation unit for *header*, with the bundled model kernel.

    A header inside the kernel's include/ is included as <trace/...>, from
    the kernel's root; any other header (a module's) is included as
    "name.h" from its own directory, which is also searched, the way
    kbuild's ``CFLAGS_x.o := -I$(src)`` makes it.
    """
    from explainer.kernel import creators

    path = locate_header(header, cwd)
    kernel = bundled_headers().resolve()
    kinclude = kernel / "include"
    extra = _user_dirs(include_dirs, cwd)
    if path.is_relative_to(kinclude):
        root = kernel
        spelled = _relative(path, kinclude)
        include_line = f"#include <{spelled}>"
        dirs = ["include"]
        shown = _relative(path, root)
    else:
        root = path.parent
        include_line = f'#include "{path.name}"'
        dirs = [_relative(kinclude, root), "."]
        shown = path.name
    dirs += [_relative(d, root) for d in extra]
    text = f"#include <linux/kconfig.h>\n#define {creators.create_macro(path)}\n{include_line}\n"
    return TranslationUnit(
        cwd=root,
        header=shown,
        header_abspath=path,
        include_dirs=tuple(dirs),
        macro_args=tuple(macro_args),
        text=text,
        roots=_roots(root, kernel),
    )
