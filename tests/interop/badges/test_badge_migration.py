"""Revision 0014: the badge tables come and go without touching what was there, and what the
migration makes is what the table classes describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from pmpath.store import Database
from tests.store.test_organisations_migration import schema_differences
from tests.store.test_token_migration import (
    assert_down_drops_only,
    empty_url,
    insert_old_learner,
    migrate,
)

__all__ = ["empty_url"]  # the fixture: an empty database of its own

NEW_TABLES = {"badge_issuer_keys", "badge_status_entries", "badges"}


def test_the_badge_tables_come_and_go_and_learners_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0013")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
    migrate(database, "0014")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO badge_status_entries (status_list, status_index, revoked_at) "
                "VALUES (1, 42, :now)"
            ),
            {"now": now},
        )
    assert_down_drops_only(database, "0013", NEW_TABLES, {"users": 1})


def test_the_migrated_badge_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []
