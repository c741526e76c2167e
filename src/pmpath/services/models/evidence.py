"""What a learner's answers say, shared by the psychometrics service (which computes it) and
the guidance and report (which show it beside self-ratings): models used across services."""

from __future__ import annotations

from pmpath.services.models import Result


class TestedRating(Result):
    """The self-rating a learner's tested ability points to on one competency."""

    __test__ = False  # not a pytest test class, despite its name

    rating: int
    rating_range: tuple[int, int]
    level: str
    level_range: tuple[str, str]
    theta: float
    se: float


class ExamShare(Result):
    """The learner's share of credit on finished exams' items of one competency."""

    percent: float
    items: int


class CompetencyEvidence(Result):
    """Per competency: exam scores (when any exam asked it) and the tested rating (when IRT has
    an estimate)."""

    percent: float | None = None
    items: int | None = None
    tested: TestedRating | None = None


class ExamReadiness(Result):
    """The chance of passing one exam now, with its interval and the expected score.

    ``answered`` counts the learner's answers to the bank's questions in the exam's domains;
    ``enough_evidence`` is whether that reaches ``ReadinessReport.min_answers``: below it the
    figures are mostly the population's, and the pages say "not enough answers yet" instead.
    """

    blueprint: str
    name: str
    pass_mark: float
    probability: float
    interval: tuple[float, float]
    expected_percent: float
    expected_percent_interval: tuple[float, float]
    answered: int
    enough_evidence: bool


class ReadinessReport(Result):
    """For every exam, the chance of passing it now, from the learner's ability estimate."""

    profile: str
    parameters_version: int | None
    theta: float
    se: float
    answered: int
    #: How many answers in an exam's domains a readiness figure needs before it is shown.
    min_answers: int
    exams: list[ExamReadiness]
