"""The career ladder as a diagram: stages as columns, roles as boxes, moves as arrows, and the
person's place, path and target marked, written as SVG directly (see :mod:`pmpath.reports.charts`
for why the charts are not drawn with matplotlib)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pmpath.reports._svg import (
    PT,
    group,
    number,
    path_element,
    polygon_element,
    style,
    svg_document,
    text_element,
    text_width,
)
from pmpath.reports.charts import (
    BAND,
    EDGE,
    INK,
    LABEL_SIZE,
    PATH_FILL,
    PATH_LINE,
    SMALL_SIZE,
    WHITE,
    YOU,
    wrap_text,
)

# --- ladder ------------------------------------------------------------------------------------

# Layout in inches: the axes span the whole figure with one data unit per inch, so font sizes
# in points and box sizes in data units stay in proportion for any ladder.
COLUMN = 1.6
BOX_W = 1.32
BOX_H = 0.72
PITCH = BOX_H + 0.36  # room between rows for a badge above a box
HEADER = 0.5
FOOTER = 0.5
MARGIN = 0.08
PORT = 0.12  # where the arrows into an exit merge, left of its box

_BOX_STYLE: dict[str, dict[str, Any]] = {
    "here": {"facecolor": YOU, "edgecolor": INK, "linewidth": 3.0, "linestyle": "-"},
    "target": {"facecolor": PATH_FILL, "edgecolor": PATH_LINE, "linewidth": 3.0, "linestyle": "-"},
    "path": {"facecolor": PATH_FILL, "edgecolor": PATH_LINE, "linewidth": 2.4, "linestyle": "-"},
    "exit": {"facecolor": WHITE, "edgecolor": EDGE, "linewidth": 1.0, "linestyle": "--"},
    "role": {"facecolor": WHITE, "edgecolor": EDGE, "linewidth": 1.0, "linestyle": "-"},
}
_BADGES = {"here": ("You are here", YOU), "target": ("Target", PATH_LINE)}


@dataclass(frozen=True)
class _Node:
    id: str
    name: str
    exit: bool
    column: int
    x: float  # centre
    y: float  # centre


def ladder_svg(
    ladder: dict[str, Any], here: str | None, path: list[str], here_label: str = "You are here"
) -> str:
    """The career ladder as a diagram, as inline SVG.

    One column per stage in the order given, each role or exit a rounded box named inside it,
    an arrow per edge. The role ``here`` is filled dark with white text and carries a
    ``here_label`` badge ("You are here" by default); the roles on ``path`` (ids from ``here``
    to the target) get a thick border and a light fill, the last one a "Target" badge, and the
    edges between consecutive path roles are drawn thick. Exits have a dashed border. A legend
    explains the marks.

    For tests and styling: each box is a group with class ``node`` plus its state (``here``,
    ``target``, ``path``, ``exit`` or ``role``) and ``data-id``; each name a group with class
    ``node-name`` and ``data-id``; each badge a group with class ``badge`` and ``data-for``;
    each edge a group with class ``edge`` (plus ``on-path``), ``data-from`` and ``data-to``.
    Same input, same bytes.

    Raises :class:`ValueError` when ``here``, ``path`` or an edge names an id the ladder lacks.
    """
    nodes, height = _layout(ladder["stages"])
    by_id = {node.id: node for node in nodes}
    edges = [(str(edge[0]), str(edge[1])) for edge in ladder.get("edges", [])]
    unknown = [
        i for i in [*([here] if here else []), *path, *itertools.chain(*edges)] if i not in by_id
    ]
    if unknown:
        raise ValueError(f"the ladder has no role or exit with id {unknown[0]!r}")
    target = path[-1] if path and path[-1] != here else None
    on_path = set(itertools.pairwise(path))
    width = 2 * MARGIN + max(len(ladder["stages"]), 1) * COLUMN

    def at(x: float, y: float) -> tuple[float, float]:
        # Inches with y up (the layout's) -> points with y down (SVG's).
        return x * PT, (height - y) * PT

    back: list[str] = _stage_parts(ladder["stages"], height, at)
    front: list[str] = []  # boxes, names and badges over every edge
    for index, node in enumerate(nodes):
        state = _state(node, here, target, path)
        front.extend(_node_parts(node, state, index, here_label, at))
    merged: set[str] = set()
    highlighted_edges: list[str] = []
    for index, (start, end) in enumerate(edges):
        highlighted = (start, end) in on_path
        if by_id[end].exit and not highlighted:
            merged.add(end)
        drawn = group(
            _edge_parts(by_id[start], by_id[end], highlighted, at, nodes),
            "ladder",
            f"edge-{index}",
            css_class="edge on-path" if highlighted else "edge",
            data_from=start,
            data_to=end,
        )
        # The path's edges go over the others, as they did with matplotlib's z-order.
        (highlighted_edges if highlighted else back).append(drawn)
    for exit_id in sorted(merged):
        node = by_id[exit_id]
        back.append(
            _arrow(
                at(node.x - BOX_W / 2 - PORT, node.y), at(node.x - BOX_W / 2, node.y), EDGE, 0.9, 9
            )
        )
    legend = _ladder_legend(
        width * PT,
        (height - 0.25) * PT,
        here is not None,
        len(path) > 1,
        any(node.exit for node in nodes),
        here_label,
    )
    return svg_document(
        "ladder",
        _ladder_title(len(ladder["stages"]), by_id, here, path, here_label),
        (0, 0, width * PT, height * PT),
        [*back, *highlighted_edges, *front, legend],
    )


def _layout(stages: list[dict[str, Any]]) -> tuple[list[_Node], float]:
    """Every role and exit placed in its stage's column, short columns centred; the height."""
    rows = max((len(stage["roles"]) for stage in stages), default=0) or 1
    height = HEADER + rows * PITCH + FOOTER
    nodes = []
    for column, stage in enumerate(stages):
        first = (rows - len(stage["roles"])) / 2
        for row, role in enumerate(stage["roles"]):
            nodes.append(
                _Node(
                    id=str(role["id"]),
                    name=str(role["name"]),
                    exit=role.get("kind") == "exit",
                    column=column,
                    x=MARGIN + column * COLUMN + COLUMN / 2,
                    y=height - HEADER - (first + row) * PITCH - PITCH / 2,
                )
            )
    return nodes, height


