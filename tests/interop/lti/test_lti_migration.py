"""Revision 0013: the LTI core tables come and go without touching what was there, and what the
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

NEW_TABLES = {
    "lti_platforms",
    "lti_deployments",
    "lti_tool_keys",
    "lti_nonces",
    "lti_identities",
    "lti_contexts",
    "lti_resource_links",
    "lti_launches",
    "lti_launch_data",
}


def test_the_lti_tables_come_and_go_and_learners_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0012")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
    migrate(database, "0013")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO lti_platforms (name, issuer, client_id, auth_login_url, "
                "auth_token_url, key_set_url, created_at) VALUES ('Moodle', "
                "'https://lms.example', 'c1', 'https://lms.example/auth', "
                "'https://lms.example/token', 'https://lms.example/jwks', :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO lti_identities (platform_id, subject, user_id, created_at) "
                "VALUES (1, 'sub-1', 1, :now)"
            ),
            {"now": now},
        )
    assert_down_drops_only(database, "0012", NEW_TABLES, {"users": 1})


def test_the_migrated_lti_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []
