"""Revision 0011: the calibration, promotion-case and check-in tables come and go without
touching what was there, and what the migration makes is what the table classes describe
(SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from pmpath.store import Database
from tests.store.test_organisations_migration import schema_differences
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own

NEW_TABLES = {
    "calibration_adjustments",
    "promotion_cases",
    "check_in_goals",
    "check_ins",
    "check_in_progress",
}


def test_the_new_tables_come_and_go_and_ratings_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0010")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        connection.execute(
            text("INSERT INTO organisations (name, created_at) VALUES ('Acme', :now)"),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO colleague_ratings (organisation_id, subject_id, rater_id, source, "
                "framework_id, framework_version, competency_id, level, rated_at) "
                "VALUES (1, 1, 1, 'peer', 'pm', '1', 'strategy', 2, :now)"
            ),
            {"now": now},
        )
    migrate(database, "0011")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO calibration_adjustments (organisation_id, subject_id, framework_id, "
                "competency_id, to_level, reason, adjusted_at) "
                "VALUES (1, 1, 'pm', 'strategy', 3, 'evidence from the launch', :now)"
            ),
            {"now": now},
        )
    migrate(database, "0010", down=True)
    tables = set(inspect(database.engine).get_table_names())
    assert not NEW_TABLES & tables
    with database.engine.begin() as connection:
        ratings = connection.execute(text("SELECT count(*) FROM colleague_ratings")).scalar_one()
    assert ratings == 1
    migrate(database, "head")
    database.dispose()


def test_the_migrated_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []
