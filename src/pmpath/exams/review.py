"""Spaced review with FSRS: missed and hard items come back when they are about to be forgotten.

An item enters a learner's review queue when they miss it (credit 0) or only half know it
(partial credit). Each later answer reschedules it: full credit counts as "Good", partial
credit as "Hard", no credit as "Again". Scheduling is deterministic (no fuzz), so the same
answers at the same times give the same due dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fsrs import Card, Rating, Scheduler

_SCHEDULER = Scheduler(enable_fuzzing=False)


def rating_for(credit: float) -> Rating:
    if credit >= 1.0:
        return Rating.Good
    if credit > 0.0:
        return Rating.Hard
    return Rating.Again


def needs_review(credit: float) -> bool:
    """Whether an answer earns the item a place in the review queue."""
    return credit < 1.0


def schedule(
    card: dict[str, Any] | None, credit: float, now: datetime
) -> tuple[dict[str, Any], datetime]:
    """The card after an answer worth ``credit`` at ``now``, and when it is due next."""
    current = Card.from_dict(card) if card is not None else Card(card_id=1, due=now)  # type: ignore[arg-type]
    updated, _log = _SCHEDULER.review_card(current, rating_for(credit), review_datetime=now)
    return updated.to_dict(), updated.due  # type: ignore[return-value]
