"""Kernel knowledge, read from data/kernel.toml: stage ids and the roles
of trace macro arguments.  Nothing here is prose."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from explainer import resources


@dataclass(frozen=True)
class Machinery:
    """A machinery that reads a header again, other than define_trace.h's."""

    id: str
    define: str  # the file the header includes last ("trace/define_custom_trace.h")
    create: str  # the macro the .c file defines first, if any
    names_file: str  # the macro that names the header for it, if any
    first_stage: str
    includers: dict[str, tuple[str, ...]]
    focused_keep: tuple[str, ...] = ()


@cache
def _data() -> dict[str, Any]:
    return resources.data_toml("kernel.toml")


@cache
def machineries() -> tuple[Machinery, ...]:
    """The machineries besides trace/define_trace.h's (kernel.toml)."""
    return tuple(Machinery(
        str(m["id"]), str(m["define"]), str(m.get("create", "")), str(m.get("names_file", "")),
        str(m["first_stage"]), {str(k): tuple(str(s) for s in v) for k, v in m["includers"].items()},
        tuple(str(p) for p in m.get("focused_keep", ())),
    ) for m in _data()["machineries"])


def _machinery_of(includer: str) -> Machinery | None:
    return next((m for m in machineries() if includer in m.includers), None)


def stage_for(includer: str, ordinal: int, first: bool) -> str:
    """Stage id of a read of the header by file *includer* (base name),
    the *ordinal*-th read from that file (0-based)."""
    data = _data()
    other = _machinery_of(includer)
    if other is not None:  # its reads are its stages, the first one too (remote events)
        stages: Any = other.includers[includer]
    elif first:
        return str(data["first_stage"])
    else:
        stages = data["includers"].get(includer)
    if stages is None or ordinal >= len(stages):
        return str(data["unknown_stage"])
    return str(stages[ordinal])


def first_stage_for(includer: str) -> str | None:
    """The stage of the .c file's first read when the second read comes
    from *includer* of a machinery that is not define_trace.h's."""
    other = _machinery_of(includer)
    return other.first_stage if other is not None else None


def re_includers() -> frozenset[str]:
    """Every file that reads the header again, of every machinery."""
    names = set(_data()["includers"])
    for m in machineries():
        names.update(m.includers)
    return frozenset(names)


def stage_ids() -> list[str]:
    data = _data()
    seen = [data["first_stage"]]
    for stages in data["includers"].values():
        seen.extend(s for s in stages if s not in seen)
    for m in machineries():
        for s in (m.first_stage, *(s for ids in m.includers.values() for s in ids)):
            if s not in seen:
                seen.append(s)
    seen.extend((data["unknown_stage"], data["self_read_first_stage"], data["self_read_again_stage"]))
    return [str(s) for s in seen]


def release(version: str | None) -> tuple[int, int] | None:
    """(6, 1) of "6.1.0-57-amd64" or "6.1"; None if it names no version."""
    m = re.match(r"(\d+)\.(\d+)", version or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def suffix(macro: str, version: str | None) -> str:
    """What the tracepoint a *macro* invocation names adds to its name
    argument in kernel *version* (a release string; None: explainer's
    model kernel, which names them as 6.1 does)."""
    found = release(version)
    for rule in _data()["renamed"]:
        since = release(str(rule["since"]))
        if found is not None and since is not None and found >= since and macro in rule["macros"]:
            return str(rule["suffix"])
    return ""


def suffixes() -> frozenset[str]:
    """Every suffix some kernel adds (a focus on pelt_cfs_tp traces
    DECLARE_TRACE(pelt_cfs, ...))."""
    return frozenset(str(rule["suffix"]) for rule in _data()["renamed"])


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
    """"event", "tracepoint" (bare: DECLARE_TRACE) or "class" for a trace
    macro that names one (an event's macro may name its class too), None
    for the others."""
    found = roles(macro)
    if found is None or "symbol" in found:
        return None
    if "tracepoint" in found:
        return "tracepoint"
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


@cache
def machinery_files() -> list[str]:
    """fnmatch patterns of the files that define the tracing machinery."""
    other = [str(p) for m in _data()["machineries"] for p in m.get("files", ())]
    return [str(p) for p in _data()["machinery"]["files"]] + other


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
