"""Queries for promotion cases. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmpath.store.tables import PromotionCaseRow, TeamMemberRow, TeamRow, UserRow

#: The statuses in which a case is still open (not decided).
OPEN_STATUSES = ("draft", "submitted")


def add_case(session: Session, row: PromotionCaseRow) -> PromotionCaseRow:
    session.add(row)
    session.flush()
    return row


def case(
    session: Session, organisation_id: int, case_id: int, *, for_update: bool = False
) -> PromotionCaseRow | None:
    """The case with this id in this organisation (None in another organisation); with
    ``for_update``, locked until the transaction ends, so two transitions never interleave."""
    query = select(PromotionCaseRow).where(
        PromotionCaseRow.id == case_id, PromotionCaseRow.organisation_id == organisation_id
    )
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).first()


def cases(session: Session, organisation_id: int) -> Sequence[PromotionCaseRow]:
    """Every case of the organisation, the most recently changed first."""
    return session.scalars(
        select(PromotionCaseRow)
        .where(PromotionCaseRow.organisation_id == organisation_id)
        .order_by(PromotionCaseRow.updated_at.desc(), PromotionCaseRow.id.desc())
    ).all()


def open_case(
    session: Session, organisation_id: int, subject_id: int, target_role_id: str
) -> PromotionCaseRow | None:
    """The member's undecided case for this role, if there is one."""
    return session.scalars(
        select(PromotionCaseRow).where(
            PromotionCaseRow.organisation_id == organisation_id,
            PromotionCaseRow.subject_id == subject_id,
            PromotionCaseRow.target_role_id == target_role_id,
            PromotionCaseRow.status.in_(OPEN_STATUSES),
        )
    ).first()


def managed_members(session: Session, organisation_id: int, manager_id: int) -> Sequence[Any]:
    """(id, name) of the members of the teams of the organisation ``manager_id`` manages,
    each once, by name; the manager is not among them."""
    managed = (
        select(TeamMemberRow.team_id)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(
            TeamMemberRow.user_id == manager_id,
            TeamMemberRow.role == "manager",
            TeamRow.organisation_id == organisation_id,
        )
    )
    return session.execute(
        select(UserRow.id, UserRow.name)
        .join(TeamMemberRow, TeamMemberRow.user_id == UserRow.id)
        .where(
            TeamMemberRow.team_id.in_(managed),
            TeamMemberRow.role == "member",
            UserRow.id != manager_id,
        )
        .distinct()
        .order_by(UserRow.name, UserRow.id)
    ).all()


def names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """{user id: name} of the users that exist among ``user_ids``."""
    if not user_ids:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.name).where(UserRow.id.in_(sorted(user_ids)))
    ).all()
    return {row.id: row.name for row in rows}
