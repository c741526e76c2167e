"""The database tables, as SQLAlchemy 2 declarative classes."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC time stamp: stored without a zone (SQLite has none), always read back as UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("time stamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ProfileRow(Base):
    """A person being assessed, known by a name they choose."""

    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Extra time an administrator gave this learner for every exam (pmpath.exams.timing).
    time_allowance: Mapped[str] = mapped_column(
        String(20), default="standard", server_default="standard"
    )

    assessments: Mapped[list[AssessmentRow]] = relationship(
        back_populates="profile", order_by="AssessmentRow.id"
    )


class AssessmentRow(Base):
    """One self-assessment: the intake answers; ``completed_at`` is empty while in progress."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(20))
    framework_id: Mapped[str] = mapped_column(String(80))
    framework_version: Mapped[str] = mapped_column(String(80))
    background: Mapped[str | None] = mapped_column(String(80), nullable=True)
    current_role: Mapped[str | None] = mapped_column(String(80), nullable=True)
    years: Mapped[float | None] = mapped_column(Float, nullable=True)
    interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    target: Mapped[str | None] = mapped_column(String(80), nullable=True)

    profile: Mapped[ProfileRow] = relationship(back_populates="assessments")
    ratings: Mapped[list[RatingRow]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="RatingRow.id"
    )


class RatingRow(Base):
    """The level a person picked for one competency in one assessment."""

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("assessment_id", "competency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    competency_id: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[str] = mapped_column(String(10))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime())

    assessment: Mapped[AssessmentRow] = relationship(back_populates="ratings")


class AttemptRow(Base):
    """One sitting of a mock exam or a practice session; its form is fixed when it starts."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(20))
    bank_id: Mapped[str] = mapped_column(String(80))
    blueprint_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    seed: Mapped[int] = mapped_column(Integer)
    #: [{"item_id": ..., "option_order": [...]}, ...] in the order shown.
    form: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pass_mark: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: The time allowance the deadline was set with (pmpath.exams.timing); None: standard.
    time_allowance: Mapped[str | None] = mapped_column(String(20), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    finish_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: What an adaptive test concluded when it finished (its estimates, kept as they were).
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    responses: Mapped[list[ResponseRow]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="ResponseRow.position"
    )


class ResponseRow(Base):
    """The learner's answer at one position of an attempt (one row, updated in place)."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(120))
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    credit: Mapped[float | None] = mapped_column(Float, nullable=True)
    flagged: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)

    attempt: Mapped[AttemptRow] = relationship(back_populates="responses")


