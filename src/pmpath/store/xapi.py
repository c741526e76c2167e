"""Queries for xAPI: the LRS's settings, the records not yet collected into the outbox, and the
outbox itself. Callers own the transaction.

Collecting reads committed records that have no outbox row of their kind yet (an anti-join on
the outbox's unique ``(kind, source_id)``), so it needs no cursor that could skip a record
committed out of order, and two processes collecting at once insert each statement once
(``ON CONFLICT DO NOTHING``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, selectinload

from pmpath.store.attempts import MOCK
from pmpath.store.tables import AssessmentRow, AttemptRow, ResponseRow, UserRow
from pmpath.store.tables_xapi import FAILED, PENDING, SENT, XapiOutboxRow, XapiSettingsRow

SETTINGS_ID = 1

# -- settings ----------------------------------------------------------------------------------


def settings(session: Session) -> XapiSettingsRow | None:
    return session.get(XapiSettingsRow, SETTINGS_ID)


def add_settings(session: Session, row: XapiSettingsRow) -> XapiSettingsRow:
    row.id = SETTINGS_ID
    session.add(row)
    session.flush()
    return row


# -- records not yet collected -----------------------------------------------------------------


def _not_collected(kind: str, source: Any) -> Any:
    outbox = aliased(XapiOutboxRow)
    return ~select(outbox.id).where(outbox.kind == kind, outbox.source_id == source).exists()


_ATTEMPT_COLUMNS = (
    AttemptRow.id,
    AttemptRow.profile_id,
    AttemptRow.mode,
    AttemptRow.bank_id,
    AttemptRow.blueprint_id,
    AttemptRow.started_at,
)


def started_attempts(session: Session, since: datetime | None, limit: int) -> Sequence[Any]:
    """Attempts started at or after ``since`` with no "attempted" statement yet, oldest first."""
    query = select(*_ATTEMPT_COLUMNS).where(_not_collected("attempted", AttemptRow.id))
    if since is not None:
        query = query.where(AttemptRow.started_at >= since)
    return session.execute(query.order_by(AttemptRow.id).limit(limit)).all()


def finished_attempts(session: Session, since: datetime | None, limit: int) -> Sequence[Row[Any]]:
    """Attempts finished at or after ``since`` with no "completed" statement yet."""
    query = select(
        *_ATTEMPT_COLUMNS,
        AttemptRow.finished_at,
        AttemptRow.score,
        AttemptRow.pass_mark,
        AttemptRow.result,
    ).where(AttemptRow.finished_at.is_not(None), _not_collected("completed", AttemptRow.id))
    if since is not None:
        query = query.where(AttemptRow.finished_at >= since)
    return session.execute(query.order_by(AttemptRow.id).limit(limit)).all()


def final_answers(session: Session, since: datetime | None, limit: int) -> Sequence[Row[Any]]:
    """Answers given at or after ``since`` that can no longer change, with no "answered"
    statement yet: a practice or adaptive answer is final once given; a mock exam's answer
    only once the exam is handed in (until then the learner may change it)."""
    query = (
        select(
            ResponseRow.id.label("response_id"),
            ResponseRow.item_id,
            ResponseRow.position,
            ResponseRow.response,
            ResponseRow.credit,
            ResponseRow.answered_at,
            *_ATTEMPT_COLUMNS,
        )
        .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
        .where(
            ResponseRow.answered_at.is_not(None),
            ResponseRow.credit.is_not(None),
            or_(AttemptRow.mode != MOCK, AttemptRow.finished_at.is_not(None)),
            _not_collected("answered", ResponseRow.id),
        )
    )
    if since is not None:
        query = query.where(ResponseRow.answered_at >= since)
    return session.execute(query.order_by(ResponseRow.id).limit(limit)).all()


def finished_assessments(
    session: Session, since: datetime | None, limit: int
) -> Sequence[AssessmentRow]:
    """Self-assessments finished at or after ``since`` with no statement yet, with ratings."""
    query = (
        select(AssessmentRow)
        .options(selectinload(AssessmentRow.ratings))
        .where(
            AssessmentRow.completed_at.is_not(None),
            _not_collected("self-assessed", AssessmentRow.id),
        )
    )
    if since is not None:
        query = query.where(AssessmentRow.completed_at >= since)
    return session.scalars(query.order_by(AssessmentRow.id).limit(limit)).all()


def emails(session: Session, profile_ids: Iterable[int]) -> dict[int, str]:
    """The email of each profile that belongs to an account."""
    ids = sorted(set(profile_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(UserRow.profile_id, UserRow.email).where(UserRow.profile_id.in_(ids))
    ).all()
    return {int(profile_id): str(email) for profile_id, email in rows}


# -- the outbox --------------------------------------------------------------------------------


def _insert_ignoring_duplicates(insert: Any) -> Any:
    return insert(XapiOutboxRow.__table__).on_conflict_do_nothing()


#: Built once per dialect; a row another process collected first is skipped.
_INSERT = {
    "postgresql": _insert_ignoring_duplicates(postgresql.insert),
    "sqlite": _insert_ignoring_duplicates(sqlite.insert),
}


def add_statements(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert outbox rows (column values); rows whose statement is already there are skipped."""
    if rows:
        connection = session.connection()
        connection.execute(_INSERT[connection.dialect.name], list(rows))


