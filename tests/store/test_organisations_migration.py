"""Revision 0009: the organisation tables come and go without touching what was there, and
what the migration makes is what the table classes describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import inspect, text

from pmpath.store import Database
from pmpath.store.tables import Base
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own

NEW_TABLES = {
    "organisations",
    "organisation_members",
    "teams",
    "team_members",
    "invitations",
    "organisation_frameworks",
    "access_log",
}


def test_the_organisation_tables_come_and_go_and_learners_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0008")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
    migrate(database, "0009")
    assert set(inspect(database.engine).get_table_names()) >= NEW_TABLES
    with database.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO organisations (name, created_at) VALUES ('Acme', :now)"),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO organisation_members (organisation_id, user_id, role, joined_at) "
                "VALUES (1, 1, 'admin', :now)"
            ),
            {"now": now},
        )
    migrate(database, "0008", down=True)
    tables = set(inspect(database.engine).get_table_names())
    assert not NEW_TABLES & tables
    with database.engine.begin() as connection:
        users = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
    assert users == 1
    migrate(database, "head")
    database.dispose()


def test_the_migrated_schema_is_the_one_the_tables_describe(empty_url: str) -> None:
    assert schema_differences(empty_url, NEW_TABLES) == []


def schema_differences(url: str, tables: set[str]) -> list[object]:
    """What Alembic finds between the tables described in pmpath.store.tables and ``tables``
    as the migrations create them in the empty database at ``url``."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    database = Database(url)
    migrate(database, "head")
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    database.dispose()
    return [d for d in differences if tables & set(_tables_named(d))]


def _tables_named(difference: object) -> list[str]:
    """The table names a difference from alembic's compare_metadata mentions."""
    found = []
    for part in difference if isinstance(difference, (list, tuple)) else [difference]:
        table = getattr(part, "table", None)
        name = getattr(table, "name", None) or getattr(part, "name", None)
        if isinstance(name, str):
            found.append(name)
        elif isinstance(part, str):
            found.append(part)
    return found
