"""Real kernel trees: finding them, telling configured from unconfigured,
and kbuild's view of the preprocessor (x86_64).

A tree can come in layers: Debian splits its headers into
``linux-headers-X-common`` (the headers) and ``linux-headers-X-amd64``
(the configuration and generated headers), and the second names the
first in its Makefile.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from explainer import prose
from explainer.errors import ExplainError

ARCH = "x86"
# kbuild's include directories for x86, in its order.
KBUILD_DIRS = (
    f"arch/{ARCH}/include",
    f"arch/{ARCH}/include/generated",
    "include",
    f"arch/{ARCH}/include/uapi",
    f"arch/{ARCH}/include/generated/uapi",
    "include/uapi",
    "include/generated/uapi",
)
# kbuild's forced includes (-include), in its order; the first is 5.x+.
FORCED = ("include/linux/compiler-version.h", "include/linux/kconfig.h",
          "include/linux/compiler_types.h")
COMPILER_FLAGS = ("-nostdinc", "-std=gnu11", "-mfentry")
# kbuild's compiler flags that change what gcc computes for the format
# file (a char field's signedness), when the top Makefile sets them.
VALUE_CFLAGS = ("-funsigned-char",)
_INCLUDE_COMMON = re.compile(r"^include\s+(\S+)/Makefile\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Tree:
    root: Path  # as the user named it, resolved
    layers: tuple[Path, ...]  # where a file is looked for, in order

    @property
    def configured(self) -> bool:
        return self.find("include/generated/autoconf.h") is not None

    @property
    def base(self) -> Path:
        """The directory paths are shown relative to."""
        return Path(os.path.commonpath([str(p) for p in self.layers])) if len(self.layers) > 1 else self.root

    def find(self, relative: str) -> Path | None:
        for layer in self.layers:
            if (layer / relative).exists():
                return layer / relative
        return None

    def all(self, relative: str) -> list[Path]:
        return [layer / relative for layer in self.layers if (layer / relative).is_dir()]

    def events_dirs(self) -> list[Path]:
        return self.all("include/trace/events")

    def version(self) -> str | None:
        release = self.find("include/generated/utsrelease.h")
        if release is not None:
            m = re.search(r'"([^"]+)"', release.read_text(errors="replace"))
            if m:
                return m.group(1)
        makefile = self.find("Makefile")
        if makefile is not None:
            text = makefile.read_text(errors="replace")
            parts = [re.search(rf"^{k}\s*=\s*(\d+)", text, re.MULTILINE) for k in ("VERSION", "PATCHLEVEL")]
            if all(parts):
                return ".".join(p.group(1) for p in parts if p)
        return None


# The architecture a configured tree was built for, by its config symbol.
ARCHITECTURES = (("x86_64", "CONFIG_X86_64"), ("i386", "CONFIG_X86_32"), ("arm64", "CONFIG_ARM64"),
                 ("arm", "CONFIG_ARM"), ("riscv", "CONFIG_RISCV"), ("powerpc", "CONFIG_PPC"),
                 ("s390", "CONFIG_S390"), ("loongarch", "CONFIG_LOONGARCH"))


def architecture(tree: Tree) -> str | None:
    """What a configured *tree* was built for; None for an unconfigured one."""
    config = tree.find("include/generated/autoconf.h")
    if config is None:
        return None
    text = config.read_text(errors="replace")
    return next((arch for arch, symbol in ARCHITECTURES
                 if re.search(rf"^#define {symbol} 1$", text, re.MULTILINE)), None)


def same_architecture(kernels: list[str], cwd: Path) -> list[Tree]:
    """The trees *kernels* name, refused (one line) unless every configured
    one was built for the same architecture."""
    found = [open_tree(cwd / k, k) for k in kernels]
    arches = [(k, a) for k, t in zip(kernels, found, strict=True) if (a := architecture(t)) is not None]
    for k, a in arches[1:]:
        if a != arches[0][1]:
            raise ExplainError(str(prose.load()["cli"]["arches"]).format(
                a=arches[0][0], arch_a=arches[0][1], b=k, arch_b=a))
    return found


def _layers(root: Path) -> tuple[Path, ...]:
    makefile = root / "Makefile"
    if makefile.is_file() and not (root / "include" / "linux").is_dir():
        m = _INCLUDE_COMMON.search(makefile.read_text(errors="replace"))
        if m:
            named = Path(m.group(1))
            # The package names /usr/src/...; an unpacked copy has it beside us.
            for candidate in (named, root.parent / named.name):
                if (candidate / "include" / "linux").is_dir():
                    return (candidate.resolve(), root)
    return (root,)


def kbuild_cflags(tree: Tree) -> tuple[str, ...]:
    """Those of VALUE_CFLAGS the tree's top Makefile adds to KBUILD_CFLAGS,
    then the dialect flags its configuration gives (7.x's
    CONFIG_CC_MS_EXTENSIONS=-fms-extensions, which lets a struct embed
    another anonymously and so changes struct sizes)."""
    makefile = tree.find("Makefile")
    text = makefile.read_text(errors="replace") if makefile is not None else ""
    found = [f for f in VALUE_CFLAGS if re.search(rf"^KBUILD_CFLAGS\s*\+=.*\s{re.escape(f)}\b", text, re.MULTILINE)]
    config = tree.find("include/config/auto.conf")
    if config is not None and "$(CONFIG_CC_MS_EXTENSIONS)" in text:
        m = re.search(r"^CONFIG_CC_MS_EXTENSIONS=\"?([^\"\n]+)\"?$", config.read_text(errors="replace"), re.MULTILINE)
        if m:
            found += m.group(1).split()
    return tuple(found)


def open_tree(path: Path, shown: str) -> Tree:
    if not path.is_dir():
        raise ExplainError(prose.error("no_tree_dir", path=shown))
    root = path.resolve()
    tree = Tree(root, _layers(root))
    if tree.find("include/linux/tracepoint.h") is None or tree.find("include/trace/define_trace.h") is None:
        raise ExplainError(prose.error("not_a_tree", path=shown))
    return tree


def running_kernel_build() -> Path | None:
    import platform  # here: only --kernel auto asks, and its import costs a millisecond

    build = Path("/lib/modules") / platform.release() / "build"
    return build if build.is_dir() else None


def auto(header: Path) -> Tree | None:
    """--kernel auto: the running kernel's build directory, else the tree
    that contains HEADER."""
    build = running_kernel_build()
    if build is not None:
        return open_tree(build, str(build))
    for parent in header.resolve().parents:
        if (parent / "include" / "trace" / "define_trace.h").is_file():
            return open_tree(parent, str(parent))
    return None


def header_in_tree(tree: Tree, header: str, cwd: Path) -> Path | None:
    """HEADER as a path, as a path inside the tree, or a bare name of a
    header in include/trace/events/."""
    for candidate in (cwd / header, *(layer / header for layer in tree.layers),
                      *(d / header for d in tree.events_dirs())):
        if candidate.is_file():
            return candidate.resolve()
    return None


def event_headers(tree: Tree, event: str) -> list[str]:
    """The trace headers of include/trace/events/ that invoke a macro
    with *event* as its first or second argument (TRACE_EVENT(event, ...),
    DEFINE_EVENT(class, event, ...)), as paths in the tree."""
    invoked = re.compile(rf"^\s*[A-Za-z_]\w*\s*\(\s*(?:\w+\s*,\s*)?{re.escape(event)}\s*,", re.MULTILINE)
    found: dict[str, None] = {}
    for d in tree.events_dirs():
        for header in sorted(d.glob("*.h")):
            text = header.read_text(errors="replace")
            if event in text and invoked.search(text):
                found[f"include/trace/events/{header.name}"] = None
    return list(found)


def include_spelling(tree: Tree, path: Path) -> str | None:
    """<...> spelling of a header under one of the tree's include/ dirs."""
    for layer in tree.layers:
        inc = layer / "include"
        if path.is_relative_to(inc):
            return str(path.relative_to(inc)).replace(os.sep, "/")
    return None
