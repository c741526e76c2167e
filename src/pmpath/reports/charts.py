"""The report's and the pages' charts, as inline SVG strings written directly.

Each chart is laid out here and written as SVG text (pmpath.reports._svg) in 1-3 ms. They were
drawn with matplotlib until issue 15: 100-400 ms a chart, more than a page's whole budget of
100 ms at one user, plus about half a second to import matplotlib on a page's first chart.
The layouts keep the matplotlib figures' sizes (in inches, written in points), fonts and
styles, so the charts look as they did.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable

from pmpath.reports._svg import (
    CHART_COLOURS,
    PT,
    group,
    number,
    path_element,
    polygon_element,
    series_style,
    style,
    svg_document,
    text_element,
    text_width,
)

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


def wrap_text(text: str, width: int, max_lines: int) -> str:
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

    # The geometry of the matplotlib figure it replaced (6.2 x 6.6 inches, the polar axes in
    # the box 0.31-0.69 x 0.26-0.8), in points: small for its labels on purpose, as the chart
    # is scaled down to a phone's width as a whole, so the smaller the figure around 11-point
    # labels, the larger they end up.
    ring = min(0.38 * 6.2, 0.54 * 6.6) / 2  # the outer circle's radius, inches
    centre = (0.5 * 6.2 * PT, (1 - 0.53) * 6.6 * PT)
    angles = [2 * math.pi * index / count for index in range(count)]

    def at(angle: float, level: float) -> tuple[float, float]:
        # The first competency at twelve o'clock and the rest clockwise, as people read.
        radius = level / max_level * ring * PT
        return centre[0] + radius * math.sin(angle), centre[1] - radius * math.cos(angle)

    body = _radar_grid(angles, max_level, at)
    series = (
        ("profile", profile, profile_label, *series_style(0), 0.2),
        ("target", target, target_label, *series_style(1), 0.08),
    )
    for key, values, _, colour, *_style, alpha in series:
        points = [at(angle, value) for angle, value in zip(angles, values, strict=True)]
        body.append(
            group(
                polygon_element(points, fill=colour.lower(), fill_opacity=alpha),
                "radar",
                f"fill-{key}",
            )
        )
    for key, values, _, colour, dash, marker, _alpha in series:
        points = [at(angle, value) for angle, value in zip(angles, values, strict=True)]
        line = path_element(
            [*points, points[0]], fill="none", stroke=colour.lower(), stroke_width=2, **_dash(dash)
        )
        markers = "".join(_marker(marker, point, colour.lower()) for point in points)
        body.append(
            group(line + markers, "radar", f"series-{key}", css_class="series", data_series=key)
        )

    # Four lines, so a long competency name is shown whole ("Analytical thinking and
    # data-driven decisions" needs four at this width; three cut it with an ellipsis).
    texts = [
        f"{wrap_text(label, width=14, max_lines=4)}\n{profile[index]:g} → {target[index]:g}"
        for index, label in enumerate(labels)
    ]
    radii, lowest = _label_radii(angles, texts, ring)
    boxes: list[tuple[float, float, float, float]] = []
    for index, (angle, text, radius) in enumerate(zip(angles, texts, radii, strict=True)):
        if radius > 1.15:
            # Moved out to clear its neighbours: a thin line leads back to its spoke.
            body.append(
                path_element(
                    [at(angle, max_level * 1.02), at(angle, max_level * (radius - 0.03))],
                    fill="none",
                    stroke=GRID,
                    stroke_width=0.6,
                )
            )
        lines = text.split("\n")
        x, y = at(angle, max_level * radius)
        ha, va = _alignment(angle)
        body.append(
            group(
                text_element(x, y, lines, LABEL_SIZE, anchor=_ANCHORS[ha], baseline=_BASELINES[va]),
                "radar",
                f"axis-label-{index}",
                css_class="axis-label",
                data_label=labels[index],
                data_profile=f"{profile[index]:g}",
                data_target=f"{target[index]:g}",
            )
        )
        boxes.append(_text_box(x, y, lines, LABEL_SIZE, ha, va))

    # The legend goes under the lowest label, wherever the layout put it.
    legend, box = _radar_legend(
        centre[0],
        centre[1] + (0.2 - lowest) * PT,
        [(label, colour, dash, marker) for _, _, label, colour, dash, marker, _ in series],
    )
    body.append(legend)
    boxes.append(box)
    edge = ring * PT + 2
    boxes.append((centre[0] - edge, centre[1] - edge, centre[0] + edge, centre[1] + edge))
    title = (
        f"Radar chart of {count} competencies on a scale from 1 to {max_level}: "
        f"{profile_label} (solid line) and {target_label} (dashed line)."
    )
    return svg_document("radar", title, _padded(boxes), body)


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


_ANCHORS = {"left": "start", "right": "end", "center": "middle"}
_BASELINES = {"bottom": "bottom", "top": "top", "center": "middle"}


def _radar_grid(
    angles: list[float], max_level: int, at: Callable[[float, float], tuple[float, float]]
) -> list[str]:
    """The circles at every level, the spokes and the level numbers between the first two
    spokes, each on a light halo that keeps it legible where a series crosses it."""
    centre = at(0, 0)
    parts = []
    for level in range(1, max_level + 1):
        radius = centre[1] - at(0, level)[1]
        # The outer circle is the axes' edge, a little heavier than the grid inside it.
        lines = style(fill="none", stroke=GRID, stroke_width=0.8 if level == max_level else 0.6)
        parts.append(
            f'<circle cx="{number(centre[0])}" cy="{number(centre[1])}" r="{number(radius)}" '
            f'style="{lines}"/>'
        )
    for angle in angles:
        parts.append(
            path_element([centre, at(angle, max_level)], fill="none", stroke=GRID, stroke_width=0.6)
        )
    between = math.pi / len(angles)
    size = SMALL_SIZE - 1
    for level in range(1, max_level + 1):
        x, y = at(between, level)
        half_w, half_h = 0.35 * size, 0.6 * size
        parts.append(
            f'<rect x="{number(x - half_w)}" y="{number(y - half_h)}" width="{number(2 * half_w)}" '
            f'height="{number(2 * half_h)}" rx="{number(0.2 * size)}" '
            f'style="{style(fill=WHITE, fill_opacity=0.75, stroke="none")}"/>'
        )
        parts.append(
            text_element(x, y, [str(level)], size, anchor="middle", baseline="middle", colour=MUTED)
        )
    return parts


def _dash(dash: str, width: float = 2.0) -> dict[str, str | float]:
    """A matplotlib line style as SVG's dash array for a line ``width`` points wide: the same
    patterns, which matplotlib scales with the line's width."""
    patterns = {"--": (3.7, 1.6), ":": (1.0, 1.65), "-.": (6.4, 1.6, 1.0, 1.6)}
    if dash not in patterns:
        return {}
    return {"stroke_dasharray": ",".join(number(part * width) for part in patterns[dash])}