def claim_due(session: Session, now: datetime, until: datetime, limit: int) -> Sequence[Row[Any]]:
    """Up to ``limit`` pending statements due by ``now``, oldest first, each held until
    ``until`` so that another process sending at the same time leaves them alone."""
    due = session.scalars(
        select(XapiOutboxRow.id)
        .where(XapiOutboxRow.state == PENDING, XapiOutboxRow.next_try_at <= now)
        .order_by(XapiOutboxRow.id)
        .limit(limit)
    ).all()
    if not due:
        return []
    claimed = session.execute(
        update(XapiOutboxRow)
        .where(
            XapiOutboxRow.id.in_(due),
            XapiOutboxRow.state == PENDING,
            XapiOutboxRow.next_try_at <= now,
        )
        .values(next_try_at=until)
        .returning(XapiOutboxRow.id, XapiOutboxRow.statement, XapiOutboxRow.tries),
        execution_options={"synchronize_session": False},
    ).all()
    return sorted(claimed, key=lambda row: row.id)


def mark_sent(session: Session, ids: Sequence[int], now: datetime) -> None:
    if ids:
        session.execute(
            update(XapiOutboxRow)
            .where(XapiOutboxRow.id.in_(ids))
            .values(
                state=SENT,
                sent_at=now,
                last_error=None,
                tries=XapiOutboxRow.tries + 1,
                next_try_at=now,
            ),
            execution_options={"synchronize_session": False},
        )


def mark_failed(session: Session, row_id: int, message: str, now: datetime) -> None:
    session.execute(
        update(XapiOutboxRow)
        .where(XapiOutboxRow.id == row_id)
        .values(state=FAILED, last_error=message, tries=XapiOutboxRow.tries + 1, next_try_at=now),
        execution_options={"synchronize_session": False},
    )


def reschedule(session: Session, row_id: int, message: str, next_try_at: datetime) -> None:
    session.execute(
        update(XapiOutboxRow)
        .where(XapiOutboxRow.id == row_id)
        .values(last_error=message, tries=XapiOutboxRow.tries + 1, next_try_at=next_try_at),
        execution_options={"synchronize_session": False},
    )


def retry_failed(session: Session, ids: Sequence[int] | None, now: datetime) -> int:
    """Put failed statements (those of ``ids``, or all) back in line, due now; how many."""
    query = update(XapiOutboxRow).where(XapiOutboxRow.state == FAILED)
    if ids is not None:
        query = query.where(XapiOutboxRow.id.in_(ids))
    result = session.execute(
        query.values(state=PENDING, next_try_at=now),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def send_pending_now(session: Session, now: datetime) -> int:
    """Make every pending statement due now (an admin's "Send now"); how many."""
    result = session.execute(
        update(XapiOutboxRow)
        .where(XapiOutboxRow.state == PENDING, XapiOutboxRow.next_try_at > now)
        .values(next_try_at=now),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(XapiOutboxRow.state, func.count()).group_by(XapiOutboxRow.state)
    ).all()
    found = dict.fromkeys((PENDING, SENT, FAILED), 0)
    found.update({state: int(count) for state, count in rows})
    return found


def oldest_pending(session: Session) -> XapiOutboxRow | None:
    return session.scalars(
        select(XapiOutboxRow)
        .where(XapiOutboxRow.state == PENDING)
        .order_by(XapiOutboxRow.occurred_at, XapiOutboxRow.id)
        .limit(1)
    ).first()


def newest_retrying(session: Session) -> XapiOutboxRow | None:
    """The pending statement that failed a try most recently (the LRS's latest complaint)."""
    return session.scalars(
        select(XapiOutboxRow)
        .where(
            and_(
                XapiOutboxRow.state == PENDING,
                XapiOutboxRow.tries > 0,
                XapiOutboxRow.last_error.is_not(None),
            )
        )
        .order_by(XapiOutboxRow.next_try_at.desc(), XapiOutboxRow.id.desc())
        .limit(1)
    ).first()


def listing(session: Session, state: str | None, limit: int) -> Sequence[XapiOutboxRow]:
    """Statements in ``state`` (or any), newest first."""
    query = select(XapiOutboxRow)
    if state is not None:
        query = query.where(XapiOutboxRow.state == state)
    return session.scalars(
        query.order_by(XapiOutboxRow.occurred_at.desc(), XapiOutboxRow.id.desc()).limit(limit)
    ).all()


def outbox_row(session: Session, row_id: int) -> XapiOutboxRow | None:
    return session.get(XapiOutboxRow, row_id)
