"""The radar and ladder charts: what they draw, how they mark you, and that they are safe SVG."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pmpath.reports import ladder_svg, radar_svg
from tests.reports.conftest import BUNDLED, HOSTILE


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def groups(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [g for g in root.iter("g") if css_class in g.get("class", "").split()]


def text_of(element: ET.Element) -> str:
    """The text an element shows, its lines joined by spaces."""
    return " ".join(t.text or "" for t in element.iter("text"))


def radar(gaps: list[dict[str, Any]], labels: list[str] | None = None) -> str:
    return radar_svg(
        labels or [gap["name"] for gap in gaps],
        [gap["current"] for gap in gaps],
        [gap["expected"] for gap in gaps],
        5,
        "Your levels",
        "Expected for Associate Product Manager",
    )


def ladder(data: dict[str, Any]) -> str:
    return ladder_svg(
        data["ladder"],
        data["placement"]["role"]["id"],
        [step["id"] for step in data["target"]["path"]],
    )


# --- radar ---------------------------------------------------------------------------------------


def test_radar_has_one_axis_label_per_competency(sample: dict[str, Any]) -> None:
    root = parse(radar(sample["gaps"]))

    labels = groups(root, "axis-label")

    assert len(labels) == len(sample["gaps"]) == len(BUNDLED.competencies)
    # Each label names its competency in full (the levels follow it: test_chart_access).
    for label, gap in zip(labels, sample["gaps"], strict=True):
        assert text_of(label).startswith(gap["name"] + " ")


def test_radar_draws_both_series_and_names_them_in_the_legend(sample: dict[str, Any]) -> None:
    svg = radar(sample["gaps"])

    series = [g.get("data-series") for g in groups(parse(svg), "series")]

    assert series == ["profile", "target"]
    assert "Your levels" in svg
    assert "Expected for Associate Product Manager" in svg


def test_radar_is_labelled_for_screen_readers(sample: dict[str, Any]) -> None:
    root = parse(radar(sample["gaps"]))

    assert root.get("role") == "img"
    assert f"{len(sample['gaps'])} competencies" in root.get("aria-label", "")
    assert root.find("title") is not None
    assert root.findtext("title") == root.get("aria-label")


def test_radar_needs_matching_lists(sample: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="one value per label"):
        radar_svg(["a", "b", "c"], [1, 2], [1, 2, 3], 5, "you", "role")


# --- ladder --------------------------------------------------------------------------------------


def test_ladder_names_every_role_and_exit(sample: dict[str, Any]) -> None:
    root = parse(ladder(sample))
    roles = [role for stage in sample["ladder"]["stages"] for role in stage["roles"]]

    names = {g.get("data-id"): text_of(g) for g in groups(root, "node-name")}

    assert len(roles) == len(BUNDLED.roles) + len(BUNDLED.exits)  # the whole bundled ladder
    assert names == {role["id"]: role["name"] for role in roles}


def test_ladder_marks_you_are_here_on_the_placement_role(sample: dict[str, Any]) -> None:
    root = parse(ladder(sample))

    here = [g.get("data-id") for g in groups(root, "here")]
    badges = {text_of(g): g.get("data-for") for g in groups(root, "badge")}

    assert here == ["junior-product-analyst"]
    assert badges["You are here"] == "junior-product-analyst"
    assert badges["Target"] == "associate-product-manager"


def test_ladder_highlights_the_path_and_only_the_path(sample: dict[str, Any]) -> None:
    sample["target"]["path"] = [
        {"id": "junior-product-analyst"},
        {"id": "associate-product-manager"},
        {"id": "product-manager"},
    ]
    root = parse(ladder(sample))

    on_path = [(g.get("data-from"), g.get("data-to")) for g in groups(root, "on-path")]
    states = {g.get("data-id"): g.get("class") for g in groups(root, "node")}

    assert on_path == [
        ("junior-product-analyst", "associate-product-manager"),
        ("associate-product-manager", "product-manager"),
    ]
    assert states["associate-product-manager"] == "node path"
    assert states["product-manager"] == "node target"
    assert states["product-operations-manager"] == "node role"
    assert states["startup-founder"] == "node exit"
    assert len(groups(root, "edge")) == len(sample["ladder"]["edges"])


def test_ladder_without_a_position_marks_nothing(sample: dict[str, Any]) -> None:
    svg = ladder_svg(sample["ladder"], None, [])

    assert not groups(parse(svg), "badge")
    assert "You are here" not in svg


def test_ladder_rejects_an_unknown_role(sample: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="no-such-role"):
        ladder_svg(sample["ladder"], "no-such-role", [])


# --- both ----------------------------------------------------------------------------------------


def test_charts_are_deterministic(sample: dict[str, Any]) -> None:
    assert radar(sample["gaps"]) == radar(sample["gaps"])
    assert ladder(sample) == ladder(sample)


@pytest.mark.parametrize("chart", ["radar", "ladder"])
def test_charts_inline_into_html(sample: dict[str, Any], chart: str) -> None:
    svg = radar(sample["gaps"]) if chart == "radar" else ladder(sample)
    ids = re.findall(r' id="([^"]*)"', svg)

    assert svg.startswith('<svg viewBox="')
    assert "<?xml" not in svg
    assert "<!DOCTYPE" not in svg
    assert "http" not in svg  # no namespace URIs, metadata links or references out
    assert all(i == chart or i.startswith(f"{chart}-") for i in ids)
    assert len(ids) == len(set(ids))


def test_radar_escapes_hostile_labels(sample: dict[str, Any]) -> None:
    labels = [gap["name"] for gap in sample["gaps"]]
    labels[0] = HOSTILE

    svg = radar(sample["gaps"], labels)

    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert "R&amp;D" in svg
    assert groups(parse(svg), "axis-label")[0].get("data-label") == HOSTILE


def test_ladder_escapes_hostile_ids_and_names(sample: dict[str, Any]) -> None:
    hostile_id = 'x"><script>alert(1)</script>&'
    stage = sample["ladder"]["stages"][0]
    stage["name"] = HOSTILE
    stage["roles"].append({"id": hostile_id, "name": HOSTILE, "kind": "role", "track": "both"})
    sample["ladder"]["edges"].append([hostile_id, "junior-product-analyst"])

    svg = ladder_svg(sample["ladder"], hostile_id, [hostile_id, "junior-product-analyst"])

    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;" in svg
    here = groups(parse(svg), "here")
    assert [g.get("data-id") for g in here] == [hostile_id]


def test_labels_with_dollar_signs_stay_plain_text(sample: dict[str, Any]) -> None:
    # matplotlib would read "$...$" as mathtext and fail on "$$" or render it as formulas.
    labels = [gap["name"] for gap in sample["gaps"]]
    labels[0] = "Revenue in $ and $$ terms"

    root = parse(radar(sample["gaps"], labels))

    assert text_of(groups(root, "axis-label")[0]).startswith("Revenue in $ and $$ terms ")


def test_trend_chart_draws_every_series_deterministically() -> None:
    from pmpath.reports import trend_svg

    series = {"Overall": [40.0, 55.5, 70.0], "Metrics": [30.0, 80.0]}
    first = trend_svg(series, "Scores")
    assert first == trend_svg(series, "Scores")
    assert "Overall" in first
    assert "Metrics" in first
    assert 'aria-label="Scores"' in first


# --- drawn fast ----------------------------------------------------------------------------------


def test_the_charts_and_the_report_are_written_without_matplotlib() -> None:
    # Drawn with matplotlib, each chart took 100-400 ms, more than a page's whole budget
    # (issue 15), and the first one half a second more to import it.
    script = (
        "import sys\n"
        "from pmpath.reports import bars_svg, ladder_svg, radar_svg, render_report, trend_svg\n"
        "from tests.reports.conftest import load_sample\n"
        "bars_svg(['A', 'B'], [50.0, 75.0], 'Scores', mark=70)\n"
        "radar_svg(['a', 'b', 'c'], [1, 2, 3], [3, 2, 1], 5, 'You', 'Role')\n"
        "trend_svg({'Overall': [40.0, 60.0]}, 'Scores')\n"
        "ladder_svg(load_sample()['ladder'], 'product-manager', [])\n"
        "render_report(load_sample())\n"
        "print('matplotlib' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_radar_points_stand_at_their_levels(sample: dict[str, Any]) -> None:
    root = parse(radar(sample["gaps"]))
    circles = [c for c in root.iter("circle") if "fill: none" in c.get("style", "")]
    outer = max(circles, key=lambda c: float(c.get("r", 0)))
    cx, cy, ring = (float(outer.get(name, 0)) for name in ("cx", "cy", "r"))
    profile = groups(root, "series")[0]
    line = next(profile.iter("path")).get("d", "")
    points = [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+) (-?[\d.]+)", line)]

    distances = [math.hypot(x - cx, y - cy) / ring * 5 for x, y in points[:-1]]

    assert distances == pytest.approx([gap["current"] for gap in sample["gaps"]], abs=0.01)
    # The first competency at twelve o'clock.
    assert points[0][0] == pytest.approx(cx, abs=0.01)
    assert points[0][1] < cy


def test_a_step_that_skips_a_stage_bends_round_the_boxes_between() -> None:
    # Product Operations Manager -> Head of Product Operations skips the Senior stage, whose
    # Senior PM box sits on the straight line: the arrow must not run behind it, where it
    # would look like an arrow into the Senior PM.
    from pmpath.framework import bundled_framework_path, load_framework
    from pmpath.reports import ladder_chart as chart
    from pmpath.services.ladder import graph

    ladder = graph(load_framework(bundled_framework_path())).model_dump(mode="json")
    nodes, _ = chart._layout(ladder["stages"])
    by_id = {node.id: node for node in nodes}
    start, end = by_id["product-operations-manager"], by_id["head-of-product-operations"]
    a, b = chart._border(start, end), chart._border(end, start)
    between = [n for n in nodes if start.column < n.column < end.column]
    assert any(chart._crosses(chart._straight(a, b), n) for n in between)  # the problem
    bend = chart._detour(a, b, between)
    assert bend is not None
    assert not any(chart._crosses(chart._curve(a, bend, b), n) for n in between)
    svg = ladder_svg(ladder, None, [])
    edge = svg.split('data-from="product-operations-manager" data-to="head-of-product-operations"')
    assert " Q " in edge[1].split("</g>")[0]  # drawn as the curve
