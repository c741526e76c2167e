"""Queries for profiles, assessments and ratings. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session, selectinload

from pmpath.assessment import Confidence, Rating, SelfAssessment
from pmpath.store.tables import AssessmentRow, ProfileRow, RatingRow

#: Built once: every exam start and most pages look a profile up.
_PROFILE_NAMED = select(ProfileRow).where(ProfileRow.name == bindparam("name"))


def find_profile(session: Session, name: str) -> ProfileRow | None:
    return session.scalars(_PROFILE_NAMED, {"name": name}).one_or_none()


def assessment_by_id(session: Session, assessment_id: int) -> AssessmentRow | None:
    return session.get(AssessmentRow, assessment_id)


def get_or_create_profile(session: Session, name: str, now: datetime) -> ProfileRow:
    profile = find_profile(session, name)
    if profile is None:
        profile = ProfileRow(name=name, created_at=now)
        session.add(profile)
        session.flush()
    return profile


def add_assessment(
    session: Session,
    profile: ProfileRow,
    assessment: SelfAssessment,
    *,
    framework_id: str,
    framework_version: str,
    source: str,
    now: datetime,
    completed: bool,
) -> AssessmentRow:
    """Store the intake answers and any ratings ``assessment`` already has."""
    row = AssessmentRow(
        profile_id=profile.id,
        started_at=now,
        completed_at=now if completed else None,
        source=source,
        framework_id=framework_id,
        framework_version=framework_version,
        background=assessment.background,
        current_role=assessment.current_role,
        years=assessment.years,
        interests=list(assessment.interests),
        target=assessment.target,
    )
    session.add(row)
    session.flush()
    for rating in assessment.ratings.values():
        save_rating(session, row, rating, now)
    return row


def save_rating(session: Session, row: AssessmentRow, rating: Rating, now: datetime) -> None:
    """Store a rating, replacing an earlier answer for the same competency."""
    session.execute(
        delete(RatingRow).where(
            RatingRow.assessment_id == row.id, RatingRow.competency_id == rating.competency_id
        )
    )
    session.add(
        RatingRow(
            assessment_id=row.id,
            competency_id=rating.competency_id,
            level=rating.level,
            confidence=rating.confidence.value,
            evidence=list(rating.evidence),
            answered_at=now,
        )
    )
    session.flush()


def unfinished_assessment(
    session: Session, profile: ProfileRow, framework_id: str
) -> AssessmentRow | None:
    """The newest assessment of ``profile`` on this framework that was started but not finished."""
    return session.scalars(
        select(AssessmentRow)
        .where(
            AssessmentRow.profile_id == profile.id,
            AssessmentRow.framework_id == framework_id,
            AssessmentRow.completed_at.is_(None),
        )
        .order_by(AssessmentRow.id.desc())
        .options(selectinload(AssessmentRow.ratings))
        .limit(1)
    ).one_or_none()


def completed_assessments(
    session: Session, profile: ProfileRow, framework_id: str
) -> Sequence[AssessmentRow]:
    """Every finished assessment of ``profile`` on this framework, oldest first."""
    return session.scalars(
        select(AssessmentRow)
        .where(
            AssessmentRow.profile_id == profile.id,
            AssessmentRow.framework_id == framework_id,
            AssessmentRow.completed_at.is_not(None),
        )
        .order_by(AssessmentRow.completed_at, AssessmentRow.id)
        .options(selectinload(AssessmentRow.ratings))
    ).all()


def to_self_assessment(row: AssessmentRow, competency_ids: Sequence[str]) -> SelfAssessment:
    """The stored assessment as the domain sees it; ``competency_ids`` are the framework's."""
    ratings = {
        r.competency_id: Rating(
            r.competency_id, r.level, Confidence(r.confidence), tuple(r.evidence)
        )
        for r in row.ratings
        if r.competency_id in competency_ids
    }
    return SelfAssessment(
        ratings=ratings,
        background=row.background,
        current_role=row.current_role,
        years=row.years,
        interests=tuple(row.interests),
        target=row.target,
        unrated=tuple(c for c in competency_ids if c not in ratings),
    )
