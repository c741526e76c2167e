"""The database handle: reads outside transactions, and pooled connections that died."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from pmpath.store import Database
from pmpath.store import database as database_module
from pmpath.store.tables import ProfileRow


def _add_profile(database: Database, name: str) -> None:
    with database.transaction() as session:
        session.add(ProfileRow(name=name, created_at=datetime.now(UTC)))


def _profile_names(database: Database) -> set[str]:
    with database.read() as session:
        return set(session.scalars(select(ProfileRow.name)))


def test_a_read_sees_what_was_committed(database_url: str) -> None:
    database = Database(database_url)
    database.upgrade()
    _add_profile(database, "ana")
    assert _profile_names(database) == {"ana"}
    database.dispose()


def test_a_read_does_not_wait_for_a_writer_of_this_process(tmp_path: Path) -> None:
    # SQLite transactions of one process take turns; a read must not queue behind them (the
    # API's token lookup would otherwise wait for every answer being written).
    database = Database.open(f"sqlite:///{tmp_path / 'pmpath.db'}")
    _add_profile(database, "ana")
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with database.transaction() as session:
            session.add(ProfileRow(name="ben", created_at=datetime.now(UTC)))
            session.flush()
            writing.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(10)
        seen: list[set[str]] = []
        reader = threading.Thread(target=lambda: seen.append(_profile_names(database)))
        reader.start()
        reader.join(5)
        assert not reader.is_alive(), "the read waited for the writer's turn"
        assert seen == [{"ana"}]  # the uncommitted row is not visible
    finally:
        release.set()
        thread.join()
    assert _profile_names(database) == {"ana", "ben"}
    database.dispose()


def _kill_pooled_connection(database: Database, url: str) -> int:
    """Use one pooled connection, then end its server process; returns the process id."""
    with database.transaction() as session:
        pid = int(session.scalar(text("SELECT pg_backend_pid()")))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    return pid


def test_a_dead_pooled_connection_is_replaced_after_resting(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a PostgreSQL restart or an idle timeout does to a resting pool: its connections die.
    monkeypatch.setattr(database_module, "IDLE_BEFORE_PING", 0.0)
    database = Database(postgres_url)
    dead = _kill_pooled_connection(database, postgres_url)
    with database.transaction() as session:  # would raise if the dead one were handed out
        assert session.scalar(text("SELECT pg_backend_pid()")) != dead
    database.dispose()


def test_a_connection_that_just_rested_is_used_without_a_ping(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under load connections rest for milliseconds and are trusted: no extra round trip. The
    # price: a connection that died within IDLE_BEFORE_PING fails one request (and the pool
    # then replaces its connections).
    monkeypatch.setattr(database_module, "IDLE_BEFORE_PING", 3600.0)
    database = Database(postgres_url)
    _kill_pooled_connection(database, postgres_url)
    with pytest.raises(OperationalError), database.transaction() as session:
        session.scalar(text("SELECT 1"))
    with database.transaction() as session:
        assert session.scalar(text("SELECT 1")) == 1
    database.dispose()
