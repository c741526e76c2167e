"""Mock exams, practice and review, stored answer by answer, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from pmpath.errors import AttemptError, NotFoundError, ResponseError
from pmpath.exams.blueprints import Blueprint
from pmpath.exams.items import Bank, Item, ItemType
from pmpath.exams.synthetic import synthetic_bank
from pmpath.framework import Framework, bundled_framework_path, load_framework
from pmpath.services.banks import key_of
from pmpath.services.exams import ExamService
from pmpath.services.models.exams import AttemptQuestion, PracticeAnswer, QuestionView
from pmpath.store import Database
from tests.conftest import as_shown, assert_no_answers_revealed, right_answer

FRAMEWORK: Framework = load_framework(bundled_framework_path())
BANK: Bank = synthetic_bank(
    400,
    ["alpha", "beta"],
    ["entry", "early-career", "mid-career"],
    ["prioritisation", "leadership", "user-research"],
    seed=5,
)
MOCK = Blueprint(
    id="mock",
    name="Mock",
    summary="A test mock exam.",
    items=10,
    minutes=30,
    pass_mark=60,
    levels=["entry", "early-career"],
    domains={"alpha": 1, "beta": 1},
)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database.open(database_url)
    yield db
    db.dispose()


@pytest.fixture
def exams(database: Database, clock: Clock) -> ExamService:
    return ExamService(database, FRAMEWORK, BANK, [MOCK], clock=clock)


def right(question: QuestionView) -> Any:
    """Full credit, in the ids the question shows its options under."""
    return right_answer(BANK.item(question.item_id), question)


def wrong(question: QuestionView) -> Any:
    """No credit, in the ids the question shows its options under."""
    item = BANK.item(question.item_id)
    return as_shown(item, question, wrong_authored(item))


def wrong_authored(item: Item) -> Any:
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return next(o.id for o in item.options if not o.correct)
    if item.type is ItemType.MULTIPLE:
        return [o.id for o in item.options if not o.correct]
    if item.type is ItemType.NUMERIC:
        return key_of(item)["answer"] + 100
    if item.type is ItemType.ORDERING:
        return list(reversed(key_of(item)))
    if item.type is ItemType.MATCHING:
        return dict.fromkeys(key_of(item), "d")
    return "not it"


def questions(exams: ExamService, attempt: int) -> list[AttemptQuestion]:
    return list(exams.view(attempt, "ana").questions)


def test_a_scripted_mock_exam(exams: ExamService, database: Database, clock: Clock) -> None:
    attempt = exams.start_mock("ana", "mock", seed=11)
    shown = questions(exams, attempt)
    assert len(shown) == 10
    # Nothing of the key leaves the server before the end.
    as_json = [q.model_dump(mode="json") for q in shown]
    assert all("feedback" not in q for q in as_json)
    assert all(set(q) >= {"stem", "options", "position"} for q in as_json)
    assert not any("correct" in option for q in as_json for option in q["options"])

    # Answer four (two right, two wrong), flag one, then the terminal closes.
    items = [BANK.item(q.item_id) for q in shown]
    saved = exams.answer(attempt, "ana", 0, right(shown[0]))
    assert saved.model_dump(mode="json") == {"saved": True, "position": 0}
    exams.answer(attempt, "ana", 1, wrong(shown[1]))
    exams.answer(attempt, "ana", 2, right(shown[2]))
    exams.answer(attempt, "ana", 2, right(shown[2]))  # the same answer twice is stored once
    exams.answer(attempt, "ana", 3, wrong(shown[3]))
    exams.flag(attempt, "ana", 4)
    clock.advance(minutes=10)

    # A new process resumes: the answers are there, with 20 minutes left.
    resumed = ExamService(database, FRAMEWORK, BANK, [MOCK], clock=clock)
    [open_attempt] = resumed.unfinished("ana")
    assert open_attempt.attempt_id == attempt
    assert open_attempt.answered == 4
    state = resumed.view(attempt, "ana")
    assert state.seconds_left == 20 * 60
    assert [q.response is not None for q in state.questions][:5] == [True] * 4 + [False]
    assert state.questions[4].flagged is True
    with pytest.raises(AttemptError, match="not finished yet"):
        resumed.results(attempt, "ana")

    # Time runs out: a late answer is refused, and the attempt is finished with what was saved.
    clock.advance(minutes=21)
    with pytest.raises(AttemptError, match="time is up"):
        resumed.answer(attempt, "ana", 5, right(shown[5]))
    assert resumed.unfinished("ana") == []
    outcome = resumed.results(attempt, "ana")
    assert outcome.finish_reason == "timeout"
    assert outcome.finished_at == "2026-11-25T09:30:00+00:00"
    assert outcome.score == 20.0
    assert outcome.passed is False
    assert sum(d.asked for d in outcome.by_domain) == 10
    assert {q.item_id for q in outcome.review} == {i.id for i in items}
    # The default review policy: keys and explanations for the four answered questions only.
    assert [q.feedback is not None for q in outcome.review] == [True] * 4 + [False] * 6
    assert all(q.feedback.explanation for q in outcome.review if q.feedback)

    # A finished attempt cannot change, and the refusal says why in words.
    with pytest.raises(AttemptError, match="ran out of time; its answers can no longer change"):
        resumed.answer(attempt, "ana", 0, wrong(shown[0]))
    assert resumed.finish(attempt, "ana").score == 20.0

    # The missed items (wrong and unanswered: 8) are now in the review queue, due within minutes.
    clock.advance(minutes=2)
    queue = resumed.review_queue("ana")
    assert len(queue.due) == 8
    assert_no_answers_revealed(queue.due)


def test_submitting_before_the_deadline(exams: ExamService) -> None:
    attempt = exams.start_mock("ana", "mock", seed=3)
    for question in questions(exams, attempt):
        exams.answer(attempt, "ana", question.position, right(question))
    outcome = exams.finish(attempt, "ana")
    assert outcome.finish_reason == "submitted"
    assert outcome.score == 100.0
    assert outcome.passed is True
    assert exams.review_queue("ana").due == []


def test_another_learner_cannot_see_or_touch_an_attempt(exams: ExamService) -> None:
    attempt = exams.start_mock("ana", "mock", seed=3)
    exams.start_mock("ben", "mock", seed=4)
    with pytest.raises(NotFoundError, match=f"no attempt {attempt} for profile 'ben'"):
        exams.view(attempt, "ben")
    with pytest.raises(NotFoundError):
        exams.answer(attempt, "ben", 0, "a")


def test_bad_responses_and_positions_are_refused_and_nothing_is_stored(exams: ExamService) -> None:
    attempt = exams.start_mock("ana", "mock", seed=3)
    first = BANK.item(questions(exams, attempt)[0].item_id)
    with pytest.raises(ResponseError):
        exams.answer(
            attempt, "ana", 0, {"not": "an answer"} if first.type is not ItemType.MATCHING else 7
        )
    with pytest.raises(AttemptError, match="positions 0 to 9"):
        exams.answer(attempt, "ana", 10, "a")
    assert questions(exams, attempt)[0].response is None


def test_new_forms_avoid_recent_items(exams: ExamService) -> None:
    first = {q.item_id for q in questions(exams, exams.start_mock("ana", "mock", seed=1))}
    second = {q.item_id for q in questions(exams, exams.start_mock("ana", "mock", seed=1))}
    assert first.isdisjoint(second)


def test_practice_gives_feedback_at_once(exams: ExamService) -> None:
    attempt = exams.start_practice("ana", domains=["beta"], levels=["mid-career"], count=5, seed=2)
    shown = questions(exams, attempt)
    assert len(shown) == 5
    assert all(BANK.item(q.item_id).domain == "beta" for q in shown)
    item = BANK.item(shown[0].item_id)
    feedback = exams.answer(attempt, "ana", 0, wrong(shown[0]))
    assert isinstance(feedback, PracticeAnswer)
    assert feedback.correct is False
    key = as_shown(item, shown[0], key_of(item))
    assert feedback.key == (sorted(key) if item.type is ItemType.MULTIPLE else key)
    assert feedback.explanation == item.explanation
    assert exams.view(attempt, "ana").seconds_left is None


def test_spaced_review_at_fixed_times(exams: ExamService, clock: Clock) -> None:
    attempt = exams.start_practice("ana", count=1, seed=9)
    question = questions(exams, attempt)[0]
    item = BANK.item(question.item_id)
    exams.answer(attempt, "ana", 0, wrong(question))  # missed: due again in a minute ("Again")
    assert exams.review_queue("ana").due == []
    assert exams.review_queue("ana").next_due == "2026-11-25T09:01:00+00:00"
    clock.advance(minutes=1)
    [due] = exams.review_queue("ana").due
    assert due.item_id == item.id
    answer = exams.review_answer("ana", item.id, right(due))
    assert answer.correct is True
    assert answer.next_due == "2026-11-25T09:11:00+00:00"  # learning step of 10 minutes
    clock.advance(minutes=10)
    [due] = exams.review_queue("ana").due  # shown in a new order: each review shuffles anew
    assert exams.review_answer("ana", item.id, right(due)).next_due == "2026-11-26T09:11:00+00:00"


def test_history_has_score_trends_per_domain(exams: ExamService) -> None:
    for seed in (1, 2):
        attempt = exams.start_mock("ana", "mock", seed=seed)
        if seed == 2:
            for q in questions(exams, attempt):
                exams.answer(attempt, "ana", q.position, right(q))
        exams.finish(attempt, "ana")
    history = exams.history("ana")
    assert [a.score for a in history.attempts] == [0.0, 100.0]
    assert history.domain_trends == {"alpha": [0.0, 100.0], "beta": [0.0, 100.0]}


def test_unknown_blueprint(exams: ExamService) -> None:
    with pytest.raises(NotFoundError, match="unknown blueprint 'nope'; known: mock"):
        exams.start_mock("ana", "nope")


def test_exam_results_become_competency_evidence_beside_self_ratings(exams: ExamService) -> None:
    from pmpath.assessment import Rating, SelfAssessment
    from pmpath.services.guidance import guidance

    attempt = exams.start_mock("ana", "mock", seed=3)
    shown = questions(exams, attempt)
    for q in shown[:5]:
        exams.answer(attempt, "ana", q.position, right(q))
    exams.finish(attempt, "ana")
    evidence = exams.competency_evidence("ana")
    asked = Counter(c for q in shown for c in BANK.item(q.item_id).competencies)
    assert {c: e.items for c, e in evidence.items()} == dict(asked)
    assert sum(e.percent * e.items for e in evidence.values()) == pytest.approx(500.0)

    ratings = SelfAssessment({c.id: Rating(c.id, 4) for c in FRAMEWORK.competencies})
    rows = {g.competency: g for g in guidance(FRAMEWORK, ratings, None, evidence).gaps}
    exam = rows["leadership"].exam
    assert exam is not None
    assert (exam.percent, exam.items) == (
        evidence["leadership"].percent,
        evidence["leadership"].items,
    )
    assert rows["vision-setting"].exam is None


def test_two_tabs_answering_at_once_leave_one_answer(
    exams: ExamService, database: Database
) -> None:
    import threading

    attempt = exams.start_mock("ana", "mock", seed=3)
    shown = questions(exams, attempt)
    errors: list[BaseException] = []
    tabs = [ExamService(database, FRAMEWORK, BANK, [MOCK], clock=exams.clock) for _ in range(4)]

    def tab(service: ExamService, response: Any) -> None:
        try:
            for _ in range(10):
                service.answer(attempt, "ana", 0, response)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=tab, args=(service, right(shown[0]) if n % 2 else wrong(shown[0])))
        for n, service in enumerate(tabs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.transaction() as session:
        from sqlalchemy import func

        from pmpath.store.tables import ResponseRow

        count = session.scalar(
            select(func.count()).select_from(ResponseRow).where(ResponseRow.attempt_id == attempt)
        )
    assert count == 1
    assert questions(exams, attempt)[0].response in (right(shown[0]), wrong(shown[0]))


def test_a_practice_answer_is_final_once_its_feedback_is_shown(exams: ExamService) -> None:
    attempt = exams.start_practice("ana", count=2, seed=4)
    first = questions(exams, attempt)[0]
    exams.answer(attempt, "ana", 0, wrong(first))
    with pytest.raises(AttemptError, match="already answered"):
        exams.answer(attempt, "ana", 0, right(first))
    assert questions(exams, attempt)[0].feedback.correct is False  # type: ignore[union-attr]
    exams.flag(attempt, "ana", 1)  # a flag is no answer: question 2 still takes one
    assert isinstance(
        exams.answer(attempt, "ana", 1, right(questions(exams, attempt)[1])), PracticeAnswer
    )


def test_a_mock_exam_answer_can_still_change(exams: ExamService) -> None:
    attempt = exams.start_mock("ana", "mock", seed=5)
    first = questions(exams, attempt)[0]
    exams.answer(attempt, "ana", 0, wrong(first))
    exams.answer(attempt, "ana", 0, right(first))
    assert questions(exams, attempt)[0].response is not None


def test_review_offers_four_grades_and_the_learners_grade_schedules(
    exams: ExamService, clock: Clock
) -> None:
    attempt = exams.start_practice("ana", count=1, seed=9)
    question = questions(exams, attempt)[0]
    exams.answer(attempt, "ana", 0, wrong(question))
    clock.advance(minutes=1)
    [due] = exams.review_queue("ana").due
    assert exams.review_due_count("ana") == 1
    reply = exams.review_answer("ana", due.item_id, right(due))
    # Scheduled at once with the suggested grade, so nothing is lost without a grade.
    assert reply.grade == "good"
    assert reply.next_due == "2026-11-25T09:11:00+00:00"
    offered = {c.grade: c.seconds for c in reply.choices}
    assert list(offered) == ["again", "hard", "good", "easy"]
    assert offered["good"] == 600  # the 10-minute learning step
    assert offered["again"] < offered["hard"] <= offered["good"] < offered["easy"]
    assert exams.review_due_count("ana") == 0
    easy = exams.review_grade("ana", due.item_id, "easy")
    easy_due = datetime.fromisoformat(easy.next_due)
    assert easy_due == datetime(2026, 11, 25, 9, 1, tzinfo=UTC) + timedelta(seconds=offered["easy"])
    assert exams.review_queue("ana").next_due == easy.next_due
    with pytest.raises(NotFoundError, match="no review answer to grade"):
        exams.review_grade("ana", due.item_id, "again")  # once per answer
    with pytest.raises(ResponseError):
        exams.review_grade("ana", due.item_id, "perfect")


def test_grading_again_brings_the_question_back_soon(exams: ExamService, clock: Clock) -> None:
    attempt = exams.start_practice("ana", count=1, seed=9)
    question = questions(exams, attempt)[0]
    exams.answer(attempt, "ana", 0, wrong(question))
    clock.advance(minutes=1)
    [due] = exams.review_queue("ana").due
    reply = exams.review_answer("ana", due.item_id, right(due))
    again = exams.review_grade("ana", due.item_id, "again")
    seconds = {c.grade: c.seconds for c in reply.choices}["again"]
    assert again.next_due == (clock() + timedelta(seconds=seconds)).isoformat(timespec="seconds")
    clock.advance(seconds=seconds)
    assert [q.item_id for q in exams.review_queue("ana").due] == [due.item_id]


def test_took_exams_says_whether_a_profile_started_any_attempt(
    exams: ExamService, database: Database, clock: Clock
) -> None:
    from pmpath.services.assessments import AssessmentService

    assessments = AssessmentService(database, FRAMEWORK, clock)
    assert not assessments.took_exams("ana")  # no such profile yet
    exams.start_practice("ana", count=3, seed=1)
    assert assessments.took_exams("ana")  # started, not one answer given: still an attempt
    assert not assessments.took_exams("ben")