def _state(node: _Node, here: str | None, target: str | None, path: list[str]) -> str:
    if node.id == here:
        return "here"
    if node.id == target:
        return "target"
    if node.id in path:
        return "path"
    return "exit" if node.exit else "role"


def _ladder_title(
    stages: int, by_id: dict[str, _Node], here: str | None, path: list[str], here_label: str
) -> str:
    exits = sum(1 for node in by_id.values() if node.exit)
    text = (
        f"Career ladder diagram: {len(by_id) - exits} roles and {exits} exits in {stages} "
        f"stages, from left to right."
    )
    if here is not None:
        text += f" {here_label}: {by_id[here].name}."
    if len(path) > 1:
        text += " Your path: " + " to ".join(by_id[i].name for i in path) + "."
    return text


_Place = Callable[[float, float], tuple[float, float]]


def _stage_parts(stages: list[dict[str, Any]], height: float, at: _Place) -> list[str]:
    """Each stage's column: every other one shaded (that tells them apart without rules), and
    its name on top."""
    parts = []
    for column, stage in enumerate(stages):
        left = MARGIN + column * COLUMN
        if column % 2 == 0:
            x0, y0 = at(left, height - 0.07)
            parts.append(
                f'<rect x="{number(x0)}" y="{number(y0)}" width="{number(COLUMN * PT)}" '
                f'height="{number((height - FOOTER - 0.02) * PT)}" '
                f'style="{style(fill=BAND, stroke="none")}"/>'
            )
        x, y = at(left + COLUMN / 2, height - 0.1)
        name = wrap_text(str(stage["name"]), width=17, max_lines=2).split("\n")
        parts.append(text_element(x, y, name, LABEL_SIZE, anchor="middle", bold=True))
    return parts


def _box_look(state: str) -> str:
    """The SVG style of a box in ``state`` (see _BOX_STYLE)."""
    look = _BOX_STYLE[state]
    dashes = {"stroke_dasharray": "3.7,1.6"} if look["linestyle"] == "--" else {}
    return style(
        fill=look["facecolor"],
        stroke=look["edgecolor"],
        stroke_width=float(look["linewidth"]),
        **dashes,
    )


