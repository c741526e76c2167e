"""Queries for a member's own data: everything held about one account, read for its export
and removed when the account is deleted. Callers own the transaction.

Deletion is spelled out table by table rather than left to ON DELETE rules, so it does the
same on every database and the tests can hold it to :data:`pmpath.services.my_data.COVERAGE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from pmpath.store.tables import (
    AccessLogRow,
    ApiTokenRow,
    AssessmentRow,
    AttemptRow,
    CalibrationAdjustmentRow,
    CheckInGoalRow,
    CheckInProgressRow,
    CheckInRow,
    ColleagueRatingRow,
    InvitationRow,
    LoginFailureRow,
    OrganisationFrameworkRow,
    OrganisationMemberRow,
    OrganisationRow,
    ProfileRow,
    PromotionCaseRow,
    RatingRow,
    ResponseRow,
    ReviewCardRow,
    SelfAssessmentRequestRow,
    SessionRow,
    TeamMemberRow,
    TeamRow,
    UserRow,
)
from pmpath.store.tables_lti import (
    LtiContextRow,
    LtiIdentityRow,
    LtiLaunchDataRow,
    LtiLaunchRow,
    LtiPlatformRow,
    LtiResourceLinkRow,
)
from pmpath.store.tables_lti_advantage import LtiRosterImportRow, LtiScoreRow
from pmpath.store.tables_xapi import XapiOutboxRow, XapiSettingsRow

#: Promotion cases a member sees in their export: once their manager has submitted them.
SHOWN_CASE_STATUSES = ("submitted", "decided")


def _other_user() -> Any:
    return UserRow.__table__.alias("other")


# -- the account -----------------------------------------------------------------------------


def account(session: Session, user_id: int) -> tuple[UserRow, ProfileRow] | None:
    user = session.get(UserRow, user_id)
    if user is None:
        return None
    profile = session.get(ProfileRow, user.profile_id)
    assert profile is not None  # users.profile_id is NOT NULL with a foreign key
    return user, profile


def assessments(session: Session, profile_id: int) -> Sequence[AssessmentRow]:
    return session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.profile_id == profile_id)
        .order_by(AssessmentRow.started_at, AssessmentRow.id)
    ).all()


def ratings(session: Session, profile_id: int) -> Sequence[RatingRow]:
    return session.scalars(
        select(RatingRow)
        .join(AssessmentRow, AssessmentRow.id == RatingRow.assessment_id)
        .where(AssessmentRow.profile_id == profile_id)
        .order_by(RatingRow.id)
    ).all()


def attempts(session: Session, profile_id: int) -> Sequence[Any]:
    """Each attempt with its response counts: (attempt, answered, flagged, credit)."""
    answered = (
        select(
            ResponseRow.attempt_id,
            func.count(ResponseRow.answered_at).label("answered"),
            func.sum(func.coalesce(ResponseRow.credit, 0.0)).label("credit"),
        )
        .group_by(ResponseRow.attempt_id)
        .subquery()
    )
    flagged = (
        select(ResponseRow.attempt_id, func.count().label("flagged"))
        .where(ResponseRow.flagged.is_(True))
        .group_by(ResponseRow.attempt_id)
        .subquery()
    )
    return session.execute(
        select(
            AttemptRow,
            func.coalesce(answered.c.answered, 0).label("answered"),
            func.coalesce(flagged.c.flagged, 0).label("flagged"),
            func.coalesce(answered.c.credit, 0.0).label("credit"),
        )
        .outerjoin(answered, answered.c.attempt_id == AttemptRow.id)
        .outerjoin(flagged, flagged.c.attempt_id == AttemptRow.id)
        .where(AttemptRow.profile_id == profile_id)
        .order_by(AttemptRow.started_at, AttemptRow.id)
    ).all()


def review_cards(session: Session, profile_id: int) -> Sequence[ReviewCardRow]:
    return session.scalars(
        select(ReviewCardRow)
        .where(ReviewCardRow.profile_id == profile_id)
        .order_by(ReviewCardRow.bank_id, ReviewCardRow.item_id)
    ).all()


def tokens(session: Session, user_id: int) -> Sequence[ApiTokenRow]:
    return session.scalars(
        select(ApiTokenRow)
        .where(ApiTokenRow.user_id == user_id)
        .order_by(ApiTokenRow.created_at, ApiTokenRow.public_id)
    ).all()


def count_sessions(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.count()).where(SessionRow.user_id == user_id)) or 0)


def count_login_failures(session: Session, email: str) -> int:
    return int(session.scalar(select(func.count()).where(LoginFailureRow.email == email)) or 0)


# -- organisations and teams -----------------------------------------------------------------


def organisation_memberships(session: Session, user_id: int) -> Sequence[Any]:
    """(organisation id, name, role, joined at, other members) of each organisation."""
    others = (
        select(func.count())
        .where(
            OrganisationMemberRow.organisation_id == OrganisationRow.id,
            OrganisationMemberRow.user_id != user_id,
        )
        .correlate(OrganisationRow)
        .scalar_subquery()
    )
    other_admins = (
        select(func.count())
        .where(
            OrganisationMemberRow.organisation_id == OrganisationRow.id,
            OrganisationMemberRow.user_id != user_id,
            OrganisationMemberRow.role == "admin",
        )
        .correlate(OrganisationRow)
        .scalar_subquery()
    )
    return session.execute(
        select(
            OrganisationRow.id,
            OrganisationRow.name,
            OrganisationMemberRow.role,
            OrganisationMemberRow.joined_at,
            others.label("others"),
            other_admins.label("other_admins"),
        )
        .join(OrganisationMemberRow, OrganisationMemberRow.organisation_id == OrganisationRow.id)
        .where(OrganisationMemberRow.user_id == user_id)
        .order_by(OrganisationRow.name, OrganisationRow.id)
    ).all()


def team_memberships(session: Session, user_id: int) -> Sequence[Any]:
    return session.execute(
        select(
            OrganisationRow.name.label("organisation"),
            TeamRow.name.label("team"),
            TeamMemberRow.role,
            TeamMemberRow.joined_at,
        )
        .join(TeamRow, TeamRow.id == TeamMemberRow.team_id)
        .join(OrganisationRow, OrganisationRow.id == TeamRow.organisation_id)
        .where(TeamMemberRow.user_id == user_id)
        .order_by(OrganisationRow.name, TeamRow.name)
    ).all()


def invitations(session: Session, user_id: int, *, sent: bool) -> Sequence[Any]:
    """Invitations the user sent (``sent``) or accepted, with their team and organisation and
    (for accepted ones) the sender's name."""
    sender = _other_user()
    column = InvitationRow.invited_by if sent else InvitationRow.accepted_by
    return session.execute(
        select(
            InvitationRow,
            OrganisationRow.name.label("organisation"),
            TeamRow.name.label("team"),
            sender.c.name.label("sender"),
        )
        .join(TeamRow, TeamRow.id == InvitationRow.team_id)
        .join(OrganisationRow, OrganisationRow.id == TeamRow.organisation_id)
        .outerjoin(sender, sender.c.id == InvitationRow.invited_by)
        .where(column == user_id)
        .order_by(InvitationRow.created_at, InvitationRow.id)
    ).all()


