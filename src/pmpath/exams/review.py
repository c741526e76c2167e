"""Spaced review with FSRS: missed and hard items come back when they are about to be forgotten.

An item enters a learner's review queue when they miss it (credit 0) or only half know it
(partial credit). Each later answer reschedules it: by default full credit counts as "Good",
partial credit as "Hard", no credit as "Again"; a learner may grade the answer themselves
instead (Again, Hard, Good or Easy, as in Anki), and :func:`choices` says when each grade would
bring the item back. Scheduling is deterministic (no fuzz), so the same answers at the same
times give the same due dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

_SCHEDULER = Scheduler(enable_fuzzing=False)

#: The grades a learner can give, in the order they are offered.
GRADES: dict[str, Rating] = {
    "again": Rating.Again,
    "hard": Rating.Hard,
    "good": Rating.Good,
    "easy": Rating.Easy,
}


def rating_for(credit: float) -> Rating:
    if credit >= 1.0:
        return Rating.Good
    if credit > 0.0:
        return Rating.Hard
    return Rating.Again


def grade_for(credit: float) -> str:
    """The grade an answer worth ``credit`` gets when the learner does not choose one."""
    rating = rating_for(credit)
    return next(name for name, value in GRADES.items() if value == rating)


def needs_review(credit: float) -> bool:
    """Whether an answer earns the item a place in the review queue."""
    return credit < 1.0


def _card(card: dict[str, Any] | None, now: datetime) -> Card:
    return Card.from_dict(card) if card is not None else Card(card_id=1, due=now)  # type: ignore[arg-type]


def schedule(
    card: dict[str, Any] | None, credit: float, now: datetime
) -> tuple[dict[str, Any], datetime]:
    """The card after an answer worth ``credit`` at ``now``, and when it is due next."""
    return schedule_grade(card, grade_for(credit), now)


def schedule_grade(
    card: dict[str, Any] | None, grade: str, now: datetime
) -> tuple[dict[str, Any], datetime]:
    """The card after an answer the learner graded ``grade`` (again, hard, good, easy)."""
    updated, _log = _SCHEDULER.review_card(_card(card, now), GRADES[grade], review_datetime=now)
    return updated.to_dict(), updated.due  # type: ignore[return-value]


def choices(card: dict[str, Any] | None, now: datetime) -> dict[str, datetime]:
    """When the item would be due after each grade given at ``now``, in the order offered."""
    return {grade: schedule_grade(card, grade, now)[1] for grade in GRADES}
