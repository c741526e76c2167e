"""Revision 0016: the LTI Advantage tables (line items, the score outbox, roster imports) come and
go without touching what was there, and what the migration makes is what the table classes
describe (on SQLite and PostgreSQL)."""

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

NEW_TABLES = {"lti_line_items", "lti_score_outbox", "lti_roster_imports"}


def test_the_advantage_tables_come_and_go_and_the_lti_core_stays(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0015")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        connection.execute(
            text(
                "INSERT INTO lti_platforms (name, issuer, client_id, auth_login_url, "
                "auth_token_url, key_set_url, created_at) VALUES ('Moodle', "
                "'https://lms.example', 'c1', 'https://lms.example/auth', "
                "'https://lms.example/token', 'https://lms.example/jwks', :now)"
            ),
            {"now": now},
        )
    migrate(database, "0016")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    assert_down_drops_only(database, "0015", NEW_TABLES, {"users": 1, "lti_platforms": 1})


def test_the_migrated_advantage_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []
