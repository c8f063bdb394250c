"""explain decode's answer, for the terminal and as JSON: the line the
kernel prints for the values given, and for each argument that reads
them, the tables walked bit by bit."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from typing import Any

from explainer import prose
from explainer.userspace.decode import Decoded, Walked


def _w(key: str, **values: object) -> str:
    return str(prose.load()["decode"][key]).format(**values)


def _terms(walked: Walked) -> str:
    taken = [f"{name} ({mask:#x})" for name, mask, took in walked.rows if took]
    if walked.leftover:
        taken.append(_w("leftover", left=walked.leftover))
    return " | ".join(taken) or "0"


def render_text(d: Decoded, width: int) -> str:
    width = max(40, width)
    out: list[str] = []

    def para(text: str, indent: str = "") -> None:
        out.extend(textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent + "  ",
                                 break_on_hyphens=False, break_long_words=False) or [indent])

    para(_w("heading", event=d.event, values=" ".join(f"{f}={g}" for f, g, _ in d.values)))
    for field, name, value in d.named:
        para(_w("named", field=field, given=name, value=value, terms=f"{name} ({value:#x})"), "  ")
    para(_w("line", line=d.line))
    if "?" in d.line:
        para(_w("line_note"), "  ")
    for a in d.arguments:
        out.append("")
        para(_w("argument", number=a.index + 1, conversion=a.conversion, text=a.text))
        for walked in a.walked:
            if walked.helper.startswith("__print_flags"):
                para(_w("walk_flags", helper=walked.helper, value=walked.value), "  ")
                para(_w("sum", value=walked.value, terms=_terms(walked)), "    ")
            else:
                para(_w("walk_symbols", helper=walked.helper, value=walked.value), "  ")
                hit = next((f"{name} ({mask:#x})" for name, mask, took in walked.rows if took), None)
                para(hit if hit is not None else _w("no_row", value=walked.value), "    ")
        para(_w("printed", printed=a.printed) if a.printed is not None else _w("not_printed", why=a.why_not), "  ")
    return "\n".join(out) + "\n"


def render_json(d: Decoded) -> str:
    data: dict[str, Any] = asdict(d)
    data["values"] = [{"field": f, "given": g, "value": v} for f, g, v in d.values]
    data["named"] = [{"field": f, "name": n, "value": v} for f, n, v in d.named]
    for a in data["arguments"]:
        for w in a["walked"]:
            w["rows"] = [{"name": n, "value": m, "taken": t} for n, m, t in w["rows"]]
    return json.dumps({"schema": 1, **data}, indent=2, ensure_ascii=False) + "\n"
