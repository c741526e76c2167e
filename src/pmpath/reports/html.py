"""The printable assessment report: one self-contained HTML page from the report's data.

The page needs nothing from outside: CSS and charts are inline, there is no script, and no URL
of any kind, so it can be mailed, archived or printed as it is. Served by the web app
(``site=True``), it gets a bar of the site's own: the way back and a Print button (a script
from the site's /static, as its content security policy wants), left out when printed. All
text from the data is escaped by Jinja2's autoescaping; the charts arrive escaped from
:mod:`pmpath.reports.charts`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from pmpath.reports.charts import radar_svg
from pmpath.reports.ladder_chart import ladder_svg
from pmpath.services.models.assessments import Report

Json = dict[str, Any]

READINESS = {
    "ready-now": "Ready now",
    "within-a-year": "Within a year",
    "stretch": "A stretch",
    "not-yet": "Not yet",
}
TRACKS = {
    "individual-contributor": "Individual contributor",
    "people-leader": "People leader",
    "both": "Either track",
}


def render_report(report: Report | Mapping[str, Any], *, site: bool = False) -> str:
    """The report as an HTML5 document, from its model or from its JSON form (what
    ``pmpath report --json`` prints, which may be an older report kept as a file).

    The page is drawn from the JSON form, so a stored report renders as its model does.
    Nothing in the output depends on the clock or the machine: the same data gives the same
    text. ``intake.background``, ``current_role``, ``years``, ``specialisation`` and
    ``target`` may be null and ``plan.transition_steps`` empty; the page then leaves those
    parts out or says that they are not set. ``site``: the page is served by the web app, so
    it links back to the site and offers to print (nothing else changes).
    """
    data = report.model_dump(mode="json") if isinstance(report, Report) else dict(report)
    template = _environment().get_template("report.html.j2")
    return template.render({**_view(data), "site": site})


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pmpath.reports", "templates"),
        autoescape=True,  # the framework and the profile name are user-supplied
        undefined=jinja2.StrictUndefined,  # a misspelt key fails the test suite, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["moment"] = moment
    env.filters["label"] = label
    env.filters["number"] = number
    return env


def _view(data: Json) -> Json:
    """What the template shows: the data itself plus lookups and the charts."""
    placement = data["placement"]
    target = data.get("target")
    gaps: list[Json] = data["gaps"]
    names = {gap["competency"]: gap["name"] for gap in gaps}
    # Without a target the assessment compares you with the role you are placed in.
    compared = (target or placement)["role"]
    horizon = max(int(data["plan"]["horizon_weeks"]), 1)
    return {
        **data,
        "target": target,
        "compared": compared,
        "names": names,
        # Exam evidence beside self-ratings, when the learner has finished exams.
        "has_exam_evidence": any(gap.get("exam") for gap in gaps),
        "has_tested": any(gap.get("tested") for gap in gaps),
        "readiness": data.get("readiness"),
        "stages": {stage["id"]: stage["name"] for stage in data["ladder"]["stages"]},
        "levels": {step["level"]: step["name"] for step in data["scale"]},
        # A radar needs an area: a framework with one or two competencies gets the table only.
        "radar": _radar(data, compared["name"]) if len(gaps) >= 3 else None,
        "ladder_chart": _ladder(data),
        "fit_bar": _bar(placement["fit"], placement["band"]),
        "target_bar": _bar(target["fit"], target["band"]) if target else None,
        "timeline": [_weeks(step, horizon) for step in data["plan"]["steps"]],
    }


def _radar(data: Json, compared: str) -> Markup:
    # Spokes grouped by area, so related competencies sit side by side and the shape reads as
    # a profile; the gap table keeps the assessment's own order.
    gaps = sorted(data["gaps"], key=lambda gap: (str(gap.get("area", "")), str(gap["name"])))
    svg = radar_svg(
        [str(gap["name"]) for gap in gaps],
        [float(gap["current"]) for gap in gaps],
        [float(gap["expected"]) for gap in gaps],
        max(step["level"] for step in data["scale"]),
        "Your levels",
        f"Expected for {compared}",
    )
    return Markup(svg)  # built by charts.py with every text escaped


def _ladder(data: Json) -> Markup:
    target = data.get("target")
    path = [str(step["id"]) for step in target["path"]] if target else []
    return Markup(ladder_svg(data["ladder"], str(data["placement"]["role"]["id"]), path))


def _percent(value: float) -> str:
    return f"{min(max(value, 0.0), 100.0):.1f}%"


def _bar(fit: float, band: list[float]) -> Json:
    """CSS lengths for a 0-100 fit meter with its likely range."""
    low, high = sorted(band)
    return {
        "fit": _percent(fit),
        "low": _percent(low),
        "span": _percent(min(high, 100.0) - max(low, 0.0)),
    }


def _weeks(step: Json, horizon: int) -> Json:
    """Where a plan step sits on a timeline of ``horizon`` weeks, as CSS lengths."""
    start = max(int(step["start_week"]), 1)
    end = max(int(step["end_week"]), start)
    return {
        "offset": _percent((start - 1) / horizon * 100),
        "width": _percent((min(end, horizon) - start + 1) / horizon * 100),
    }


# --- filters -------------------------------------------------------------------------------------


def moment(value: str | None) -> str:
    """An ISO 8601 timestamp as "25 November 2026, 22:30 UTC"; anything else unchanged."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when.day} {when:%B %Y}, {when:%H:%M} UTC"


def label(value: str | None, table: str = "") -> str:
    """A display name for a readiness, status or track id; other ids in sentence case."""
    if value is None:
        return ""
    known: Mapping[str, str] = {"readiness": READINESS, "track": TRACKS}.get(table, {})
    if value in known:
        return known[value]
    words = str(value).replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


def number(value: float | int, digits: int = 1) -> str:
    """``value`` with ``digits`` decimals and a true minus sign."""
    text = f"{float(value) + 0.0:.{digits}f}"  # + 0.0: no "-0.0"
    return text.replace("-", "\N{MINUS SIGN}")
