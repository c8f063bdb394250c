"""Which translation unit to run for a header, and how gcc runs the same.

A .c file that defines tracepoints is, for the preprocessor, three lines:
kbuild's forced include of linux/kconfig.h, ``#define CREATE_TRACE_POINTS``
and the include of the trace header.  Everything is expressed relative to
one directory (``cwd``) so that the gcc command in ``reproduce`` names no
path of this machine.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from explainer.errors import ExplainError
from explainer.resources import bundled_headers

GCC_FLAGS = ("-E", "-nostdinc", "-undef", "-std=gnu11")
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

    @property
    def defines(self) -> tuple[tuple[str, str | None], ...]:
        out: list[tuple[str, str | None]] = []
        for flag, value in self.macro_args:
            if flag == "-D":
                name, eq, body = value.partition("=")
                out.append((name, body if eq else None))
        return tuple(out)

    @property
    def undefs(self) -> tuple[str, ...]:
        return tuple(v for f, v in self.macro_args if f == "-U")

    def gcc_argv(self, compiler: str = "gcc") -> tuple[str, ...]:
        argv = [compiler, *GCC_FLAGS]
        for d in self.include_dirs:
            argv += ["-I", d]
        for flag, value in self.macro_args:
            argv.append(flag + value)
        argv += ["-x", "c", "-"]
        return tuple(argv)


def _check_header(path: Path, shown: str) -> None:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ExplainError(f"{shown}: no such file") from None
    except OSError as exc:
        raise ExplainError(f"{shown}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise ExplainError(f"{shown}: is a directory, not a header file")
    if not stat.S_ISREG(mode):
        raise ExplainError(f"{shown}: is not a regular file")
    if not os.access(path, os.R_OK):
        raise ExplainError(f"{shown}: permission denied")


def _relative(path: Path, start: Path) -> str:
    rel = os.path.relpath(path, start)
    return "." if rel == "." else rel.replace(os.sep, "/")


def locate_header(header: str, cwd: Path) -> Path:
    """The header as given, or a bare name found among the bundled
    model kernel's trace headers."""
    given = cwd / header
    if given.exists() or os.sep in header or "/" in header:
        _check_header(given, header)
        return given.resolve()
    bundled = bundled_headers() / "include" / "trace" / "events" / header
    if bundled.is_file():
        return bundled.resolve()
    raise ExplainError(f"{header}: no such file (and no bundled trace header of that name)")


def setup(
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
    path = locate_header(header, cwd)
    kernel = bundled_headers().resolve()
    kinclude = kernel / "include"
    extra = [(cwd / d).resolve() for d in include_dirs]
    for d, given in zip(extra, include_dirs, strict=True):
        if not d.is_dir():
            raise ExplainError(f"-I {given}: no such directory")
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
    text = f"#include <linux/kconfig.h>\n#define CREATE_TRACE_POINTS\n{include_line}\n"
    return TranslationUnit(
        cwd=root,
        header=shown,
        header_abspath=path,
        include_dirs=tuple(dirs),
        macro_args=tuple(macro_args),
        text=text,
    )
