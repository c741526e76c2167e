"""Opening the database: the URL, the engine, and migrations to the current schema."""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from pmpath.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
POOL_SIZE, POOL_OVERFLOW = 10, 20


def default_database_url() -> str:
    """A SQLite file in the user data directory (created on first use)."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('pmpath', appauthor=False)) / 'pmpath.db'}"


def database_url(explicit: str | None = None) -> str:
    """``explicit``, else ``PMPATH_DATABASE_URL``, else the default SQLite file."""
    return explicit or os.environ.get("PMPATH_DATABASE_URL") or default_database_url()


class Database:
    """An engine and a session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url)
        else:
            # Up to 30 connections a process: the web app runs requests in 40 threads, and a
            # thread that waits for a connection stalls its request (answers queued behind a
            # burst of exam starts). Three app processes stay within PostgreSQL's default 100.
            self.engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
            _ping_when_idle(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Single reads need no transaction: on PostgreSQL that saves the COMMIT's round trip.
        self._reads = sessionmaker(
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
        )
        self._turns = threading.RLock() if self.is_sqlite else None

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """Open the database; SQLite is migrated on the spot, others must be current.

        A shared server database is upgraded deliberately (``pmpath db upgrade``), never as a
        side effect of one user's command.
        """
        database = cls(database_url(url))
        if database.is_sqlite:
            database.upgrade()
        else:
            database.require_current()
        return database

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error.

        On SQLite the transactions of one process take turns. SQLite has a single writer
        anyway, and threads that meet its lock otherwise wait in its busy handler, which
        sleeps up to 100 ms between tries: under a burst of requests, turns in a queue are far
        faster than that. Other processes still meet the busy timeout.
        """
        if self._turns is None:
            with self._sessions.begin() as session:
                yield session
            return
        with self._turns, self._sessions.begin() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for one read query, outside any transaction, for the hottest lookups.

        It does not take a turn on SQLite (WAL readers never wait for the writer) and runs in
        autocommit on PostgreSQL. Several queries that must agree use ``transaction()``.
        """
        with self._reads() as session:
            yield session

    def upgrade(self) -> None:
        """Run every migration not yet applied."""
        if self._at_head():
            return  # the usual case: no need to load Alembic (a fifth of a command's start)
        from alembic import command

        with self.engine.begin() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def revisions(self) -> tuple[str | None, str]:
        """(the revision the database is at, the newest revision pmpath knows)."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        with self.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        return current, str(head)

    def _at_head(self) -> bool:
        """Whether the database records the newest migration, read without Alembic."""
        try:
            with self.engine.connect() as connection:
                found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        except Exception:  # no table yet (a new database), or unreadable: let Alembic see
            return False
        return [row[0] for row in found] == [head_revision()]

    def require_current(self) -> None:
        current, head = self.revisions()
        if current != head:
            raise DatabaseError(
                f"the database schema is at revision {current or 'none'}, this pmpath needs "
                f"{head}: run `pmpath db upgrade`"
            )

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)


@functools.cache
def head_revision() -> str:
    """The newest migration's revision, read from the migration files' ``revision`` and
    ``down_revision`` lines (the one no other migration comes after)."""
    import re

    revisions, parents = set(), set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        text_ = script.read_text(encoding="utf-8")
        revision = re.search(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", text_, re.M)
        parent = re.search(r"^down_revision\b[^=]*=\s*[\"']([^\"']+)[\"']", text_, re.M)
        if revision:
            revisions.add(revision.group(1))
        if parent:
            parents.add(parent.group(1))
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"the migrations have {len(heads)} heads, not one: {sorted(heads)}")
    return heads.pop()


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


#: A pooled connection unused for longer than this is tested before it is handed out.
IDLE_BEFORE_PING = 5.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use if it sat idle, and replace it if it is dead.

    Like SQLAlchemy's ``pool_pre_ping``, but only after ``IDLE_BEFORE_PING`` seconds of
    rest: a server restart or an idle timeout happens while connections rest, and under load
    they rest for milliseconds. pre_ping on every checkout cost each API answer two extra
    round trips (about a third of its time on PostgreSQL).
    """

    @event.listens_for(engine, "checkin")
    def _rested(_dbapi_connection: Any, record: Any) -> None:
        record.info["rested_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        rested_at = record.info.get("rested_at")
        if rested_at is None or time.monotonic() - rested_at <= IDLE_BEFORE_PING:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:  # whatever the driver raises for a dead connection
            # The pool discards this connection and checks out another (up to three tries).
            raise DisconnectionError("a pooled connection was dead") from exc


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets readers work while a writer commits; foreign keys are off by default.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")  # queue behind a writer, do not fail
        cursor.close()

    return engine
