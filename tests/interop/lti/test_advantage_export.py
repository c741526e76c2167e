"""A course's gradebook as CSV, the fallback when passback fails: read back with pandas, one row
per learner and exam with the newest score, ISO 8601 times and the passback state; only admins
and the course's instructors export it; on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from pmpath.errors import ForbiddenError, NotFoundError
from pmpath.services.lti_grades import CSV_COLUMNS
from tests.interop.lti.test_advantage_grades import EXAM, OTHER_EXAM, World, world

__all__ = ["world"]  # the fixture: pmpath, a platform with the course Strategy 101


@pytest.fixture
def graded(world: World) -> World:
    """Ines teaches; Mia passed PM foundations (sent), then the platform went down before
    Pat's fail and Mia's Associate PM readiness were sent."""
    world.person("Ines", role="author")
    world.person("Mia")
    world.person("Pat")
    world.link("week-1", EXAM)
    world.link("week-2", OTHER_EXAM)
    world.launch("Ines", "week-1", instructor=True)
    for name in ("Mia", "Pat"):
        world.launch(name, "week-1")
    world.launch("Mia", "week-2")
    world.sit("Mia", right=30)
    world.app.lti_grades.run()
    world.lms.down = True
    world.sit("Pat", right=10)
    world.sit("Mia", OTHER_EXAM, right=40)
    world.app.lti_grades.run()
    return world


def _read(graded: World) -> pd.DataFrame:
    export = graded.app.lti_grades.export(graded.people["Ines"], graded.context_row_id)
    return pd.read_csv(io.StringIO(export.csv), keep_default_na=False)


def test_the_gradebook_csv_reads_back_with_every_score(graded: World) -> None:
    table = _read(graded)
    assert tuple(table.columns) == CSV_COLUMNS
    rows = table.sort_values(["learner", "exam"]).to_dict("records")
    assert [
        (r["learner"], r["exam"], r["score"], r["out of"], r["percent"], r["passed"], r["passback"])
        for r in rows
    ] == [
        ("Mia", "Associate PM readiness", 100, 100, 100, "yes", "pending"),
        ("Mia", "PM foundations", 75, 100, 75, "yes", "sent"),
        ("Pat", "PM foundations", 25, 100, 25, "no", "pending"),
    ]
    assert {r["platform user id"] for r in rows} == {"sub-mia", "sub-pat"}
    assert rows[1]["email"] == "mia@example.edu"


def test_finish_times_are_iso_8601_that_spreadsheets_read(graded: World) -> None:
    table = _read(graded)
    finished = pd.to_datetime(table["finished"], format="ISO8601", utc=True)
    assert finished.min() == pd.Timestamp("2026-12-07T09:20:00Z")
    assert table["finished"].iloc[0].endswith("+00:00")


def test_the_csv_keeps_the_newest_attempt_of_each_learner_per_exam(graded: World) -> None:
    graded.lms.down = False
    graded.clock.advance(days=1)
    graded.sit("Mia", right=36)
    graded.app.lti_grades.run()
    table = _read(graded)
    mia = table[(table.learner == "Mia") & (table.exam == "PM foundations")]
    assert mia["score"].tolist() == [90]


def test_a_cell_that_would_be_a_formula_is_quoted(graded: World) -> None:
    with graded.app.database.transaction() as session:
        from pmpath.store.tables import UserRow

        user = session.get(UserRow, graded.people["Pat"].id)
        assert user is not None
        user.name = "=HYPERLINK(1)"
    table = _read(graded)
    assert "'=HYPERLINK(1)" in table["learner"].tolist()


def test_the_file_is_named_after_the_course_and_day(graded: World) -> None:
    export = graded.app.lti_grades.export(graded.admin, graded.context_row_id)
    assert (export.filename, export.rows) == ("grades-strategy-101-2026-12-07.csv", 3)


def test_a_learner_cannot_export_the_gradebook(graded: World) -> None:
    with pytest.raises(ForbiddenError):
        graded.app.lti_grades.export(graded.people["Mia"], graded.context_row_id)
    with pytest.raises(ForbiddenError):
        graded.app.lti_grades.courses(graded.people["Mia"])


def test_an_unknown_course_is_not_found(graded: World) -> None:
    with pytest.raises(NotFoundError):
        graded.app.lti_grades.export(graded.admin, 4242)


def test_an_instructor_sees_only_the_courses_they_teach(graded: World) -> None:
    courses = graded.app.lti_grades.courses(graded.people["Ines"]).courses
    assert [(c.title, c.platform, c.learners, c.has_roster) for c in courses] == [
        ("Strategy 101", "Moodle of the Business School", 3, True)
    ]