def colleague_ratings(
    session: Session, user_id: int, *, given: bool, source: str | None = None
) -> Sequence[Any]:
    """Ratings the user gave (``given``, with the name of the person rated) or received (with
    the rater's name), optionally of one source only."""
    other = _other_user()
    mine = ColleagueRatingRow.rater_id if given else ColleagueRatingRow.subject_id
    theirs = ColleagueRatingRow.subject_id if given else ColleagueRatingRow.rater_id
    query = (
        select(
            ColleagueRatingRow,
            OrganisationRow.name.label("organisation"),
            other.c.name.label("person"),
        )
        .join(OrganisationRow, OrganisationRow.id == ColleagueRatingRow.organisation_id)
        .outerjoin(other, other.c.id == theirs)
        .where(mine == user_id)
        .order_by(ColleagueRatingRow.rated_at, ColleagueRatingRow.id)
    )
    if source is not None:
        query = query.where(ColleagueRatingRow.source == source)
    return session.execute(query).all()


def self_assessment_requests(session: Session, user_id: int, *, made: bool) -> Sequence[Any]:
    """Requests made of the user (with who asked) or by them (with who was asked)."""
    other = _other_user()
    mine = SelfAssessmentRequestRow.requested_by if made else SelfAssessmentRequestRow.member_id
    theirs = SelfAssessmentRequestRow.member_id if made else SelfAssessmentRequestRow.requested_by
    return session.execute(
        select(
            SelfAssessmentRequestRow,
            OrganisationRow.name.label("organisation"),
            TeamRow.name.label("team"),
            other.c.name.label("person"),
        )
        .join(TeamRow, TeamRow.id == SelfAssessmentRequestRow.team_id)
        .join(OrganisationRow, OrganisationRow.id == TeamRow.organisation_id)
        .outerjoin(other, other.c.id == theirs)
        .where(mine == user_id)
        .order_by(SelfAssessmentRequestRow.created_at, SelfAssessmentRequestRow.id)
    ).all()


