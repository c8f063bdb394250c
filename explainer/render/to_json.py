"""Render a walkthrough as JSON (schema 2, documented in README.md)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from explainer.model import Change, Finding, Followed, IncludeSite, Invocation, Pass, Walkthrough
from explainer.render import findings, undecodable

_orjson: ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # a platform without its wheel: the standard library writes the same bytes
    _orjson = None

# 2: diagnostics, and passes only those that worked when it stopped.
SCHEMA = 2


def _site(site: IncludeSite) -> dict[str, Any]:
    return {"file": site.file, "line": site.line}


def _change(c: Change) -> dict[str, Any]:
    return {
        "kind": c.kind, "name": c.name, "params": c.params, "body": c.body,
        "file": c.file, "line": c.line,
    }


def _invocation(inv: Invocation) -> dict[str, Any]:
    return {
        "macro": inv.macro, "name": inv.name, "class": inv.template, "line": inv.line,
        "focus": inv.focus, "args": list(inv.args), "uses": list(inv.used), "code": inv.code,
    }


def _pass(p: Pass) -> dict[str, Any]:
    return {
        "index": p.index,
        "stage": p.stage,
        "included_from": _site(p.included_from),
        "chain": [_site(s) for s in p.chain],
        "changes": [_change(c) for c in p.changes],
        "invocations": [_invocation(i) for i in p.invocations],
        "code": p.code,
    }


def to_data(w: Walkthrough) -> dict[str, Any]:
    r = w.reproduce
    return {
        "schema": SCHEMA,
        "header": w.header,
        "focus": w.focus,
        "total_passes": w.total_passes,
        "reproduce": {"argv": list(r.argv), "cwd": r.cwd, "stdin": r.stdin, "env": dict(r.env)},
        "translation_unit": {"creator": w.creator, "left_out": list(w.creator_left_out)},
        "passes": [_pass(p) for p in w.shown_passes()],
        "left_out": [{"include": x.include, **_site(x.site)} for x in w.left_out],
        "warnings": list(w.warnings),
        "diagnostics": [findings.data(f) for f in w.diagnostics],
    }


def render(walkthrough: Walkthrough) -> str:
    """Compact JSON (`jq .` indents it for reading), as json.dumps writes
    it with ensure_ascii=False and no spaces.  orjson writes the same bytes
    six times faster (a kernel header's 6 MB: 5 ms against 32 ms, a twelfth
    of a run); where it is missing, or refuses a string (a lone surrogate
    from an undecodable file name), json does."""
    return compact(to_data(walkthrough)) + "\n"


def compact(value: object, sort_keys: bool = False) -> str:
    """*value* as compact JSON (no spaces, ensure_ascii=False), as
    ``render`` writes it: by orjson where it can, else json, the same
    bytes."""
    if _orjson is not None:
        try:
            encoded: bytes = _orjson.dumps(value, option=_orjson.OPT_SORT_KEYS if sort_keys else 0)
            return encoded.decode("utf-8")
        except _orjson.JSONEncodeError:
            pass
    return _json_text(value, sort_keys)


def _standard(data: dict[str, Any]) -> str:
    return _json_text(data) + "\n"


def _json_text(value: object, sort_keys: bool = False) -> str:
    # The data is made fresh (to_data, the page's tables), so it cannot
    # hold a cycle: not checking for one makes encoding a sixth faster.
    # A byte that is not UTF-8 (orjson refuses it) is written as its escape.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, check_circular=False)
    return undecodable.json_escaped(text)


# explain follow's JSON (README, "explain follow").
FOLLOW_SCHEMA = 1


def render_followed(f: Followed, diagnostics: tuple[Finding, ...] = ()) -> str:
    """explain follow's JSON; *diagnostics*: what stopped the translation
    unit after the passes it lists (as in a walkthrough's)."""
    data = {
        "schema": FOLLOW_SCHEMA, "header": f.header, "line": f.line, "text": f.text,
        "invocation": f.invocation, "invocation_line": f.invocation_line, "argument": f.argument,
        "parameter": f.parameter, "wrapper": f.wrapper, "note": f.note,
        "passes": [{
            "index": b.index, "stage": b.stage, "code": b.code, "macro": b.macro,
            "meaning": _change(b.meaning) if b.meaning is not None else None, "dropped": b.dropped,
            "outer": _change(b.outer) if b.outer is not None else None,
        } for b in f.passes],
        "diagnostics": [findings.data(d) for d in diagnostics],
    }
    return _standard(data)
