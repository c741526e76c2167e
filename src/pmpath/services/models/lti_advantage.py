"""LTI Advantage's services (issue #20): scores on their way to a platform's gradebook, a
course's gradebook as CSV, and a course roster brought in as a team."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from pmpath.services.models import Result

#: Where a score stands in the outbox.
ScoreState = Literal["pending", "sent", "failed", "superseded"]
STATE_NAMES: dict[str, str] = {
    "pending": "Waiting to be sent",
    "sent": "Sent",
    "failed": "Failed: needs a retry",
    "superseded": "Replaced by a newer attempt",
}
#: What a roster import did with one person.
RosterChange = Literal["added", "updated", "unchanged", "left"]


class PassbackRun(Result):
    """One pass of the grade passback: attempts queued, then scores sent."""

    queued: int = Field(description="Finished attempts newly put in the outbox.")
    superseded: int = Field(description="Unsent scores replaced by a newer attempt.")
    sent: int = Field(description="Scores the platforms accepted in this pass.")
    retrying: int = Field(description="Scores that failed this time and will be tried again.")
    failed: int = Field(description="Scores that failed too often and now wait for an admin.")
    errors: list[str] = Field(description="Each distinct failure of this pass, in one line.")
    seconds: float = Field(description="How long the pass took.")


class Retried(Result):
    """How many failed scores were made pending again."""

    retried: int


class OutboxScore(Result):
    """One score in the outbox."""

    id: int
    state: ScoreState
    learner: str
    email: str | None = Field(description="None for an account made from a launch without one.")
    platform: str
    course: str | None
    exam: str = Field(description="The title of the resource link (else the exam's name).")
    score: float
    out_of: float
    finished_at: datetime = Field(description="When the attempt finished (UTC).")
    tries: int
    next_try_at: datetime | None = Field(description="When it is tried next; None unless pending.")
    last_error: str | None
    sent_at: datetime | None


class Outbox(Result):
    """The grade passback's outbox for admins: how many scores are in each state, and the
    scores that are pending or failed (most urgent first)."""

    counts: dict[str, int] = Field(description="Scores per state (pending, sent, failed, ...).")
    waiting: list[OutboxScore]


class Course(Result):
    """A course (an LTI context) pmpath was launched from."""

    id: int = Field(description="The course's id in pmpath (the ``context`` of the routes).")
    platform: str
    context_id: str = Field(description="The course's id on the platform.")
    title: str
    learners: int = Field(description="People who launched pmpath from the course.")
    has_roster: bool = Field(description="Whether the platform offers the course's roster.")
    team: str | None = Field(description="The team the roster was brought into, if any.")
    team_id: int | None
    organisation_id: int | None
    last_import: datetime | None


class OrganisationChoice(Result):
    id: int
    name: str


class Courses(Result):
    """The courses someone may export and bring rosters in from: every course for an admin,
    the courses they launched as an Instructor for anyone else."""

    courses: list[Course]
    organisations: list[OrganisationChoice] = Field(
        description="Organisations the person administers (where a roster may go)."
    )


class GradeRow(Result):
    """One learner's score at one exam of a course."""

    learner: str
    email: str | None
    platform_user_id: str | None = Field(description="The learner's ``sub`` on the platform.")
    exam: str
    score: float
    out_of: float
    percent: float
    passed: bool | None = Field(description="None when the exam has no pass mark.")
    finished_at: datetime
    passback: ScoreState


class Gradebook(Result):
    """A course's gradebook: the newest score of each learner at each exam, with whether it
    reached the platform."""

    course: Course
    rows: list[GradeRow]


class GradebookExport(Result):
    """A course's gradebook as CSV (RFC 4180, UTF-8, a header row, times in ISO 8601 UTC)."""

    filename: str
    rows: int
    csv: str


class RosterEntry(Result):
    """One person of a roster import and what happened to them."""

    name: str
    email: str | None
    platform_user_id: str
    role: Literal["manager", "member"]
    change: RosterChange
    detail: str | None = Field(description="What changed, for an update.")


class RosterReport(Result):
    """What bringing a course's roster in did: who was added to the team, updated (a new name
    or role), unchanged, and who left the course (reported, not removed)."""

    course: Course
    organisation_id: int
    organisation: str
    team_id: int
    team: str
    imported_at: datetime
    added: list[RosterEntry]
    updated: list[RosterEntry]
    unchanged: list[RosterEntry]
    left: list[RosterEntry]
