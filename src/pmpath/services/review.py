"""Spaced review of one bank's items: the learner's FSRS cards, the queue of items due and the
answers given to them.

A card changes in three places, all through :meth:`SpacedReview.record`: when a review item is
answered (always), and when a practice answer is scored or a mock exam closes (there only for an
item that already has a card or earned less than full credit: an item the learner knows needs no
review).

Grading like Anki (the web page's flow): :meth:`SpacedReview.answer` schedules the card at once
with the grade the credit suggests and commits, so an answer is never lost, even when the
learner closes the page before grading. It keeps the card as it was before the answer (under
``"before"`` in the card's JSON) until the learner grades; :meth:`SpacedReview.grade` then
schedules the card again from that state, as of the answer's time, with the learner's grade
(Again, Hard, Good or Easy). Grading is possible once per answer, and only for the latest
answer: any later change to the card (another answer, a practice answer, a mock exam) drops it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pmpath.errors import NotFoundError, ResponseError
from pmpath.exams.forms import option_order
from pmpath.exams.items import Bank, Item
from pmpath.exams.review import choices, grade_for, needs_review, schedule, schedule_grade
from pmpath.exams.scoring import score
from pmpath.exams.shown import Shown
from pmpath.services.assessments import check_profile_name
from pmpath.services.attempt_views import feedback_values, iso, question_values
from pmpath.services.models.exams import (
    DueQuestion,
    GradeChoice,
    ReviewGraded,
    ReviewQueue,
    ReviewReply,
)
from pmpath.store import Database
from pmpath.store import assessments as profiles
from pmpath.store import attempts as attempt_store
from pmpath.store.tables import ReviewCardRow


class SpacedReview:
    """The review cards of one bank's items, for the learners of one database."""

    def __init__(
        self,
        database: Database,
        bank: Bank,
        items: Mapping[str, Item],
        clock: Callable[[], datetime],
    ) -> None:
        self.database = database
        self.bank = bank
        self.items = items
        self.clock = clock

    def queue(self, profile: str) -> ReviewQueue:
        """Items due for spaced review now, most overdue first."""
        now = self.clock()
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            cards = []
            upcoming = None
            if owner is not None:
                every = attempt_store.review_cards(session, owner.id, self.bank.id)
                held_back = attempt_store.items_in_open_graded_attempts(session, owner.id)
                cards = [
                    card
                    for card in every
                    if card.due <= now
                    and card.item_id in self.items
                    and card.item_id not in held_back
                ]
                later = [card.due for card in every if card.due > now]
                upcoming = min(later) if later else None
            return ReviewQueue(
                profile=profile,
                due=[
                    DueQuestion(
                        **question_values(self.bank, item, _order(card, item)),
                        due=iso(card.due),
                        reviews=card.reviews,
                    )
                    for card in cards
                    for item in (self.items[card.item_id],)
                ],
                next_due=iso(upcoming),
            )

    def due_count(self, profile: str) -> int:
        """About how many items are due now (one query; for the navigation's badge)."""
        with self.database.transaction() as session:
            return attempt_store.due_review_count(
                session, check_profile_name(profile), self.bank.id, self.clock()
            )

    def answer(self, profile: str, item_id: str, response: Any) -> ReviewReply:
        """Answer a due review item: feedback (the key among it), and when it comes back.

        Only an item of the learner's queue is answered: one that is due now and not in an
        open mock exam or placement test. Anything else is "not due", whether or not it
        exists, so the route can never be used to read keys."""
        item = self.items.get(item_id)
        now = self.clock()
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            card = (
                attempt_store.review_card(session, owner.id, self.bank.id, item_id)
                if owner is not None and item is not None
                else None
            )
            if (
                item is None
                or owner is None
                or card is None
                or card.due > now
                or item_id in attempt_store.items_in_open_graded_attempts(session, owner.id)
            ):
                raise NotFoundError(f"{item_id!r} is not due for review")
            order = _order(card, item)  # as the queue showed it: the card has not changed since
            authored = Shown(item, order).response_in(response)
            credit = score(item, authored)
            before = _state(card.card)
            due = self.record(session, owner.id, item_id, credit, now, always=True)
            # Kept until the learner grades this answer (or anything else changes the card).
            card.card = {**card.card, "before": before, "answered_at": now.isoformat()}
            session.flush()
        return ReviewReply(
            **feedback_values(item, authored, credit, order),
            next_due=iso(due),
            grade=grade_for(credit),
            choices=[
                GradeChoice(
                    grade=grade,
                    due=iso(when) or "",
                    seconds=max(0, round((when - now).total_seconds())),
                )
                for grade, when in choices(before, now).items()
            ],
        )

    def grade(self, profile: str, item_id: str, grade: str) -> ReviewGraded:
        """Schedule the learner's latest answer to ``item_id`` with their own grade (again,
        hard, good or easy) instead of the one its credit suggested; once per answer."""
        if grade not in ("again", "hard", "good", "easy"):
            raise ResponseError(f"grade must be again, hard, good or easy, not {grade!r}")
        with self.database.transaction() as session:
            owner = profiles.find_profile(session, check_profile_name(profile))
            card = (
                attempt_store.review_card(session, owner.id, self.bank.id, item_id)
                if owner is not None and item_id in self.items
                else None
            )
            if card is None or "before" not in card.card:
                raise NotFoundError(
                    "there is no review answer to grade for this question: grade an answer "
                    "once, right after giving it"
                )
            answered = datetime.fromisoformat(card.card["answered_at"])
            state, due = schedule_grade(card.card["before"], grade, answered)
            card.card, card.due, card.updated_at = state, due, self.clock()
            session.flush()
        return ReviewGraded(item_id=item_id, grade=grade, next_due=iso(due) or "")

    def record(
        self,
        session: Session,
        profile_id: int,
        item_id: str,
        credit: float,
        now: datetime,
        always: bool,
    ) -> datetime | None:
        """Schedule the item's next review after it earned ``credit``, in the caller's
        transaction; returns when it is due, or None when it needs no card (``always`` makes
        one regardless)."""
        card = attempt_store.review_card(session, profile_id, self.bank.id, item_id)
        if card is None and not (always or needs_review(credit)):
            return None  # a known item that was never missed needs no review
        state, due = schedule(card.card if card else None, credit, now)
        if card is None:
            card = attempt_store.new_review_card(session, profile_id, self.bank.id, item_id)
        card.card, card.due, card.updated_at = state, due, now
        card.reviews = (card.reviews or 0) + 1
        session.flush()
        return due


def _state(card: dict[str, Any]) -> dict[str, Any]:
    """The FSRS card itself, without what :meth:`SpacedReview.answer` keeps beside it."""
    return {k: v for k, v in card.items() if k not in ("before", "answered_at")}


def _order(card: ReviewCardRow, item: Item) -> tuple[str, ...]:
    """The order a review shows the item's options in: shuffled anew for each review (an
    ordering item's authored order is its key), the same for the queue and the answer."""
    return option_order(item, random.Random(f"{card.id}:{card.reviews}"))
