"""A blueprint's review policy and attempt limits (issue #13: keys could be harvested by
starting and handing in mock exams again and again)."""

from __future__ import annotations

import pytest

from pmpath.errors import AttemptLimitError
from pmpath.exams.blueprints import AttemptLimits, ReviewPolicy
from pmpath.services.exams import ExamService
from pmpath.store import Database
from tests.services.test_exams import BANK, FRAMEWORK, MOCK, Clock, questions, right


def service(database: Database, clock: Clock, **changes: object) -> ExamService:
    blueprint = MOCK.model_copy(update=changes)
    return ExamService(database, FRAMEWORK, BANK, [blueprint], clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(database_url: str):  # type: ignore[no-untyped-def]
    db = Database.open(database_url)
    yield db
    db.dispose()


def test_start_then_hand_in_shows_no_key_by_default(database: Database, clock: Clock) -> None:
    exams = service(database, clock)
    attempt = exams.start_mock("ana", "mock", seed=1)
    results = exams.finish(attempt, "ana")
    assert results.review_policy == ReviewPolicy(your_answers=True, keys="answered")
    assert all(q.feedback is None for q in results.review)
    assert "explanation" not in results.model_dump_json()


def test_keys_for_all_questions_when_the_blueprint_says_so(
    database: Database, clock: Clock
) -> None:
    exams = service(database, clock, review=ReviewPolicy(keys="all"))
    attempt = exams.start_mock("ana", "mock", seed=1)
    assert all(q.feedback is not None for q in exams.finish(attempt, "ana").review)


def test_no_keys_and_no_answers_when_the_blueprint_says_so(
    database: Database, clock: Clock
) -> None:
    exams = service(database, clock, review=ReviewPolicy(your_answers=False, keys="none"))
    attempt = exams.start_mock("ana", "mock", seed=1)
    for question in questions(exams, attempt):
        exams.answer(attempt, "ana", question.position, right(question))
    results = exams.finish(attempt, "ana")
    assert results.score == 100.0
    assert all(q.feedback is None and q.response is None for q in results.review)
    assert all(q.answered for q in results.review)
    assert all(q.feedback is None for q in exams.view(attempt, "ana").questions)


def test_a_day_allows_as_many_starts_as_the_blueprint_says(
    database: Database, clock: Clock
) -> None:
    exams = service(database, clock, attempts=AttemptLimits(per_day=3))
    for _ in range(3):
        exams.finish(exams.start_mock("ana", "mock"), "ana")
        clock.advance(hours=1)
    with pytest.raises(AttemptLimitError, match=r"at most 3 starts in 24 hours.*in 21 h 0 min"):
        exams.start_mock("ana", "mock")
    exams.start_mock("ben", "mock")  # the limit is per learner
    clock.advance(hours=21)
    exams.start_mock("ana", "mock")  # the first start has aged out


def test_a_cooldown_between_starts(database: Database, clock: Clock) -> None:
    exams = service(database, clock, attempts=AttemptLimits(per_day=None, cooldown_minutes=30))
    exams.start_mock("ana", "mock")
    clock.advance(minutes=20)
    with pytest.raises(AttemptLimitError, match=r"30 minutes between starts: .* in 10 min"):
        exams.start_mock("ana", "mock")
    clock.advance(minutes=10)
    exams.start_mock("ana", "mock")


def test_the_api_says_429_with_problem_details(database_url: str) -> None:
    from fastapi.testclient import TestClient

    from pmpath.app import Pmpath
    from pmpath.settings import Settings
    from pmpath.web.app import create_app
    from tests.web.test_api_flows import token_for

    context = Pmpath(Settings(database_url=database_url))
    with TestClient(create_app(pmpath=context)) as client:
        me = token_for(client, context, "ana@example.org")
        for _ in range(10):  # the bundled blueprints' default: 10 starts a day
            assert client.post("/api/v1/exams/scrum-master/attempts", headers=me).is_success
        refused = client.post("/api/v1/exams/scrum-master/attempts", headers=me)
    context.database.dispose()
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert "you can start it again in" in refused.json()["detail"]
