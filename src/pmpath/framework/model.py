"""The career framework file format as pydantic models.

The models check shape and types only. Rules that relate one part of the file to
another (ids that must exist, levels inside the scale, a ladder without cycles, ...)
live in :mod:`pmpath.framework.rules`, which needs the whole file to judge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator

from pmpath.errors import NotFoundError

FORMAT_VERSION = 1

T = TypeVar("T")

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=80),
]
"""A stable kebab-case identifier such as ``senior-product-manager``."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Level = Annotated[int, Field(ge=1, le=20)]
"""A proficiency level; the framework's own scale decides which values are valid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Track(StrEnum):
    """Which ladder a role belongs to."""

    INDIVIDUAL_CONTRIBUTOR = "individual-contributor"
    PEOPLE_LEADER = "people-leader"
    BOTH = "both"

    def shares_ladder_with(self, other: Track) -> bool:
        """True when a move between roles of these tracks stays on one ladder."""
        return Track.BOTH in (self, other) or self is other


class ActionKind(StrEnum):
    """The kinds of development action the framework can recommend."""

    STRETCH_PROJECT = "stretch-project"
    SHADOWING = "shadowing"
    CROSS_FUNCTIONAL = "cross-functional"
    MENTORING = "mentoring"
    BEING_MENTORED = "being-mentored"
    READING = "reading"
    COMMUNITY = "community"
    COURSE = "course"
    CONFERENCE = "conference"


class LearningKind(StrEnum):
    CERTIFICATION = "certification"
    LEARNING_PROGRAMME = "learning-programme"


class ScaleLevel(_Strict):
    """One step of the proficiency scale."""

    level: Level = Field(
        description="The number of the level; levels run 1, 2, 3, ... without gaps."
    )
    name: Text = Field(description="A short name such as 'Proficient'.")
    summary: Text = Field(description="What this level means for any competency.")


class Area(_Strict):
    """A group of related competencies."""

    id: Id
    name: Text
    summary: Text = Field(description="What the competencies of this area have in common.")


class QuestionKind(StrEnum):
    """How an interview question gathers evidence."""

    BEHAVIOURAL = "behavioural"
    """About something the candidate did ("Tell me about a time you ...")."""
    WORK_SAMPLE = "work-sample"
    """A short task done in the interview, such as critiquing a plan or sketching a test."""


class InterviewQuestion(_Strict):
    """A question for hiring interviews on one competency, with what a strong answer shows.

    A strong answer differs by level: the same question tells a Developing candidate from an
    Advanced one by the scope of what they describe and how independently they did it.
    """

    question: Text = Field(description="The question or work-sample prompt, as it is asked.")
    kind: QuestionKind = Field(default=QuestionKind.BEHAVIOURAL)
    strong_answer: dict[Level, Text] = Field(
        min_length=1,
        description="Per level of the scale, what a strong answer from someone at that level "
        "observably shows; a level left out falls back to the competency's behaviour.",
    )
    red_flags: list[Text] = Field(
        default_factory=list, description="What in an answer should worry the interviewer."
    )


class Competency(_Strict):
    """A skill the ladder expects, with an observable behaviour for every level of the scale."""

    id: Id
    name: Text
    area: Id = Field(description="The id of the area this competency belongs to.")
    summary: Text = Field(description="What the competency means in product work.")
    behaviours: dict[Level, Text] = Field(
        description="For every level of the scale, what a person at that level observably does."
    )
    interview_questions: list[InterviewQuestion] = Field(
        default_factory=list,
        description="Behavioural questions and work-sample prompts for hiring interviews; "
        "without them an interview kit asks a question built from the behaviours.",
    )


class Stage(_Strict):
    """A phase of the career. The order of the ``stages`` list is the order of the ladder."""

    id: Id
    name: Text
    summary: Text
    preparation: list[Text] = Field(
        default_factory=list, description="Advice for succeeding in and moving on from this stage."
    )


class Expectation(_Strict):
    """The level a role expects in one competency."""

    level: Level
    weight: float = Field(
        default=1.0, gt=0, le=10, description="How much this competency counts for the role."
    )
    must_have: bool = Field(
        default=False,
        description="A shortfall here caps placement in the role, whatever else is met.",
    )


def _expand_bare_levels(value: Any) -> Any:
    # `prioritisation: 3` is shorthand for `prioritisation: {level: 3}`; authors write the
    # short form almost everywhere, so accept it before the model sees the mapping.
    if isinstance(value, dict):
        return {
            key: {"level": item} if isinstance(item, int) and not isinstance(item, bool) else item
            for key, item in value.items()
        }
    return value


class Role(_Strict):
    """A job on the ladder."""

    id: Id
    name: Text
    stage: Id = Field(description="The id of the stage the role belongs to.")
    track: Track
    aliases: list[Text] = Field(default_factory=list, description="Other titles for the same job.")
    summary: Text
    responsibilities: list[Text] = Field(min_length=1)
    success_measures: list[Text] = Field(default_factory=list)
    expectations: dict[Id, Expectation] = Field(
        description="The expected level for every competency of the framework, as a bare level "
        "or as {level, weight, must_have}."
    )
    next_roles: list[Id] = Field(
        default_factory=list, description="Ids of the roles people usually move to from this one."
    )

    _expand = field_validator("expectations", mode="before")(_expand_bare_levels)


class Interest(_Strict):
    """Something a person may enjoy in the work; the intake maps it to a track."""

    id: Id
    name: Text
    summary: Text
    suggests_track: Track | None = Field(
        default=None, description="The track this interest points to, if any."
    )


class Background(_Strict):
    """A career people come to product management from."""

    id: Id
    name: Text
    summary: Text
    advantages: list[Text] = Field(min_length=1)
    strengths: dict[Id, Level] = Field(
        description="Transferable strengths as competency levels typical for the background."
    )
    typical_gaps: list[Id] = Field(
        default_factory=list, description="Competencies usually to build."
    )
    first_steps: list[Text] = Field(min_length=1, description="How to make the move, in order.")
    suggested_entry_roles: list[Id] = Field(default_factory=list)


class Certification(_Strict):
    """A certification or learning programme."""

    id: Id
    name: Text
    kind: LearningKind
    provider: Text | None = None
    summary: Text
    prerequisites: list[Text] = Field(
        default_factory=list, description="What a candidate needs before taking it."
    )
    format: Text | None = Field(default=None, description="How it is taken: course, exam, ...")
    good_for: Text | None = Field(default=None, description="Whom and what it is good for.")
    url: Text | None = Field(default=None, description="The issuer's page about it (http/https).")
    checked: date | None = Field(
        default=None, description="When the facts above were last checked against the issuer."
    )
    builds: list[Id] = Field(min_length=1, description="Ids of the competencies it builds.")
    stages: list[Id] = Field(min_length=1, description="Ids of the stages it suits.")


class DevelopmentAction(_Strict):
    """Something a person can do to grow: a stretch project, shadowing, mentoring, a course, ..."""

    id: Id
    name: Text
    kind: ActionKind
    summary: Text
    competencies: list[Id] = Field(min_length=1)
    levels: list[Level] = Field(
        default_factory=list,
        description="The levels it helps people reach (an action for level 3 suits someone at "
        "2); empty for any level.",
    )
    stages: list[Id] = Field(min_length=1)
    weeks: int = Field(ge=1, le=520, description="Typical time it takes, in weeks.")


class Specialisation(_Strict):
    """A direction within product management (growth, technical PM, ...)."""

    id: Id
    name: Text
    summary: Text
    emphasis: list[Id] = Field(min_length=1, description="The competencies it leans on most.")
    interests: list[Id] = Field(default_factory=list, description="Interests that point to it.")
    adjusts: dict[Id, Annotated[int, Field(ge=-2, le=2)]] = Field(
        default_factory=dict,
        description="Levels added to (or taken from) a role's expectation of these "
        "competencies for people who follow the specialisation (kept inside the scale).",
    )
    from_stage: Id | None = Field(
        default=None,
        description="The first stage whose roles the adjustments apply to; by default every "
        "stage after the entry stage.",
    )


class Exit(_Strict):
    """A move out of the product ladder (general management, founding, ...)."""

    id: Id
    name: Text
    stage: Id
    summary: Text
    responsibilities: list[Text] = Field(min_length=1)
    expectations: dict[Id, Expectation] = Field(
        description="The competency levels that matter most for this move (a subset is fine)."
    )
    from_roles: list[Id] = Field(min_length=1, description="Roles it is usually reached from.")
    first_steps: list[Text] = Field(default_factory=list)

    _expand = field_validator("expectations", mode="before")(_expand_bare_levels)


class PreviousVersion(_Strict):
    """How the ids of an earlier version of this framework map onto this one's.

    Stored assessments, answer files and question banks written against the earlier version
    keep working: an old id is read as its new one. Two old ids may map onto one new id
    (competencies that were merged); ratings of both are then combined.
    """

    version: Text
    competencies: dict[Id, Id] = Field(
        default_factory=dict, description="Old competency id -> the id that replaces it."
    )
    roles: dict[Id, Id] = Field(
        default_factory=dict, description="Old role id -> the id that replaces it."
    )


class Framework(_Strict):
    """A whole career framework: the ladder, its competencies and everything around it."""

    format: int = Field(
        default=FORMAT_VERSION,
        ge=FORMAT_VERSION,
        le=FORMAT_VERSION,
        description="The version of this file format.",
    )
    id: Id
    name: Text
    version: Text = Field(default="1", description="The version of this framework's content.")
    summary: Text
    scale: list[ScaleLevel] = Field(min_length=2)
    areas: list[Area] = Field(min_length=1)
    competencies: list[Competency] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1)
    interests: list[Interest] = Field(default_factory=list)
    backgrounds: list[Background] = Field(default_factory=list)
    certifications: list[Certification] = Field(default_factory=list)
    development_actions: list[DevelopmentAction] = Field(default_factory=list)
    specialisations: list[Specialisation] = Field(default_factory=list)
    exits: list[Exit] = Field(default_factory=list)
    previous_versions: list[PreviousVersion] = Field(
        default_factory=list,
        description="Earlier versions of this framework and how their ids map onto this one's.",
    )

    _index: dict[tuple[str, str], Any] = PrivateAttr(default_factory=dict)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # Lookups by id are frequent (placement scans every role); index once. When ids
        # repeat, the first wins here and validation reports the duplicate.
        for kind, items in (
            ("role", self.roles),
            ("competency", self.competencies),
            ("background", self.backgrounds),
            ("stage", self.stages),
            ("exit", self.exits),
            ("area", self.areas),
        ):
            for item in items:
                self._index.setdefault((kind, item.id), item)

    def _lookup(self, kind: str, item_id: str) -> Any:
        try:
            return self._index[(kind, item_id)]
        except KeyError:
            from pmpath.suggest import unknown

            known = [key[1] for key in self._index if key[0] == kind]
            raise NotFoundError(unknown(f"{kind} id", item_id, known)) from None

    def role(self, role_id: str) -> Role:
        result: Role = self._lookup("role", role_id)
        return result

    def competency(self, competency_id: str) -> Competency:
        result: Competency = self._lookup("competency", competency_id)
        return result

    def background(self, background_id: str) -> Background:
        result: Background = self._lookup("background", background_id)
        return result

    def stage(self, stage_id: str) -> Stage:
        result: Stage = self._lookup("stage", stage_id)
        return result

    def exit(self, exit_id: str) -> Exit:
        result: Exit = self._lookup("exit", exit_id)
        return result

    def area(self, area_id: str) -> Area:
        result: Area = self._lookup("area", area_id)
        return result

    def derived(self, key: str, build: Callable[[Framework], T]) -> T:
        """A value computed once from this (immutable) framework, e.g. a placement matrix."""
        if key not in self._derived:
            self._derived[key] = build(self)
        value: T = self._derived[key]
        return value

    def has(self, kind: str, item_id: str) -> bool:
        """True when an item of ``kind`` ("role", "competency", ...) has this id."""
        return (kind, item_id) in self._index

    @property
    def levels(self) -> range:
        """The valid levels of the scale: 1 up to the number of scale steps."""
        return range(1, len(self.scale) + 1)

    def scale_name(self, level: int) -> str:
        return self.scale[level - 1].name

    def stage_rank(self, stage_id: str) -> int:
        """The position of a stage on the ladder, 0 for the first."""
        return [stage.id for stage in self.stages].index(stage_id)
