"""The report's charts, as SVG strings drawn with matplotlib.

matplotlib is imported inside each function: importing it costs more than the rest of the CLI's
start-up together, and only ``pmpath report`` needs it. Figures are plain
:class:`matplotlib.figure.Figure` objects, never pyplot, so no GUI backend or figure registry
is involved; :func:`pmpath.reports._svg.drawing` serialises the one global, rcParams.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from pmpath.reports._svg import CHART_COLOURS, drawing, inline_svg, series_style

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

# Colours, chosen for WCAG AA: text colours reach 4.5:1 on their background, lines and borders
# reach 3:1 on white. Series take theirs from the one palette (CHART_COLOURS); the rest are
# greys for text, grids and bands. Meaning never rests on colour alone: the series differ in
# line style and marker, and the ladder adds borders and text badges.
INK = "#111827"
MUTED = "#4b5563"
GRID = "#9ca3af"
EDGE = "#6b7280"
BAND = "#f3f4f6"
YOU = CHART_COLOURS[0]  # blue, 5.2:1: white text on it passes too
TARGET = CHART_COLOURS[1]  # vermillion
PATH_FILL = "#fde8d9"  # a tint of the vermillion, for boxes on the path
PATH_LINE = "#a84900"  # the vermillion darkened to 5.5:1, for white badge text on it
WHITE = "#ffffff"

#: Font sizes in points. Charts are scaled to fit their column, so what a reader sees depends on
#: the size of a label relative to the chart's width: these are chosen with the figure sizes so
#: that on a 390 px phone, where a chart is about 360 px wide, labels still render at 9-11 px.
LABEL_SIZE = 11
SMALL_SIZE = 10


def _wrap(text: str, width: int, max_lines: int) -> str:
    """``text`` broken into at most ``max_lines`` lines of about ``width`` characters."""
    # Words are never split: a name broken mid-word ("Experimentatio / n") is harder to read
    # than a line a little over ``width``.
    lines = textwrap.wrap(text, width=width, break_on_hyphens=False, break_long_words=False)
    lines = lines or [""]
    if len(lines) > max_lines:
        lines = [
            *lines[: max_lines - 1],
            textwrap.shorten(" ".join(lines[max_lines - 1 :]), width, placeholder=" …"),
        ]
    return "\n".join(lines)


# --- radar -------------------------------------------------------------------------------------


def radar_svg(
    labels: list[str],
    profile: list[float],
    target: list[float],
    max_level: int,
    profile_label: str,
    target_label: str,
) -> str:
    """A radar chart of ``profile`` against ``target``, one spoke per label, as inline SVG.

    The radius runs from 0 to ``max_level`` with a gridline at every level 1..``max_level``.
    ``profile`` is a solid filled polygon with round markers, ``target`` a dashed one with square
    markers; a legend names them with ``profile_label`` and ``target_label``. Each spoke's label
    names its competency and, on a line of its own, both values ("2 → 3": the profile's level,
    then the target's), so the chart can be read without judging distances on the spokes; it
    is an element with class ``axis-label``, ``data-label``, ``data-profile`` and
    ``data-target``. The series are groups with class ``series`` and ``data-series``
    "profile" or "target". Same input, same bytes.

    Raises :class:`ValueError` when the lists differ in length, there are fewer than three
    labels (a radar needs an area) or ``max_level`` is below 1.
    """
    count = len(labels)
    if count < 3 or len(profile) != count or len(target) != count:
        raise ValueError(
            f"a radar needs at least 3 labels and one value per label for both series; got "
            f"{count} labels, {len(profile)} profile and {len(target)} target values"
        )
    if max_level < 1:
        raise ValueError(f"max_level must be at least 1, got {max_level}")

    from matplotlib.figure import Figure as _Figure

    with drawing():
        # Small for its labels on purpose: the chart is scaled down to a phone's width as a
        # whole, so the smaller the figure around 11-point labels, the larger they end up.
        fig = _Figure(figsize=(6.2, 6.6))
        fig.subplots_adjust(left=0.31, right=0.69, top=0.8, bottom=0.26)
        ax = cast("PolarAxes", fig.add_subplot(projection="polar"))
        ax.set_theta_offset(math.pi / 2)  # first competency at twelve o'clock ...
        ax.set_theta_direction(-1)  # ... and the rest clockwise, as people read
        angles = [2 * math.pi * index / count for index in range(count)]
        ax.set_ylim(0, max_level)
        ax.set_yticks(range(1, max_level + 1))
        ax.set_yticklabels([str(level) for level in range(1, max_level + 1)])
        ax.tick_params(axis="y", labelsize=SMALL_SIZE - 1, labelcolor=MUTED)
        for tick in ax.yaxis.get_ticklabels():
            # A light halo keeps the level numbers legible where a series crosses them.
            tick.set_bbox(
                {
                    "boxstyle": "round,pad=0.1",
                    "facecolor": WHITE,
                    "alpha": 0.75,
                    "edgecolor": "none",
                }
            )
        ax.set_rlabel_position(180 / count)  # level numbers between the first two spokes
        ax.set_xticks(angles)
        ax.set_xticklabels([])  # drawn below, aligned away from the circle
        ax.grid(color=GRID, linewidth=0.6)
        ax.spines["polar"].set_color(GRID)

        closed = [*angles, angles[0]]
        series = (
            ("profile", profile, profile_label, *series_style(0), 0.2),
            ("target", target, target_label, *series_style(1), 0.08),
        )
        for key, values, label, colour, style, marker, alpha in series:
            ring = [*values, values[0]]
            ax.fill(closed, ring, color=colour, alpha=alpha, gid=f"fill-{key}", zorder=2)
            ax.plot(
                closed,
                ring,
                color=colour,
                linewidth=2,
                linestyle=style,
                marker=marker,
                markersize=5,
                label=label,
                gid=f"series-{key}",
                zorder=3,
            )
        texts = [
            f"{_wrap(label, width=14, max_lines=3)}\n{profile[index]:g} → {target[index]:g}"
            for index, label in enumerate(labels)
        ]
        box = ax.get_position()
        height = fig.get_figheight()
        outer = min(box.width * fig.get_figwidth(), box.height * height) / 2
        radii, lowest = _label_radii(angles, texts, outer)
        for index, (angle, text, radius) in enumerate(zip(angles, texts, radii, strict=True)):
            if radius > 1.15:
                # Moved out to clear its neighbours: a thin line leads back to its spoke.
                ax.plot(
                    [angle, angle],
                    [max_level * 1.02, max_level * (radius - 0.03)],
                    color=GRID,
                    linewidth=0.6,
                    zorder=1,
                    clip_on=False,  # outside the axes' radius, where the labels are
                )
            _radar_label(ax, angle, max_level * radius, text, f"axis-label-{index}")
        # The legend goes under the lowest label, wherever the layout put it.
        centre = (box.y0 + box.height / 2) * height
        fig.legend(
            loc="upper center",
            ncol=1,
            frameon=False,
            fontsize=LABEL_SIZE,
            bbox_to_anchor=(0.5, (centre + lowest - 0.2) / height),
            handlelength=3,
            title="By each competency: your level → expected level",
            title_fontsize=SMALL_SIZE,
        )
        title = (
            f"Radar chart of {count} competencies on a scale from 1 to {max_level}: "
            f"{profile_label} (solid line) and {target_label} (dashed line)."
        )
        attributes = {
            f"axis-label-{index}": {
                "class": "axis-label",
                "data-label": label,
                "data-profile": f"{profile[index]:g}",
                "data-target": f"{target[index]:g}",
            }
            for index, label in enumerate(labels)
        }
        for key, *_ in series:
            attributes[f"series-{key}"] = {"class": "series", "data-series": key}
        return inline_svg(fig, prefix="radar", title=title, attributes=attributes)


def _alignment(angle: float) -> tuple[str, str]:
    """Where a label at ``angle`` is anchored: it grows away from the circle, left-aligned on
    the right half, right-aligned on the left, centred at the top and bottom."""
    x, y = math.sin(angle), math.cos(angle)
    ha = "left" if x > 0.05 else "right" if x < -0.05 else "center"
    va = "bottom" if y > 0.05 else "top" if y < -0.05 else "center"
    return ha, va


def _label_radii(angles: list[float], texts: list[str], ring: float) -> tuple[list[float], float]:
    """How far out each label stands, in radii of the chart's ring (``ring`` inches): 1.1,
    or further where it would overlap a label placed before it; and how far below the centre
    the lowest label reaches (inches, negative).

    With many spokes neighbouring labels collide (at the top and bottom they sit side by
    side); each is moved outwards along its spoke until its box, estimated from its lines and
    the font size, is clear of the others. Deterministic: same labels, same places.
    """
    size = LABEL_SIZE / 72  # inches
    placed: list[tuple[float, float, float, float]] = []
    radii = []
    for angle, text in zip(angles, texts, strict=True):
        lines = text.split("\n")
        width = max(len(line) for line in lines) * 0.6 * size
        height = len(lines) * 1.25 * size
        ha, va = _alignment(angle)
        radius = 1.1
        while True:
            x = radius * ring * math.sin(angle)
            y = radius * ring * math.cos(angle)
            left = x if ha == "left" else x - width if ha == "right" else x - width / 2
            bottom = y if va == "bottom" else y - height if va == "top" else y - height / 2
            candidate = (left, bottom, left + width, bottom + height)
            if radius > 2.5 or not any(_overlap(candidate, other) for other in placed):
                break
            radius += 0.04
        placed.append(candidate)
        radii.append(radius)
    return radii, min(min(box[1] for box in placed), -ring)


def _overlap(
    one: tuple[float, float, float, float], two: tuple[float, float, float, float]
) -> bool:
    pad = 0.03  # inches between labels
    return not (
        one[2] + pad <= two[0]
        or two[2] + pad <= one[0]
        or one[3] + pad <= two[1]
        or two[3] + pad <= one[1]
    )


def _radar_label(ax: Axes, angle: float, radius: float, text: str, gid: str) -> None:
    ha, va = _alignment(angle)
    ax.text(
        angle,
        radius,
        text,
        ha=ha,
        va=va,
        multialignment=ha,
        fontsize=LABEL_SIZE,
        color=INK,
        gid=gid,
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

    from matplotlib.figure import Figure as _Figure

    with drawing():
        fig = _Figure(figsize=(width, height))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(0, height)
        ax.set_axis_off()
        _draw_stages(ax, ladder["stages"], height)

        attributes: dict[str, dict[str, str]] = {}
        for index, node in enumerate(nodes):
            state = _state(node, here, target, path)
            _draw_node(ax, node, state, index, here_label)
            attributes[f"node-{index}"] = {"class": f"node {state}", "data-id": node.id}
            attributes[f"name-{index}"] = {"class": "node-name", "data-id": node.id}
            if state in _BADGES:
                attributes[f"badge-{state}"] = {"class": "badge", "data-for": node.id}

        merged: set[str] = set()
        for index, (start, end) in enumerate(edges):
            highlighted = (start, end) in on_path
            if by_id[end].exit and not highlighted:
                merged.add(end)
            _draw_edge(ax, by_id[start], by_id[end], highlighted, index)
            attributes[f"edge-{index}"] = {
                "class": "edge on-path" if highlighted else "edge",
                "data-from": start,
                "data-to": end,
            }
        _draw_exit_ports(ax, [by_id[i] for i in sorted(merged)])

        _ladder_legend(
            fig, here is not None, len(path) > 1, any(node.exit for node in nodes), here_label
        )
        return inline_svg(
            fig,
            prefix="ladder",
            title=_ladder_title(len(ladder["stages"]), by_id, here, path, here_label),
            attributes=attributes,
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


def _draw_stages(ax: Axes, stages: list[dict[str, Any]], height: float) -> None:
    from matplotlib.patches import Rectangle

    for column, stage in enumerate(stages):
        left = MARGIN + column * COLUMN
        if column % 2 == 0:
            # Alternate shading tells the columns apart without rules between them.
            ax.add_patch(
                Rectangle(
                    (left, FOOTER - 0.05),
                    COLUMN,
                    height - FOOTER - 0.02,
                    facecolor=BAND,
                    edgecolor="none",
                    zorder=0,
                )
            )
        ax.text(
            left + COLUMN / 2,
            height - 0.1,
            _wrap(str(stage["name"]), width=17, max_lines=2),
            ha="center",
            va="top",
            fontsize=LABEL_SIZE,
            fontweight="bold",
            color=INK,
        )


def _draw_node(ax: Axes, node: _Node, state: str, index: int, here_label: str) -> None:
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (node.x - BOX_W / 2, node.y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0,rounding_size=0.08",
            zorder=3,
            gid=f"node-{index}",
            **_BOX_STYLE[state],
        )
    )
    ax.text(
        node.x,
        node.y,
        _wrap(node.name, width=14, max_lines=3),
        ha="center",
        va="center",
        multialignment="center",
        fontsize=SMALL_SIZE,
        fontweight="bold" if state in _BADGES else "normal",
        fontstyle="italic" if state == "exit" else "normal",
        color=WHITE if state == "here" else INK,
        zorder=4,
        gid=f"name-{index}",
    )
    if state in _BADGES:
        label, colour = _BADGES[state]
        if state == "here":
            label = here_label
        # At the top-left corner: clear of arrows, which meet boxes at the middle or the right.
        ax.text(
            node.x - BOX_W / 2 + 0.06,
            node.y + BOX_H / 2 + 0.07,
            label,
            ha="left",
            va="bottom",
            fontsize=SMALL_SIZE - 1,
            fontweight="bold",
            color=WHITE,
            bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": "none"},
            zorder=5,
            gid=f"badge-{state}",
        )


def _border(node: _Node, toward: _Node) -> tuple[float, float]:
    """Where the line from ``node``'s centre to ``toward``'s leaves ``node``'s box."""
    dx, dy = toward.x - node.x, toward.y - node.y
    # Computed rather than left to matplotlib's patch clipping, which costs a second per chart.
    scale = min(
        (BOX_W / 2) / abs(dx) if dx else math.inf,
        (BOX_H / 2) / abs(dy) if dy else math.inf,
    )
    return node.x + dx * scale, node.y + dy * scale


def _draw_edge(ax: Axes, start: _Node, end: _Node, highlighted: bool, index: int) -> None:
    from matplotlib.patches import FancyArrowPatch

    style: dict[str, Any] = {
        "color": PATH_LINE if highlighted else EDGE,
        "linewidth": 2.6 if highlighted else 0.9,
        "zorder": 2.5 if highlighted else 1,
        "gid": f"edge-{index}",
        "arrowstyle": "-|>",
        "mutation_scale": 12 if highlighted else 9,
        "shrinkA": 1,
        "shrinkB": 1,
    }
    if end.exit and not highlighted:
        # Exits are reached from many roles: these lines leave from the middle of the right
        # side and merge just left of the exit, where one arrowhead (_draw_exit_ports) stands
        # for all of them instead of a fan of six.
        pos_a, pos_b = (start.x + BOX_W / 2, start.y), (end.x - BOX_W / 2 - PORT, end.y)
        style |= {"arrowstyle": "-", "shrinkA": 0, "shrinkB": 0, "linestyle": (0, (4, 2))}
    elif start.column == end.column:
        # Within a stage (Group PM -> Director): leave from the right side and bend outwards,
        # so the arrow does not run through the boxes between.
        pos_a, pos_b = (start.x + BOX_W / 2, start.y), (end.x + BOX_W / 2, end.y)
        style["connectionstyle"] = f"arc3,rad={-0.5 if start.y > end.y else 0.5}"
    else:
        pos_a, pos_b = _border(start, end), _border(end, start)
    ax.add_patch(FancyArrowPatch(pos_a, pos_b, **style))


def _draw_exit_ports(ax: Axes, exits: list[_Node]) -> None:
    from matplotlib.patches import FancyArrowPatch

    for node in exits:
        ax.add_patch(
            FancyArrowPatch(
                (node.x - BOX_W / 2 - PORT, node.y),
                (node.x - BOX_W / 2, node.y),
                arrowstyle="-|>",
                mutation_scale=9,
                shrinkA=0,
                shrinkB=1,
                color=EDGE,
                linewidth=0.9,
                zorder=1,
            )
        )


def _ladder_legend(fig: Figure, here: bool, path: bool, exits: bool, here_label: str) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    if here:
        handles.append(Patch(label=here_label, **_BOX_STYLE["here"]))
    if path:
        handles.append(Patch(label="On your path", **_BOX_STYLE["path"]))
    handles.append(Line2D([], [], color=EDGE, linewidth=0.9, label="Usual next step"))
    if exits:
        handles.append(Patch(label="Move beyond product", **_BOX_STYLE["exit"]))
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        frameon=False,
        fontsize=SMALL_SIZE,
        bbox_to_anchor=(0.5, 0.0),
    )