#: Marker outlines on a unit box (-1..1, y down), for the symbols of MARKERS other than "o".
_MARKER_SHAPES: dict[str, list[tuple[float, float]]] = {
    "s": [(-1, -1), (1, -1), (1, 1), (-1, 1)],
    "D": [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)],
    "^": [(0, -1.2), (1.1, 0.9), (-1.1, 0.9)],
    "v": [(0, 1.2), (1.1, -0.9), (-1.1, -0.9)],
    "P": [
        (-0.35, -1),
        (0.35, -1),
        (0.35, -0.35),
        (1, -0.35),
        (1, 0.35),
        (0.35, 0.35),
        (0.35, 1),
        (-0.35, 1),
        (-0.35, 0.35),
        (-1, 0.35),
        (-1, -0.35),
        (-0.35, -0.35),
    ],
    "X": [
        (-1, -0.6),
        (-0.6, -1),
        (0, -0.4),
        (0.6, -1),
        (1, -0.6),
        (0.4, 0),
        (1, 0.6),
        (0.6, 1),
        (0, 0.4),
        (-0.6, 1),
        (-1, 0.6),
        (-0.4, 0),
    ],
    "h": [
        (math.cos(math.pi / 6 + k * math.pi / 3), math.sin(math.pi / 6 + k * math.pi / 3))
        for k in range(6)
    ],
    "*": [
        (
            (1.25 if k % 2 == 0 else 0.5) * math.sin(k * math.pi / 5),
            -(1.25 if k % 2 == 0 else 0.5) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ],
}


def _marker(marker: str, point: tuple[float, float], colour: str) -> str:
    """A marker about 5 points wide at ``point``, in the shape matplotlib draws for ``marker``
    (one of MARKERS)."""
    x, y = point
    if marker == "o":
        return (
            f'<circle cx="{number(x)}" cy="{number(y)}" r="2.5" '
            f'style="{style(fill=colour, stroke=colour, stroke_width=1)}"/>'
        )
    corners = [(x + 2.5 * dx, y + 2.5 * dy) for dx, dy in _MARKER_SHAPES[marker]]
    return polygon_element(corners, fill=colour, stroke=colour, stroke_width=1)


