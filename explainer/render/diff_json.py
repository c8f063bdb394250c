"""explain diff as JSON: the same findings as the text, structured."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from explainer.walkthrough.diff import EventDiff, Side

SCHEMA = "explainer-diff/1"


def _side(s: Side) -> dict[str, Any]:
    return {"label": s.label, "header": s.header or None, "has_event": s.extract is not None,
            "missing": s.missing}


def data(d: EventDiff) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "event": d.event,
        "old": _side(d.old),
        "new": _side(d.new),
        "definition": {
            "macros": {"old": list(d.macros[0]), "new": list(d.macros[1])},
            "changed": [asdict(a) for a in d.definition],
        },
        "machinery": [asdict(m) for m in d.machinery],
        "passes": [{
            "stage": p.stage, "old": p.old, "new": p.new, "same": p.same,
            "hunks": [[asdict(line) for line in hunk] for hunk in p.hunks],
        } for p in d.passes],
    }


def render(d: EventDiff) -> str:
    return json.dumps(data(d), indent=2, ensure_ascii=False) + "\n"
