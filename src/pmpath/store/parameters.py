"""Queries for IRT parameter sets and the responses calibration reads. Callers own the
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pmpath.store.tables import AttemptRow, ParameterSetRow, ProfileRow, ResponseRow


def newest_version(session: Session, bank_id: str) -> int | None:
    """The newest parameter version stored for ``bank_id``, or None before any calibration."""
    version: int | None = session.scalar(
        select(func.max(ParameterSetRow.version)).where(ParameterSetRow.bank_id == bank_id)
    )
    return version


def parameter_set(session: Session, bank_id: str, version: int) -> ParameterSetRow:
    return session.scalars(
        select(ParameterSetRow).where(
            ParameterSetRow.bank_id == bank_id, ParameterSetRow.version == version
        )
    ).one()


def add_parameter_set(
    session: Session,
    bank_id: str,
    model: str,
    items: dict[str, Any],
    summary: dict[str, Any],
    now: datetime,
) -> int:
    """Store a parameter set as the bank's next version; returns that version."""
    version = (newest_version(session, bank_id) or 0) + 1
    session.add(
        ParameterSetRow(
            bank_id=bank_id,
            version=version,
            model=model,
            created_at=now,
            items=items,
            summary=summary,
        )
    )
    return version


def finished_attempt_ids(session: Session, bank_id: str) -> list[int]:
    return list(
        session.scalars(
            select(AttemptRow.id).where(
                AttemptRow.bank_id == bank_id, AttemptRow.finished_at.is_not(None)
            )
        )
    )


def finished_credits(session: Session, bank_id: str) -> Iterable[tuple[int, str, float | None]]:
    """(attempt, item, credit) of every scored answer in the finished attempts on ``bank_id``."""
    rows = session.execute(
        select(ResponseRow.attempt_id, ResponseRow.item_id, ResponseRow.credit)
        .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
        .where(
            AttemptRow.bank_id == bank_id,
            AttemptRow.finished_at.is_not(None),
            ResponseRow.credit.is_not(None),
        )
    )
    return [(attempt_id, item_id, credit) for attempt_id, item_id, credit in rows]


def learner_credits(session: Session, profile: str, bank_id: str) -> list[tuple[str, float | None]]:
    """(item, credit) of every scored answer of ``profile`` on ``bank_id`` in any attempt,
    oldest first (so a later answer to the same item overrides an earlier one)."""
    rows = session.execute(
        select(ResponseRow.item_id, ResponseRow.credit)
        .join(AttemptRow, AttemptRow.id == ResponseRow.attempt_id)
        .join(ProfileRow, ProfileRow.id == AttemptRow.profile_id)
        .where(
            ProfileRow.name == profile,
            AttemptRow.bank_id == bank_id,
            ResponseRow.credit.is_not(None),
        )
        .order_by(ResponseRow.answered_at)
    )
    return [(item_id, credit) for item_id, credit in rows]
