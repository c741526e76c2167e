"""Queries for attempts, their responses and review cards. Callers own the transaction.

Attempts come in two kinds. A fixed-form attempt (a mock exam or a practice session) has its
form drawn when it starts; an adaptive test's form grows with each answer and must only change
through the adaptive test's own service. Every lookup names the kind it serves, so neither
service can touch the other's attempts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select
from sqlalchemy.orm import Session

from pmpath.store.tables import AttemptRow, ProfileRow, ResponseRow, ReviewCardRow

MOCK, PRACTICE = "mock", "practice"
#: Adaptive tests (the placement test, adaptive exams): driven by pmpath.services.placement.
ADAPTIVE = "adaptive"


def _owned_query(adaptive: bool) -> Select[AttemptRow]:
    return (
        select(AttemptRow)
        .join(ProfileRow, ProfileRow.id == AttemptRow.profile_id)
        .where(
            AttemptRow.id == bindparam("attempt_id"),
            ProfileRow.name == bindparam("profile"),
            AttemptRow.bank_id == bindparam("bank_id"),
            (AttemptRow.mode == ADAPTIVE) if adaptive else (AttemptRow.mode != ADAPTIVE),
        )
    )


# Built once: building a statement cost more than running it, and every answer starts here.
_OWNED_FIXED_FORM = _owned_query(adaptive=False)
_OWNED_ADAPTIVE = _owned_query(adaptive=True)
_INSERT = insert(AttemptRow).returning(AttemptRow.id)
_RECENT_FORMS = select(AttemptRow.form).where(
    AttemptRow.profile_id == bindparam("profile_id"),
    AttemptRow.bank_id == bindparam("bank_id"),
    AttemptRow.started_at >= bindparam("since"),
)
_BANK_OF = select(AttemptRow.bank_id).where(AttemptRow.id == bindparam("attempt_id"))


def owned_fixed_form(
    session: Session, attempt_id: int, profile: str, bank_id: str
) -> AttemptRow | None:
    """The mock exam or practice session ``attempt_id`` if ``profile`` owns it on ``bank_id``."""
    found: AttemptRow | None = session.scalars(
        _OWNED_FIXED_FORM, {"attempt_id": attempt_id, "profile": profile, "bank_id": bank_id}
    ).first()
    return found


def owned_adaptive(
    session: Session, attempt_id: int, profile: str, bank_id: str
) -> AttemptRow | None:
    """The adaptive test ``attempt_id`` if ``profile`` owns it on ``bank_id``."""
    found: AttemptRow | None = session.scalars(
        _OWNED_ADAPTIVE, {"attempt_id": attempt_id, "profile": profile, "bank_id": bank_id}
    ).first()
    return found


def insert_attempt(session: Session, values: dict[str, Any]) -> AttemptRow:
    """Store a new attempt with one INSERT ... RETURNING (the ORM's unit of work took a third
    of an exam start's time). The row handed back is a copy no session tracks: read it only."""
    attempt_id = session.connection().execute(_INSERT, values).scalar_one()
    return AttemptRow(id=attempt_id, responses=[], **values)


def add_attempt(session: Session, row: AttemptRow) -> AttemptRow:
    """Store a new attempt through the ORM, so that later changes to ``row`` are saved too."""
    session.add(row)
    session.flush()
    return row


def recent_item_ids(session: Session, profile_id: int, bank_id: str, since: datetime) -> set[str]:
    """Every item on the forms of the profile's attempts on ``bank_id`` started since ``since``."""
    forms = session.scalars(
        _RECENT_FORMS, {"profile_id": profile_id, "bank_id": bank_id, "since": since}
    )
    return {entry["item_id"] for form in forms for entry in form}


def mock_starts_since(
    session: Session, profile_id: int, blueprint_id: str, since: datetime
) -> list[datetime]:
    """When the profile started mock exams of ``blueprint_id`` from ``since`` on, oldest first."""
    return list(
        session.scalars(
            select(AttemptRow.started_at)
            .where(
                AttemptRow.profile_id == profile_id,
                AttemptRow.blueprint_id == blueprint_id,
                AttemptRow.mode == MOCK,
                AttemptRow.started_at >= since,
            )
            .order_by(AttemptRow.started_at)
        )
    )


def bank_of(session: Session, attempt_id: int) -> str | None:
    """The bank an attempt was drawn from, or None when there is no such attempt."""
    bank_id: str | None = session.scalar(_BANK_OF, {"attempt_id": attempt_id})
    return bank_id


def open_fixed_form(session: Session, profile_id: int) -> Sequence[AttemptRow]:
    """The profile's unfinished mock exams and practice sessions, newest first."""
    return session.scalars(
        select(AttemptRow)
        .where(
            AttemptRow.profile_id == profile_id,
            AttemptRow.finished_at.is_(None),
            AttemptRow.mode != ADAPTIVE,  # resumed on their own page and command
        )
        .order_by(AttemptRow.id.desc())
    ).all()


def items_in_open_graded_attempts(session: Session, profile_id: int) -> set[str]:
    """The items of the profile's unfinished mock exams and adaptive tests: spaced review must
    not show them (their key would answer the open attempt)."""
    forms = session.scalars(
        select(AttemptRow.form).where(
            AttemptRow.profile_id == profile_id,
            AttemptRow.finished_at.is_(None),
            AttemptRow.mode.in_((MOCK, ADAPTIVE)),
        )
    )
    return {entry["item_id"] for form in forms for entry in form}


def has_any(session: Session, profile_id: int) -> bool:
    """Whether the profile has started any attempt at all (every answer belongs to one)."""
    first = select(AttemptRow.id).where(AttemptRow.profile_id == profile_id).limit(1)
    return session.scalar(first) is not None


def finished_fixed_form(session: Session, profile_id: int) -> Sequence[AttemptRow]:
    """The profile's finished mock exams and practice sessions, oldest first."""
    return session.scalars(
        select(AttemptRow)
        .where(
            AttemptRow.profile_id == profile_id,
            AttemptRow.finished_at.is_not(None),
            AttemptRow.mode != ADAPTIVE,  # no fixed form: no score trend
        )
        .order_by(AttemptRow.finished_at, AttemptRow.id)
    ).all()


def finished_on_bank(
    session: Session, bank_id: str, profile_id: int | None = None
) -> Sequence[AttemptRow]:
    """Every finished attempt of any kind on ``bank_id`` (of one profile, or of all)."""
    query = select(AttemptRow).where(
        AttemptRow.bank_id == bank_id, AttemptRow.finished_at.is_not(None)
    )
    if profile_id is not None:
        query = query.where(AttemptRow.profile_id == profile_id)
    return session.scalars(query).all()


def newest_adaptive(
    session: Session, profile: str, bank_id: str, test_id: str, *, finished: bool
) -> AttemptRow | None:
    """The profile's newest adaptive test ``test_id`` on ``bank_id``, finished or running."""
    done = AttemptRow.finished_at.is_not(None) if finished else AttemptRow.finished_at.is_(None)
    order = (
        (AttemptRow.finished_at.desc(), AttemptRow.id.desc())
        if finished
        else (AttemptRow.id.desc(),)
    )
    found: AttemptRow | None = session.scalars(
        select(AttemptRow)
        .join(ProfileRow, ProfileRow.id == AttemptRow.profile_id)
        .where(
            ProfileRow.name == profile,
            AttemptRow.mode == ADAPTIVE,
            AttemptRow.blueprint_id == test_id,
            AttemptRow.bank_id == bank_id,
            done,
        )
        .order_by(*order)
        .limit(1)
    ).first()
    return found


# -- review cards ------------------------------------------------------------------------------


def review_cards(session: Session, profile_id: int, bank_id: str) -> Sequence[ReviewCardRow]:
    """The profile's review cards on ``bank_id``, soonest due first."""
    return session.scalars(
        select(ReviewCardRow)
        .where(ReviewCardRow.profile_id == profile_id, ReviewCardRow.bank_id == bank_id)
        .order_by(ReviewCardRow.due)
    ).all()


def due_review_count(session: Session, profile: str, bank_id: str, now: datetime) -> int:
    """How many of the profile's review cards on ``bank_id`` are due at ``now``: one query, for
    the navigation (the queue itself also leaves out items held back by open attempts)."""
    return (
        session.scalar(
            select(func.count(ReviewCardRow.id))
            .join(ProfileRow, ProfileRow.id == ReviewCardRow.profile_id)
            .where(
                ProfileRow.name == profile,
                ReviewCardRow.bank_id == bank_id,
                ReviewCardRow.due <= now,
            )
        )
        or 0
    )


def review_card(
    session: Session, profile_id: int, bank_id: str, item_id: str
) -> ReviewCardRow | None:
    return session.scalars(
        select(ReviewCardRow).where(
            ReviewCardRow.profile_id == profile_id,
            ReviewCardRow.bank_id == bank_id,
            ReviewCardRow.item_id == item_id,
        )
    ).one_or_none()


def new_review_card(session: Session, profile_id: int, bank_id: str, item_id: str) -> ReviewCardRow:
    card = ReviewCardRow(profile_id=profile_id, bank_id=bank_id, item_id=item_id, reviews=0)
    session.add(card)
    return card


# -- responses ---------------------------------------------------------------------------------


def response_at(session: Session, attempt: AttemptRow, position: int, item_id: str) -> ResponseRow:
    """The attempt's response row at ``position``, created (unanswered, unflagged) if missing."""
    for existing in attempt.responses:
        if existing.position == position:
            return existing
    created = ResponseRow(attempt_id=attempt.id, position=position, item_id=item_id, flagged=False)
    session.add(created)
    attempt.responses.append(created)
    session.flush()
    return created