def _radar_legend(
    middle: float, top: float, entries: list[tuple[str, str, str, str]]
) -> tuple[str, tuple[float, float, float, float]]:
    """The legend, centred on ``middle`` with its top at ``top``: a title, then each series'
    line sample (3 ems, with its marker) and name; and the box it takes."""
    title = "By each competency: your level → expected level"
    handle, gap = 3 * LABEL_SIZE, 0.8 * LABEL_SIZE
    rows_width = handle + gap + text_width([label for label, *_ in entries], LABEL_SIZE)
    width = max(text_width([title], SMALL_SIZE), rows_width)
    parts = [text_element(middle, top, [title], SMALL_SIZE, anchor="middle")]
    left = middle - rows_width / 2
    y = top + 1.6 * SMALL_SIZE
    for label, colour, dash, marker in entries:
        row_middle = y + 0.6 * LABEL_SIZE
        parts.append(
            path_element(
                [(left, row_middle), (left + handle, row_middle)],
                fill="none",
                stroke=colour.lower(),
                stroke_width=2,
                **_dash(dash),
            )
        )
        parts.append(_marker(marker, (left + handle / 2, row_middle), colour.lower()))
        parts.append(text_element(left + handle + gap, y, [label], LABEL_SIZE))
        y += 1.5 * LABEL_SIZE
    return "".join(parts), (middle - width / 2, top, middle + width / 2, y)


def _text_box(
    x: float, y: float, lines: list[str], size: float, ha: str, va: str
) -> tuple[float, float, float, float]:
    """The estimated box (left, top, right, bottom) of text placed as text_element places it."""
    width, height = text_width(lines, size), 1.2 * size * len(lines)
    left = x if ha == "left" else x - width if ha == "right" else x - width / 2
    top = y if va == "top" else y - height if va == "bottom" else y - height / 2
    return left, top, left + width, top + height