class ReviewCardRow(Base):
    """The spaced-review schedule (an FSRS card) of one item for one learner."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("profile_id", "bank_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("profiles.id", ondelete="CASCADE"), index=True
    )
    bank_id: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(120))
    card: Mapped[dict[str, Any]] = mapped_column(JSON)
    due: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BankRow(Base):
    """A question bank imported into the database (the bundled bank stays a folder of files)."""

    __tablename__ = "banks"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    domains: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    scenarios: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    items: Mapped[list[BankItemRow]] = relationship(
        back_populates="bank", cascade="all, delete-orphan", order_by="BankItemRow.position"
    )


class BankItemRow(Base):
    __tablename__ = "bank_items"
    __table_args__ = (UniqueConstraint("bank_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    bank: Mapped[BankRow] = relationship(back_populates="items")


class UserRow(Base):
    """A person with an account on the web app; their assessments live under ``profile``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SessionRow(Base):
    """A signed-in browser: only the token's hash is stored, never the token."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


def _token_public_id() -> str:
    return secrets.token_hex(6)


def _token_expiry() -> datetime:
    return datetime.now(UTC) + TOKEN_LIFETIME


#: How long an API token lives unless its creator chose otherwise.
TOKEN_LIFETIME = timedelta(days=90)


class ApiTokenRow(Base):
    """A token for scripts calling the REST API; only its hash is stored.

    ``public_id`` names the token in listings and in ``DELETE /api/v1/tokens/{id}``; it is no
    secret. ``scopes`` is "read" or "read write". The defaults serve rows inserted in bulk
    (benchmarks); the account service always sets every column.
    """

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True, default=_token_public_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(20), default="read write")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=_token_expiry)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class LoginFailureRow(Base):
    """A failed sign-in for an account from a client (its IP address), kept for throttling
    across every app process."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class SignUpRow(Base):
    """An attempt to create an account (made or refused as a duplicate) from a client, kept to
    throttle sign-ups per client: they tell whether an email has an account."""

    __tablename__ = "sign_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ParameterSetRow(Base):
    """One version of a bank's IRT item parameters; the newest version of a bank is used."""

    __tablename__ = "irt_parameter_sets"
    __table_args__ = (UniqueConstraint("bank_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: {item_id: {"a", "d", "c", "se_a", "se_d", "se_c", "responses", "source"}}
    items: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: How it was made: data source, persons, convergence, fit flags.
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)


# -- organisations and teams (issue #19) -------------------------------------------------------


class OrganisationRow(Base):
    """A company or academy whose product people work in teams."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OrganisationMemberRow(Base):
    """A user in an organisation; ``role`` is "member" or "admin" (organisation admin)."""

    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TeamRow(Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TeamMemberRow(Base):
    """A user in a team; ``role`` is "member" or "manager" (who sees the team's members)."""

    __tablename__ = "team_members"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InvitationRow(Base):
    """An invitation to join a team: single use, with an expiry; only the token's SHA-256 is
    stored, like API tokens. ``email`` is where it was sent (None for a link handed over)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    invited_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    accepted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class OrganisationFrameworkRow(Base):
    """One uploaded version of an organisation's own ladder: every upload is a new version,
    and earlier ones are kept (assessments name the version they were taken on)."""

    __tablename__ = "organisation_frameworks"
    __table_args__ = (UniqueConstraint("organisation_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    framework_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    #: The version the file itself declares (its ``version`` field).
    file_version: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AccessLogRow(Base):
    """A read of one person's data by another: who read whose, what, and when."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), nullable=True, index=True
    )
    viewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: What was read, e.g. "placement".
    what: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ColleagueRatingRow(Base):
    """A manager's or a peer's rating of one competency of a colleague, on the rubric of
    ``framework_id``; a rater's newer rating of the same competency replaces the older one."""

    __tablename__ = "colleague_ratings"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "subject_id", "rater_id", "framework_id", "competency_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: "manager" or "peer": what the rater was to the subject when they rated.
    source: Mapped[str] = mapped_column(String(20))
    framework_id: Mapped[str] = mapped_column(String(80))
    framework_version: Mapped[str] = mapped_column(String(80))
    competency_id: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    evidence_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    evidence_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SelfAssessmentRequestRow(Base):
    """A manager asking a member to self-assess by ``due_on``; it is done once the member
    finishes a self-assessment after ``created_at``."""

    __tablename__ = "self_assessment_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- calibration, promotion cases and check-ins (issue #19, part 3) ----------------------------


class CalibrationAdjustmentRow(Base):
    """A level set in a calibration session: who moved whose level in which competency, from
    what to what, and why. Rows are only ever added, so the table is the audit trail; a
    person's calibrated level is the newest row for (subject, framework, competency)."""

    __tablename__ = "calibration_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    competency_id: Mapped[str] = mapped_column(String(80))
    #: The role the session was calibrating (everyone placed there side by side).
    role_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    #: The level shown before the adjustment (None when there was none).
    from_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    to_level: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    adjusted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    adjusted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PromotionCaseRow(Base):
    """A manager's case for promoting a member to ``target_role_id``; ``status`` is "draft",
    "submitted" or "decided" (then ``decision`` is "promote" or "not-yet")."""

    __tablename__ = "promotion_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    target_role_id: Mapped[str] = mapped_column(String(80))
    specialisation: Mapped[str | None] = mapped_column(String(80), nullable=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    recommendation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    #: The case's document as it was submitted (JSON of a PromotionDocument), frozen from then
    #: on; None for a draft (assembled when read) and for a case submitted before revision 0012.
    snapshot: Mapped[str | None] = mapped_column(Text, nullable=True)


class CheckInGoalRow(Base):
    """A member's goal, tied to a competency (and the level aimed for) and/or a step of their
    plan; open until ``closed_at``."""

    __tablename__ = "check_in_goals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    competency_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    target_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    plan_step: Mapped[str | None] = mapped_column(String(500), nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CheckInRow(Base):
    """A one-to-one between a member and their manager, on ``held_on``."""

    __tablename__ = "check_ins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CheckInProgressRow(Base):
    """Where one goal stood at one check-in: "not-started", "on-track", "at-risk" or "done"."""

    __tablename__ = "check_in_progress"
    __table_args__ = (UniqueConstraint("check_in_id", "goal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_in_id: Mapped[int] = mapped_column(
        ForeignKey("check_ins.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int] = mapped_column(
        ForeignKey("check_in_goals.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


# The interop tables (issue #20) live in their own modules on this metadata; importing them here
# means anything that loads the tables (the services, Alembic's comparison) sees them all.
from pmpath.store import (  # noqa: E402, F401
    tables_badges,
    tables_lti,
    tables_lti_advantage,
    tables_xapi,
)
