"""The check-in page's chart: a row per goal, a column per check-in (the newest eight), a shape
per status, and a title that says it all as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

from pmpath.reports.check_in_chart import MOST_CHECK_INS, check_in_chart
from pmpath.services.models.check_ins import Goal, GoalHistory, StatusAt

SVG = "{http://www.w3.org/2000/svg}"


def _entry(number: int, title: str, statuses: list[tuple[date, str]]) -> GoalHistory:
    goal = Goal(
        id=number,
        member_id=1,
        title=title,
        competency=None,
        competency_name=None,
        target_level=None,
        target_level_name=None,
        plan_step=None,
        due_on=None,
        set_by="Ada",
        set_at=datetime(2026, 1, 1, tzinfo=UTC),
        state="open",
        closed_at=None,
        status=None,
    )
    return GoalHistory(
        goal=goal,
        statuses=[
            StatusAt(check_in_id=index, held_on=day, status=status, note=None)  # type: ignore[arg-type]
            for index, (day, status) in enumerate(statuses)
        ],
        level_then=None,
        level_now=None,
    )


def _parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def test_no_chart_before_the_first_check_in() -> None:
    assert check_in_chart([]) is None
    assert check_in_chart([_entry(1, "Ship it", [])]) is None


def test_each_status_has_its_own_shape_and_the_title_says_it_in_words() -> None:
    first, second = date(2026, 11, 9), date(2026, 11, 23)
    svg = check_in_chart(
        [
            _entry(1, "Run the <pricing> test", [(first, "not-started"), (second, "at-risk")]),
            _entry(2, "Mentor an APM", [(first, "on-track"), (second, "done")]),
        ]
    )
    assert svg is not None
    root = _parsed(svg)  # well-formed, the goal's "<pricing>" escaped
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == (
        "Each goal's status at each check-in: Run the <pricing> test: 9 November 2026 "
        "not started, 23 November 2026 at risk; Mentor an APM: 9 November 2026 on track, "
        "23 November 2026 done"
    )
    # two rows of two marks and the legend's four: rings and circles, triangles, squares
    assert len(root.findall(f"{SVG}circle")) == 2 + 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in ("Not started", "On track", "At risk", "Done", "9 Nov", "23 Nov"):
        assert label in texts


def test_only_the_newest_check_ins_are_drawn() -> None:
    start = date(2026, 1, 5)
    days = [start + timedelta(days=14 * n) for n in range(MOST_CHECK_INS + 3)]
    svg = check_in_chart([_entry(1, "Grow", [(day, "on-track") for day in days])])
    assert svg is not None
    texts = [t.text for t in _parsed(svg).iter(f"{SVG}text")]
    shown = [day for day in days if f"{day.day} {day:%b}" in texts]
    assert shown == days[-MOST_CHECK_INS:]
