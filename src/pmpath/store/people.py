"""Queries for changing who is in an organisation and its teams, and in what role. Callers
own the transaction and check permissions first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from pmpath.store.tables import OrganisationMemberRow, TeamMemberRow, TeamRow, UserRow


def admins(session: Session, organisation_id: int) -> int:
    """How many organisation admins the organisation has."""
    return (
        session.scalar(
            select(func.count()).where(
                OrganisationMemberRow.organisation_id == organisation_id,
                OrganisationMemberRow.role == "admin",
            )
        )
        or 0
    )


def members(session: Session, organisation_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(OrganisationMemberRow.organisation_id == organisation_id)
        )
        or 0
    )


def memberships(session: Session, organisation_id: int) -> Sequence[Any]:
    """(user id, team id, team name, team role) of every team membership in the
    organisation."""
    return session.execute(
        select(TeamMemberRow.user_id, TeamRow.id, TeamRow.name, TeamMemberRow.role)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(TeamRow.organisation_id == organisation_id)
        .order_by(TeamRow.name, TeamRow.id)
    ).all()


def set_organisation_role(session: Session, organisation_id: int, user_id: int, role: str) -> None:
    session.execute(
        update(OrganisationMemberRow)
        .where(
            OrganisationMemberRow.organisation_id == organisation_id,
            OrganisationMemberRow.user_id == user_id,
        )
        .values(role=role)
    )


def team_role(session: Session, team_id: int, user_id: int) -> str | None:
    return session.scalars(
        select(TeamMemberRow.role).where(
            TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id
        )
    ).first()


def set_team_role(session: Session, team_id: int, user_id: int, role: str) -> None:
    session.execute(
        update(TeamMemberRow)
        .where(TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id)
        .values(role=role)
    )


def leave_team(session: Session, team_id: int, user_id: int) -> None:
    session.execute(
        delete(TeamMemberRow).where(
            TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id
        )
    )


def leave_organisation(session: Session, organisation_id: int, user_id: int) -> None:
    """Out of the organisation and every one of its teams."""
    teams = select(TeamRow.id).where(TeamRow.organisation_id == organisation_id)
    session.execute(
        delete(TeamMemberRow).where(
            TeamMemberRow.user_id == user_id, TeamMemberRow.team_id.in_(teams)
        )
    )
    session.execute(
        delete(OrganisationMemberRow).where(
            OrganisationMemberRow.organisation_id == organisation_id,
            OrganisationMemberRow.user_id == user_id,
        )
    )


def name_of(session: Session, user_id: int) -> str | None:
    return session.scalar(select(UserRow.name).where(UserRow.id == user_id))