def _node_parts(node: _Node, state: str, index: int, here_label: str, at: _Place) -> list[str]:
    """A role's or an exit's box, its name inside, and its badge above when it has one."""
    x0, y0 = at(node.x - BOX_W / 2, node.y + BOX_H / 2)
    box = (
        f'<rect x="{number(x0)}" y="{number(y0)}" width="{number(BOX_W * PT)}" '
        f'height="{number(BOX_H * PT)}" rx="{number(0.08 * PT)}" style="{_box_look(state)}"/>'
    )
    x, y = at(node.x, node.y)
    name = text_element(
        x,
        y,
        wrap_text(node.name, width=14, max_lines=3).split("\n"),
        SMALL_SIZE,
        anchor="middle",
        baseline="middle",
        colour=WHITE if state == "here" else INK,
        bold=state in _BADGES,
        italic=state == "exit",
    )
    parts = [
        group(box, "ladder", f"node-{index}", css_class=f"node {state}", data_id=node.id),
        group(name, "ladder", f"name-{index}", css_class="node-name", data_id=node.id),
    ]
    if state in _BADGES:
        label, colour = _BADGES[state]
        if state == "here":
            label = here_label
        # At the top-left corner: clear of arrows, which meet boxes at the middle or the right.
        size = SMALL_SIZE - 1
        pad = 0.25 * size
        left, bottom = at(node.x - BOX_W / 2 + 0.06, node.y + BOX_H / 2 + 0.07)
        text_w, text_h = text_width([label], size), 1.2 * size
        badge = (
            f'<rect x="{number(left - pad)}" y="{number(bottom - text_h - pad)}" '
            f'width="{number(text_w + 2 * pad)}" height="{number(text_h + 2 * pad)}" '
            f'rx="{number(pad)}" style="{style(fill=colour, stroke="none")}"/>'
        ) + text_element(left, bottom, [label], size, baseline="bottom", colour=WHITE, bold=True)
        parts.append(group(badge, "ladder", f"badge-{state}", css_class="badge", data_for=node.id))
    return parts


def _border(node: _Node, toward: _Node) -> tuple[float, float]:
    """Where the line from ``node``'s centre to ``toward``'s leaves ``node``'s box."""
    dx, dy = toward.x - node.x, toward.y - node.y
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf,
        (BOX_H / 2) / abs(dy) if dy else math.inf,
    )
    return node.x + dx * scale, node.y + dy * scale


def _edge_parts(
    start: _Node, end: _Node, highlighted: bool, at: _Place, nodes: Sequence[_Node] = ()
) -> str:
    colour = PATH_LINE if highlighted else EDGE
    width = 2.6 if highlighted else 0.9
    head = 12 if highlighted else 9
    if end.exit and not highlighted:
        # Exits are reached from many roles: these lines leave from the middle of the right
        # side and merge just left of the exit, where one arrowhead (drawn by ladder_svg)
        # stands for all of them instead of a fan of six.
        a, b = at(start.x + BOX_W / 2, start.y), at(end.x - BOX_W / 2 - PORT, end.y)
        return path_element(
            [a, b], fill="none", stroke=colour, stroke_width=width, stroke_dasharray="3.6,1.8"
        )
    if start.column == end.column:
        # Within a stage (Group PM -> Director): leave from the right side and bend outwards,
        # so the arrow does not run through the boxes between (matplotlib's arc3 curve).
        a, b = at(start.x + BOX_W / 2, start.y), at(end.x + BOX_W / 2, end.y)
        rad = -0.5 if start.y > end.y else 0.5
        # arc3 bends in display space, y up; these points are y down, so the bend flips.
        control = ((a[0] + b[0]) / 2 - rad * (b[1] - a[1]), (a[1] + b[1]) / 2 - rad * (b[0] - a[0]))
        return _arrow(a, b, colour, width, head, control)
    a, b = _border(start, end), _border(end, start)
    between = [n for n in nodes if start.column < n.column < end.column]
    if between and any(_crosses(_straight(a, b), n) for n in between):
        # A step that skips a stage (Product Operations Manager -> Head of Product Operations)
        # would run behind the boxes of the stage between: bend it through the gap between
        # that stage's boxes nearest the straight line, so it never looks like an arrow into
        # the box it passes.
        bend = _detour(a, b, between)
        if bend is not None:
            return _arrow(at(*a), at(*b), colour, width, head, at(*bend))
    return _arrow(at(*a), at(*b), colour, width, head)


def _straight(a: tuple[float, float], b: tuple[float, float]) -> list[tuple[float, float]]:
    return [(a[0] + (b[0] - a[0]) * t / 40, a[1] + (b[1] - a[1]) * t / 40) for t in range(41)]


