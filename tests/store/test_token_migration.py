"""Revision 0006: tokens made before it keep working for 90 days, with both scopes and a
public id; on SQLite and PostgreSQL, up and down."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from pmpath.services.accounts import AccountService
from pmpath.store import Database
from pmpath.store.database import _alembic_config
from tests.conftest import own_postgres_database

OLD_TOKEN = "pmp_" + "x" * 43


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (migrations run against it from scratch)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    with own_postgres_database("pmpath_migration") as url:
        yield url


def insert_old_learner(connection: Connection, now: datetime) -> None:
    """A learner and account as an older revision stored them (profile 1, user 1), written
    with SQL because the ORM models describe the newest schema."""
    connection.execute(
        text("INSERT INTO profiles (name, created_at) VALUES ('web-old', :now)"), {"now": now}
    )
    connection.execute(
        text(
            "INSERT INTO users (email, name, password_hash, role, profile_id, created_at) "
            "VALUES ('old@example.org', 'Old', 'x', 'learner', 1, :now)"
        ),
        {"now": now},
    )


def migrate(database: Database, revision: str, down: bool = False) -> None:
    from alembic import command

    with database.engine.begin() as connection:
        config = _alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def assert_down_drops_only(
    database: Database, revision: str, dropped: set[str], kept: dict[str, int]
) -> None:
    """Going down to ``revision`` drops the ``dropped`` tables and keeps the rows of the
    ``kept`` ones (table -> row count); then back to the head, and the database is closed."""
    from sqlalchemy import inspect, text

    migrate(database, revision, down=True)
    assert not dropped & set(inspect(database.engine).get_table_names())
    with database.engine.begin() as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in kept
        }
    assert counts == kept
    migrate(database, "head")
    database.dispose()


def test_tokens_made_before_expire_90_days_after_the_upgrade(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0005")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
        connection.execute(
            text(
                "INSERT INTO api_tokens (token_hash, user_id, name, created_at) "
                "VALUES (:hash, 1, 'legacy', :now)"
            ),
            {"hash": hashlib.sha256(OLD_TOKEN.encode()).hexdigest(), "now": now},
        )
        connection.execute(
            text("INSERT INTO login_failures (email, at) VALUES ('old@example.org', :now)"),
            {"now": now},
        )
    migrate(database, "head")
    accounts = AccountService(database)
    user = accounts.token_user(OLD_TOKEN)
    assert user is not None
    assert user.email == "old@example.org"
    assert user.may_write()
    [token] = accounts.tokens(user).tokens
    assert token.scopes == ["read", "write"]
    assert len(token.id) == 12
    expected = datetime.now(UTC) + timedelta(days=90)
    assert abs(token.expires_at - expected) < timedelta(minutes=5)
    # And back: 0006 can be undone, and done again.
    migrate(database, "0005", down=True)
    migrate(database, "head")
    assert accounts.token_user(OLD_TOKEN) is not None
    database.dispose()
