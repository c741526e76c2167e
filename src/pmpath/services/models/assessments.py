"""Stored self-assessments as the interfaces show them: a new assessment with its guidance, the
profile, progress over time and the printable report's data (docs/assessment.md).

The guidance keys (``intake`` ... ``plan``) sit beside the others at the top level of the JSON:
those models extend :class:`Guidance` with a base of their own keys, listed first (pydantic
orders fields from the last base to the first).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmpath.assessment import Confidence
from pmpath.services.models import Result
from pmpath.services.models.evidence import ReadinessReport
from pmpath.services.models.exams import FinishedAttempt
from pmpath.services.models.guidance import (
    Gap,
    GrowthPlan,
    Guidance,
    Intake,
    RolePlacement,
    RoleRef,
    Strength,
    Target,
)
from pmpath.services.models.ladder import LadderGraph

AssessmentSource = Literal["file", "interactive", "api"]
"""How an assessment came in: an answers file, the interactive questions, or the API."""


class _Stored(Result):
    assessment_id: int
    profile: str


class RecordedAssessment(Guidance, _Stored):
    """A newly stored assessment with its guidance (``pmpath assess``,
    ``POST /api/v1/assessments``): its id and profile first, then the guidance's keys."""


class RatingDetail(Result):
    level: int
    confidence: Confidence
    evidence: list[str]


class _Rated(Result):
    profile: str
    assessment_id: int
    assessed_at: str | None
    framework_version: str = Field(description="The framework version it was taken on.")
    measured_on: str | None = Field(
        description="'Measured on framework 1.0' when it was taken on an earlier version of "
        "the framework (its ratings were carried over to the current ids); else null."
    )
    ratings: dict[str, RatingDetail] = Field(description="Competency id -> the self-rating.")


class LearnerProfile(Guidance, _Rated):
    """The newest assessment of a profile: its ratings and its guidance (``pmpath profile``)."""


class CompetencyChange(Result):
    """A competency's level in one assessment and the change since the one before (null where
    either is unrated or there is no assessment before)."""

    competency: str
    name: str
    level: int | None
    previous: int | None
    change: int | None


class ProgressEntry(Result):
    id: int
    completed_at: str | None
    source: AssessmentSource
    framework_version: str
    measured_on: str | None = Field(
        description="'Measured on framework 1.0' when taken on an earlier framework version."
    )
    placement: RoleRef
    competencies: list[CompetencyChange]


class Progress(Result):
    """Every finished assessment of a profile, oldest first, with the changes per competency."""

    profile: str
    framework: str
    assessments: list[ProgressEntry]


class History(Result):
    """A profile's assessments with their progress, and its finished exams with the score trend
    per domain (``pmpath history``)."""

    profile: str
    framework: str
    assessments: list[ProgressEntry]
    exams: list[FinishedAttempt]
    domain_trends: dict[str, list[float]] = Field(description="Domain id -> scores, oldest first.")


class ReportProfile(Result):
    name: str
    assessed_at: str | None


class FrameworkRef(Result):
    id: str
    name: str
    version: str


class ScaleStep(Result):
    level: int
    name: str


class Report(Result):
    """The printable report's data (``pmpath report --json``, ``/api/v1/report``).

    ``readiness`` is the chance of passing each exam, from the learner's tested ability; the
    interfaces add it (null on a framework of one's own, whose levels no exam measures).
    """

    generated_at: str
    profile: ReportProfile
    framework: FrameworkRef
    scale: list[ScaleStep]
    intake: Intake
    placement: RolePlacement
    target: Target
    gaps: list[Gap]
    strengths: list[Strength]
    plan: GrowthPlan
    ladder: LadderGraph
    readiness: ReadinessReport | None = None


__all__ = [
    "AssessmentSource",
    "CompetencyChange",
    "FrameworkRef",
    "History",
    "LearnerProfile",
    "Progress",
    "ProgressEntry",
    "RatingDetail",
    "RecordedAssessment",
    "Report",
    "ReportProfile",
    "ScaleStep",
]
