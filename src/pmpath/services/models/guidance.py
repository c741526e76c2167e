"""Where a person stands and what next, as ``pmpath profile|gaps|plan|report --json`` and
``/api/v1/profile`` show it: intake, placement, target, gaps, strengths and the growth plan.

The keys are documented in docs/assessment.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmpath.assessment.placement import Readiness as RoleReadiness
from pmpath.framework.model import ActionKind, LearningKind, Track
from pmpath.services.models import Result
from pmpath.services.models.evidence import ExamShare, TestedRating

PlacementStatus = Literal["ready-now", "working-towards"]
"""Ready now for the placed role, or working towards the entry role that fits best."""


class RoleRef(Result):
    """A role (or exit) with its stage."""

    id: str
    name: str
    stage: str


class BackgroundRef(Result):
    id: str
    name: str


class TrackSuggestion(Result):
    suggested: Track
    reason: str


class SpecialisationSuggestion(Result):
    id: str
    name: str
    reason: str


class Intake(Result):
    """What the person said about themselves, and the direction it suggests."""

    background: BackgroundRef | None
    current_role: RoleRef | None
    years: float | None
    interests: list[str]
    unrated: list[str] = Field(description="Competencies the person did not rate.")
    track: TrackSuggestion
    specialisation: SpecialisationSuggestion | None


class CompetencyLevel(Result):
    """A competency's self-rated level (allowing for confidence) against a role's expectation."""

    competency: str
    name: str
    current: float
    expected: int


class RoleRange(Result):
    """The placements the ratings allow, from the least to the most generous reading."""

    low: RoleRef
    high: RoleRef


class Candidate(Result):
    """A role that fits, with the must-haves that cap its readiness."""

    role: RoleRef
    fit: float
    band: tuple[float, float]
    readiness: RoleReadiness
    capped_by: list[str] = Field(description="Ids of the must-have competencies that fall short.")


class RolePlacement(Result):
    """The role the assessment places a person in, how well it fits, and the best alternatives."""

    role: RoleRef
    status: PlacementStatus
    readiness: RoleReadiness
    fit: float
    band: tuple[float, float]
    range: RoleRange
    meets: list[CompetencyLevel]
    exceeds: list[CompetencyLevel]
    short: list[CompetencyLevel]
    capped_by: list[CompetencyLevel]
    candidates: list[Candidate]
    note: str


class Target(Result):
    """The role aimed for, the fit against it and the path of next-role steps to it."""

    role: RoleRef
    fit: float
    band: tuple[float, float]
    readiness: RoleReadiness
    path: list[RoleRef]


class Gap(Result):
    """One competency against the target, with exam evidence beside the self-rating: ``exam``
    (the share of credit on exam items) and ``tested`` (the rating the learner's tested ability
    points to), each null without evidence."""

    competency: str
    name: str
    area: str
    current: int
    expected: int
    gap: int
    weight: float
    must_have: bool
    impact: float
    exam: ExamShare | None = None
    tested: TestedRating | None = None


class Strength(Result):
    competency: str
    name: str
    current: int
    expected: int
    surplus: int


class PlanStep(Result):
    """A development action or certification, placed on the plan's weeks."""

    order: int
    start_week: int
    end_week: int
    kind: ActionKind | LearningKind
    source: Literal["action", "certification"]
    id: str
    name: str
    summary: str
    competencies: list[str]


class GrowthPlan(Result):
    horizon_weeks: int
    transition_steps: list[str] = Field(description="First steps of a move into product work.")
    steps: list[PlanStep]


class Guidance(Result):
    """Placement, direction, target, gaps and growth plan for one self-assessment."""

    intake: Intake
    placement: RolePlacement
    target: Target
    gaps: list[Gap]
    strengths: list[Strength]
    plan: GrowthPlan


class TargetGaps(Result):
    """The gaps to the target and the strengths (``pmpath gaps``)."""

    target: Target
    gaps: list[Gap]
    strengths: list[Strength]


class TargetPlan(Result):
    """The growth plan towards the target (``pmpath plan``)."""

    target: Target
    plan: GrowthPlan


__all__ = [
    "BackgroundRef",
    "Candidate",
    "CompetencyLevel",
    "Gap",
    "GrowthPlan",
    "Guidance",
    "Intake",
    "PlacementStatus",
    "PlanStep",
    "RolePlacement",
    "RoleRange",
    "RoleRef",
    "SpecialisationSuggestion",
    "Strength",
    "Target",
    "TargetGaps",
    "TargetPlan",
    "TrackSuggestion",
]
