"""Queries for manager and peer ratings and for requests to self-assess. Callers own the
transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pmpath.store.tables import (
    AssessmentRow,
    ColleagueRatingRow,
    SelfAssessmentRequestRow,
    TeamMemberRow,
    TeamRow,
    UserRow,
)


def save_rating(session: Session, row: ColleagueRatingRow) -> None:
    """Store a rating, replacing the rater's earlier one of the same competency."""
    earlier = session.scalars(
        select(ColleagueRatingRow).where(
            ColleagueRatingRow.organisation_id == row.organisation_id,
            ColleagueRatingRow.subject_id == row.subject_id,
            ColleagueRatingRow.rater_id == row.rater_id,
            ColleagueRatingRow.framework_id == row.framework_id,
            ColleagueRatingRow.competency_id == row.competency_id,
        )
    ).first()
    if earlier is not None:
        session.delete(earlier)
        session.flush()
    session.add(row)
    session.flush()


def ratings_of(
    session: Session, organisation_id: int, subject_id: int, framework_id: str
) -> Sequence[ColleagueRatingRow]:
    """Every manager and peer rating of ``subject_id`` on this rubric, oldest first."""
    return session.scalars(
        select(ColleagueRatingRow)
        .where(
            ColleagueRatingRow.organisation_id == organisation_id,
            ColleagueRatingRow.subject_id == subject_id,
            ColleagueRatingRow.framework_id == framework_id,
        )
        .order_by(ColleagueRatingRow.rated_at, ColleagueRatingRow.id)
    ).all()


def ratings_by(
    session: Session, organisation_id: int, subject_id: int, rater_id: int, framework_id: str
) -> Sequence[ColleagueRatingRow]:
    """The ratings one rater gave ``subject_id`` on this rubric."""
    return session.scalars(
        select(ColleagueRatingRow).where(
            ColleagueRatingRow.organisation_id == organisation_id,
            ColleagueRatingRow.subject_id == subject_id,
            ColleagueRatingRow.rater_id == rater_id,
            ColleagueRatingRow.framework_id == framework_id,
        )
    ).all()


def fellow_members(session: Session, one: int, other: int, organisation_id: int) -> bool:
    """Whether ``one`` and ``other`` are both members (not managers) of some team of the
    organisation: peers."""
    teams_of_one = (
        select(TeamMemberRow.team_id)
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .where(
            TeamMemberRow.user_id == one,
            TeamMemberRow.role == "member",
            TeamRow.organisation_id == organisation_id,
        )
    )
    found = session.scalars(
        select(TeamMemberRow.id)
        .where(
            TeamMemberRow.user_id == other,
            TeamMemberRow.role == "member",
            TeamMemberRow.team_id.in_(teams_of_one),
        )
        .limit(1)
    ).first()
    return found is not None


# -- requests to self-assess -----------------------------------------------------------------


def add_request(
    session: Session, team_id: int, member_id: int, by: int, due_on: date, now: datetime
) -> int:
    row = SelfAssessmentRequestRow(
        team_id=team_id, member_id=member_id, requested_by=by, due_on=due_on, created_at=now
    )
    session.add(row)
    session.flush()
    return row.id


def requests(
    session: Session, *, team_id: int | None = None, member_id: int | None = None
) -> Sequence[Any]:
    """Requests of a team or to a member, newest first: (id, team id, team name, member id,
    member name, requested by, due on, created at, done at); ``done_at`` is when the member
    first finished a self-assessment after the request, or None."""
    member = UserRow.__table__.alias("member")
    asker = UserRow.__table__.alias("asker")
    done = (
        select(func.min(AssessmentRow.completed_at))
        .where(
            AssessmentRow.profile_id == member.c.profile_id,
            AssessmentRow.completed_at.is_not(None),
            AssessmentRow.completed_at > SelfAssessmentRequestRow.created_at,
        )
        .correlate(member, SelfAssessmentRequestRow)
        .scalar_subquery()
    )
    query = (
        select(
            SelfAssessmentRequestRow.id,
            SelfAssessmentRequestRow.team_id,
            TeamRow.name.label("team"),
            SelfAssessmentRequestRow.member_id,
            member.c.name.label("member"),
            asker.c.name.label("requested_by"),
            SelfAssessmentRequestRow.due_on,
            SelfAssessmentRequestRow.created_at,
            done.label("done_at"),
        )
        .join(TeamRow, TeamRow.id == SelfAssessmentRequestRow.team_id)
        .join(member, member.c.id == SelfAssessmentRequestRow.member_id)
        .outerjoin(asker, asker.c.id == SelfAssessmentRequestRow.requested_by)
        .order_by(
            SelfAssessmentRequestRow.created_at.desc(),
            member.c.name,
            SelfAssessmentRequestRow.id.desc(),
        )
    )
    if team_id is not None:
        query = query.where(SelfAssessmentRequestRow.team_id == team_id)
    if member_id is not None:
        query = query.where(SelfAssessmentRequestRow.member_id == member_id)
    return session.execute(query).all()