def _curve(
    a: tuple[float, float], control: tuple[float, float], b: tuple[float, float]
) -> list[tuple[float, float]]:
    points = []
    for step in range(41):
        t = step / 40
        points.append(
            (
                (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * control[0] + t**2 * b[0],
                (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * control[1] + t**2 * b[1],
            )
        )
    return points


def _crosses(points: list[tuple[float, float]], node: _Node) -> bool:
    """Whether any of ``points`` falls inside ``node``'s box (with a small margin)."""
    return any(
        abs(x - node.x) <= BOX_W / 2 + 0.04 and abs(y - node.y) <= BOX_H / 2 + 0.04
        for x, y in points
    )


def _detour(
    a: tuple[float, float], b: tuple[float, float], between: list[_Node]
) -> tuple[float, float] | None:
    """A control point whose curve from ``a`` to ``b`` misses every box ``between``: the
    curve's middle goes through the gap between two boxes (or beside the end ones) nearest the
    straight line; None when no gap works."""
    middle_y = (a[1] + b[1]) / 2
    # Candidate heights for the curve's middle: ever further above and below each box, so a
    # long edge whose ends sit well off the gap can still bend round it.
    gaps = sorted(
        {
            n.y + side * (BOX_H / 2 + clearance)
            for n in between
            for side in (-1, 1)
            for clearance in (0.18, 0.35, 0.55, 0.8, 1.1)
        },
        key=lambda y: abs(y - middle_y),
    )
    for y in gaps:
        middle = ((a[0] + b[0]) / 2, y)
        # A quadratic curve's midpoint is (a + 2c + b) / 4: solve for c.
        control = (2 * middle[0] - (a[0] + b[0]) / 2, 2 * middle[1] - (a[1] + b[1]) / 2)
        if not any(_crosses(_curve(a, control, b), n) for n in between):
            return control
    return None


def _arrow(
    a: tuple[float, float],
    b: tuple[float, float],
    colour: str,
    width: float,
    head: float,
    control: tuple[float, float] | None = None,
) -> str:
    """A line from ``a`` to ``b`` (a quadratic curve through ``control`` when given), both
    ends pulled in by a point, and a filled head at ``b``: matplotlib's "-|>" with
    ``mutation_scale`` ``head`` (its head 0.4 of that long, 0.4 wide)."""
    towards = control or a
    dx, dy = b[0] - towards[0], b[1] - towards[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    tip = (b[0] - ux, b[1] - uy)
    base = (tip[0] - ux * 0.4 * head, tip[1] - uy * 0.4 * head)
    sx, sy = (towards[0] - a[0], towards[1] - a[1]) if control else (dx, dy)
    start_length = math.hypot(sx, sy) or 1.0
    start = (a[0] + sx / start_length, a[1] + sy / start_length)
    line: dict[str, str | float] = {"fill": "none", "stroke": colour, "stroke_width": width}
    if control is None:
        shaft = path_element([start, base], **line)
    else:
        shaft = (
            f'<path d="M {number(start[0])} {number(start[1])} Q {number(control[0])} '
            f'{number(control[1])} {number(base[0])} {number(base[1])}" style="{style(**line)}"/>'
        )
    half = 0.2 * head
    wings = [
        tip,
        (base[0] - uy * half, base[1] + ux * half),
        (base[0] + uy * half, base[1] - ux * half),
    ]
    return shaft + polygon_element(wings, fill=colour, stroke=colour, stroke_width=width)


def _ladder_legend(
    width: float, middle: float, here: bool, path: bool, exits: bool, here_label: str
) -> str:
    """One row under the diagram, centred: a sample of each mark and what it means."""
    entries: list[tuple[str, str]] = []
    if here:
        entries.append(("here", here_label))
    if path:
        entries.append(("path", "On your path"))
    entries.append(("line", "Usual next step"))
    if exits:
        entries.append(("exit", "Move beyond product"))
    handle, gap, spacing = 2 * SMALL_SIZE, 0.8 * SMALL_SIZE, 2 * SMALL_SIZE
    total = sum(handle + gap + text_width([label], SMALL_SIZE) for _, label in entries)
    x = (width - total - spacing * (len(entries) - 1)) / 2
    parts = []
    for key, label in entries:
        if key == "line":
            parts.append(
                path_element(
                    [(x, middle), (x + handle, middle)], fill="none", stroke=EDGE, stroke_width=0.9
                )
            )
        else:
            parts.append(
                f'<rect x="{number(x)}" y="{number(middle - 0.35 * SMALL_SIZE)}" '
                f'width="{number(handle)}" height="{number(0.7 * SMALL_SIZE)}" '
                f'style="{_box_look(key)}"/>'
            )
        parts.append(text_element(x + handle + gap, middle, [label], SMALL_SIZE, baseline="middle"))
        x += handle + gap + text_width([label], SMALL_SIZE) + spacing
    return "".join(parts)
