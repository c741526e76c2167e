"""Revision 0012: promotion cases get a column for the document they were submitted with; the
cases already there keep everything else and have no snapshot (they are assembled when read),
going down drops the column and keeps the cases, and what the migration makes is what the
table class describes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, inspect, text

from pmpath.store import Database
from tests.store.test_organisations_migration import schema_differences
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own


def _columns(database: Database) -> set[str]:
    return {c["name"] for c in inspect(database.engine).get_columns("promotion_cases")}


def _insert_case(connection: Connection, now: datetime, status: str) -> None:
    connection.execute(
        text(
            "INSERT INTO promotion_cases (organisation_id, subject_id, target_role_id, "
            "framework_id, author_id, recommendation, status, created_at, updated_at, "
            "submitted_at) VALUES (1, 1, 'senior-product-manager', 'pm', 1, 'Ready.', :status, "
            ":now, :now, :now)"
        ),
        {"now": now, "status": status},
    )


def test_the_snapshot_column_comes_and_goes_and_the_cases_stay(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0011")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        connection.execute(
            text("INSERT INTO organisations (name, created_at) VALUES ('Acme', :now)"),
            {"now": now},
        )
        _insert_case(connection, now, "submitted")
    assert "snapshot" not in _columns(database)

    migrate(database, "0012")
    assert "snapshot" in _columns(database)
    with database.engine.begin() as connection:
        old = connection.execute(
            text("SELECT status, recommendation, snapshot FROM promotion_cases")
        ).one()
        assert tuple(old) == ("submitted", "Ready.", None)  # an older case: no frozen copy
        connection.execute(
            text("UPDATE promotion_cases SET snapshot = :doc"), {"doc": '{"subject": "Old"}'}
        )
        _insert_case(connection, now, "draft")

    migrate(database, "0011", down=True)
    assert "snapshot" not in _columns(database)
    with database.engine.begin() as connection:
        statuses = connection.execute(
            text("SELECT status FROM promotion_cases ORDER BY id")
        ).scalars()
        assert list(statuses) == ["submitted", "draft"]
    migrate(database, "head")
    assert "snapshot" in _columns(database)
    database.dispose()


def test_the_migrated_schema_is_the_one_the_table_describes(empty_url: str) -> None:
    assert schema_differences(empty_url, {"promotion_cases"}) == []
