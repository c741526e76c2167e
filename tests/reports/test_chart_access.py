"""Charts a reader can use without telling colours apart or judging distances: one palette with
enough contrast, series that differ in more than colour, and the values written out as text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pmpath.reports import bars_svg, radar_svg, trend_svg
from pmpath.reports._svg import CHART_COLOURS, series_style

STYLESHEET = Path(__file__).resolve().parents[2] / "src/pmpath/web/static/app.css"


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def styles(element: ET.Element) -> dict[str, str]:
    """The element's inline style as a dict: "stroke: #0072b2; ..." -> {"stroke": "#0072b2"}."""
    pairs = (part.split(":", 1) for part in element.get("style", "").split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter("g") if css_class in g.get("class", "").split()]


def texts(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter("text"))


# --- the palette ---------------------------------------------------------------------------------


@pytest.mark.parametrize("colour", CHART_COLOURS)
def test_every_palette_colour_has_3_to_1_contrast_on_white(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 3.0


def test_the_palette_has_eight_different_colours() -> None:
    assert len(CHART_COLOURS) == 8
    assert len({c.lower() for c in CHART_COLOURS}) == 8


def test_the_stylesheet_chart_tokens_are_the_same_palette() -> None:
    # The pages' own charts (bars in CSS) and the SVG charts must not drift apart.
    css = STYLESHEET.read_text(encoding="utf-8")
    tokens = dict(re.findall(r"--chart-(\d):\s*(#[0-9a-fA-F]{6})", css))

    assert [tokens[str(n)].lower() for n in range(1, 9)] == [c.lower() for c in CHART_COLOURS]


def test_series_past_the_palette_differ_in_dash() -> None:
    pairs = {series_style(index)[:2] for index in range(32)}

    assert len(pairs) == 32


# --- the trend -----------------------------------------------------------------------------------


def ten_domains() -> dict[str, list[float]]:
    return {f"Domain {chr(65 + n)}": [5.0 * n, 40.0 + n, 90.0 - n] for n in range(10)}


def line_styles(svg: str) -> list[tuple[str, str]]:
    """(colour, dash) of each series' line."""
    found = []
    for group in groups(ET.fromstring(svg), "series"):
        line = next(p for p in group.iter("path") if "stroke" in styles(p))
        style = styles(line)
        found.append((style["stroke"], style.get("stroke-dasharray", "solid")))
    return found


def test_a_trend_of_ten_domains_draws_ten_different_lines() -> None:
    lines = line_styles(trend_svg(ten_domains(), "Scores"))

    assert len(lines) == 10
    assert len(set(lines)) == 10


def test_a_trend_of_ten_domains_and_the_overall_score_repeats_no_line() -> None:
    # What the exams page draws: more series than the palette has colours.
    lines = line_styles(trend_svg(ten_domains() | {"Overall": [50.0, 60.0, 70.0]}, "Scores"))

    assert len(set(lines)) == len(lines) == 11


def test_trend_lines_use_the_palette() -> None:
    colours = {colour for colour, _ in line_styles(trend_svg(ten_domains(), "Scores"))}

    assert colours <= {c.lower() for c in CHART_COLOURS}


def test_the_trend_writes_each_series_values_as_text() -> None:
    series = {"Overall": [40.0, 55.5, 70.0], "Metrics": [30.0, 80.0]}

    text = texts(ET.fromstring(trend_svg(series, "Scores")))

    assert "Overall: 40% → 55.5% → 70%" in text
    assert "Metrics: 30% → 80%" in text


def test_a_long_trend_writes_its_last_four_values() -> None:
    text = texts(ET.fromstring(trend_svg({"Overall": [10.0, 20, 30, 40, 50, 100]}, "Scores")))

    assert "Overall: … 30% → 40% → 50% → 100%" in text


# --- the radar -----------------------------------------------------------------------------------


def radar(sample: dict[str, Any]) -> str:
    gaps = sample["gaps"]
    return radar_svg(
        [g["name"] for g in gaps],
        [g["current"] for g in gaps],
        [g["expected"] for g in gaps],
        5,
        "Your levels",
        "Expected for Associate Product Manager",
    )


def test_the_radar_writes_both_levels_by_each_competency(sample: dict[str, Any]) -> None:
    root = ET.fromstring(radar(sample))

    labels = groups(root, "axis-label")

    assert len(labels) == len(sample["gaps"])
    for gap, label in zip(sample["gaps"], labels, strict=True):
        assert f"{gap['current']:g} → {gap['expected']:g}" in texts(label)
    assert "your level → expected level" in texts(root)


def test_radar_series_use_the_palette(sample: dict[str, Any]) -> None:
    root = ET.fromstring(radar(sample))

    strokes = [
        styles(next(p for p in g.iter("path") if "stroke" in styles(p)))["stroke"]
        for g in groups(root, "series")
    ]

    assert strokes == [CHART_COLOURS[0].lower(), CHART_COLOURS[1].lower()]


def test_radar_labels_stay_readable_when_the_chart_fits_a_phone(sample: dict[str, Any]) -> None:
    # On a 390 px phone a chart gets about 360 px; its text shrinks with it.
    root = ET.fromstring(radar(sample))
    width = float(root.get("viewBox", "").split()[2])
    label = next(groups(root, "axis-label")[0].iter("text"))
    size = float(styles(label)["font-size"].removesuffix("px"))

    assert size * 360 / width >= 8


# --- the bars ------------------------------------------------------------------------------------

DOMAINS = ["Agile and Scrum", "Stakeholder management and communication", "Go-to-market"]


def test_bars_write_each_value_and_the_pass_mark() -> None:
    svg = bars_svg(DOMAINS, [100.0, 25.0, 66.66666], "Score by domain", mark=70)
    root = ET.fromstring(svg)

    text = texts(root)

    assert [g.get("data-label") for g in groups(root, "bar")] == DOMAINS
    assert "100%" in text
    assert "25%" in text
    assert "66.7%" in text
    assert "Pass mark 70%" in text
    assert all(name in text for name in DOMAINS)


def test_bars_are_an_image_with_a_name() -> None:
    root = ET.fromstring(bars_svg(DOMAINS, [1.0, 2.0, 3.0], "Score by domain: A 1%"))

    assert root.get("role") == "img"
    assert root.get("aria-label") == "Score by domain: A 1%"
    assert root.findtext("title") == "Score by domain: A 1%"


def test_bar_lengths_follow_the_values() -> None:
    root = ET.fromstring(bars_svg(DOMAINS, [100.0, 25.0, 0.0], "Scores"))

    def width(group: ET.Element) -> float:
        path = next(group.iter("path"))
        xs = [float(x) for x in re.findall(r"(-?[\d.]+) -?[\d.]+", path.get("d", ""))]
        return max(xs) - min(xs)

    full, quarter, empty = (width(g) for g in groups(root, "bar"))

    assert quarter == pytest.approx(full / 4, rel=0.02)
    assert empty == pytest.approx(0, abs=0.01)


def test_bars_need_a_value_per_label() -> None:
    with pytest.raises(ValueError, match="one value per label"):
        bars_svg(DOMAINS, [1.0], "Scores")


def test_bars_use_the_palette() -> None:
    root = ET.fromstring(bars_svg(DOMAINS, [10.0, 20.0, 30.0], "Scores"))

    fills = {styles(next(g.iter("path")))["fill"] for g in groups(root, "bar")}

    assert fills == {CHART_COLOURS[0].lower()}


def test_bars_leave_room_for_a_label_longer_than_the_bars() -> None:
    long_name = "Stakeholder management, communication and influence without authority"
    root = ET.fromstring(bars_svg([long_name], [50.0], "Scores"))
    width = float(root.get("viewBox", "").split()[2])
    label = next(t for t in root.iter("text") if t.text == long_name)
    size = float(styles(label)["font-size"].removesuffix("px"))

    # At 0.55 em a character (DejaVu Sans averages about that), the label ends inside the box.
    assert float(label.get("x", 0)) + len(long_name) * 0.55 * size <= width
