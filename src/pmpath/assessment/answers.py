"""Assessment answer files: a person's ratings and intake answers as YAML.

    background: software-engineering      # optional, a background id
    current_role: null                    # optional, a role id
    years: 6                              # optional, years of work experience
    interests: [technology-and-platforms] # optional, interest ids
    target: associate-product-manager     # optional, a role or exit id
    ratings:                              # required: competency id -> level
      analytical-thinking: 4
      customer-empathy: {level: 2, confidence: low, evidence: ["Ran five interviews"]}

Every id is checked against the framework and every level against its scale; problems are
reported with the file, line and field, and nothing is stored from a file with any problem.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from pmpath.assessment.placement import place, starting_role
from pmpath.assessment.profile import Confidence, Rating, SelfAssessment, merged_rating
from pmpath.errors import AssessmentError, FieldPath, Location, NoPathError, Problem
from pmpath.framework import Framework, Ladder
from pmpath.framework.versions import current_competency_id, current_role_id
from pmpath.yamldoc import YamlDocument, validation_problems

Evidence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class RatingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: int = Field(description="The level whose behaviour fits best.")
    confidence: Confidence = Confidence.MEDIUM
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


class AnswersFile(BaseModel):
    """The answers file format."""

    model_config = ConfigDict(extra="forbid")

    background: str | None = None
    current_role: str | None = None
    years: float | None = Field(default=None, ge=0, le=60)
    interests: list[str] = Field(default_factory=list)
    target: str | None = None
    ratings: dict[str, RatingEntry] = Field(min_length=1)

    @field_validator("ratings", mode="before")
    @classmethod
    def _bare_levels(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: {"level": item}
                if isinstance(item, int) and not isinstance(item, bool)
                else item
                for key, item in value.items()
            }
        return value


def read_answers(path: Path | str, framework: Framework) -> SelfAssessment:
    """The assessment in the answers file ``path``, checked against ``framework``."""
    return _checked(YamlDocument.read(path, AssessmentError), framework)


def parse_answers(text: str, framework: Framework, source: str = "<answers>") -> SelfAssessment:
    return _checked(YamlDocument(text, source, AssessmentError), framework)


def answers_from_data(data: Any, framework: Framework) -> SelfAssessment:
    """The assessment in already-parsed data (an API request body), located by field path."""

    def locate(path: FieldPath, message: str) -> Problem:
        return Problem(message, Location(field_path=path))

    if not isinstance(data, dict):
        raise AssessmentError("the answers must be a JSON object of fields")
    try:
        answers = AnswersFile.model_validate(data)
    except ValidationError as exc:
        raise AssessmentError(validation_problems(exc, locate)) from None
    return _assessment(answers, framework, locate)


def _checked(document: YamlDocument, framework: Framework) -> SelfAssessment:
    answers = document.validate(AnswersFile, "an answers file")
    return _assessment(answers, framework, document.problem)


def _assessment(
    answers: AnswersFile, framework: Framework, locate: Callable[[FieldPath, str], Problem]
) -> SelfAssessment:
    findings = check_answers(answers, framework)
    if findings:
        raise AssessmentError([locate(path, message) for path, message in findings])
    assessment = to_assessment(answers, framework)
    if assessment.target is not None:
        # Reachability depends on the placement, so it is checked on the whole assessment.
        start = starting_role(assessment, place(framework, assessment))
        try:
            Ladder(framework).shortest_path(start, assessment.target)
        except NoPathError:
            raise AssessmentError(
                [
                    locate(
                        ("target",),
                        f"no path of next-role steps leads from {start!r} to "
                        f"{assessment.target!r}; pick a role ahead of you",
                    )
                ]
            ) from None
    return assessment


def check_answers(answers: AnswersFile, framework: Framework) -> list[tuple[FieldPath, str]]:
    """Every id and level in ``answers`` that does not fit ``framework``."""
    findings: list[tuple[FieldPath, str]] = []
    top = framework.levels.stop - 1
    for comp_id, entry in answers.ratings.items():
        if current_competency_id(framework, comp_id) is None:
            findings.append((("ratings", comp_id), f"unknown competency id {comp_id!r}"))
        elif entry.level not in framework.levels:
            findings.append(
                (("ratings", comp_id), f"level {entry.level} is outside the scale (1-{top})")
            )
    if answers.background is not None and not framework.has("background", answers.background):
        findings.append((("background",), f"unknown background id {answers.background!r}"))
    if answers.current_role is not None and not framework.has(
        "role", current_role_id(framework, answers.current_role) or ""
    ):
        findings.append((("current_role",), f"unknown role id {answers.current_role!r}"))
    known_interests = {interest.id for interest in framework.interests}
    for index, interest in enumerate(answers.interests):
        if interest not in known_interests:
            findings.append((("interests", index), f"unknown interest id {interest!r}"))
    if answers.target is not None and current_role_id(framework, answers.target) is None:
        findings.append((("target",), f"unknown role or exit id {answers.target!r}"))
    return findings


def to_assessment(answers: AnswersFile, framework: Framework) -> SelfAssessment:
    """The checked answers as an assessment; ids of an earlier framework version are read as
    their current ones, and ratings of merged competencies are combined."""
    given: dict[str, list[Rating]] = {}
    for old_id, entry in answers.ratings.items():
        comp_id = current_competency_id(framework, old_id) or old_id
        given.setdefault(comp_id, []).append(
            Rating(comp_id, entry.level, entry.confidence, tuple(entry.evidence))
        )
    ratings = {
        comp_id: found[0] if len(found) == 1 else merged_rating(comp_id, found)
        for comp_id, found in given.items()
    }

    def current(role_id: str | None) -> str | None:
        return None if role_id is None else current_role_id(framework, role_id) or role_id

    return SelfAssessment(
        ratings=ratings,
        background=answers.background,
        current_role=current(answers.current_role),
        years=answers.years,
        interests=tuple(answers.interests),
        target=current(answers.target),
        unrated=tuple(c.id for c in framework.competencies if c.id not in ratings),
    )
