"""Saving one answer with a single statement, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pmpath.store.tables import ResponseRow


def save_response(
    session: Session,
    attempt_id: int,
    position: int,
    item_id: str,
    response: Any,
    credit: float,
    answered_at: datetime,
) -> None:
    """Insert the answer at ``position``, or replace the one there (keeping its flag).

    An upsert on the (attempt, position) unique key: two tabs answering the same question at
    once leave one row, the later answer, without a retry and without loading the attempt's
    other responses.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"response": response, "credit": credit, "answered_at": answered_at}
    statement = insert(ResponseRow).values(
        attempt_id=attempt_id, position=position, item_id=item_id, flagged=False, **values
    )
    session.execute(
        statement.on_conflict_do_update(index_elements=["attempt_id", "position"], set_=values)
    )
