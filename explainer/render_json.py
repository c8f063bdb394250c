"""Render a walkthrough as JSON (schema 1, documented in README.md)."""

from __future__ import annotations

import json
from typing import Any

from explainer.model import Change, IncludeSite, Invocation, Pass, Walkthrough

SCHEMA = 1


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
        "passes": [_pass(p) for p in w.shown_passes()],
        "left_out": [{"include": x.include, **_site(x.site)} for x in w.left_out],
        "warnings": list(w.warnings),
    }


def render(walkthrough: Walkthrough) -> str:
    # Compact: the C encoder is several times faster than the indenting one
    # on a real header's megabytes; `jq .` indents it for reading.  The data
    # is made fresh above, so it cannot hold a cycle: not checking for one
    # makes encoding a sixth faster.
    return json.dumps(to_data(walkthrough), ensure_ascii=False, separators=(",", ":"),
                      check_circular=False) + "\n"
