"""Spaced review of one bank's items: the learner's FSRS cards, the queue of items due and the
answers given to them.

A card changes in three places, all through :meth:`SpacedReview.record`: when a review item is
answered (always), and when a practice answer is scored or a mock exam closes (there only for an
item that already has a card or earned less than full credit: an item the learner knows needs no
review).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pmpath.errors import NotFoundError
from pmpath.exams.forms import option_order
from pmpath.exams.items import Bank, Item
from pmpath.exams.review import needs_review, schedule
from pmpath.exams.scoring import score
from pmpath.exams.shown import Shown
from pmpath.services.assessments import check_profile_name
from pmpath.services.attempt_views import feedback_values, iso, question_values
from pmpath.services.models.exams import DueQuestion, ReviewQueue, ReviewReply
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
            due = self.record(session, owner.id, item_id, credit, now, always=True)
        return ReviewReply(**feedback_values(item, authored, credit, order), next_due=iso(due))

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


def _order(card: ReviewCardRow, item: Item) -> tuple[str, ...]:
    """The order a review shows the item's options in: shuffled anew for each review (an
    ordering item's authored order is its key), the same for the queue and the answer."""
    return option_order(item, random.Random(f"{card.id}:{card.reviews}"))