def ladder_uploads(session: Session, user_id: int) -> Sequence[Any]:
    return session.execute(
        select(
            OrganisationRow.name.label("organisation"),
            OrganisationFrameworkRow.version,
            OrganisationFrameworkRow.filename,
            OrganisationFrameworkRow.uploaded_at,
        )
        .join(OrganisationRow, OrganisationRow.id == OrganisationFrameworkRow.organisation_id)
        .where(OrganisationFrameworkRow.uploaded_by == user_id)
        .order_by(OrganisationFrameworkRow.uploaded_at, OrganisationFrameworkRow.id)
    ).all()


def adjustments(session: Session, user_id: int) -> Sequence[Any]:
    other = _other_user()
    return session.execute(
        select(
            CalibrationAdjustmentRow,
            OrganisationRow.name.label("organisation"),
            other.c.name.label("adjusted_by"),
        )
        .join(OrganisationRow, OrganisationRow.id == CalibrationAdjustmentRow.organisation_id)
        .outerjoin(other, other.c.id == CalibrationAdjustmentRow.adjusted_by)
        .where(CalibrationAdjustmentRow.subject_id == user_id)
        .order_by(CalibrationAdjustmentRow.adjusted_at, CalibrationAdjustmentRow.id)
    ).all()


def promotion_cases(session: Session, user_id: int) -> Sequence[Any]:
    """Cases about the user once submitted, with the author's and decider's names."""
    author = _other_user()
    decider = UserRow.__table__.alias("decider")
    return session.execute(
        select(
            PromotionCaseRow,
            OrganisationRow.name.label("organisation"),
            author.c.name.label("author"),
            decider.c.name.label("decider"),
        )
        .join(OrganisationRow, OrganisationRow.id == PromotionCaseRow.organisation_id)
        .outerjoin(author, author.c.id == PromotionCaseRow.author_id)
        .outerjoin(decider, decider.c.id == PromotionCaseRow.decided_by)
        .where(
            PromotionCaseRow.subject_id == user_id,
            PromotionCaseRow.status.in_(SHOWN_CASE_STATUSES),
        )
        .order_by(PromotionCaseRow.created_at, PromotionCaseRow.id)
    ).all()


def goals(session: Session, user_id: int) -> Sequence[Any]:
    return session.execute(
        select(CheckInGoalRow, OrganisationRow.name.label("organisation"))
        .join(OrganisationRow, OrganisationRow.id == CheckInGoalRow.organisation_id)
        .where(CheckInGoalRow.member_id == user_id)
        .order_by(CheckInGoalRow.created_at, CheckInGoalRow.id)
    ).all()


def goal_progress(session: Session, user_id: int) -> Sequence[Any]:
    """(goal id, held on, status, note) of every progress entry on the user's goals."""
    return session.execute(
        select(
            CheckInProgressRow.goal_id,
            CheckInRow.held_on,
            CheckInProgressRow.status,
            CheckInProgressRow.note,
        )
        .join(CheckInRow, CheckInRow.id == CheckInProgressRow.check_in_id)
        .join(CheckInGoalRow, CheckInGoalRow.id == CheckInProgressRow.goal_id)
        .where(CheckInGoalRow.member_id == user_id)
        .order_by(CheckInRow.held_on, CheckInProgressRow.id)
    ).all()


def check_ins(session: Session, user_id: int) -> Sequence[Any]:
    manager = _other_user()
    return session.execute(
        select(
            CheckInRow,
            OrganisationRow.name.label("organisation"),
            TeamRow.name.label("team"),
            manager.c.name.label("manager"),
        )
        .join(OrganisationRow, OrganisationRow.id == CheckInRow.organisation_id)
        .outerjoin(TeamRow, TeamRow.id == CheckInRow.team_id)
        .outerjoin(manager, manager.c.id == CheckInRow.manager_id)
        .where(CheckInRow.member_id == user_id)
        .order_by(CheckInRow.held_on, CheckInRow.id)
    ).all()


def reads_of(session: Session, user_id: int) -> Sequence[Any]:
    """The access log's rows where the user's data was read: (organisation, viewer, what, at)."""
    viewer = _other_user()
    return session.execute(
        select(
            OrganisationRow.name.label("organisation"),
            viewer.c.name.label("viewer"),
            AccessLogRow.what,
            AccessLogRow.at,
        )
        .outerjoin(OrganisationRow, OrganisationRow.id == AccessLogRow.organisation_id)
        .outerjoin(viewer, viewer.c.id == AccessLogRow.viewer_id)
        .where(AccessLogRow.subject_id == user_id)
        .order_by(AccessLogRow.at, AccessLogRow.id)
    ).all()


