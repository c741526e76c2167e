"""What the calibration-session service returns: raters' severities from the many-facet model,
the side-by-side grid of everyone placed at one role, adjustments and their audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pmpath.services.models import Result

#: What a rater facet of the model stands for: one manager, the pooled peers of the
#: organisation, or one person's own self-assessment.
RaterKind = Literal["manager", "peers", "self"]
#: Where a current level comes from (pmpath.services.current_levels).
LevelSource = Literal["calibrated", "manager", "self"]
#: Whom the caller sees: everyone (an organisation admin) or the members of the teams they
#: manage (a manager).
Scope = Literal["organisation", "teams"]
#: Longest reason an adjustment may carry.
MAX_REASON = 1000


class ModelStatus(Result):
    """Whether the organisation's ratings support the many-facet model, and what went in."""

    available: bool
    #: Why not, in plain words (None when available).
    reason: str | None
    #: Ratings, raters and people the model was given (after pooling peers and leaving out
    #: self-ratings of people nobody else rated).
    ratings: int
    raters: int
    people: int
    #: Share of the adjusted levels' intervals (0.8: four times in five the level an average
    #: rater would give lies inside).
    coverage: float
    #: Whether the fit reached its maximum (None when the model did not run).
    converged: bool | None


class RaterSeverity(Result):
    """One rater's severity: logits above the average rater, and what that means in levels."""

    #: "manager:<user id>", "peers" or "self:<user id>".
    rater: str
    kind: RaterKind
    #: The manager or the person self-rating; None for the pooled peers.
    user_id: int | None
    name: str
    severity: float
    se: float
    #: Levels an average rater would give above this rater's, averaged over the people and
    #: competencies the model saw (positive: harsher).
    level_effect: float
    #: Whether the severity is at least two standard errors from the average.
    clear: bool
    #: The severity in plain words, e.g. "rates about half a level harsher than the average
    #: rater".
    plain: str
    infit: float
    outfit: float
    ratings: int
    mean_level: float
    #: same_level_every_time, erratic, too_predictable, few_ratings.
    flags: list[str]
    #: The flags in plain words, in the same order.
    flag_notes: list[str]


class AdjustedLevel(Result):
    """The level an average rater would give one person in one competency, with its interval."""

    user_id: int
    name: str
    competency: str
    competency_name: str
    #: The model's expectation (follows the person's whole pattern).
    expected: float
    low: float
    high: float
    #: The ratings given, each with its rater's severity taken out.
    corrected: float
    ratings: int


class RaterSeverities(Result):
    organisation_id: int
    organisation: str
    framework_id: str
    framework_name: str
    levels: int
    scope: Scope
    model: ModelStatus
    #: Every rater for an admin; for a manager only their own entries (as manager, as self).
    raters: list[RaterSeverity]
    #: Every rated (person, competency) the caller may see, by person then ladder order.
    adjusted: list[AdjustedLevel]


class RoleChoice(Result):
    id: str
    name: str
    stage: str
    #: How many of the people the caller sees are placed at this role.
    placed: int


class ScaleStep(Result):
    level: int
    name: str


class CurrentLevel(Result):
    level: int
    source: LevelSource
    at: datetime | None


class ModelEstimate(Result):
    expected: float
    low: float
    high: float
    corrected: float


class SessionCell(Result):
    competency: str
    name: str
    #: The level the role expects in this competency.
    expected_for_role: int | None
    #: The level the organisation holds now (what an adjustment starts from).
    current: CurrentLevel | None
    #: The model's severity-adjusted level, when the model could run and this was rated.
    model: ModelEstimate | None
    #: The newest manager rating and the newest self-rating.
    manager_level: int | None
    self_level: int | None


class SessionPerson(Result):
    user_id: int
    name: str
    teams: list[str]
    #: "ready-now" or "working-towards" the role.
    status: str
    assessed_at: datetime
    #: Whether the caller may adjust this person's levels (never their own).
    may_adjust: bool
    cells: list[SessionCell]


class CalibrationSession(Result):
    organisation_id: int
    organisation: str
    framework_id: str
    framework_name: str
    scope: Scope
    roles: list[RoleChoice]
    scale: list[ScaleStep]
    #: The chosen role; None until one is chosen (then ``people`` is empty).
    role_id: str | None
    role_name: str | None
    model: ModelStatus
    people: list[SessionPerson]


class Adjustment(Result):
    """One entry of the audit trail: who moved whose level, from what to what, and why."""

    id: int
    at: datetime
    by_id: int | None
    #: Empty when the account that adjusted has since been deleted.
    by: str
    subject_id: int
    subject: str
    framework_id: str
    competency: str
    competency_name: str
    role_id: str | None
    role_name: str | None
    from_level: int | None
    to_level: int
    reason: str


class AuditTrail(Result):
    organisation_id: int
    organisation: str
    scope: Scope
    #: Newest first.
    entries: list[Adjustment]
