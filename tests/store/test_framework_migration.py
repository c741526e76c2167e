"""Revision 0008: assessments taken on the bundled framework 1.0 move to 2.0's ids, merged
ratings combined, and every stored assessment still places (on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, text

from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.assessments import AssessmentService
from pmpath.store import Database
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own


def _assessment(
    connection: Connection, now: datetime, framework: tuple[str, str], ratings: dict[str, tuple]
) -> int:
    connection.execute(
        text(
            "INSERT INTO assessments (profile_id, started_at, completed_at, source, framework_id,"
            ' framework_version, "current_role", interests, target) VALUES (1, :now, :now,'
            " 'interactive', :fid, :fver, 'junior-product-manager', '[]', 'junior-product-manager')"
        ),
        {"now": now, "fid": framework[0], "fver": framework[1]},
    )
    assessment_id = connection.execute(text("SELECT max(id) FROM assessments")).scalar_one()
    for minutes, (competency, (level, confidence, evidence)) in enumerate(ratings.items()):
        connection.execute(
            text(
                "INSERT INTO ratings (assessment_id, competency_id, level, confidence, evidence,"
                " answered_at) VALUES (:a, :c, :l, :conf, :e, :at)"
            ),
            {
                "a": assessment_id,
                "c": competency,
                "l": level,
                "conf": confidence,
                "e": json.dumps(evidence),
                "at": now + timedelta(minutes=minutes),
            },
        )
    return int(assessment_id)


OLD_RATINGS = {
    "analytical-thinking": (4, "high", ["Built the churn model"]),
    "data-driven-decision-making": (3, "medium", ["Set the north-star metric"]),
    "user-research": (2, "high", []),
    "customer-empathy": (3, "low", ["Weekly customer calls"]),
    "strategic-thinking": (3, "medium", []),
    "mentorship-and-team-development": (2, "medium", []),
}


def _ratings(connection: Connection, assessment_id: int) -> dict[str, tuple]:
    rows = connection.execute(
        text(
            "SELECT competency_id, level, confidence, evidence FROM ratings"
            " WHERE assessment_id = :a"
        ),
        {"a": assessment_id},
    )
    return {
        row[0]: (row[1], row[2], row[3] if isinstance(row[3], list) else json.loads(row[3]))
        for row in rows
    }


def test_ratings_move_to_the_new_ids_and_merge(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0007")
    now = datetime(2026, 11, 2, 9, 30)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        bundled = _assessment(connection, now, ("product-management", "1.0"), OLD_RATINGS)
        custom = _assessment(connection, now, ("our-ladder", "1.0"), OLD_RATINGS)
    migrate(database, "head")
    with database.engine.begin() as connection:
        moved = _ratings(connection, bundled)
        untouched = _ratings(connection, custom)
        roles = connection.execute(
            # current_role is a reserved word in PostgreSQL: quoted, it names the column.
            text('SELECT "current_role", target, framework_version FROM assessments ORDER BY id')
        ).all()
    assert moved == {
        # 4 (high) and 3 (medium): the mean 3.5 rounds up, the lower confidence, all evidence
        "data-driven-decision-making": (
            4,
            "medium",
            ["Built the churn model", "Set the north-star metric"],
        ),
        # 2 (high) and 3 (low): 2.5 rounds up to 3, low confidence
        "customer-empathy": (3, "low", ["Weekly customer calls"]),
        "strategic-thinking": (3, "medium", []),
        "leadership": (2, "medium", []),
    }
    assert untouched == {
        key: (level, confidence, evidence)
        for key, (level, confidence, evidence) in OLD_RATINGS.items()
    }
    assert [tuple(r) for r in roles] == [
        ("associate-product-manager", "associate-product-manager", "1.0"),
        ("junior-product-manager", "junior-product-manager", "1.0"),
    ]
    database.dispose()


def test_a_migrated_assessment_places_and_says_it_was_measured_on_1_0(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0007")
    now = datetime(2026, 11, 2, 9, 30)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        _assessment(connection, now, ("product-management", "1.0"), OLD_RATINGS)
    migrate(database, "head")
    framework = load_framework(bundled_framework_path())
    service = AssessmentService(database, framework, clock=lambda: datetime.now(UTC))
    [entry] = service.progress("web-old").assessments
    assert (entry.framework_version, entry.measured_on) == ("1.0", "Measured on framework 1.0")
    assert framework.has("role", entry.placement.id)  # it places on 2.0's ladder
    profile = service.profile("web-old")
    assert profile.measured_on == "Measured on framework 1.0"
    assert profile.ratings["data-driven-decision-making"].level == 4
    assert profile.target is not None
    assert profile.target.role.id == "associate-product-manager"
    database.dispose()