# -- LMS (LTI) and xAPI ------------------------------------------------------------------------


def lms_identities(session: Session, user_id: int) -> Sequence[Any]:
    """(platform, subject, created_at) of each platform identity of the user."""
    return session.execute(
        select(
            LtiPlatformRow.name.label("platform"),
            LtiIdentityRow.subject,
            LtiIdentityRow.created_at,
        )
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiIdentityRow.platform_id)
        .where(LtiIdentityRow.user_id == user_id)
        .order_by(LtiIdentityRow.created_at, LtiIdentityRow.id)
    ).all()


def lms_launches(session: Session, user_id: int) -> Sequence[Any]:
    """(platform, course, activity, roles, launched_at) of each launch by the user."""
    return session.execute(
        select(
            LtiPlatformRow.name.label("platform"),
            LtiContextRow.title.label("course"),
            LtiResourceLinkRow.title.label("activity"),
            LtiLaunchRow.roles,
            LtiLaunchRow.launched_at,
        )
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiLaunchRow.resource_link_row_id)
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiResourceLinkRow.platform_id)
        .outerjoin(LtiContextRow, LtiContextRow.id == LtiResourceLinkRow.context_row_id)
        .where(LtiLaunchRow.user_id == user_id)
        .order_by(LtiLaunchRow.launched_at, LtiLaunchRow.id)
    ).all()


def lms_scores(session: Session, user_id: int) -> Sequence[Any]:
    """Each score of the user's in the outbox, with its platform, course, activity and exam."""
    return session.execute(
        select(
            LtiScoreRow,
            LtiPlatformRow.name.label("platform"),
            LtiContextRow.title.label("course"),
            LtiResourceLinkRow.title.label("activity"),
            AttemptRow.blueprint_id.label("exam"),
        )
        .join(LtiResourceLinkRow, LtiResourceLinkRow.id == LtiScoreRow.resource_link_row_id)
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiResourceLinkRow.platform_id)
        .outerjoin(LtiContextRow, LtiContextRow.id == LtiResourceLinkRow.context_row_id)
        .join(AttemptRow, AttemptRow.id == LtiScoreRow.attempt_id)
        .where(LtiScoreRow.user_id == user_id)
        .order_by(LtiScoreRow.finished_at, LtiScoreRow.id)
    ).all()


def lms_roster_imports(session: Session, user_id: int) -> Sequence[Any]:
    """Roster imports the user made: (import, platform, course, team)."""
    return session.execute(
        select(
            LtiRosterImportRow,
            LtiPlatformRow.name.label("platform"),
            LtiContextRow.title.label("course"),
            TeamRow.name.label("team"),
        )
        .join(LtiContextRow, LtiContextRow.id == LtiRosterImportRow.context_row_id)
        .join(LtiPlatformRow, LtiPlatformRow.id == LtiContextRow.platform_id)
        .outerjoin(TeamRow, TeamRow.id == LtiRosterImportRow.team_id)
        .where(LtiRosterImportRow.imported_by == user_id)
        .order_by(LtiRosterImportRow.imported_at, LtiRosterImportRow.id)
    ).all()


def xapi_counts(session: Session, profile_id: int) -> Sequence[Any]:
    """(state, kind, how many) of the profile's statements in the xAPI outbox."""
    return session.execute(
        select(XapiOutboxRow.state, XapiOutboxRow.kind, func.count().label("n"))
        .where(XapiOutboxRow.profile_id == profile_id)
        .group_by(XapiOutboxRow.state, XapiOutboxRow.kind)
    ).all()


def xapi_newest_actor(session: Session, profile_id: int) -> dict[str, Any] | None:
    """The ``actor`` of the profile's newest statement: how the LRS knows them."""
    statement = session.scalars(
        select(XapiOutboxRow.statement)
        .where(XapiOutboxRow.profile_id == profile_id)
        .order_by(XapiOutboxRow.created_at.desc(), XapiOutboxRow.id.desc())
        .limit(1)
    ).first()
    actor = statement.get("actor") if isinstance(statement, dict) else None
    return actor if isinstance(actor, dict) else None


def xapi_endpoint(session: Session) -> str | None:
    """The LRS statements go to, if one is configured (never its key or secret)."""
    return session.scalar(select(XapiSettingsRow.endpoint).order_by(XapiSettingsRow.id).limit(1))


# -- deleting --------------------------------------------------------------------------------


def delete_account(
    session: Session, user_id: int, profile_id: int, email: str, organisation_ids: Sequence[int]
) -> None:
    """Remove every row about the account, leave others' rows that merely mention it with the
    mention emptied, and delete the organisations in ``organisation_ids`` (those it is the
    only member of) with everything in them."""
    for organisation_id in organisation_ids:
        session.execute(delete(OrganisationRow).where(OrganisationRow.id == organisation_id))
    my_goals = select(CheckInGoalRow.id).where(CheckInGoalRow.member_id == user_id)
    my_check_ins = select(CheckInRow.id).where(CheckInRow.member_id == user_id)
    session.execute(
        delete(CheckInProgressRow).where(
            CheckInProgressRow.goal_id.in_(my_goals)
            | CheckInProgressRow.check_in_id.in_(my_check_ins)
        )
    )
    removed_by_user: tuple[tuple[Any, Any], ...] = (
        (CheckInRow, CheckInRow.member_id),
        (CheckInGoalRow, CheckInGoalRow.member_id),
        (PromotionCaseRow, PromotionCaseRow.subject_id),
        (CalibrationAdjustmentRow, CalibrationAdjustmentRow.subject_id),
        (ColleagueRatingRow, ColleagueRatingRow.subject_id),
        (ColleagueRatingRow, ColleagueRatingRow.rater_id),
        (SelfAssessmentRequestRow, SelfAssessmentRequestRow.member_id),
        (AccessLogRow, AccessLogRow.subject_id),
        (TeamMemberRow, TeamMemberRow.user_id),
        (OrganisationMemberRow, OrganisationMemberRow.user_id),
        (SessionRow, SessionRow.user_id),
        (ApiTokenRow, ApiTokenRow.user_id),
        # An account made by an LMS launch: its identities, launches, pending launch data and
        # scores (a score already sent stays in the LMS's gradebook, which pmpath cannot undo).
        (LtiLaunchDataRow, LtiLaunchDataRow.user_id),
        (LtiLaunchRow, LtiLaunchRow.user_id),
        (LtiScoreRow, LtiScoreRow.user_id),
        (LtiIdentityRow, LtiIdentityRow.user_id),
    )
    for table, column in removed_by_user:
        session.execute(delete(table).where(column == user_id))
    # Other people's records of what the account did stay, showing "a deleted account".
    emptied: tuple[tuple[Any, Any], ...] = (
        (InvitationRow, InvitationRow.invited_by),
        (InvitationRow, InvitationRow.accepted_by),
        (OrganisationFrameworkRow, OrganisationFrameworkRow.uploaded_by),
        (AccessLogRow, AccessLogRow.viewer_id),
        (SelfAssessmentRequestRow, SelfAssessmentRequestRow.requested_by),
        (CalibrationAdjustmentRow, CalibrationAdjustmentRow.adjusted_by),
        (PromotionCaseRow, PromotionCaseRow.author_id),
        (PromotionCaseRow, PromotionCaseRow.decided_by),
        (CheckInGoalRow, CheckInGoalRow.created_by),
        (CheckInRow, CheckInRow.manager_id),
        (LtiRosterImportRow, LtiRosterImportRow.imported_by),
    )
    for kept, column in emptied:
        session.execute(update(kept).where(column == user_id).values({column.key: None}))
    # An invitation emailed to the account names its address: the address goes.
    session.execute(update(InvitationRow).where(InvitationRow.email == email).values(email=None))
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.email == email))
    my_attempts = select(AttemptRow.id).where(AttemptRow.profile_id == profile_id)
    my_assessments = select(AssessmentRow.id).where(AssessmentRow.profile_id == profile_id)
    session.execute(delete(LtiScoreRow).where(LtiScoreRow.attempt_id.in_(my_attempts)))
    session.execute(delete(ResponseRow).where(ResponseRow.attempt_id.in_(my_attempts)))
    session.execute(delete(RatingRow).where(RatingRow.assessment_id.in_(my_assessments)))
    by_profile: tuple[tuple[Any, Any], ...] = (
        (AttemptRow, AttemptRow.profile_id),
        (AssessmentRow, AssessmentRow.profile_id),
        (ReviewCardRow, ReviewCardRow.profile_id),
        # Every statement about them, sent or not (the LRS keeps those it took: not voided).
        (XapiOutboxRow, XapiOutboxRow.profile_id),
    )
    for table, column in by_profile:
        session.execute(delete(table).where(column == profile_id))
    session.execute(delete(UserRow).where(UserRow.id == user_id))
    session.execute(delete(ProfileRow).where(ProfileRow.id == profile_id))
