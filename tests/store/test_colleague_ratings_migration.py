"""Revision 0010: the manager and peer rating tables come and go without touching what was
there, and what the migration makes is what the table classes describe (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from pmpath.store import Database
from tests.store.test_organisations_migration import schema_differences
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own

NEW_TABLES = {"colleague_ratings", "self_assessment_requests"}


def test_the_rating_tables_come_and_go_and_organisations_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0009")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        connection.execute(
            text("INSERT INTO organisations (name, created_at) VALUES ('Acme', :now)"),
            {"now": now},
        )
    migrate(database, "0010")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO colleague_ratings (organisation_id, subject_id, rater_id, source, "
                "framework_id, framework_version, competency_id, level, rated_at) "
                "VALUES (1, 1, 1, 'peer', 'pm', '1', 'strategy', 2, :now)"
            ),
            {"now": now},
        )
    migrate(database, "0009", down=True)
    tables = set(inspect(database.engine).get_table_names())
    assert not NEW_TABLES & tables
    with database.engine.begin() as connection:
        users = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
        organisations = connection.execute(text("SELECT count(*) FROM organisations")).scalar_one()
    assert (users, organisations) == (1, 1)
    migrate(database, "head")
    database.dispose()


def test_the_migrated_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []
