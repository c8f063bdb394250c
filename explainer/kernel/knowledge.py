"""Kernel knowledge, read from data/kernel.toml: stage ids and the roles
of trace macro arguments.  Nothing here is prose."""

from __future__ import annotations

import fnmatch
import tomllib
from functools import cache, lru_cache
from typing import Any

from explainer import resources


@cache
def _data() -> dict[str, Any]:
    text = resources.data("kernel.toml").read_text("utf-8")
    return tomllib.loads(text)


def stage_for(includer: str, ordinal: int, first: bool) -> str:
    """Stage id of a read of the header by file *includer* (base name),
    the *ordinal*-th read from that file (0-based)."""
    data = _data()
    if first:
        return str(data["first_stage"])
    stages = data["includers"].get(includer)
    if stages is None or ordinal >= len(stages):
        return str(data["unknown_stage"])
    return str(stages[ordinal])


def stage_ids() -> list[str]:
    data = _data()
    seen = [data["first_stage"]]
    for stages in data["includers"].values():
        seen.extend(s for s in stages if s not in seen)
    seen.extend((data["unknown_stage"], data["self_read_first_stage"], data["self_read_again_stage"]))
    return [str(s) for s in seen]


def roles(macro: str) -> dict[str, int] | None:
    """Which argument names the event, class or symbol, for a trace macro;
    None for any other macro."""
    found = _data()["macros"].get(macro)
    return dict(found) if found is not None else None



@cache
def trace_macros() -> frozenset[str]:
    """The trace macros a header invokes (those kernel.toml gives roles)."""
    return frozenset(_data()["macros"])


@cache
def kind(macro: str) -> str | None:
    """"event" or "class" for a trace macro that names one (an event's
    macro may name its class too), None for the others."""
    found = roles(macro)
    if found is None or "symbol" in found:
        return None
    return "event" if "event" in found else "class" if "class" in found else None


def first_stage() -> str:
    return str(_data()["first_stage"])


def self_read_stages(count: int) -> list[str]:
    """The stage ids of the *count* reads of a header that reads itself
    again without the tracing machinery."""
    data = _data()
    return [str(data["self_read_first_stage"]), *[str(data["self_read_again_stage"])] * (count - 1)]


def includer_order() -> list[tuple[str, list[str]]]:
    """(including file, its stage ids) in the order Linux 6.x reads them."""
    return [(name, [str(s) for s in ids]) for name, ids in _data()["includers"].items()]


def likely_questions() -> dict[str, list[str]]:
    """Operator -> names the kernel is known to ask about."""
    return {op: [str(n) for n in names] for op, names in _data()["likely_questions"].items()}


def machinery_files() -> list[str]:
    """fnmatch patterns of the files that define the tracing machinery."""
    return [str(p) for p in _data()["machinery"]["files"]]


@lru_cache(maxsize=4096)
def is_machinery(file: str, header: str) -> bool:
    """Whether a macro defined in *file* is the tracing machinery's when
    *header* is explained (the header's own macros are)."""
    return file == header or any(fnmatch.fnmatchcase(file, p) for p in machinery_files())


@cache
def runtime_macros() -> frozenset[str]:
    """Machinery macros that fold all the same: the tracepoint's run-time code."""
    return frozenset(str(m) for m in _data()["machinery"]["runtime"])


def folds(name: str, file: str, header: str) -> bool:
    """Whether the code a macro makes folds to its call (a kernel helper)."""
    return name in runtime_macros() or not is_machinery(file, header)


def focused_keep() -> list[str]:
    return [str(p) for p in _data()["focused"]["keep"]]


def focused_config() -> list[str]:
    return [str(c) for c in _data()["focused"]["config"]]


def common_fields() -> list[dict[str, str]]:
    """The format file's common fields: their type and struct trace_entry member."""
    return [{"type": str(c["type"]), "member": str(c["member"])} for c in _data()["userspace"]["common_fields"]]


def print_helpers() -> frozenset[str]:
    """The names a print fmt may hold that user space tools know."""
    return frozenset(str(n) for n in _data()["userspace"]["print_helpers"])
