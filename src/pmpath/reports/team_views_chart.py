"""A team's heat map as inline SVG: competencies down, members across, each cell filled with
the viridis step of the member's current level and the level printed in it, so colour is
never the only cue; "↓" marks a level below what the member's role expects, and a cell
with nothing known is left blank (white, dotted)."""

from __future__ import annotations

from pmpath.reports._svg import (
    PT,
    escape,
    group,
    polygon_element,
    svg_document,
    text_element,
)
from pmpath.reports.charts import EDGE, GRID, INK, LABEL_SIZE, MUTED, SMALL_SIZE, wrap_text
from pmpath.services.models.team_views import HeatMap

#: Layout in points: the competency labels' column, a cell, the header row for names.
LABEL_WIDTH = 2.2 * PT
CELL_WIDTH = 0.62 * PT
CELL_HEIGHT = 0.42 * PT
HEADER = 0.5 * PT
#: Member names are cut to this many characters in the header (the table has them whole).
NAME_CHARS = 8
BELOW_MARK = "↓"
#: Competency names wrap at this many characters (two lines at most), which fit LABEL_WIDTH.
LABEL_CHARS = 22
#: On a page the figure is drawn between these multiples of its size in points as pixels:
#: never so small its labels go under 9 px (it scrolls in its box instead), never blown up.
SMALLEST, LARGEST = 0.95, 1.5


def _box(left: float, top: float, width: float, height: float) -> list[tuple[float, float]]:
    return [(left, top), (left + width, top), (left + width, top + height), (left, top + height)]


def _short(name: str) -> str:
    first = name.split()[0] if name.split() else name
    return first if len(first) <= NAME_CHARS else first[: NAME_CHARS - 1] + "…"


def heat_map_svg(heat_map: HeatMap, prefix: str = "heat-map") -> str:
    """The heat map as an ``<svg>`` element for inline HTML (same input, same bytes)."""
    colours = {step.level: step for step in heat_map.scale}
    members = heat_map.members
    width = LABEL_WIDTH + CELL_WIDTH * max(len(members), 1)
    grid_top = HEADER
    body: list[str] = []
    for column, member in enumerate(members):
        x = LABEL_WIDTH + column * CELL_WIDTH + CELL_WIDTH / 2
        body.append(
            text_element(
                x,
                grid_top - 4,
                [_short(member.name)],
                SMALL_SIZE,
                anchor="middle",
                baseline="bottom",
                colour=INK,
                bold=True,
            )
        )
    for row, competency in enumerate(heat_map.competencies):
        y = grid_top + row * CELL_HEIGHT
        label = wrap_text(competency.name, LABEL_CHARS, 2).split("\n")
        size = SMALL_SIZE
        body.append(
            text_element(
                LABEL_WIDTH - 6,
                y + CELL_HEIGHT / 2,
                label,
                size,
                anchor="end",
                baseline="middle",
                colour=INK,
                line_height=1.1,
            )
        )
        for column, member in enumerate(members):
            cell = member.cells[row]
            x = LABEL_WIDTH + column * CELL_WIDTH
            box = _box(x + 1, y + 1, CELL_WIDTH - 2, CELL_HEIGHT - 2)
            if cell.level is None:
                shape = polygon_element(
                    box, fill="#ffffff", stroke=GRID, stroke_width=1, stroke_dasharray="2 2"
                )
                title = f"{member.name}, {competency.name}: no level yet"
                body.append(group(f"<title>{escape(title)}</title>{shape}", prefix))
                continue
            step = colours[cell.level]
            mark = BELOW_MARK if cell.status == "below" else ""
            title = f"{member.name}, {competency.name}: level {cell.level} ({cell.source})"
            if cell.expected is not None:
                title += f", role expects {cell.expected}"
            body.append(
                group(
                    f"<title>{escape(title)}</title>"
                    + polygon_element(box, fill=step.fill, stroke="#ffffff", stroke_width=1)
                    + text_element(
                        x + CELL_WIDTH / 2,
                        y + CELL_HEIGHT / 2,
                        [f"{cell.level}{mark}"],
                        LABEL_SIZE,
                        anchor="middle",
                        baseline="middle",
                        colour=step.text,
                        bold=True,
                    ),
                    prefix,
                    css_class="cell",
                    data_level=str(cell.level),
                    data_status=cell.status,
                )
            )
    legend_top = grid_top + len(heat_map.competencies) * CELL_HEIGHT + 0.2 * PT
    body.extend(_legend(heat_map, legend_top, width))
    height = legend_top + 0.95 * PT
    title = f"Heat map of {heat_map.team.team}: current levels by competency and member"
    document = svg_document(prefix, title, (0, 0, width, height), body)
    sizing = f"min-width: {width * SMALLEST:.0f}px; max-width: {width * LARGEST:.0f}px"
    return document.replace("<svg ", f'<svg style="{sizing}" ', 1)


def _legend(heat_map: HeatMap, top: float, width: float) -> list[str]:
    parts = [
        text_element(0, top, ["Level (viridis):"], SMALL_SIZE, colour=MUTED),
    ]
    swatch = 0.32 * PT
    left = 0.0
    y = top + 0.2 * PT
    for step in heat_map.scale:
        parts.append(
            polygon_element(
                _box(left, y, swatch, swatch), fill=step.fill, stroke=EDGE, stroke_width=0.5
            )
        )
        parts.append(
            text_element(
                left + swatch / 2,
                y + swatch / 2,
                [str(step.level)],
                SMALL_SIZE,
                anchor="middle",
                baseline="middle",
                colour=step.text,
                bold=True,
            )
        )
        left += swatch + 3
    notes = [
        f"{BELOW_MARK} below what the member's role expects",
        "blank (dotted): no level known yet",
    ]
    parts.append(text_element(0, y + swatch + 4, notes, SMALL_SIZE, colour=MUTED))
    return parts
