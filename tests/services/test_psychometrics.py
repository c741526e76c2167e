"""IRT in the product: parameter versions, calibration from stored answers, ability, readiness
and the adaptive placement test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from pmpath.errors import AttemptError, CalibrationInputError, NotFoundError
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank, Item
from pmpath.exams.synthetic import synthetic_bank
from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.psychometrics.irt import Model
from pmpath.services.calibration import read_response_csv
from pmpath.services.exams import ExamService
from pmpath.services.models.psychometrics import PlacementResult, PlacementView, StoredCalibration
from pmpath.services.psychometrics import PsychometricsService
from pmpath.store import Database
from pmpath.store.tables import AttemptRow, ParameterSetRow, ProfileRow, ResponseRow
from tests.conftest import as_shown, assert_no_answers_revealed, right_answer
from tests.psychometrics.lsat7 import lsat7
from tests.services.test_exams import wrong_authored

FRAMEWORK: Framework = load_framework(bundled_framework_path())
LEVELS = ["entry", "early-career", "mid-career", "senior", "leadership"]
BANK: Bank = synthetic_bank(
    300, ["alpha", "beta", "gamma"], LEVELS, ["prioritisation", "user-research"], seed=3
)
EXAM = Blueprint(
    id="exam",
    name="Early-career exam",
    summary="A test exam.",
    items=20,
    minutes=30,
    pass_mark=70,
    levels=["entry", "early-career"],
    domains={"alpha": 1, "beta": 1, "gamma": 1},
)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.open(database_url)
    yield db
    db.dispose()


@pytest.fixture
def irt(database: Database) -> PsychometricsService:
    return PsychometricsService(database, FRAMEWORK, BANK, [EXAM], clock=lambda: NOW)


def right(question: Any) -> Any:
    """Full credit, in the ids the question shows its options under."""
    return right_answer(BANK.item(question.item_id), question)


def wrong(question: Any) -> Any:
    item = BANK.item(question.item_id)
    return as_shown(item, question, wrong_authored(item))


def knows_up_to(level: str) -> Any:
    """A learner who answers items at or below ``level`` right and the rest wrong."""
    limit = LEVELS.index(level)

    def answer(question: Any) -> Any:
        item = BANK.item(question.item_id)
        return right(question) if LEVELS.index(item.level) <= limit else wrong(question)

    return answer


def take_placement(irt: PsychometricsService, profile: str, learner: Any) -> PlacementResult:
    view: PlacementView = irt.start_placement(profile, seed=4)
    positions = []
    while not view.finished:
        assert_no_answers_revealed([view.question])
        positions.append(view.question.position)
        view = irt.answer_placement(view.attempt_id, profile, learner(view.question))
    assert positions == list(range(len(positions)))  # one new question after every answer
    return view


# -- parameters ------------------------------------------------------------------------------


def test_an_uncalibrated_bank_uses_authored_priors_ordered_by_level(
    irt: PsychometricsService,
) -> None:
    current = irt.parameter_set()
    assert current.version is None
    assert set(current.sources) == {"prior"}
    b = current.parameters.b
    mean_b = {
        level: np.mean([b[j] for j, item in enumerate(BANK.items) if item.level == level])
        for level in LEVELS
    }
    assert [mean_b[level] for level in LEVELS] == sorted(mean_b.values())
    assert mean_b["entry"] < -1 < 1 < mean_b["leadership"]


def seed_finished_attempts(database: Database, count: int, seed: int = 1) -> dict[str, float]:
    """``count`` finished attempts of 40 random items each, answered by simulated learners
    from a known 2PL; returns each item's true b."""
    rng = np.random.default_rng(seed)
    n = len(BANK.items)
    true_a = rng.lognormal(0.0, 0.25, n)
    true_b = np.array([LEVELS.index(i.level) * 0.6 - 1.2 for i in BANK.items])
    true_b += rng.normal(0.0, 0.3, n)
    with database.transaction() as session:
        owner = ProfileRow(name="simulated", created_at=NOW)
        session.add(owner)
        session.flush()
        for _ in range(count):
            theta = rng.normal()
            asked = rng.choice(n, 40, replace=False)
            attempt = AttemptRow(
                profile_id=owner.id,
                mode="mock",
                bank_id=BANK.id,
                blueprint_id="exam",
                seed=0,
                form=[{"item_id": BANK.items[j].id, "option_order": []} for j in asked],
                started_at=NOW,
                finished_at=NOW,
                finish_reason="submitted",
                responses=[],
            )
            session.add(attempt)
            session.flush()
            chance = 1 / (1 + np.exp(-true_a[asked] * (theta - true_b[asked])))
            correct = rng.random(40) < chance
            session.add_all(
                ResponseRow(
                    attempt_id=attempt.id,
                    position=k,
                    item_id=BANK.items[j].id,
                    response=None,
                    credit=float(correct[k]),
                    flagged=False,
                    answered_at=NOW,
                )
                for k, j in enumerate(asked)
            )
    return {item.id: float(true_b[j]) for j, item in enumerate(BANK.items)}


