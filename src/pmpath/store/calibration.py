"""Queries for calibration adjustments (the audit trail of calibration sessions). Callers own
the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmpath.store.tables import CalibrationAdjustmentRow


def add_adjustment(session: Session, row: CalibrationAdjustmentRow) -> CalibrationAdjustmentRow:
    """Record an adjustment; earlier ones stay (they are the audit trail)."""
    session.add(row)
    session.flush()
    return row


def adjustments(
    session: Session,
    organisation_id: int,
    framework_id: str | None = None,
    subject_ids: Iterable[int] | None = None,
) -> Sequence[CalibrationAdjustmentRow]:
    """The organisation's adjustments, oldest first; only on ``framework_id`` and of
    ``subject_ids`` when given."""
    query = select(CalibrationAdjustmentRow).where(
        CalibrationAdjustmentRow.organisation_id == organisation_id
    )
    if framework_id is not None:
        query = query.where(CalibrationAdjustmentRow.framework_id == framework_id)
    if subject_ids is not None:
        query = query.where(CalibrationAdjustmentRow.subject_id.in_(list(subject_ids)))
    return session.scalars(
        query.order_by(CalibrationAdjustmentRow.adjusted_at, CalibrationAdjustmentRow.id)
    ).all()
