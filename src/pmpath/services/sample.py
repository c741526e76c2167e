"""One question from the bank for a visitor to try: no account, and nothing stored.

The question is drawn at random from the bank's stand-alone choice questions (one answer,
several answers, true or false; no case study to read first) at the first two stages of the
ladder, with its options shuffled by a seed. The page carries the question's id and the seed
in its form, so the answer is checked against the same question in the same order with nothing
kept on the server between the two requests. Nothing is secret in that form: the key is shown
with the feedback anyway, as in practice, and no answer is stored or counted.
"""

from __future__ import annotations

import random
import secrets

from pmpath.errors import NotFoundError, ResponseError
from pmpath.exams.items import Bank, Item, ItemType
from pmpath.exams.scoring import score
from pmpath.exams.shown import Shown
from pmpath.services.attempt_views import feedback, question_view
from pmpath.services.models import Result
from pmpath.services.models.exams import Feedback, LearnerResponse, QuestionView

#: The kinds of question a visitor is offered: quick to read and to answer on a phone.
TYPES = frozenset({ItemType.SINGLE, ItemType.MULTIPLE, ItemType.TRUE_FALSE})
#: The stages whose questions a visitor is offered: a first question should be answerable.
STAGES = frozenset({"entry", "early-career"})
#: Seeds are drawn below this (and refused above it), so a form can carry one as digits.
MAX_SEED = 2**31


class SampleQuestion(Result):
    """A question to try, with the seed of its option order and its domain's name."""

    question: QuestionView
    seed: int
    domain_name: str


class SampleAnswer(SampleQuestion):
    """A tried question with the feedback on the answer given (key and explanations)."""

    feedback: Feedback


def candidates(bank: Bank) -> list[Item]:
    """The questions a visitor may be offered, in the bank's order."""
    return [
        item
        for item in bank.items
        if item.type in TYPES and item.scenario is None and item.level in STAGES
    ]


def draw(bank: Bank, after: str | None = None) -> SampleQuestion:
    """A random question to try; ``after``, the one just tried, is not drawn again."""
    pool = [item for item in candidates(bank) if item.id != after] or candidates(bank)
    if not pool:
        raise NotFoundError(f"bank {bank.id!r} has no stand-alone choice question to try")
    item = secrets.choice(pool)
    return _sample(bank, item, secrets.randbelow(MAX_SEED))


def shown(bank: Bank, item_id: str, seed: int) -> SampleQuestion:
    """Question ``item_id`` as it is shown with ``seed``. A question a visitor is not offered
    is not found; a seed out of range is refused (ResponseError)."""
    return _sample(bank, _candidate(bank, item_id), _checked(seed))


def check(bank: Bank, item_id: str, seed: int, response: LearnerResponse) -> SampleAnswer:
    """The feedback on ``response`` (in the ids the question showed) to question ``item_id``
    shown with ``seed``. An answer of the wrong shape, or naming an option not shown, is
    refused (ResponseError)."""
    item = _candidate(bank, item_id)
    order = _order(item, _checked(seed))
    authored = Shown(item, order).response_in(response)
    credit = score(item, authored)
    sample = _sample(bank, item, seed)
    return SampleAnswer(**dict(sample), feedback=feedback(item, authored, credit, order))


def _candidate(bank: Bank, item_id: str) -> Item:
    found = next((item for item in candidates(bank) if item.id == item_id), None)
    if found is None:
        raise NotFoundError(f"no question {item_id!r} to try")
    return found


def _checked(seed: int) -> int:
    if not 0 <= seed < MAX_SEED:
        raise ResponseError("the question's option order is out of range: load a new question")
    return seed


def _sample(bank: Bank, item: Item, seed: int) -> SampleQuestion:
    names = {domain.id: domain.name for domain in bank.domains}
    return SampleQuestion(
        question=question_view(bank, item, _order(item, seed)),
        seed=seed,
        domain_name=names.get(item.domain, item.domain),
    )


def _order(item: Item, seed: int) -> tuple[str, ...]:
    """The options' order for ``seed``: the same every time, so nothing need be stored."""
    if item.type is ItemType.TRUE_FALSE:
        return tuple(option.id for option in item.options)  # "True" stays before "False"
    order = [option.id for option in item.options]
    random.Random(seed).shuffle(order)
    return tuple(order)
