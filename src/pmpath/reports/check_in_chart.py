"""The check-in page's chart: each goal's status at each check-in, as inline SVG written
directly (as in :mod:`pmpath.reports.charts`).

One row per goal, one column per check-in (the newest ``MOST_CHECK_INS``), a marker where the
goal was discussed. Meaning never rests on colour alone: each status has its own shape and a
legend names them; the page lists the same statuses as text beside the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pmpath.reports._svg import (
    CHART_COLOURS,
    number,
    path_element,
    polygon_element,
    svg_document,
    text_element,
)
from pmpath.reports.charts import wrap_text
from pmpath.services.models.check_ins import STATUS_NAMES, GoalHistory

#: How many check-ins the chart shows at most (the newest); older ones stay in the list.
MOST_CHECK_INS = 8
INK = "#111827"
MUTED = "#4b5563"
GRID = "#9ca3af"
WHITE = "#ffffff"
#: Status -> (colour, shape): WCAG AA colours of the one palette, and a distinct shape each.
MARKS = {
    "not-started": (MUTED, "ring"),
    "on-track": (CHART_COLOURS[0], "circle"),
    "at-risk": (CHART_COLOURS[1], "triangle"),
    "done": ("#007a5a", "square"),
}
LABEL_WIDTH = 150.0
COLUMN = 64.0
ROW = 40.0
TOP = 34.0
SIZE = 11.0
SMALL = 10.0
RADIUS = 7.0
#: How much larger than its own size the chart may be drawn.
ZOOM = 1.2


def check_in_chart(history: Sequence[GoalHistory]) -> str | None:
    """The chart of ``history`` (each goal with its statuses, oldest first); None when no goal
    has been discussed at a check-in yet."""
    days = sorted({status.held_on for entry in history for status in entry.statuses})
    if not days:
        return None
    days = days[-MOST_CHECK_INS:]
    rows = [entry for entry in history if any(s.held_on in days for s in entry.statuses)]
    width = LABEL_WIDTH + COLUMN * len(days) + 8
    legend_top = TOP + ROW * len(rows) + 10
    height = legend_top + 24
    column = {day: LABEL_WIDTH + COLUMN * (index + 0.5) for index, day in enumerate(days)}
    body: list[str] = []
    for day, x in column.items():
        body.append(text_element(x, 4, _day(day), SMALL, anchor="middle", colour=MUTED))
        body.append(
            path_element([(x, TOP - 6), (x, legend_top - 6)], stroke=GRID, stroke_width=0.5)
        )
    for index, entry in enumerate(rows):
        y = TOP + ROW * (index + 0.5)
        label = wrap_text(entry.goal.title, 22, 2).split("\n")
        body.append(text_element(4, y, label, SIZE, baseline="middle", colour=INK))
        points = [(column[s.held_on], y) for s in entry.statuses if s.held_on in column]
        if len(points) > 1:
            body.append(path_element(points, fill="none", stroke=GRID, stroke_width=1.5))
        for step in entry.statuses:
            if step.held_on in column:
                body.append(_mark(step.status, column[step.held_on], y))
    x = 4.0
    for key, name in STATUS_NAMES.items():
        body.append(_mark(key, x + RADIUS, legend_top + 9))
        body.append(
            text_element(
                x + 2 * RADIUS + 4, legend_top + 9, [name], SMALL, baseline="middle", colour=INK
            )
        )
        x += 2 * RADIUS + 12 + len(name) * 0.6 * SMALL
    width = max(width, x)
    title = "Each goal's status at each check-in: " + "; ".join(
        f"{entry.goal.title}: "
        + ", ".join(
            f"{s.held_on.day} {s.held_on:%B %Y} {STATUS_NAMES[s.status].lower()}"
            for s in entry.statuses
            if s.held_on in column
        )
        for entry in rows
    )
    svg = svg_document("check-in-chart", title, (0, 0, width, height), body)
    # Never drawn larger than a little over its own size: with few check-ins it is narrow, and
    # scaled to a desktop column its labels would be headline-sized.
    return svg.replace("<svg ", f'<svg style="max-width: {number(width * ZOOM)}px" ', 1)


def _day(day: date) -> list[str]:
    return [f"{day.day} {day:%b}", str(day.year)]


def _mark(status: str, x: float, y: float) -> str:
    colour, shape = MARKS[status]
    r = RADIUS
    if shape == "ring":
        return _circle(x, y, r - 1, fill=WHITE, stroke=colour, stroke_width=2)
    if shape == "circle":
        return _circle(x, y, r, fill=colour, stroke=colour, stroke_width=1)
    if shape == "triangle":
        return polygon_element(
            [(x, y - r - 1), (x + r + 1, y + r), (x - r - 1, y + r)],
            fill=colour,
            stroke=colour,
            stroke_width=1,
        )
    return polygon_element(
        [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)],
        fill=colour,
        stroke=colour,
        stroke_width=1,
    )


def _circle(x: float, y: float, r: float, **properties: str | float) -> str:
    from pmpath.reports._svg import style

    return (
        f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(r)}" style="{style(**properties)}"/>'
    )