def trend_svg(series: dict[str, list[float]], title: str) -> str:
    """Scores (0-100) over successive attempts, one line per series, as inline SVG.

    Each series is a list of percents, oldest first; series may differ in length (a domain
    that was not asked in every attempt). Every series has its own colour and dash pair and
    its own marker (:func:`pmpath.reports._svg.series_style`), so no two lines look alike even
    past eight series; each line is a group with class ``series`` and ``data-series``. The
    legend carries the values as text: each series' name with its scores, the last four
    attempts at most ("Metrics: 30% → 80%"), so the chart can be read without judging
    heights. Same input, same bytes.
    """
    if not series:
        raise ValueError("a trend chart needs at least one series")
    from matplotlib.figure import Figure as _Figure

    ordered = sorted(series.items())
    with drawing():
        # The legend, one series a line, grows the figure downwards instead of squeezing the
        # plot: its height is reserved in inches.
        plot_height, line_height = 2.6, 0.24
        legend_height = 0.5 + line_height * len(ordered)
        fig = _Figure(figsize=(5.0, plot_height + legend_height))
        fig.subplots_adjust(
            left=0.11,
            right=0.97,
            top=1 - 0.1 / (plot_height + legend_height),
            bottom=(legend_height + 0.45) / (plot_height + legend_height),
        )
        ax = fig.add_subplot()
        longest = max(len(values) for _, values in ordered)
        for index, (name, values) in enumerate(ordered):
            colour, dash, marker = series_style(index)
            ax.plot(
                range(1, len(values) + 1),
                values,
                color=colour,
                linestyle=dash,
                marker=marker,
                linewidth=1.8,
                markersize=5,
                # Wrapped, so the legend is no wider than the plot and the chart keeps its
                # size (and its text) when scaled to a phone.
                label=_wrap(f"{name}: {_scores(values)}", width=40, max_lines=3),
                gid=f"line-{index}",
            )
        ax.set_ylim(0, 100)
        ax.set_xlim(0.8, max(longest, 2) + 0.2)
        ax.set_xticks(range(1, longest + 1))
        ax.tick_params(labelsize=SMALL_SIZE, labelcolor=MUTED)
        ax.set_xlabel("Attempt", color=MUTED, fontsize=SMALL_SIZE)
        ax.set_ylabel("Score (%)", color=MUTED, fontsize=SMALL_SIZE)
        ax.grid(color=GRID, linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        fig.legend(
            loc="upper left",
            bbox_to_anchor=(0.02, legend_height / (plot_height + legend_height)),
            ncol=1,
            frameon=False,
            fontsize=SMALL_SIZE,
            handlelength=3.2,
        )
        attributes = {
            f"line-{index}": {"class": "series", "data-series": name}
            for index, (name, _) in enumerate(ordered)
        }
        return inline_svg(fig, prefix="trend", title=title, attributes=attributes)


def _scores(values: list[float], shown: int = 4) -> str:
    """``[30, 55.5, 80]`` -> "30% → 55.5% → 80%"; only the last ``shown``, after "…"."""
    text = " → ".join(f"{value:.3g}%" if value < 100 else "100%" for value in values[-shown:])
    return f"… {text}" if len(values) > shown else text


# --- per-domain bars ---------------------------------------------------------------------------


def bars_svg(
    labels: list[str],
    values: list[float],
    title: str,
    mark: float | None = None,
    mark_label: str = "Pass mark",
) -> str:
    """Percentages (0-100) as horizontal bars, one per label, as inline SVG.

    Each row has its label above the bar, across the chart's width (so long names need no
    room beside the bars and the chart stays narrow enough for a phone), and the value as
    text at the bar's end. ``mark``, when given, is a dashed vertical line across every bar
    named "``mark_label`` N%". Each bar is a group with class ``bar``, ``data-label`` and
    ``data-value``. Same input, same bytes.

    Raises :class:`ValueError` when there are no bars or the lists differ in length.
    """
    if not labels or len(labels) != len(values):
        raise ValueError(
            f"a bar chart needs at least one label and one value per label; got "
            f"{len(labels)} labels and {len(values)} values"
        )
    from matplotlib.figure import Figure as _Figure
    from matplotlib.patches import Rectangle

    colour = CHART_COLOURS[0]
    row = 0.62  # inches per bar: a line of label, the bar, a gap
    top = 0.45 if mark is not None else 0.1
    height = top + row * len(labels)
    with drawing():
        fig = _Figure(figsize=(4.6, height))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(-1, 116)  # room right of a full bar for its value
        ax.set_ylim(height, 0)  # in inches from the top, so rows keep their size
        ax.set_axis_off()
        attributes: dict[str, dict[str, str]] = {}
        for index, (label, value) in enumerate(zip(labels, values, strict=True)):
            y = top + index * row
            ax.text(0, y + 0.02, label, ha="left", va="top", fontsize=LABEL_SIZE, color=INK)
            bar_top, bar_height = y + 0.27, 0.24
            ax.add_patch(
                Rectangle((0, bar_top), 100, bar_height, facecolor=BAND, edgecolor=GRID, lw=0.6)
            )
            ax.add_patch(
                Rectangle(
                    (0, bar_top),
                    max(0.0, min(100.0, value)),
                    bar_height,
                    facecolor=colour,
                    edgecolor="none",
                    gid=f"bar-{index}",
                )
            )
            ax.text(
                101.5,
                bar_top + bar_height / 2,
                f"{value:.3g}%" if value < 100 else "100%",
                ha="left",
                va="center",
                fontsize=LABEL_SIZE,
                fontweight="bold",
                color=INK,
            )
            attributes[f"bar-{index}"] = {
                "class": "bar",
                "data-label": label,
                "data-value": f"{value:g}",
            }
        if mark is not None:
            # Across each bar only, not through the labels above them.
            for index in range(len(labels)):
                bar_top = top + index * row + 0.27
                ax.plot(
                    [mark, mark],
                    [bar_top - 0.07, bar_top + 0.31],
                    color=INK,
                    linestyle=(0, (3, 2)),
                    linewidth=1.4,
                )
            ax.text(
                mark,
                top - 0.06,
                f"{mark_label} {mark:g}%",
                ha="center" if 15 < mark < 85 else ("left" if mark <= 15 else "right"),
                va="bottom",
                fontsize=SMALL_SIZE,
                color=INK,
            )
        return inline_svg(fig, prefix="bars", title=title, attributes=attributes)
