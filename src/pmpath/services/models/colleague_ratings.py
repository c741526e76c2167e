"""What the colleague-ratings service returns: a rater's own ratings of a colleague, the
ratings side by side, and requests to self-assess."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pmpath.services.models import Result

#: What a rater is to the person they rate.
RaterSource = Literal["manager", "peer"]
#: Fewer peers than this and no peer figure is shown, so no single peer's rating shows.
PEER_THRESHOLD = 3
#: Self and manager this many levels apart (or more) are flagged.
FLAG_GAP = 2


class Evidence(Result):
    link: str | None = None
    note: str | None = None


class RubricLevel(Result):
    level: int
    name: str
    #: What someone at this level does in this competency (empty where the ladder says nothing).
    behaviour: str


class GivenRating(Result):
    competency: str
    name: str
    #: The level the caller gave; None while they have not rated it.
    level: int | None
    evidence: Evidence
    levels: list[RubricLevel]


class RatingSheet(Result):
    """What one rater sees when rating a colleague: the rubric and their own ratings only."""

    organisation_id: int
    subject_id: int
    subject: str
    source: RaterSource
    framework_id: str
    framework_name: str
    competencies: list[GivenRating]


class ManagerRating(Result):
    level: int
    rater: str
    evidence: Evidence
    rated_at: datetime


class PeerAggregate(Result):
    """Peers' ratings only as a whole, and only once PEER_THRESHOLD peers have rated: before
    that, neither how many rated nor what they gave is shown."""

    #: How many peers rated; None while fewer than PEER_THRESHOLD have.
    count: int | None
    #: Their median level; None while fewer than PEER_THRESHOLD have rated.
    median: float | None


class CompetencySideBySide(Result):
    competency: str
    name: str
    self_level: int | None
    manager: ManagerRating | None
    peers: PeerAggregate
    #: Self and manager differ by FLAG_GAP levels or more.
    flagged: bool
    #: The level a calibration session set (the newest adjustment), None when none did.
    calibrated_level: int | None = None


class SideBySide(Result):
    organisation_id: int
    subject_id: int
    subject: str
    framework_id: str
    framework_name: str
    self_assessed_at: datetime | None
    peer_threshold: int
    competencies: list[CompetencySideBySide]


class SelfAssessmentRequest(Result):
    id: int
    team_id: int
    team: str
    member_id: int
    member: str
    requested_by: str | None
    due_on: date
    requested_at: datetime
    #: When the member finished a self-assessment after the request; None while it is open.
    done_at: datetime | None
    overdue: bool


class SelfAssessmentRequests(Result):
    requests: list[SelfAssessmentRequest]
