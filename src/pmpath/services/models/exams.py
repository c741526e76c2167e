"""What the exam service says: the exams on offer, attempts as the learner sees them, answers and
their feedback, results, history, the review queue and item statistics.

A question as the learner sees it never carries its key: feedback (the key, the explanation and
the rationales) appears only where the learner may see it (practice, review, a finished attempt).
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import Field

from pmpath.exams.blueprints import ReviewPolicy
from pmpath.exams.items import ItemType
from pmpath.exams.timing import TimeAllowance
from pmpath.services.models import Result
from pmpath.services.models.banks import Key, Mistake

#: A learner's answer, free-form JSON in the shape of the item's type (pmpath.exams.scoring):
#: an option id or a short answer (str), a number (int or float, kept as given), option ids
#: (multiple; ordering in the learner's order), left text -> option id (matching), gap number
#: ("1", "2", ...) -> choice id (gap), or None for no answer yet.
LearnerResponse: TypeAlias = str | int | float | list[str] | dict[str, str] | None

AttemptMode = Literal["mock", "practice"]
FinishReason = Literal["submitted", "timeout"]


class ExamSummary(Result):
    """An exam (blueprint) on offer: its size, time, pass mark, levels and items per domain."""

    id: str
    name: str
    summary: str
    items: int
    minutes: int
    pass_mark: float
    levels: list[str]
    domains: dict[str, int]
    #: Whether a learner may choose extra time or no time limit when starting it.
    learner_extra_time: bool = True


class ExamCatalogue(Result):
    """The exams a learner can take."""

    blueprints: list[ExamSummary]


class BlueprintName(Result):
    id: str
    name: str


class AttemptSummary(Result):
    """An attempt's state; ``blueprint`` is None for practice."""

    attempt_id: int
    mode: AttemptMode
    blueprint: BlueprintName | None
    items: int
    answered: int
    started_at: str | None
    deadline: str | None
    finished_at: str | None
    finish_reason: FinishReason | None
    seed: int
    #: The time allowance the attempt ran with (pmpath.exams.timing): "standard" unless the
    #: learner chose, or an administrator gave them, extra time or no time limit.
    time_allowance: TimeAllowance = "standard"


class ScenarioText(Result):
    id: str
    title: str
    text: str


class OptionText(Result):
    """An option as the learner sees it: never whether it is correct."""

    id: str
    text: str


class GapView(Result):
    """A gap of a gap item: its number (the ``[[n]]`` of the stem) and the ids of the options
    it offers, in the order shown."""

    number: int
    choices: list[str]


class QuestionView(Result):
    """What a learner may see of an item: never its key or explanations."""

    item_id: str
    type: ItemType
    domain: str
    level: str
    stem: str
    scenario: ScenarioText | None
    options: list[OptionText]
    lefts: list[str]
    unit: str | None
    #: A gap item's gaps (empty for other items).
    gaps: list[GapView] = Field(default_factory=list)


class Feedback(Result):
    """The credit a response earned, the key and every explanation."""

    credit: float
    correct: bool
    key: Key
    explanation: str
    rationales: dict[str, str]
    mistakes: list[Mistake]
    your_response: LearnerResponse


class Positioned(Result):
    """A question's place in its attempt (0 is the first)."""

    position: int


class AttemptQuestion(QuestionView, Positioned):
    """A question of an attempt: its position first, the learner's answer and flag last, and
    feedback only once the learner may see it (absent from the JSON otherwise)."""

    response: LearnerResponse
    flagged: bool
    feedback: Feedback | None = Field(default=None, exclude_if=lambda value: value is None)


class AttemptView(AttemptSummary):
    """The attempt as the learner sees it: its questions in order and the time left."""

    seconds_left: int | None
    questions: list[AttemptQuestion]


class Saved(Result):
    """A mock exam's answer, acknowledged only."""

    saved: bool
    position: int


class PracticeAnswer(Feedback, Saved):
    """A practice answer, acknowledged with its feedback at once."""


class Flag(Result):
    position: int
    flagged: bool


class Share(Result):
    """Credit earned out of items asked."""

    percent: float
    earned: float
    asked: int


class DomainShare(Share):
    domain: str
    name: str


class CompetencyShare(Share):
    competency: str
    name: str


class ReviewedQuestion(AttemptQuestion):
    """A question of a finished attempt, with its feedback where the exam's review policy
    shows it (``review_policy`` of the results)."""

    feedback: Feedback | None
    answered: bool


class AttemptResults(AttemptSummary):
    """Score, pass or fail (None without a pass mark), breakdowns and the full review."""

    score: float
    pass_mark: float | None
    passed: bool | None
    by_domain: list[DomainShare]
    by_competency: list[CompetencyShare]
    review: list[ReviewedQuestion]
    review_policy: ReviewPolicy


class FinishedAttempt(AttemptSummary):
    """A finished attempt in the history: its score and the percent per domain id."""

    score: float
    passed: bool | None
    by_domain: dict[str, float]


class ExamHistory(Result):
    """Finished attempts, oldest first, and each domain's scores over them."""

    profile: str
    attempts: list[FinishedAttempt]
    domain_trends: dict[str, list[float]]


class DueQuestion(QuestionView):
    """A question due for spaced review: when it fell due and how often it was reviewed."""

    due: str | None
    reviews: int


class ReviewQueue(Result):
    """Questions due now, most overdue first, and when the next one falls due."""

    profile: str
    due: list[DueQuestion]
    next_due: str | None


ReviewGrade = Literal["again", "hard", "good", "easy"]


class GradeChoice(Result):
    """A grade the learner may give a review answer, and when it would bring the question back:
    ``seconds`` after the answer, at ``due``."""

    grade: ReviewGrade
    due: str
    seconds: int


class ReviewReply(Feedback):
    """Feedback on a review answer, and when the question comes back.

    ``grade`` is the grade the answer was scheduled with (from its credit: full "good", partial
    "hard", none "again"); ``choices`` are the four grades the learner may give instead
    (:meth:`pmpath.services.exams.ExamService.review_grade`), each with when it would bring
    the question back."""

    next_due: str | None
    grade: ReviewGrade = "good"
    choices: list[GradeChoice] = Field(default_factory=list)


class ReviewGraded(Result):
    """A review answer graded by the learner: the grade and when the question comes back."""

    item_id: str
    grade: ReviewGrade
    next_due: str


class ItemAnalysis(Result):
    """Classical statistics of one item; difficulty and discrimination need enough responses."""

    item_id: str
    responses: int
    difficulty: float | None
    discrimination: float | None
    option_rates: dict[str, float]
    flags: list[str]


class BankStatistics(Result):
    """Item analysis over every finished attempt on a bank, all learners."""

    bank: str
    attempts: int
    min_responses: int
    items: list[ItemAnalysis]
