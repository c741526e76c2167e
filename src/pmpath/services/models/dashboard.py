"""What a signed-in learner's home page shows, and how their self-rating and their test results
compare: the data of the dashboard and of the profile's "self-rated and tested" section."""

from __future__ import annotations

from typing import Literal

from pmpath.services.models import Result
from pmpath.services.models.evidence import ReadinessReport
from pmpath.services.models.exams import FinishedAttempt
from pmpath.services.models.guidance import PlacementStatus, PlanStep, RoleRef


class Standing(Result):
    """Where the latest finished self-assessment places the learner, and how sure it is:
    ``low`` to ``high`` is the range of roles the ratings allow for, given how sure the learner
    said they were of each; ``tested``, the latest placement test's level beside it (None
    before one)."""

    assessment_id: int
    assessed_at: str | None
    role: RoleRef
    status: PlacementStatus
    fit: float
    low: RoleRef
    high: RoleRef
    target: RoleRef
    tested: LevelComparison | None


class Continuing(Result):
    """Something started and not finished: a self-assessment, a mock exam, a practice session,
    the placement test or an adaptive exam."""

    kind: Literal["assessment", "mock", "practice", "placement", "adaptive"]
    id: int
    name: str
    answered: int
    items: int | None
    #: The test's id for the placement test and adaptive exams (the blueprint's), else None.
    test: str | None = None


class Dashboard(Result):
    """The learner's home page: where they stand, what to do next, reviews due, readiness,
    what to continue and their latest results (newest first)."""

    standing: Standing | None
    next_step: PlanStep | None
    reviews_due: int
    readiness: ReadinessReport
    continuing: list[Continuing]
    recent: list[FinishedAttempt]


Agreement = Literal["agree", "test-lower", "test-higher"]
"""Whether a test result agrees with a self-rating, or lies below or above it."""


class LevelComparison(Result):
    """The self-assessment's placement beside the latest placement test's level (a stage)."""

    self_role: RoleRef
    self_stage: str
    self_stage_name: str
    tested_stage: str
    tested_stage_name: str
    tested_range: tuple[str, str]
    tested_range_names: tuple[str, str]
    agreement: Agreement


class CompetencyComparison(Result):
    """A competency's self-rating beside the rating the learner's answers point to."""

    competency: str
    name: str
    self_rating: int
    tested_rating: int
    tested_range: tuple[int, int]
    agreement: Agreement


class Comparison(Result):
    """Self-rated and tested side by side, with what to do where they disagree (``advice``:
    plain sentences, empty where they agree or nothing was tested)."""

    level: LevelComparison | None
    competencies: list[CompetencyComparison]
    advice: list[str]


Standing.model_rebuild()
