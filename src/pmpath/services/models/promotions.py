"""What the promotion-case service returns (``pmpath promotion ... --json`` and
``/api/v1/organisations/{id}/promotion-cases``): cases, and the document that assembles one
member's evidence for a target role."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from pmpath.assessment.placement import Readiness as RoleReadiness
from pmpath.services.models import Result
from pmpath.services.models.colleague_ratings import ManagerRating, PeerAggregate
from pmpath.services.models.evidence import ExamReadiness, ExamShare, TestedRating
from pmpath.services.models.guidance import Gap, GrowthPlan, RoleRef, Strength

#: draft (the author writes the recommendation) -> submitted -> decided.
CaseStatus = Literal["draft", "submitted", "decided"]
#: What an organisation admin decides on a submitted case.
Decision = Literal["promote", "not-yet"]
#: Where a member's current level in a competency comes from (pmpath.services.current_levels).
LevelSource = Literal["calibrated", "manager", "self"]


class Person(Result):
    id: int
    name: str


class SpecialisationName(Result):
    id: str
    name: str


class PromotionCase(Result):
    """A case, its recommendation and its status, and what the caller may do with it."""

    id: int
    organisation_id: int
    organisation: str
    subject: Person
    target_role: RoleRef
    specialisation: SpecialisationName | None
    framework_id: str
    framework_name: str
    #: Who opened the case and writes the recommendation (None once their account is gone).
    author: Person | None
    status: CaseStatus
    recommendation: str
    decision: Decision | None
    decision_note: str | None
    decided_by: Person | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None
    may_edit: bool = Field(
        description="The caller may change the recommendation (a draft's author)."
    )
    may_submit: bool = Field(description="The caller may submit the case (a draft's author).")
    may_decide: bool = Field(
        description="The caller may decide (an organisation admin, once submitted)."
    )


class PromotionCases(Result):
    """The cases of an organisation the caller may see, newest first, and the members they may
    open a case for (empty for someone who may open none)."""

    organisation_id: int
    organisation: str
    cases: list[PromotionCase]
    may_open_for: list[Person]


class CalibratedLevel(Result):
    """The newest level set for the member in a calibration session."""

    level: int
    from_level: int | None
    reason: str
    by: str | None
    at: datetime


class CurrentLevel(Result):
    """The level the organisation holds now, and its source: calibrated > manager > self."""

    level: int
    source: LevelSource
    at: datetime | None


class CompetencyCase(Result):
    """One competency of the case: what the target expects and every source side by side.
    Peers only as their median and count, and only from ``peer_threshold`` peers."""

    competency: str
    name: str
    area: str
    #: The level the target role expects (None where it expects nothing).
    expected: int | None
    must_have: bool
    self_level: int | None
    manager: ManagerRating | None
    peers: PeerAggregate
    #: Self and manager two levels apart or more.
    flagged: bool
    calibrated: CalibratedLevel | None
    current: CurrentLevel | None
    #: Exam scores on the competency's items (None without any).
    exam: ExamShare | None
    #: The self-rating the member's tested ability points to (None without an estimate).
    tested: TestedRating | None


class Adjustment(Result):
    """A calibration adjustment of the member's level, from the audit trail."""

    competency: str
    name: str
    from_level: int | None
    to_level: int
    reason: str
    by: str | None
    at: datetime


class ExamRecord(Result):
    """The member's exams: whether they took any, and their readiness for each exam. A
    readiness figure with ``enough_evidence`` false is mostly the population's."""

    taken: bool
    min_answers: int | None
    readiness: list[ExamReadiness]


class TargetFit(Result):
    """How the member's current levels fit the target role."""

    role: RoleRef
    fit: float
    readiness: RoleReadiness
    #: The role the current levels place the member in.
    placed: RoleRef


class ScaleStep(Result):
    level: int
    name: str


class PromotionDocument(Result):
    """Everything the case stands on: ratings by source, calibration, exams, the gaps left
    against the target and the plan for them. A draft's is assembled when it is read; a
    submitted case's was frozen when it was submitted (``assembled_at`` is that moment)."""

    subject: str
    framework_name: str
    scale: list[ScaleStep]
    self_assessed_at: datetime | None
    peer_threshold: int
    competencies: list[CompetencyCase]
    adjustments: list[Adjustment]
    exams: ExamRecord
    target: TargetFit
    gaps: list[Gap]
    strengths: list[Strength]
    plan: GrowthPlan
    assembled_at: datetime


class PromotionCaseView(Result):
    """A case with its document."""

    case: PromotionCase
    document: PromotionDocument
    frozen: bool = Field(
        description="The document is the one frozen when the case was submitted (a later "
        "calibration or rating does not change it); false for a draft, assembled now."
    )


__all__ = [
    "Adjustment",
    "CalibratedLevel",
    "CaseStatus",
    "CompetencyCase",
    "CurrentLevel",
    "Decision",
    "ExamRecord",
    "Person",
    "PromotionCase",
    "PromotionCaseView",
    "PromotionCases",
    "PromotionDocument",
    "ScaleStep",
    "SpecialisationName",
    "TargetFit",
]
