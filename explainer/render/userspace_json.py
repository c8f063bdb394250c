"""What user space sees, as JSON: the format file's text and each line
structured, with where it comes from and the numbers gcc computed."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from explainer.kernel.translation_unit import TranslationUnit
from explainer.userspace.format import EventFormat, Field

SCHEMA = 1


def _field(field: Field) -> dict[str, Any]:
    out = asdict(field)
    out.pop("expressions")
    out["line"] = field.line()
    out["computed_by"] = dict(field.expressions)
    return out


def render_format(f: EventFormat, tu: TranslationUnit, problem: str | None = None) -> str:
    lines = f.lines()
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "event": f.event,
        "system": f.system,
        "class": f.event_class,
        "header": f.header,
        "computed": f.computed,
        "not_computed_because": problem,
        "cflags": list(tu.cflags),
        "translation_unit": {"creator": tu.creator, "left_out": list(tu.creator_left_out)},
        "file": "\n".join(lines) + "\n",
        "id": None,
        "name": {"text": lines[0], "origin": asdict(f.name_origin)},
        "record": {"struct": f.record, "starts_at": f.record_size},
        "common": [_field(c) for c in f.common],
        "fields": [_field(x) for x in f.fields],
        "print_fmt": {
            "text": f.print_fmt,
            "written": f.written_print_fmt,
            "variable": f.print_name,
            "origin": asdict(f.print_origin),
        },
        "maps": [asdict(m) for m in f.maps],
        "mismatches": list(f.mismatches),
        "undeclared": list(f.undeclared),
        "forward_declared": list(f.forward),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
