"""Queries for badges and the issuer's key. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pmpath.store.tables import AttemptRow, UserRow
from pmpath.store.tables_badges import BadgeIssuerKeyRow, BadgeRow, BadgeStatusEntryRow


def issuer_key(session: Session) -> BadgeIssuerKeyRow | None:
    """The key that signs (the newest), if one was made."""
    found: BadgeIssuerKeyRow | None = session.scalars(
        select(BadgeIssuerKeyRow).order_by(BadgeIssuerKeyRow.id.desc()).limit(1)
    ).first()
    return found


def add(session: Session, row: BadgeRow) -> BadgeRow:
    session.add(row)
    session.flush()
    return row


def by_attempt(session: Session, attempt_id: int) -> BadgeRow | None:
    found: BadgeRow | None = session.scalars(
        select(BadgeRow).where(BadgeRow.attempt_id == attempt_id)
    ).first()
    return found


def by_public_id(session: Session, public_id: str) -> BadgeRow | None:
    found: BadgeRow | None = session.scalars(
        select(BadgeRow).where(BadgeRow.public_id == public_id)
    ).first()
    return found


def by_credential_id(session: Session, credential_id: str) -> BadgeRow | None:
    found: BadgeRow | None = session.scalars(
        select(BadgeRow).where(BadgeRow.credential_id == credential_id)
    ).first()
    return found


def of_user(session: Session, user_id: int) -> Sequence[BadgeRow]:
    """A user's badges, newest first."""
    return session.scalars(
        select(BadgeRow).where(BadgeRow.user_id == user_id).order_by(BadgeRow.id.desc())
    ).all()


def every(session: Session, limit: int) -> Sequence[tuple[BadgeRow, UserRow]]:
    """Badges with their learners, newest first."""
    rows = session.execute(
        select(BadgeRow, UserRow)
        .join(UserRow, UserRow.id == BadgeRow.user_id)
        .order_by(BadgeRow.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


def take_status_entry(session: Session, status_list: int, status_index: int) -> None:
    """Take the bit ``status_index`` of list ``status_list`` for a new badge, for good (an
    IntegrityError when it was taken at the same time elsewhere)."""
    session.add(BadgeStatusEntryRow(status_list=status_list, status_index=status_index))
    session.flush()


def set_status_bit(session: Session, row: BadgeRow) -> None:
    """Set the revocation bit of the badge ``row`` (at the moment ``row.revoked_at``); its
    entry exists, the foreign key from ``badges`` sees to that."""
    session.execute(
        update(BadgeStatusEntryRow)
        .where(
            BadgeStatusEntryRow.status_list == row.status_list,
            BadgeStatusEntryRow.status_index == row.status_index,
        )
        .values(revoked_at=row.revoked_at)
    )


def used_indices(session: Session, status_list: int) -> set[int]:
    """The bits of list ``status_list`` ever given to a badge, whether or not it still has a
    row (a deleted account's badges keep theirs)."""
    return set(
        session.scalars(
            select(BadgeStatusEntryRow.status_index).where(
                BadgeStatusEntryRow.status_list == status_list
            )
        ).all()
    )


def revoked_indices(session: Session, status_list: int) -> list[int]:
    """The bits of list ``status_list`` that are set: its revoked badges, deleted or not."""
    return list(
        session.scalars(
            select(BadgeStatusEntryRow.status_index).where(
                BadgeStatusEntryRow.status_list == status_list,
                BadgeStatusEntryRow.revoked_at.is_not(None),
            )
        ).all()
    )


def attempt(session: Session, attempt_id: int) -> AttemptRow | None:
    """The attempt ``attempt_id`` whoever owns it (the services that read it check that)."""
    return session.get(AttemptRow, attempt_id)


def user(session: Session, user_id: int) -> UserRow | None:
    return session.get(UserRow, user_id)


def finished_attempts(session: Session, profile_id: int) -> Sequence[AttemptRow]:
    """A profile's finished mock exams and adaptive tests, newest first (the ones that may
    earn a badge; practice never does)."""
    return session.scalars(
        select(AttemptRow)
        .where(
            AttemptRow.profile_id == profile_id,
            AttemptRow.finished_at.is_not(None),
            AttemptRow.mode.in_(("mock", "adaptive")),
        )
        .order_by(AttemptRow.finished_at.desc())
    ).all()
