"""Job descriptions and interview kits generated from the ladder (``pmpath job-description``,
``pmpath interview-kit`` and their ``/api/v1`` routes)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from pmpath.framework.model import QuestionKind, Track
from pmpath.services.models import Result


class FrameworkRef(Result):
    """The framework a document was generated from."""

    id: str
    name: str
    version: str


class SpecialisationRef(Result):
    """The specialisation a role was described for."""

    id: str
    name: str
    summary: str


class HiredRole(Result):
    """The role a document is for."""

    id: str
    name: str
    stage: str
    stage_name: str
    track: Track
    aliases: list[str] = Field(description="Other titles the role is advertised under.")


class JobExpectation(Result):
    """What the role expects in one competency, in the framework's words."""

    competency: str
    name: str
    area_name: str
    level: int
    level_name: str
    weight: float
    must_have: bool
    raised_from: int | None = Field(
        description="The level the ladder expects without the specialisation, when the "
        "specialisation changed it; else null."
    )
    behaviour: str = Field(description="What a person at the expected level observably does.")


class JobDescription(Result):
    """A job description for one role: its summary, duties, how success is judged and what it
    expects in every competency, must-haves first (``pmpath job-description``)."""

    framework: FrameworkRef
    role: HiredRole
    specialisation: SpecialisationRef | None
    summary: str
    responsibilities: list[str]
    success_measures: list[str]
    expectations: list[JobExpectation] = Field(
        description="Every competency: must-haves first, then by expected level, highest first."
    )


class LevelAnchor(Result):
    """What answers at one level of the scale look like, to place a candidate's answers."""

    level: int
    level_name: str
    relation: Literal["below", "at", "above"] = Field(
        description="Where the level lies against the role's expectation."
    )
    behaviour: str


class KitQuestion(Result):
    """One question with what a strong answer shows at the role's expected level."""

    question: str
    kind: QuestionKind
    strong_answer: str
    strong_answer_source: Literal["question", "behaviour"] = Field(
        description="'question': written for this question at this level; 'behaviour': the "
        "question has nothing for this level, so the framework's behaviour stands in."
    )
    red_flags: list[str]


class KitCompetency(Result):
    """A competency the interviews test, its bar, its questions and how to score it."""

    competency: str
    name: str
    level: int
    level_name: str
    weight: float
    must_have: bool
    why: str = Field(description="Why the competency is in the kit, in words.")
    generated: bool = Field(
        description="True when the framework has no questions for the competency and the kit "
        "asks a general one built from its behaviours."
    )
    questions: list[KitQuestion]
    anchors: list[LevelAnchor] = Field(
        description="The behaviours just below, at and just above the expected level."
    )


class ScoreBand(Result):
    """One score of the scoring guide."""

    score: int
    label: str
    meaning: str


class CompetencyLevel(Result):
    """A competency and its expected level, named."""

    competency: str
    name: str
    level: int
    level_name: str


class InterviewKit(Result):
    """An interview kit for one role: the role's most important competencies (must-haves, then
    the highest expectations), behavioural questions with what a strong answer shows at the
    expected level, red flags, and a scoring guide (``pmpath interview-kit``)."""

    framework: FrameworkRef
    role: HiredRole
    specialisation: SpecialisationRef | None
    summary: str
    competencies: list[KitCompetency]
    not_covered: list[CompetencyLevel] = Field(
        description="The role's other competencies, which these interviews do not test."
    )
    scoring: list[ScoreBand]
    guidance: list[str] = Field(description="How to run and score the interviews.")
