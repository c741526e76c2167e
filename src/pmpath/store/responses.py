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
    # Core on the session's connection: the ORM's bulk-insert handling is not needed here.
    connection = session.connection()
    connection.execute(
        _UPSERT[connection.dialect.name],
        {
            "attempt_id": attempt_id,
            "position": position,
            "item_id": item_id,
            "flagged": False,
            "response": response,
            "credit": credit,
            "answered_at": answered_at,
        },
    )


def _upsert(insert: Any) -> Any:
    statement = insert(ResponseRow.__table__)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["attempt_id", "position"],
        set_={
            "response": excluded.response,
            "credit": excluded.credit,
            "answered_at": excluded.answered_at,
        },
    )


#: Built once per dialect: building the statement cost more than running it.
_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
