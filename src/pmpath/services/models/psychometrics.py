"""What the psychometrics service says: calibration reports, the parameters in use, ability
estimates, where the tests place a learner on the ladder, and the adaptive tests' views.

Readiness and per-competency evidence are shared with the guidance and the report: they are in
:mod:`pmpath.services.models.evidence`.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import Field

from pmpath.psychometrics.cat import StopReason
from pmpath.psychometrics.irt import Model
from pmpath.services.models import Result
from pmpath.services.models.exams import Positioned, QuestionView

#: Whether an item's parameters were estimated from responses or are its authored prior.
ParameterSource: TypeAlias = Literal["calibrated", "prior"]
#: Plain-language warnings on a calibrated item (see :mod:`pmpath.psychometrics.fit`).
FitFlag: TypeAlias = Literal["misfit", "non_discriminating", "too_easy", "too_hard"]

# -- calibration ---------------------------------------------------------------------------------


class ItemCalibration(Result):
    """One item of a 1PL or 2PL calibration: its estimates with their standard errors (None
    when not computed) and its S-X2 fit (None when no score groups could be formed)."""

    id: str
    a: float | None
    b: float | None
    d: float | None
    se_a: float | None
    se_b: float | None
    se_d: float | None
    responses: int
    s_x2: float | None
    df: int | None
    p_value: float | None
    flags: list[FitFlag]


class GuessingItemCalibration(ItemCalibration):
    """One item of a 3PL calibration: also its lower asymptote ("guessing") ``c``."""

    c: float | None
    se_c: float | None


class CalibrationReport(Result):
    """What a calibration estimated, from which responses, and which items it flagged."""

    bank: str
    model: Model
    #: "stored" (the finished attempts in the database) or the CSV file's path.
    source: str
    persons: int
    converged: bool
    cycles: int
    log_likelihood: float | None
    calibrated: int
    #: Items of the bank left at their authored prior (too few responses).
    kept_prior: list[str]
    flagged: list[str]
    # The 3PL's items first: a union serialises each item as the first type it is an instance of.
    items: list[GuessingItemCalibration | ItemCalibration]


class StoredCalibration(CalibrationReport):
    """A calibration stored as the bank's newest parameter version."""

    stored: Literal[True]
    version: int


class UnstoredCalibration(CalibrationReport):
    """A calibration of a CSV whose columns are not all items of the bank: reported only."""

    stored: Literal[False]
    why_not_stored: str


#: The result of a calibration, told apart by ``stored``.
CalibrationResult: TypeAlias = Annotated[
    StoredCalibration | UnstoredCalibration, Field(discriminator="stored")
]


class ItemParametersInUse(Result):
    """An item's parameters as every estimate uses them now."""

    id: str
    a: float | None
    b: float | None
    c: float | None
    source: ParameterSource


class ParametersReport(Result):
    """The bank's parameters in use: the newest calibration (version None: authored priors)."""

    bank: str
    version: int | None
    model: Model
    created_at: str | None
    calibrated: int
    items: list[ItemParametersInUse]


# -- ability -------------------------------------------------------------------------------------


class AbilityEstimate(Result):
    """An ability estimate with its standard error, from ``items`` answers, and the career
    level it corresponds to with the range of levels it plausibly is (low, high)."""

    theta: float
    se: float
    items: int
    level: str
    level_range: tuple[str, str]


class DomainAbility(Result):
    """The ability estimate on one domain of the bank (borrowing from the other domains)."""

    name: str
    theta: float
    se: float
    items: int
    level: str
    level_range: tuple[str, str]


class PlacedRole(Result):
    """A role of the ladder, by id, with its name and career stage."""

    id: str
    name: str
    stage: str


class TestedPlacement(Result):
    """Where the ladder's placement model puts the ratings the learner's tests point to."""

    __test__ = False  # not a pytest test class, despite its name

    role: PlacedRole
    status: Literal["ready-now", "working-towards"]
    #: The placement with every rating moved down / up by its uncertainty (role ids).
    range: tuple[str, str]
    #: How many competencies have a rating (tested, or from the overall estimate).
    rated: int


class Ability(Result):
    """The learner's ability from their newest answer to each item, overall and per domain,
    and where it places them on the ladder (None before any answer)."""

    profile: str
    parameters_version: int | None
    overall: AbilityEstimate
    domains: dict[str, DomainAbility]
    ladder: TestedPlacement | None


# -- the adaptive tests --------------------------------------------------------------------------


class ExamClassification(Result):
    """An adaptive exam's verdict: pass or fail against the exam's cut on the ability scale,
    with the chance of a pass (all None when no pass mark is within reach of its items)."""

    blueprint: str
    cut_theta: float | None
    passed: bool | None
    pass_probability: float | None


class PlacementQuestion(QuestionView, Positioned):
    """The question to answer now, at ``position`` of the test (0 first): never its key."""


class RunningPlacement(Result):
    """An adaptive test still running: the question to answer now."""

    attempt_id: int
    #: "placement", or the blueprint id of an adaptive exam.
    test: str
    finished: Literal[False]
    answered: int
    max_items: int
    question: PlacementQuestion


class PlacementResult(Result):
    """A finished adaptive test: the ability estimate overall and per domain, why it stopped
    and, for an adaptive exam, the verdict (``exam``, absent for the placement test)."""

    attempt_id: int
    test: str
    finished: Literal[True]
    #: The parameter version the test ran on (None: the authored priors).
    parameters_version: int | None
    stop_reason: StopReason
    overall: AbilityEstimate
    domains: dict[str, DomainAbility]
    exam: ExamClassification | None = Field(default=None, exclude_if=lambda exam: exam is None)


#: An adaptive test as it stands, told apart by ``finished``.
PlacementView: TypeAlias = Annotated[
    RunningPlacement | PlacementResult, Field(discriminator="finished")
]