def test_calibration_from_stored_answers_is_versioned_and_recovers_difficulty(
    irt: PsychometricsService, database: Database
) -> None:
    truth = seed_finished_attempts(database, 900)  # 120 answers per item on average
    report = irt.calibrate(Model.TWO_PL, min_responses=50)
    assert isinstance(report, StoredCalibration)
    assert report.stored
    assert report.version == 1
    assert report.persons == 900
    assert report.calibrated + len(report.kept_prior) == len(BANK.items)
    assert report.calibrated > 250
    current = irt.parameter_set()
    assert current.version == 1
    calibrated = [j for j, s in enumerate(current.sources) if s == "calibrated"]
    errors = [current.parameters.b[j] - truth[BANK.items[j].id] for j in calibrated]
    assert float(np.sqrt(np.mean(np.square(errors)))) < 0.35
    assert all(entry.se_a is not None for entry in report.items)
    # A second calibration is a new version; the newest is used.
    again = irt.calibrate(Model.RASCH)
    assert isinstance(again, StoredCalibration)
    assert again.version == 2
    assert irt.parameter_set().model is Model.RASCH
    assert irt.parameters_report().version == 2


def test_calibration_without_enough_answers_is_refused_and_stores_nothing(
    irt: PsychometricsService, database: Database
) -> None:
    seed_finished_attempts(database, 20)
    with pytest.raises(CalibrationInputError, match="50 or more responses"):
        irt.calibrate(min_responses=50)
    with database.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ParameterSetRow)) == 0


# -- CSV input -------------------------------------------------------------------------------


def test_the_lsat7_csv_calibrates_like_r_mirt_and_is_not_stored_for_a_foreign_bank(
    irt: PsychometricsService, tmp_path: Path
) -> None:
    data = lsat7()
    path = tmp_path / "lsat7.csv"
    rows = ["item1,item2,item3,item4,item5"] + [",".join(str(int(v)) for v in r) for r in data]
    path.write_text("\n".join(rows) + "\n")
    report = irt.calibrate(Model.TWO_PL, path)
    assert report.stored is False
    assert "not items of bank" in report.why_not_stored
    slopes = [item.a for item in report.items]
    intercepts = [item.d for item in report.items]
    assert np.allclose(slopes, [0.988, 1.081, 1.706, 0.7651, 0.7358], atol=0.005)
    assert np.allclose(intercepts, [1.8561, 0.808, 1.8043, 0.486, 1.8545], atol=0.005)
    assert irt.parameter_set().version is None


def test_a_csv_of_bank_items_is_stored(irt: PsychometricsService, tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    ids = [item.id for item in BANK.items[:6]]
    theta = rng.normal(size=400)
    answers = (rng.random((400, 6)) < 1 / (1 + np.exp(-(theta[:, None] - 0.2)))).astype(int)
    lines = [",".join(ids)] + [
        ",".join("" if (r + k) % 5 == 0 else str(v) for k, v in enumerate(row))
        for r, row in enumerate(answers)
    ]
    path = tmp_path / "bank.csv"
    path.write_text("\n".join(lines))
    report = irt.calibrate(Model.TWO_PL, path)
    assert isinstance(report, StoredCalibration)
    assert report.stored
    assert report.version == 1
    current = irt.parameter_set()
    assert current.sources[:6] == ("calibrated",) * 6
    assert set(current.sources[6:]) == {"prior"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", r"bad\.csv:2: column 2: '2' under 'b': cells must be 0, 1 or empty"),
        ("a,b\n1,0,1\n", r"bad\.csv:2: 3 cells, but the header has 2 item ids"),
        ("a,a\n1,0\n", r"bad\.csv:1: column 2: item id 'a' repeats"),
        ("\n", r"bad\.csv:1: the first line must be a header"),
        ("a,b\n", r"no response rows after the header"),
    ],
)
def test_bad_csv_cells_are_refused_with_line_and_column(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CalibrationInputError, match=message):
        read_response_csv(path)


