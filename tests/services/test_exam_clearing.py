"""Withdrawing a mock exam answer (the learner emptied it), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from pmpath.errors import AttemptError
from pmpath.services.exams import ExamService
from tests.services.test_exams import (  # noqa: F401  (fixtures used by name)
    Clock,
    clock,
    database,
    exams,
    questions,
    right,
)


def test_a_cleared_mock_answer_counts_as_unanswered_and_keeps_its_flag(
    exams: ExamService,  # noqa: F811
) -> None:
    attempt = exams.start_mock("ana", "mock", seed=3)
    shown = questions(exams, attempt)
    exams.answer(attempt, "ana", 0, right(shown[0]))
    exams.answer(attempt, "ana", 1, right(shown[1]))
    exams.flag(attempt, "ana", 0)
    cleared = exams.clear(attempt, "ana", 0)
    assert cleared.model_dump(mode="json") == {"saved": False, "position": 0}
    view = exams.view(attempt, "ana")
    assert view.answered == 1
    assert view.questions[0].response is None
    assert view.questions[0].flagged is True
    results = exams.finish(attempt, "ana")
    assert results.answered == 1  # the cleared answer earns nothing


def test_clearing_an_unanswered_question_changes_nothing(exams: ExamService) -> None:  # noqa: F811
    attempt = exams.start_mock("ana", "mock", seed=3)
    exams.clear(attempt, "ana", 4)
    assert exams.view(attempt, "ana").answered == 0


def test_a_practice_answer_cannot_be_cleared(exams: ExamService) -> None:  # noqa: F811
    attempt = exams.start_practice("ana", None, None, 2)
    shown = questions(exams, attempt)
    exams.answer(attempt, "ana", 0, right(shown[0]))
    with pytest.raises(AttemptError, match="final once its feedback is shown"):
        exams.clear(attempt, "ana", 0)
    assert exams.view(attempt, "ana").questions[0].response is not None


def test_clearing_after_the_deadline_is_refused(
    exams: ExamService,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    attempt = exams.start_mock("ana", "mock", seed=3)
    exams.answer(attempt, "ana", 0, right(questions(exams, attempt)[0]))
    clock.advance(minutes=31)
    with pytest.raises(AttemptError):
        exams.clear(attempt, "ana", 0)
    assert exams.results(attempt, "ana").answered == 1
