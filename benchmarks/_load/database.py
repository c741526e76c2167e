"""The benchmark's own database: created, filled with learners, checked, dropped."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from pmpath.store import Database
from pmpath.store.tables import ApiTokenRow, ProfileRow, ResponseRow, UserRow

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def make_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'load.db'}"
    name = f"pmpath_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = make_url(url).database
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def create_learners(url: str, count: int) -> list[str]:
    """``count`` learners with API tokens, inserted in bulk; returns the tokens.

    Hashing thousands of passwords with argon2 would take minutes and is not what is being
    measured, so the rows go in directly (one shared password hash; nobody signs in)."""
    from argon2 import PasswordHasher

    database = Database.open(url) if url.startswith("sqlite") else Database(url)
    if not url.startswith("sqlite"):
        database.upgrade()
    password_hash = PasswordHasher().hash(secrets.token_urlsafe(16))
    now = datetime.now(UTC)
    tokens = [f"pmp_load_{secrets.token_urlsafe(24)}" for _ in range(count)]
    with database.transaction() as session:
        session.execute(
            insert(ProfileRow), [{"name": f"load-{n}", "created_at": now} for n in range(count)]
        )
        profiles = dict(session.execute(select(ProfileRow.name, ProfileRow.id)).all())
        session.execute(
            insert(UserRow),
            [
                {
                    "email": f"load{n}@example.org",
                    "name": f"Learner {n}",
                    "password_hash": password_hash,
                    "role": "learner",
                    "profile_id": profiles[f"load-{n}"],
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        users = dict(session.execute(select(UserRow.email, UserRow.id)).all())
        session.execute(
            insert(ApiTokenRow),
            [
                {
                    "token_hash": hashlib.sha256(t.encode()).hexdigest(),
                    "user_id": users[f"load{n}@example.org"],
                    "name": "load",
                    "created_at": now,
                }
                for n, t in enumerate(tokens)
            ],
        )
    database.dispose()
    return tokens


def missing_answers(url: str, acknowledged: list[tuple[int, int, str]]) -> int:
    """How many acknowledged answers are missing from the database."""
    database = Database(url)
    with database.transaction() as session:
        stored = {
            (row.attempt_id, row.position): json.dumps(row.response)
            for row in session.scalars(select(ResponseRow))
        }
    database.dispose()
    return sum(1 for attempt, position, _ in acknowledged if (attempt, position) not in stored)