def test_calibration_refuses_a_constant_column_naming_the_item(
    irt: PsychometricsService, tmp_path: Path
) -> None:
    path = tmp_path / "constant.csv"
    path.write_text("x,y\n1,0\n1,1\n1,0\n1,1\n")
    with pytest.raises(CalibrationInputError, match=r"'x'.*got it right"):
        irt.calibrate(Model.TWO_PL, path)


# -- ability, readiness and the placement test ---------------------------------------------------


def test_readiness_starts_at_the_population_and_moves_with_answers(
    irt: PsychometricsService,
) -> None:
    before = irt.readiness("ana")
    assert before.answered == 0
    (exam,) = before.exams
    low, high = exam.interval
    assert 0 <= low <= exam.probability <= high <= 1

    take_placement(irt, "ana", knows_up_to("senior"))
    strong = irt.readiness("ana").exams[0]
    take_placement(irt, "ben", knows_up_to("entry"))
    weak = irt.readiness("ben").exams[0]
    assert strong.probability > 0.9 > exam.probability
    assert weak.expected_percent < strong.expected_percent
    assert strong.interval[1] - strong.interval[0] < high - low  # evidence narrows it


def test_readiness_counts_the_answers_behind_each_exam_and_needs_twenty(
    irt: PsychometricsService,
) -> None:
    from pmpath.services.psychometrics import READINESS_MIN_ANSWERS

    before = irt.readiness("ana")
    assert before.min_answers == READINESS_MIN_ANSWERS == 20
    assert [(e.answered, e.enough_evidence) for e in before.exams] == [(0, False)]
    result = take_placement(irt, "ana", knows_up_to("senior"))
    alpha_only = EXAM.model_copy(update={"id": "alpha", "domains": {"alpha": 1}})
    both = PsychometricsService(irt.database, FRAMEWORK, BANK, [EXAM, alpha_only], lambda: NOW)
    exam, alpha = both.readiness("ana").exams
    # Every answer lies in the first exam's domains; only the alpha ones in the second's.
    assert exam.answered == result.overall.items >= READINESS_MIN_ANSWERS
    assert exam.enough_evidence
    assert alpha.answered == result.domains["alpha"].items < READINESS_MIN_ANSWERS
    assert not alpha.enough_evidence


def test_placement_puts_learners_at_the_level_they_know(irt: PsychometricsService) -> None:
    high = take_placement(irt, "ana", knows_up_to("senior"))
    low = take_placement(irt, "ben", knows_up_to("early-career"))
    for result in (high, low):
        assert result.finished
        assert 24 <= result.overall.items <= 48
        assert result.stop_reason in {"precision", "max-length"}
        assert set(result.domains) == {"alpha", "beta", "gamma"}
        assert all(d.items >= 2 for d in result.domains.values())
    assert LEVELS.index(high.overall.level) > LEVELS.index(low.overall.level)
    assert high.overall.level in {"mid-career", "senior", "leadership"}
    assert low.overall.level in {"entry", "early-career", "mid-career"}
    lo, hi = high.overall.level_range
    assert LEVELS.index(lo) <= LEVELS.index(high.overall.level) <= LEVELS.index(hi)
    # The result is kept with the attempt and is what ability() now reports too.
    assert irt.latest_placement("ana") == high
    assert irt.ability("ana").overall.level == high.overall.level


def test_placement_answers_are_stored_as_given_and_a_finished_test_cannot_change(
    irt: PsychometricsService, database: Database
) -> None:
    view = irt.start_placement("ana", seed=1)
    assert not view.finished
    attempt = view.attempt_id
    after = irt.answer_placement(attempt, "ana", right(view.question))
    # Reloading shows the next question, not the one just answered.
    assert irt.placement(attempt, "ana") == after
    assert not after.finished
    assert after.question.position == 1
    with database.transaction() as session:
        stored = session.scalars(select(ResponseRow).where(ResponseRow.attempt_id == attempt))
        assert [(r.position, r.credit) for r in stored] == [(0, 1.0)]
    assert irt.unfinished_placement("ana") == attempt
    # Placement tests stay out of the mock-exam lists and trends.
    exams = ExamService(database, FRAMEWORK, BANK, [EXAM])
    assert exams.unfinished("ana") == []
    finished = take_placement(irt, "ana", knows_up_to("mid-career"))
    with pytest.raises(AttemptError, match="finished"):
        irt.answer_placement(finished.attempt_id, "ana", "a")
    assert exams.history("ana").attempts == []


def test_one_learner_cannot_reach_anothers_placement_test(irt: PsychometricsService) -> None:
    view = irt.start_placement("ana")
    with pytest.raises(NotFoundError):
        irt.placement(view.attempt_id, "ben")
    with pytest.raises(NotFoundError):
        irt.answer_placement(view.attempt_id, "ben", "a")


