"""Queries for organisations, teams, their members, invitations, an organisation's ladder
versions and the access log. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pmpath.store.tables import (
    AccessLogRow,
    InvitationRow,
    OrganisationFrameworkRow,
    OrganisationMemberRow,
    OrganisationRow,
    ProfileRow,
    TeamMemberRow,
    TeamRow,
    UserRow,
)

# -- organisations ---------------------------------------------------------------------------


def add_organisation(session: Session, name: str, now: datetime) -> OrganisationRow:
    row = OrganisationRow(name=name, created_at=now)
    session.add(row)
    session.flush()
    return row


def organisation(session: Session, organisation_id: int) -> OrganisationRow | None:
    return session.get(OrganisationRow, organisation_id)


def organisations_of(session: Session, user_id: int) -> Sequence[Any]:
    """(organisation, role) of every organisation ``user_id`` belongs to, by name."""
    return session.execute(
        select(OrganisationRow, OrganisationMemberRow.role)
        .join(OrganisationMemberRow, OrganisationMemberRow.organisation_id == OrganisationRow.id)
        .where(OrganisationMemberRow.user_id == user_id)
        .order_by(OrganisationRow.name, OrganisationRow.id)
    ).all()


def organisation_role(session: Session, organisation_id: int, user_id: int) -> str | None:
    """ "member" or "admin", or None for someone outside the organisation."""
    return session.scalars(
        select(OrganisationMemberRow.role).where(
            OrganisationMemberRow.organisation_id == organisation_id,
            OrganisationMemberRow.user_id == user_id,
        )
    ).first()


def join_organisation(
    session: Session, organisation_id: int, user_id: int, role: str, now: datetime
) -> None:
    """Make ``user_id`` a member with ``role``; an existing member keeps the higher role."""
    row = session.scalars(
        select(OrganisationMemberRow).where(
            OrganisationMemberRow.organisation_id == organisation_id,
            OrganisationMemberRow.user_id == user_id,
        )
    ).first()
    if row is None:
        session.add(
            OrganisationMemberRow(
                organisation_id=organisation_id, user_id=user_id, role=role, joined_at=now
            )
        )
    elif role == "admin":
        row.role = "admin"
    session.flush()


def organisation_members(session: Session, organisation_id: int) -> Sequence[Any]:
    """(user id, name, email, profile name, organisation role) of every member, by name."""
    return session.execute(
        select(
            UserRow.id,
            UserRow.name,
            UserRow.email,
            ProfileRow.name.label("profile"),
            OrganisationMemberRow.role,
        )
        .join(OrganisationMemberRow, OrganisationMemberRow.user_id == UserRow.id)
        .join(ProfileRow, ProfileRow.id == UserRow.profile_id)
        .where(OrganisationMemberRow.organisation_id == organisation_id)
        .order_by(UserRow.name, UserRow.id)
    ).all()


# -- teams -----------------------------------------------------------------------------------


def add_team(session: Session, organisation_id: int, name: str, now: datetime) -> TeamRow:
    row = TeamRow(organisation_id=organisation_id, name=name, created_at=now)
    session.add(row)
    session.flush()
    return row


def team(session: Session, team_id: int) -> TeamRow | None:
    return session.get(TeamRow, team_id)


def team_named(session: Session, organisation_id: int, name: str) -> TeamRow | None:
    return session.scalars(
        select(TeamRow).where(
            TeamRow.organisation_id == organisation_id, func.lower(TeamRow.name) == name.lower()
        )
    ).first()


def teams_of_organisation(session: Session, organisation_id: int) -> Sequence[Any]:
    """(team, number of members) of every team of the organisation, by name."""
    counted = (
        select(TeamMemberRow.team_id, func.count().label("members"))
        .group_by(TeamMemberRow.team_id)
        .subquery()
    )
    return session.execute(
        select(TeamRow, func.coalesce(counted.c.members, 0))
        .outerjoin(counted, counted.c.team_id == TeamRow.id)
        .where(TeamRow.organisation_id == organisation_id)
        .order_by(TeamRow.name, TeamRow.id)
    ).all()


def team_roles_of(session: Session, organisation_id: int, user_id: int) -> dict[int, str]:
    """{team id: "member" or "manager"} for every team of the organisation ``user_id`` is in."""
    rows = session.execute(
        select(TeamMemberRow.team_id, TeamMemberRow.role)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(TeamRow.organisation_id == organisation_id, TeamMemberRow.user_id == user_id)
    ).all()
    return {row.team_id: row.role for row in rows}


def team_members(session: Session, team_id: int) -> Sequence[Any]:
    """(user id, name, email, profile name, team role) of every member, managers first."""
    return session.execute(
        select(
            UserRow.id,
            UserRow.name,
            UserRow.email,
            ProfileRow.name.label("profile"),
            TeamMemberRow.role,
        )
        .join(TeamMemberRow, TeamMemberRow.user_id == UserRow.id)
        .join(ProfileRow, ProfileRow.id == UserRow.profile_id)
        .where(TeamMemberRow.team_id == team_id)
        .order_by(case((TeamMemberRow.role == "manager", 0), else_=1), UserRow.name, UserRow.id)
    ).all()


def join_team(session: Session, team_id: int, user_id: int, role: str, now: datetime) -> None:
    """Make ``user_id`` a member of the team with ``role``; a manager stays a manager."""
    row = session.scalars(
        select(TeamMemberRow).where(
            TeamMemberRow.team_id == team_id, TeamMemberRow.user_id == user_id
        )
    ).first()
    if row is None:
        session.add(TeamMemberRow(team_id=team_id, user_id=user_id, role=role, joined_at=now))
    elif role == "manager":
        row.role = "manager"
    session.flush()


def manages_team_of(
    session: Session, manager_id: int, member_id: int, organisation_id: int
) -> bool:
    """Whether ``manager_id`` manages a team of the organisation that ``member_id`` is in."""
    managed = (
        select(TeamMemberRow.team_id)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(
            TeamMemberRow.user_id == manager_id,
            TeamMemberRow.role == "manager",
            TeamRow.organisation_id == organisation_id,
        )
    )
    found = session.scalars(
        select(TeamMemberRow.id)
        .where(TeamMemberRow.user_id == member_id, TeamMemberRow.team_id.in_(managed))
        .limit(1)
    ).first()
    return found is not None


def user(session: Session, user_id: int) -> Any | None:
    """(id, name, email, profile name) of a user."""
    return session.execute(
        select(UserRow.id, UserRow.name, UserRow.email, ProfileRow.name.label("profile"))
        .join(ProfileRow, ProfileRow.id == UserRow.profile_id)
        .where(UserRow.id == user_id)
    ).first()


# -- invitations -----------------------------------------------------------------------------


def add_invitation(session: Session, row: InvitationRow) -> InvitationRow:
    session.add(row)
    session.flush()
    return row


def invitation(session: Session, token_hash: str) -> InvitationRow | None:
    return session.scalars(
        select(InvitationRow).where(InvitationRow.token_hash == token_hash)
    ).first()


def invitation_for_update(session: Session, token_hash: str) -> InvitationRow | None:
    """The invitation, locked on PostgreSQL until the transaction ends: two people racing to
    accept one link cannot both succeed (SQLite's single writer already serialises them)."""
    return session.scalars(
        select(InvitationRow).where(InvitationRow.token_hash == token_hash).with_for_update()
    ).first()


# -- an organisation's ladder ----------------------------------------------------------------


def add_framework(session: Session, row: OrganisationFrameworkRow) -> OrganisationFrameworkRow:
    session.add(row)
    session.flush()
    return row


def newest_framework_version(session: Session, organisation_id: int) -> int:
    """The highest ladder version the organisation has uploaded; 0 before the first."""
    found = session.scalar(
        select(func.max(OrganisationFrameworkRow.version)).where(
            OrganisationFrameworkRow.organisation_id == organisation_id
        )
    )
    return int(found or 0)


def frameworks(session: Session, organisation_id: int) -> Sequence[Any]:
    """Every uploaded ladder version (without its text) with its uploader's name, newest first."""
    return session.execute(
        select(
            OrganisationFrameworkRow.version,
            OrganisationFrameworkRow.framework_id,
            OrganisationFrameworkRow.name,
            OrganisationFrameworkRow.file_version,
            OrganisationFrameworkRow.filename,
            OrganisationFrameworkRow.uploaded_at,
            UserRow.name.label("uploaded_by"),
        )
        .outerjoin(UserRow, UserRow.id == OrganisationFrameworkRow.uploaded_by)
        .where(OrganisationFrameworkRow.organisation_id == organisation_id)
        .order_by(OrganisationFrameworkRow.version.desc())
    ).all()


def framework_text(session: Session, organisation_id: int, version: int) -> str | None:
    return session.scalars(
        select(OrganisationFrameworkRow.text).where(
            OrganisationFrameworkRow.organisation_id == organisation_id,
            OrganisationFrameworkRow.version == version,
        )
    ).first()


# -- the access log --------------------------------------------------------------------------


def log_access(
    session: Session,
    organisation_id: int,
    viewer_id: int,
    subject_ids: Sequence[int],
    what: str,
    now: datetime,
) -> None:
    session.add_all(
        AccessLogRow(
            organisation_id=organisation_id,
            viewer_id=viewer_id,
            subject_id=subject_id,
            what=what,
            at=now,
        )
        for subject_id in subject_ids
    )


def access_log(session: Session, organisation_id: int, limit: int) -> Sequence[Any]:
    """The organisation's newest reads: (at, what, viewer name, subject name)."""
    viewer = UserRow.__table__.alias("viewer")
    subject = UserRow.__table__.alias("subject")
    return session.execute(
        select(
            AccessLogRow.at,
            AccessLogRow.what,
            viewer.c.name.label("viewer"),
            subject.c.name.label("subject"),
        )
        .outerjoin(viewer, viewer.c.id == AccessLogRow.viewer_id)
        .outerjoin(subject, subject.c.id == AccessLogRow.subject_id)
        .where(AccessLogRow.organisation_id == organisation_id)
        .order_by(AccessLogRow.at.desc(), AccessLogRow.id.desc())
        .limit(limit)
    ).all()
