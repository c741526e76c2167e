"""Writing charts as SVG to inline in HTML, and the one chart palette.

Charts are laid out in pmpath.reports.charts and written with these few functions: a chart is
a string of SVG, built in a few milliseconds, with no drawing library behind it.
"""

from __future__ import annotations

import html

#: The chart palette: Okabe and Ito's colour-blind-safe set, with the four colours that are too
#: light for lines on white (orange, sky blue, yellow, reddish purple) darkened, keeping their
#: hue, until each reaches 3:1 against white (WCAG 1.4.11); the order puts the most distinct
#: first. Charts never rely on colour alone: series also differ in dash and marker
#: (:func:`series_style`). The stylesheet's --chart-1 .. --chart-8 hold the same values.
CHART_COLOURS: tuple[str, ...] = (
    "#0072B2",  # blue                                      5.2:1
    "#D55E00",  # vermillion                                3.9:1
    "#009E73",  # bluish green                              3.4:1
    "#C474A0",  # reddish purple, darkened from #CC79A7     3.3:1
    "#BD8200",  # orange, darkened from #E69F00             3.3:1
    "#4795C1",  # sky blue, darkened from #56B4E9           3.3:1
    "#97902A",  # yellow, darkened from #F0E442             3.3:1
    "#000000",  # black                                    21.0:1
)

#: Line styles (named as matplotlib names them) and markers: series differ in more than colour.
DASHES: tuple[str, ...] = ("-", "--", ":", "-.")
MARKERS: str = "osD^vPXh*"


def series_style(index: int) -> tuple[str, str, str]:
    """Colour, dash and marker of a chart's ``index``-th series.

    Within the first eight series each colour is used once; past them colours repeat, but the
    dash shifts by one for every round of eight, so no two of the first 32 series share both
    colour and dash. The marker changes with every series too.
    """
    colour = CHART_COLOURS[index % len(CHART_COLOURS)]
    dash = DASHES[(index + index // len(CHART_COLOURS)) % len(DASHES)]
    return colour, dash, MARKERS[index % len(MARKERS)]


# --- writing SVG ---------------------------------------------------------------------------------
# User units are points (72 an inch, as in the matplotlib SVG the charts replaced), font sizes in
# px equal to those points; every id starts with the chart's prefix; all text is escaped. Text
# stays text (selectable, searchable, a fraction of the size of outlined glyphs).

#: DejaVu Sans is what the layouts measure with; a browser without it falls back to a narrower
#: common face, so labels never overflow their boxes.
FONT_FAMILY = "'DejaVu Sans', 'Helvetica', 'Arial', 'Liberation Sans', sans-serif"

#: Points per inch: chart layouts are in inches, SVG user units are points.
PT = 72.0

#: How wide a character of DejaVu Sans is on average, in ems: for estimating text extents.
CHAR_EM = 0.6


def escape(value: str) -> str:
    """Text or an attribute value, safe inside HTML and XML."""
    return html.escape(value, quote=True)


def number(value: float) -> str:
    """A coordinate with at most two decimals: "12.5", "-3", "0"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def style(**properties: str | float) -> str:
    """``font_size="11px"`` -> ``font-size: 11px``; numbers through :func:`number`."""
    return "; ".join(
        f"{name.replace('_', '-')}: {number(value) if isinstance(value, float | int) else value}"
        for name, value in properties.items()
    )


def path_element(points: list[tuple[float, float]], **properties: str | float) -> str:
    """A line through ``points`` as a ``<path>``, styled by ``properties`` (see :func:`style`)."""
    return f'<path d="{_through(points)}" style="{style(**properties)}"/>'


def polygon_element(points: list[tuple[float, float]], **properties: str | float) -> str:
    """The closed shape with corners ``points`` as a ``<path>``."""
    return f'<path d="{_through(points)} z" style="{style(**properties)}"/>'


def _through(points: list[tuple[float, float]]) -> str:
    return " ".join(
        f"{'L' if index else 'M'} {number(x)} {number(y)}" for index, (x, y) in enumerate(points)
    )


def text_element(
    x: float,
    y: float,
    lines: list[str],
    size: float,
    *,
    anchor: str = "start",
    baseline: str = "top",
    colour: str = "#111827",
    bold: bool = False,
    italic: bool = False,
    line_height: float = 1.2,
) -> str:
    """Lines of text, one ``<text>`` each; ``(x, y)`` is the block's top (``baseline="top"``),
    middle (``"middle"``) or bottom (``"bottom"``) at its ``anchor`` (start, middle, end)."""
    height = size * line_height * len(lines)
    top = {"top": y, "middle": y - height / 2, "bottom": y - height}[baseline]
    font = style(
        font_size=f"{number(size)}px",
        font_family=FONT_FAMILY,
        text_anchor=anchor,
        fill=colour,
        **({"font_weight": "700"} if bold else {}),
        **({"font_style": "italic"} if italic else {}),
    )
    # A line's baseline sits about 0.8 em below its top in DejaVu Sans (ascender 0.76 em),
    # plus half the leading above it.
    first = top + (0.8 + (line_height - 1) / 2) * size
    return "".join(
        f'<text x="{number(x)}" y="{number(first + index * line_height * size)}" '
        f'style="{font}">{escape(line)}</text>'
        for index, line in enumerate(lines)
    )


def text_width(lines: list[str], size: float) -> float:
    """An estimate of the widest line's width, in the units of ``size``."""
    return max((len(line) for line in lines), default=0) * CHAR_EM * size


def group(content: str, prefix: str, gid: str | None = None, **attributes: str) -> str:
    """``content`` in a ``<g>``, with id ``prefix-gid`` and ``attributes`` (``data_x`` ->
    ``data-x``; ``css_class`` -> ``class``), every value escaped."""
    parts = [f' id="{escape(f"{prefix}-{gid}")}"'] if gid is not None else []
    for name, value in attributes.items():
        key = "class" if name == "css_class" else name.replace("_", "-")
        parts.append(f' {key}="{escape(value)}"')
    return f"<g{''.join(parts)}>{content}</g>"


def svg_document(
    prefix: str, title: str, box: tuple[float, float, float, float], body: list[str]
) -> str:
    """One ``<svg>`` element for inline HTML, as :func:`inline_svg` makes: ``box`` is the
    viewBox (x, y, width, height); the root has id ``prefix``, ``role="img"``, an
    ``aria-label`` and a ``<title>`` saying ``title``."""
    view = " ".join(number(value) for value in box)
    return (
        f'<svg viewBox="{view}" id="{escape(prefix)}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<style type="text/css">#{escape(prefix)} *{{stroke-linejoin: round; '
        f"stroke-linecap: butt}}</style>{''.join(body)}</svg>"
    )
