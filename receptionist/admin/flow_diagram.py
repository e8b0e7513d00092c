"""A call script drawn as a graph (server-side SVG, no JavaScript, no Graphviz): one box per
step, in rows by distance from the start, an arrow per way out labelled as the preview
does ("1 / book", "fallback"). Steps with a problem are marked, a way out to a step that
does not exist ends in a red box, and the path of the last test call is highlighted.

Layout: breadth-first layers from `start` (steps nothing reaches come last); arrows to the
next rows go straight down, arrows back up (loops, "anything else?") bend out to the right.
Every text is escaped: step ids and labels come from operators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from receptionist.call_flows.registry import kind_of
from receptionist.call_flows.schema import Loc, Script

BOX_W, BOX_H = 150, 42
GAP_X, GAP_Y = 30, 64
MARGIN = 20
LABEL_CHARS = 22
END = "end of call"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str  # a step id, END, or a missing step's id
    label: str


def _layers(script: Script) -> list[list[str]]:
    depth: dict[str, int] = {}
    order: list[str] = []
    queue = [script.start] if script.start in script.steps else []
    if queue:
        depth[script.start] = 0
    while queue:
        step_id = queue.pop(0)
        order.append(step_id)
        step = script.steps[step_id]
        for way in kind_of(step).exits(step):
            if way.target in script.steps and way.target not in depth:
                depth[way.target] = depth[step_id] + 1
                queue.append(way.target)
    last = max(depth.values(), default=-1) + 1
    for step_id in script.steps:  # unreachable steps: a row of their own, at the end
        if step_id not in depth:
            depth[step_id] = last
            order.append(step_id)
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for step_id in order:
        rows[depth[step_id]].append(step_id)
    return rows


def _edges(script: Script) -> list[Edge]:
    edges = []
    for step_id, step in script.steps.items():
        for way in kind_of(step).exits(step):
            edges.append(Edge(step_id, way.target or END, way.label))
    return edges


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"


def diagram(script: Script, *, problems: Sequence[tuple[Loc, object]] = (),
            path: Sequence[str] = ()) -> str:
    """The SVG (a string to put in the page as it is: everything in it is escaped)."""
    rows = _layers(script)
    edges = _edges(script)
    missing = sorted({e.target for e in edges if e.target not in script.steps
                      and e.target != END})
    ends = any(e.target == END for e in edges)
    extra = [*(f"missing:{m}" for m in missing), *([END] if ends else [])]
    if extra:
        rows.append(extra)
    where: dict[str, tuple[int, int]] = {}
    widest = max((len(r) for r in rows), default=1)
    for y, row in enumerate(rows):
        for x, node in enumerate(row):
            where[node] = (MARGIN + x * (BOX_W + GAP_X), MARGIN + y * (BOX_H + GAP_Y))
    width = MARGIN * 2 + widest * (BOX_W + GAP_X) + 60
    height = MARGIN * 2 + len(rows) * (BOX_H + GAP_Y)
    faulty = {str(loc[1]) for loc, _ in problems if len(loc) > 1 and loc[0] == "steps"}
    walked = set(path)
    steps_taken = set(pairwise(path))
    out = [f'<svg class="flow-diagram" xmlns="http://www.w3.org/2000/svg" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="call flow">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/>'
           '</marker></defs>']
    for edge in edges:
        target = edge.target if edge.target in where else f"missing:{edge.target}"
        out.append(_arrow(where[edge.source], where[target], edge.label,
                          (edge.source, edge.target) in steps_taken,
                          target.startswith("missing:")))
    for node, (x, y) in where.items():
        out.append(_box(script, node, x, y, faulty, walked))
    out.append("</svg>")
    return "\n".join(out)


def _arrow(start: tuple[int, int], end: tuple[int, int], label: str, taken: bool,
           broken: bool) -> str:
    (sx, sy), (ex, ey) = start, end
    classes = "edge" + (" on-path" if taken else "") + (" broken" if broken else "")
    if ey > sy:  # down to a later row
        x1, y1, x2, y2 = sx + BOX_W // 2, sy + BOX_H, ex + BOX_W // 2, ey
        d = f"M {x1} {y1} L {x2} {y2}"
        # The label near where the arrow leaves: arrows fanning out of one box part there.
        lx, ly = x1 + (x2 - x1) * 3 // 10 + 4, y1 + (y2 - y1) * 3 // 10
    else:  # back up (or across): out to the right and around
        x1, y1 = sx + BOX_W, sy + BOX_H // 2
        x2, y2 = ex + BOX_W, ey + BOX_H // 2
        bend = max(x1, x2) + 40
        d = f"M {x1} {y1} C {bend} {y1}, {bend} {y2}, {x2} {y2}"
        lx, ly = bend - 10, (y1 + y2) // 2
    return (f'<g class={quoteattr(classes)}><path d="{d}" marker-end="url(#arrow)"/>'
            f'<text x="{lx}" y="{ly}">{escape(_short(label))}</text></g>')


def _box(script: Script, node: str, x: int, y: int, faulty: set[str], walked: set[str]
         ) -> str:
    if node == END:
        classes, title, kind = "node end", END, ""
    elif node.startswith("missing:"):
        classes, title, kind = "node missing", node.removeprefix("missing:"), "missing"
    else:
        classes = "node" + (" error" if node in faulty else "") + (
            " on-path" if node in walked else "") + (" start" if node == script.start else "")
        title, kind = node, str(script.steps[node].kind)
    return (f'<g class={quoteattr(classes)} data-step={quoteattr(title)}>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6"/>'
            f'<text x="{x + BOX_W // 2}" y="{y + 18}" class="id">{escape(_short(title))}</text>'
            f'<text x="{x + BOX_W // 2}" y="{y + 34}" class="kind">{escape(kind)}</text></g>')