def _padded(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    """The viewBox around ``boxes``, with matplotlib's tight-box pad of 0.05 inches."""
    pad = 0.05 * PT
    left = min(box[0] for box in boxes) - pad
    top = min(box[1] for box in boxes) - pad
    return (
        left,
        top,
        max(box[2] for box in boxes) + pad - left,
        max(box[3] for box in boxes) + pad - top,
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
    ordered = sorted(series.items())
    # The plot keeps the matplotlib figure's size, 4.3 x 2.05 inches inside a 5-inch chart:
    # the legend, one series a row, grows the chart downwards instead of squeezing the plot.
    left, right, top, bottom = 0.55 * PT, 4.85 * PT, 0.1 * PT, 2.15 * PT
    longest = max(len(values) for _, values in ordered)
    last = max(longest, 2) + 0.2

    def at(attempt: float, score: float) -> tuple[float, float]:
        x = left + (attempt - 0.8) / (last - 0.8) * (right - left)
        return x, bottom - score / 100 * (bottom - top)

    axis: dict[str, str | float] = {"fill": "none", "stroke": INK, "stroke_width": 0.8}
    grid: dict[str, str | float] = {"fill": "none", "stroke": GRID, "stroke_width": 0.6}
    body: list[str] = []
    for score in range(0, 101, 20):
        _, y = at(0.8, score)
        body.append(path_element([(left, y), (right, y)], **grid))
        body.append(path_element([(left - 3.5, y), (left, y)], **axis))
        body.append(
            text_element(
                left - 5.5,
                y,
                [str(score)],
                SMALL_SIZE,
                anchor="end",
                baseline="middle",
                colour=MUTED,
            )
        )
    for attempt in range(1, longest + 1):
        x, _ = at(attempt, 0)
        body.append(path_element([(x, top), (x, bottom)], **grid))
        body.append(path_element([(x, bottom), (x, bottom + 3.5)], **axis))
        body.append(
            text_element(x, bottom + 5.5, [str(attempt)], SMALL_SIZE, anchor="middle", colour=MUTED)
        )
    body.append(path_element([(left, top), (left, bottom), (right, bottom)], **axis))
    body.append(
        text_element(
            (left + right) / 2, bottom + 22, ["Attempt"], SMALL_SIZE, anchor="middle", colour=MUTED
        )
    )
    middle = (top + bottom) / 2
    body.append(
        f'<g transform="rotate(-90 {number(left - 30)} {number(middle)})">'
        + text_element(
            left - 30,
            middle,
            ["Score (%)"],
            SMALL_SIZE,
            anchor="middle",
            baseline="bottom",
            colour=MUTED,
        )
        + "</g>"
    )

    # The legend carries the values: each series' name and scores, wrapped so it is no wider
    # than the plot and the chart keeps its size (and its text) when scaled to a phone.
    handle, gap = 3.2 * SMALL_SIZE, 0.8 * SMALL_SIZE
    y = bottom + 42  # below the "Attempt" label, with a gap
    widest = right + 0.12 * PT
    for index, (name, values) in enumerate(ordered):
        colour, dash, marker = series_style(index)
        colour = colour.lower()
        line = path_element(
            [at(attempt, value) for attempt, value in enumerate(values, start=1)],
            fill="none",
            stroke=colour,
            stroke_width=1.8,
            **_dash(dash, 1.8),
        )
        markers = "".join(
            _marker(marker, at(attempt, value), colour)
            for attempt, value in enumerate(values, start=1)
        )
        body.append(
            group(line + markers, "trend", f"line-{index}", css_class="series", data_series=name)
        )
        lines = wrap_text(f"{name}: {_scores(values)}", width=40, max_lines=3).split("\n")
        row_middle = y + 0.6 * SMALL_SIZE
        x = 0.1 * PT
        body.append(
            path_element(
                [(x, row_middle), (x + handle, row_middle)],
                fill="none",
                stroke=colour,
                stroke_width=1.8,
                **_dash(dash, 1.8),
            )
        )
        body.append(_marker(marker, (x + handle / 2, row_middle), colour))
        body.append(text_element(x + handle + gap, y, lines, SMALL_SIZE))
        widest = max(widest, x + handle + gap + text_width(lines, SMALL_SIZE))
        y += (1.2 * len(lines) + 0.5) * SMALL_SIZE
    # The rotated axis label stands left of x = 0; the box starts where it does.
    origin = left - 30 - 1.2 * SMALL_SIZE - 0.05 * PT
    box = (origin, 0.0, widest + 0.05 * PT - origin, y + 0.05 * PT)
    return svg_document("trend", title, box, body)


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
    # Layout in inches, as the figure it replaced: 4.6 wide, the x scale -1..116 across it
    # (room right of a full bar for its value), rows of a label line, the bar and a gap.
    width, row = 4.6 * PT, 0.62 * PT
    top = (0.45 if mark is not None else 0.1) * PT
    height = top + row * len(labels)

    def x(percent: float) -> float:
        return (percent + 1) * width / 117

    body: list[str] = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row
        bar_top, bar_height = y + 0.27 * PT, 0.24 * PT
        body.append(text_element(x(0), y + 0.02 * PT, [label], LABEL_SIZE))
        body.append(
            polygon_element(
                _box(x(0), bar_top, x(100), bar_top + bar_height),
                fill=BAND,
                stroke=GRID,
                stroke_width=0.6,
                stroke_linejoin="miter",
            )
        )
        filled = _box(x(0), bar_top, x(max(0.0, min(100.0, value))), bar_top + bar_height)
        body.append(
            group(
                polygon_element(filled, fill=CHART_COLOURS[0].lower()),
                "bars",
                f"bar-{index}",
                css_class="bar",
                data_label=label,
                data_value=f"{value:g}",
            )
        )
        body.append(
            text_element(
                x(101.5),
                bar_top + bar_height / 2,
                [f"{value:.3g}%" if value < 100 else "100%"],
                LABEL_SIZE,
                baseline="middle",
                bold=True,
            )
        )
    if mark is not None:
        dashes: dict[str, str | float] = {
            "stroke_dasharray": "4.2,2.8",
            "stroke": INK,
            "stroke_width": 1.4,
            "fill": "none",
        }
        for index in range(len(labels)):
            # Across each bar only, not through the labels above them.
            bar_top = top + index * row + 0.27 * PT
            body.append(
                path_element(
                    [(x(mark), bar_top - 0.07 * PT), (x(mark), bar_top + 0.31 * PT)], **dashes
                )
            )
        anchor = "middle" if 15 < mark < 85 else ("start" if mark <= 15 else "end")
        body.append(
            text_element(
                x(mark),
                top - 0.06 * PT,
                [f"{mark_label} {mark:g}%"],
                SMALL_SIZE,
                anchor=anchor,
                baseline="bottom",
            )
        )
    # Wide enough for the longest label, which runs across the chart above its bar.
    widest = max(width, x(0) + text_width(labels, LABEL_SIZE) + 4)
    return svg_document("bars", title, (0, 0, widest, height + 0.05 * PT), body)


def _box(left: float, top: float, right: float, bottom: float) -> list[tuple[float, float]]:
    return [(left, top), (right, top), (right, bottom), (left, bottom)]
