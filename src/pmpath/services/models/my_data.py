"""What a member gets when they export their data, and what deleting their account reports.

One document, one key per kind of data pmpath holds about the person (the list of tables it
covers, and why anything is left out, is :data:`pmpath.services.my_data.COVERAGE`). Other
people appear by name only, and only where the person saw them anyway: who rated them as
their manager, who asked them to self-assess, who read their data. Peers' ratings of them
appear only as the side-by-side view shows them: a median and a count per competency, once
at least three peers have rated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pmpath.services.models import Result
from pmpath.services.models.accounts import Role


class ExportedAccount(Result):
    email: str
    name: str
    role: Role
    created_at: datetime
    #: Extra time an administrator gave for every exam ("standard" when none).
    time_allowance: str


class ExportedRating(Result):
    """The level picked for one competency of a self-assessment."""

    competency: str
    level: int
    confidence: str
    evidence: list[str]
    answered_at: datetime


class ExportedAssessment(Result):
    framework_id: str
    framework_version: str
    source: str
    started_at: datetime
    #: None while the self-assessment is unfinished.
    completed_at: datetime | None
    background: str | None
    current_role: str | None
    years: float | None
    interests: list[str]
    target: str | None
    ratings: list[ExportedRating]


class ExportedAttempt(Result):
    """One exam or practice sitting, with a summary of its responses."""

    mode: str
    bank_id: str
    blueprint_id: str | None
    started_at: datetime
    finished_at: datetime | None
    finish_reason: str | None
    #: The score as a fraction of the whole (None while unfinished or unscored).
    score: float | None
    pass_mark: float | None
    questions: int
    answered: int
    flagged: int
    #: The credit earned over the answered questions (each 0 to 1).
    credit: float


class ExportedBadge(Result):
    """An Open Badges 3.0 badge issued to the person, with the signed credential itself."""

    public_id: str
    #: "exam" (a passed exam) or "placement" (the placement test).
    kind: str
    #: The achievement's name: "Passed: <exam>" or "Placed at: <level>".
    achievement: str
    issued_at: datetime
    #: "valid" until an admin revokes it, then "revoked", with when and why.
    status: Literal["valid", "revoked"]
    revoked_at: datetime | None
    revoked_reason: str | None
    #: The signed credential (a JWT-VC), as the badge's ``.jwt`` download holds it: a wallet
    #: or any Open Badges 3.0 verifier takes it.
    credential: str


class ExportedReviewCard(Result):
    """A question kept for spaced review."""

    bank_id: str
    item_id: str
    due: datetime
    reviews: int


class ExportedToken(Result):
    """An API token: its name and dates, never the token or its hash."""

    name: str
    scopes: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class ExportedOrganisation(Result):
    organisation: str
    role: str
    joined_at: datetime


class ExportedTeam(Result):
    organisation: str
    team: str
    role: str
    joined_at: datetime


class ExportedInvitation(Result):
    organisation: str
    team: str
    role: str
    #: Where a sent invitation was emailed (None for a link handed over).
    email: str | None
    #: Who sent an invitation the person accepted (None for a deleted account).
    invited_by: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class ExportedColleagueRating(Result):
    """A manager's or a peer's rating of one competency, with its evidence."""

    organisation: str
    #: The person rated (for ratings given) or the rater (manager ratings received).
    person: str | None
    #: "manager" or "peer": what the rater was to the person rated.
    source: str
    framework_id: str
    framework_version: str
    competency: str
    level: int
    evidence_link: str | None
    evidence_note: str | None
    rated_at: datetime


class ExportedPeerAggregate(Result):
    """Peers' ratings of one competency, as a group: shown once at least three peers rated."""

    organisation: str
    framework_id: str
    competency: str
    count: int
    median: float


class ExportedRequest(Result):
    """A request to self-assess by a date."""

    organisation: str
    team: str
    #: Who was asked (requests made) or who asked (requests received); None: a deleted account.
    person: str | None
    due_on: date
    requested_at: datetime


class ExportedLadderUpload(Result):
    """An organisation ladder version the person uploaded (the file stays the organisation's)."""

    organisation: str
    version: int
    filename: str
    uploaded_at: datetime


class ExportedAccess(Result):
    """Someone reading the person's data."""

    organisation: str | None
    #: Who read it (None: an account deleted since).
    viewer: str | None
    what: str
    at: datetime


class ExportedAdjustment(Result):
    """A level set in a calibration session, and why."""

    organisation: str
    framework_id: str
    competency: str
    role_id: str | None
    from_level: int | None
    to_level: int
    reason: str
    adjusted_by: str | None
    adjusted_at: datetime


class ExportedPromotionCase(Result):
    """A promotion case about the person, once submitted."""

    organisation: str
    target_role_id: str
    specialisation: str | None
    author: str | None
    recommendation: str
    status: str
    decision: str | None
    decision_note: str | None
    decided_by: str | None
    submitted_at: datetime | None
    decided_at: datetime | None


class ExportedGoalProgress(Result):
    held_on: date
    status: str
    note: str | None


class ExportedGoal(Result):
    organisation: str
    title: str
    competency_id: str | None
    target_level: int | None
    plan_step: str | None
    due_on: date | None
    created_at: datetime
    closed_at: datetime | None
    progress: list[ExportedGoalProgress]


class ExportedCheckIn(Result):
    organisation: str
    team: str | None
    manager: str | None
    held_on: date
    notes: str