def test_ability_per_domain_borrows_from_the_other_domains(irt: PsychometricsService) -> None:
    take_placement(irt, "ana", knows_up_to("senior"))
    found = irt.ability("ana")
    overall = found.overall
    for domain in found.domains.values():
        # A handful of items per domain: wider than overall, but far below the prior's 1.0.
        assert overall.se < domain.se < 0.8
        assert abs(domain.theta - overall.theta) < 1.0


def test_a_placement_test_resumes_after_the_parameters_change(
    irt: PsychometricsService, database: Database
) -> None:
    view = irt.start_placement("ana", seed=2)
    for _ in range(3):
        assert not view.finished
        view = irt.answer_placement(view.attempt_id, "ana", right(view.question))
    seed_finished_attempts(database, 900)
    irt.calibrate(Model.TWO_PL)
    again = irt.placement(view.attempt_id, "ana")
    assert not again.finished
    assert again.question.position == 3
    assert again.answered == 3


def test_old_attempts_count_for_ability_with_the_newest_answer_per_item(
    irt: PsychometricsService, database: Database
) -> None:
    view = irt.start_placement("ana", seed=5)
    assert not view.finished
    irt.answer_placement(view.attempt_id, "ana", wrong(view.question))
    first = irt.ability("ana").overall
    assert first.items == 1
    with database.transaction() as session:
        row = session.scalars(select(ResponseRow)).one()
        row.credit, row.answered_at = 1.0, NOW + timedelta(minutes=1)
    assert irt.ability("ana").overall.theta > first.theta


def test_the_exam_service_never_touches_a_placement_test(
    irt: PsychometricsService, database: Database
) -> None:
    attempt = irt.start_placement("ana", seed=6).attempt_id
    exams = ExamService(database, FRAMEWORK, BANK, [EXAM])
    for action in (
        lambda: exams.view(attempt, "ana"),
        lambda: exams.finish(attempt, "ana"),
        lambda: exams.answer(attempt, "ana", 0, "a"),
        lambda: exams.flag(attempt, "ana", 0),
    ):
        with pytest.raises(NotFoundError):
            action()
    assert irt.placement(attempt, "ana").finished is False


def take_adaptive_exam(
    irt: PsychometricsService, profile: str, learner: Any
) -> tuple[PlacementResult, list[Item]]:
    """The result of an adaptive exam, and the items it asked."""
    view: PlacementView = irt.start_adaptive_exam(profile, "exam", seed=8)
    asked = []
    while not view.finished:
        assert_no_answers_revealed([view.question])
        assert view.max_items == EXAM.items
        item = BANK.item(view.question.item_id)
        asked.append(item)
        view = irt.answer_placement(view.attempt_id, profile, learner(view.question))
    assert all(item.level in EXAM.levels for item in asked)  # the blueprint's pool only
    return view, asked


def test_an_adaptive_exam_stops_once_pass_or_fail_is_clear(irt: PsychometricsService) -> None:
    strong, strong_asked = take_adaptive_exam(irt, "ana", knows_up_to("senior"))
    weak, weak_asked = take_adaptive_exam(irt, "ben", wrong)
    assert strong.exam is not None
    assert strong.exam.passed is True
    assert strong.exam.pass_probability is not None
    assert strong.exam.pass_probability > 0.95
    assert weak.exam is not None
    assert weak.exam.passed is False
    assert weak.exam.pass_probability is not None
    assert weak.exam.pass_probability < 0.05
    for result, asked in ((strong, strong_asked), (weak, weak_asked)):
        assert result.test == "exam"
        # Clear cases stop well before the fixed form's 20 items, never before 10.
        assert result.stop_reason == "classified"
        assert 10 <= len(asked) < EXAM.items
        per_domain = Counter(item.domain for item in asked)
        assert max(per_domain.values()) - min(per_domain.values()) <= 1  # equal weights
    # The cut is where the blueprint's expected score meets its pass mark.
    readiness = irt.readiness("ana").exams[0]
    assert readiness.probability > 0.9
    # Adaptive exams and placement tests are kept apart.
    assert irt.latest_placement("ana") is None
    assert irt.latest_placement("ana", "exam") == strong


def test_an_adaptive_exam_of_an_unknown_blueprint_is_refused(irt: PsychometricsService) -> None:
    with pytest.raises(NotFoundError, match="unknown exam 'nope'; known: exam"):
        irt.start_adaptive_exam("ana", "nope")
