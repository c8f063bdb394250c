"""The cycle of reads as a diagram: who includes the header for each
read, laid out from the stage list in kernel.toml (Linux 6.x order).  A
site's cycle page and a deck's cycle slide draw it
(cycle_svg.html.jinja2)."""

from __future__ import annotations

from dataclasses import dataclass

from explainer import prose
from explainer.kernel import knowledge


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int
    label: str
    detail: str
    css: str
    href: str | None


@dataclass(frozen=True)
class Edge:
    points: str


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]
    stages: tuple[tuple[int, str, str, str, str, str], ...]  # index, id, title, makes, why, sees


ROW, TOP, LEFT_X, MID_X, RIGHT_X, BOX_W, BOX_H = 46, 20, 10, 250, 520, 220, 34


def cycle(lang: str | None = None, example: str | None = None, linked: bool = True) -> Diagram:
    """The diagram of who includes the header for each read; each read's
    box links to that pass of the *example* page (an event's, one seen in
    every read), else to its notes below; to nothing unless *linked*."""
    words = prose.load(lang)["site"]
    includers = knowledge.includer_order()
    stages: list[tuple[str, str]] = [("<c>", knowledge.first_stage())]
    for includer, ids in includers:
        if includer == "ftrace.h":
            continue  # the pre-4.x name of trace_events.h
        stages.extend((includer, s) for s in ids)
    boxes: list[Box] = []
    edges: list[Edge] = []
    rows: dict[str, list[int]] = {}
    for i, (includer, _) in enumerate(stages):
        rows.setdefault(includer, []).append(i)
    texts = []
    for i, (_, stage) in enumerate(stages):
        notes = prose.stage(stage, lang)
        y = TOP + i * ROW
        href = f"{example}#pass-{i + 1}" if example is not None else f"#stage-{stage}" if linked else None
        boxes.append(Box(RIGHT_X, y, BOX_W + 60, BOX_H, words["read"].format(index=i + 1),
                         notes["title"], "header", href))
        texts.append((i + 1, stage, notes["title"], notes["makes"], notes["why"],
                      prose.sees(stage, None, None, lang) or ""))
    for includer, indexes in rows.items():
        y = TOP + indexes[0] * ROW
        h = (indexes[-1] - indexes[0]) * ROW + BOX_H
        x = LEFT_X if includer == "<c>" else MID_X
        label = words["c_file"] if includer == "<c>" else includer
        detail = words["c_file_detail"] if includer == "<c>" else ""
        boxes.append(Box(x, y, BOX_W, h, label, detail, "box", None))
        for i in indexes:
            yy = TOP + i * ROW + BOX_H // 2
            edges.append(Edge(f"{x + BOX_W},{yy} {RIGHT_X - 4},{yy}"))
    if "define_trace.h" in rows:
        # The header's last line includes define_trace.h.
        first_bottom = TOP + BOX_H
        define_top = TOP + rows["define_trace.h"][0] * ROW
        gap = (first_bottom + define_top) // 2
        edges.append(Edge(
            f"{RIGHT_X + 14},{first_bottom} {RIGHT_X + 14},{gap} "
            f"{MID_X + BOX_W - 24},{gap} {MID_X + BOX_W - 24},{define_top - 2}"
        ))
        top = TOP + rows["define_trace.h"][0] * ROW + BOX_H
        for includer, indexes in rows.items():
            if includer not in ("<c>", "define_trace.h"):
                yy = TOP + indexes[0] * ROW + 10
                edges.append(Edge(f"{MID_X - 12},{top - 8} {MID_X - 12},{yy} {MID_X - 4},{yy}"))
    height = TOP * 2 + len(stages) * ROW
    return Diagram(RIGHT_X + BOX_W + 80, height, tuple(boxes), tuple(edges), tuple(texts))