class ExportedLmsIdentity(Result):
    """An LMS (an LTI platform) that signs the person in: its user id for them, since when."""

    platform: str
    #: The platform's own id for the person (the LTI ``sub``).
    subject: str
    since: datetime


class ExportedLaunch(Result):
    """The person opening pmpath from a course in an LMS."""

    platform: str
    #: The course's title (None: the launch named no course, or the course was removed).
    course: str | None
    #: The activity's title in the course.
    activity: str
    #: The roles the platform sent (LTI role URIs).
    roles: list[str]
    launched_at: datetime


class ExportedLmsScore(Result):
    """A score of the person's, sent or on its way to an LMS gradebook."""

    platform: str
    course: str | None
    activity: str
    #: The exam (its blueprint id, as in ``attempts``).
    exam: str | None
    score_given: float
    score_maximum: float
    passed: bool | None
    #: "pending", "sent", "failed" (an admin retries it) or "superseded" (a newer attempt
    #: replaced it before it was sent).
    state: str
    finished_at: datetime
    sent_at: datetime | None


class ExportedRosterImport(Result):
    """A course roster the person brought into a team as an instructor, and what changed."""

    platform: str
    course: str
    #: The team it went into (None: the team was deleted since).
    team: str | None
    imported_at: datetime
    added: int
    updated: int
    unchanged: int
    left: int


class ExportedXapiAccount(Result):
    """An xAPI account: the site it belongs to and the person's name there."""

    #: The site's address (xAPI's ``homePage``).
    home_page: str
    #: A pseudonym, unless the site's admin chose to name learners by email.
    name: str


class ExportedXapiActor(Result):
    """How xAPI statements name the person: an account, or their email (``mailto:``)."""

    account: ExportedXapiAccount | None = None
    mbox: str | None = None


class ExportedXapiStatements(Result):
    """The xAPI statements made about the person: a summary. Each one restates an attempt, an
    answer or a self-assessment that is in this export already, so they are counted, not
    copied (there is one per answer)."""

    #: How many there are in the outbox, sent or not.
    statements: int
    #: How many are "pending", "sent" or "failed" (refused by the LRS).
    by_state: dict[str, int]
    #: How many of each kind (attempt started, answer, finished, self-assessment...).
    by_kind: dict[str, int]
    #: The learning record store they go to (None: none is configured).
    lrs: str | None
    #: How the statements name the person (the newest one's ``actor``): a pseudonym account
    #: or their email; what to quote when asking the LRS's operator about them.
    named_as: ExportedXapiActor | None


class MyData(Result):
    """Everything pmpath holds about one account (docs/teams.md, "Your data")."""

    format: Literal["pmpath-my-data"] = "pmpath-my-data"
    exported_at: datetime
    account: ExportedAccount
    #: The profile's creation; its internal name is not shown anywhere (nor here).
    profile_created_at: datetime
    assessments: list[ExportedAssessment]
    attempts: list[ExportedAttempt]
    badges: list[ExportedBadge]
    review_cards: list[ExportedReviewCard]
    api_tokens: list[ExportedToken]
    #: How many browsers are signed in (their tokens are secrets and are not exported).
    signed_in_sessions: int
    #: Failed sign-ins for this email kept for throttling (the last 15 minutes or so).
    failed_sign_ins: int
    organisations: list[ExportedOrganisation]
    teams: list[ExportedTeam]
    invitations_sent: list[ExportedInvitation]
    invitations_accepted: list[ExportedInvitation]
    ratings_given: list[ExportedColleagueRating]
    manager_ratings_received: list[ExportedColleagueRating]
    peer_ratings_received: list[ExportedPeerAggregate]
    self_assessment_requests_received: list[ExportedRequest]
    self_assessment_requests_made: list[ExportedRequest]
    ladder_uploads: list[ExportedLadderUpload]
    calibration_adjustments: list[ExportedAdjustment]
    promotion_cases: list[ExportedPromotionCase]
    goals: list[ExportedGoal]
    check_ins: list[ExportedCheckIn]
    access_log: list[ExportedAccess]
    lms_identities: list[ExportedLmsIdentity]
    lms_launches: list[ExportedLaunch]
    lms_scores: list[ExportedLmsScore]
    lms_roster_imports: list[ExportedRosterImport]
    xapi_statements: ExportedXapiStatements


class OrganisationOutcome(Result):
    """What deleting the account does to one organisation the person is in."""

    organisation_id: int
    organisation: str
    #: "leave": the person's memberships go; "delete": they are its only member, so the
    #: organisation (teams, ladder versions, invitations) goes with them; "blocked": they
    #: are its only admin and others remain.
    outcome: Literal["leave", "delete", "blocked"]
    #: How many other people are in it.
    others: int


class DeletionPlan(Result):
    """What deleting the account would do, shown before the person confirms."""

    email: str
    assessments: int
    attempts: int
    ratings_given: int
    ratings_received: int
    organisations: list[OrganisationOutcome]
    #: False while an organisation blocks the deletion.
    may_delete: bool
    #: How the person confirms it is them: their password, or (an account an LMS made, which
    #: has none) typing the account's email address.
    confirm_with: Literal["password", "email"] = "password"


class Deleted(Result):
    """An account deleted: nothing of it is left."""

    email: str
    #: Organisations deleted with the account (it was their only member).
    organisations_deleted: list[str]
