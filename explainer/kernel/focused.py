"""Focused mode's copy of a tree: only the tracing machinery.

explainer and gcc must read the same files, so both run on a copy of the
files focused mode keeps (kernel.toml), made in the cache directory
(EXPLAINER_CACHE, default ~/.cache/explainer).  An #include of anything
else is left out: explainer reads it as empty, and after the run an empty
file is put where gcc looks first, so gcc reads it as empty too.
"""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

from explainer.kernel import knowledge
from explainer.kernel.trees import Tree
from explainer.resources import cache_dir


def kept(relative: str) -> bool:
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in knowledge.focused_keep())


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def copy(tree: Tree, extra: list[Path], in_place: list[Path] | None = None) -> Path:
    """The copy of *tree*'s kept files (and of *extra* files, a module's
    headers, under module/, and of *in_place* files of the tree where
    they are in it), made or refreshed; returns its root."""
    # A copy per set of files: one that also holds a module's headers, or
    # in-place files (custom events' linux/trace_events.h), must not be
    # what another header's gcc reads, where explainer leaves them out.
    named = [*(str(p) for p in tree.layers), "\1", *sorted(str(p) for p in [*extra, *(in_place or [])])]
    key = hashlib.sha256("\0".join(named).encode()).hexdigest()[:16]
    root = cache_dir() / "focused" / key
    for layer in reversed(tree.layers):  # the first layer wins
        base = layer / "include"
        for pattern in knowledge.focused_keep():
            # Path.glob's "**" matches folders only: take what is below them.
            found = layer.glob(pattern) if not pattern.endswith("/**") else layer.glob(pattern + "/*")
            for path in found:
                if path.is_file() and path.is_relative_to(base):
                    _write_if_changed(root / path.relative_to(layer), path.read_bytes())
    for path in extra:
        _write_if_changed(root / "module" / path.name, path.read_bytes())
    for path in in_place or []:
        _write_if_changed(root / path.resolve().relative_to(tree.base), path.read_bytes())
    return root


def leave_out(root: Path, left_out: list[str]) -> None:
    """Put an empty file at each path gcc looks at first for an include
    that was left out (paths relative to *root*)."""
    for relative in left_out:
        target = (root / relative).resolve()
        if target.is_relative_to(root.resolve()) and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"")
