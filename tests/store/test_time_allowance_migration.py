"""Revision 0007: learners from before it have the standard time, and undoing it keeps every
learner and account (on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from pmpath.store import Database
from tests.store.test_token_migration import empty_url, insert_old_learner, migrate

__all__ = ["empty_url"]  # the fixture: an empty database of its own


def test_existing_learners_get_the_standard_time_and_keep_it_down_and_up(empty_url: str) -> None:
    database = Database(empty_url)
    migrate(database, "0006")
    now = datetime.now(UTC).replace(tzinfo=None)
    with database.engine.begin() as connection:
        insert_old_learner(connection, now)
    migrate(database, "0007")
    with database.engine.begin() as connection:
        allowance = connection.execute(text("SELECT time_allowance FROM profiles")).scalar_one()
    assert allowance == "standard"
    migrate(database, "0006", down=True)
    with database.engine.begin() as connection:
        users = connection.execute(text("SELECT count(*) FROM users")).scalar_one()
    assert users == 1  # dropping the column never drops the learners
    migrate(database, "head")
    database.dispose()
