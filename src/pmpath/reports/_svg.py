"""Drawing report charts with matplotlib, and turning a figure into SVG to inline in HTML.

Cheap to import: matplotlib itself is imported only when a chart is drawn.
"""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

#: rcParams for every chart. Text stays text (selectable, searchable, a fraction of the size of
#: outlined glyphs); ids come from a fixed salt so the same data always gives the same bytes;
#: ``parse_math`` off because names from a framework file may contain ``$``.
_RC_PARAMS: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "pmpath-report",
    "svg.id": None,
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "sans-serif",
    # DejaVu Sans is what matplotlib measures with; the browser falls back to a narrower
    # common face when it lacks it, so labels never overflow their boxes.
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial", "Liberation Sans"],
    "axes.unicode_minus": False,
}

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

#: Line styles, as matplotlib dash patterns, and markers for telling series apart without colour.
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


# matplotlib writes a Creator, a Date and a Dublin Core type unless told not to; the date would
# make output differ from run to run and the rest is noise in a report.
_NO_METADATA: dict[str, Any] = {"Creator": None, "Date": None, "Format": None, "Type": None}

_URL_REF = re.compile(r"url\(#([^)]+)\)")

# rcParams are global to the process and rc_context swaps them in and out, so two threads (a
# web server's workers) drawing at once would see each other's settings.
_LOCK = threading.Lock()


@contextmanager
def drawing() -> Iterator[None]:
    """matplotlib set up for report charts; draw and call :func:`inline_svg` inside it."""
    import matplotlib

    with _LOCK, matplotlib.rc_context(_RC_PARAMS):
        yield


def _local(name: str) -> str:
    """``{http://www.w3.org/2000/svg}path`` -> ``path``: HTML puts inline SVG in its namespace."""
    return name.rsplit("}", 1)[-1]


def inline_svg(
    fig: Figure,
    *,
    prefix: str,
    title: str,
    attributes: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """The figure as one ``<svg>`` element, ready to paste into an HTML5 document.

    - No XML prolog, doctype, namespace declarations or metadata: HTML needs none of them.
    - Every id starts with ``prefix`` and references follow, so two charts on one page
      never clash; the root element's id is ``prefix``.
    - The root has ``role="img"``, an ``aria-label`` and a ``<title>``, all saying ``title``.
    - Fixed width and height are dropped in favour of the viewBox, so CSS sizes the chart.
    - ``attributes`` adds attributes to the elements whose matplotlib gid is the key
      (before prefixing); charts use it for classes and ``data-*`` hooks.

    All text from the figure and from ``title`` and ``attributes`` is escaped.
    """
    buffer = io.StringIO()
    # A tight box crops to what was drawn, so the layout code need not predict label extents.
    fig.savefig(buffer, format="svg", metadata=_NO_METADATA, bbox_inches="tight", pad_inches=0.05)
    # Our own matplotlib output, never a foreign file: the standard parser is safe here.
    root = ET.fromstring(buffer.getvalue())
    extra = attributes or {}

    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) == "metadata":
                parent.remove(child)

    renamed: dict[str, str] = {}
    for element in root.iter():
        element.tag = _local(element.tag)
        for name in list(element.attrib):
            if name.startswith("{"):
                # xlink:href -> href (SVG 2); no namespace declaration needed in HTML.
                element.attrib[_local(name)] = element.attrib.pop(name)
        gid = element.get("id")
        if gid is not None:
            renamed[gid] = f"{prefix}-{gid}"
            element.set("id", renamed[gid])
            for key, value in extra.get(gid, {}).items():
                element.set(key, value)

    def reference(match: re.Match[str]) -> str:
        return f"url(#{renamed.get(match.group(1), match.group(1))})"

    for element in root.iter():
        for name, value in element.attrib.items():
            if name == "href" and value.startswith("#"):
                element.set(name, "#" + renamed.get(value[1:], value[1:]))
            elif "url(#" in value:
                element.set(name, _URL_REF.sub(reference, value))
        if element.tag == "style" and element.text:
            # matplotlib's stylesheet starts with `*{...}`; scope it to this chart, since a
            # <style> inside inline SVG applies to the whole page.
            element.text = element.text.replace("*{", f"#{prefix} *{{")

    for name in ("width", "height", "version"):
        root.attrib.pop(name, None)
    root.set("id", prefix)
    root.set("role", "img")
    root.set("aria-label", title)
    heading = ET.Element("title")
    heading.text = title
    root.insert(0, heading)
    return ET.tostring(root, encoding="unicode")
