"""Scoring a response to an item: a credit from 0 to 1.

Responses name options by their stable ids (``a``, ``b``, ...), whatever order they were shown in:

=============  =====================================  =============================================
type           response                               credit
=============  =====================================  =============================================
single         one option id                          1 for the key, else 0
true-false     one option id                          1 for the key, else 0
multiple       a set of option ids                    the share of options judged right (selected
                                                      keys and unselected distractors), but 0 when
                                                      no key or more distractors than keys are
                                                      selected, so neither selecting nothing nor
                                                      everything pays much
numeric        a number                               1 within the tolerance, else 0
ordering       all option ids in the learner's order  the share of steps in their correct position
matching       {left text: option id}                 the share of left items matched correctly
gap            {gap number as text: choice id}        the share of gaps filled with their right
                                                      choice; a gap left out counts as wrong
short-answer   text                                   1 when it equals an accepted answer, ignoring
                                                      case, accents, spacing, punctuation, hyphens
                                                      and a leading article; else 0
=============  =====================================  =============================================

A response of the wrong shape is a :class:`PmpathError` (bad input), never a zero.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from pmpath.errors import ResponseError
from pmpath.exams.items import Item, ItemType

#: Numeric answers are compared with this much slack for floating-point rounding.
FLOAT_SLACK = 1e-9


def score(item: Item, response: Any) -> float:
    """The credit, from 0 to 1, that ``response`` earns on ``item``."""
    scorer = _SCORERS[item.type]
    return scorer(item, response)


def correct_response(item: Item) -> Any:
    """A response that earns full credit (the first accepted one for short answers)."""
    if item.type in (ItemType.SINGLE, ItemType.TRUE_FALSE):
        return item.key_ids[0]
    if item.type is ItemType.MULTIPLE:
        return list(item.key_ids)
    if item.type is ItemType.NUMERIC:
        assert item.numeric is not None
        return item.numeric.answer
    if item.type is ItemType.ORDERING:
        return [option.id for option in item.options]
    if item.type is ItemType.MATCHING:
        return {pair.left: pair.right_id for pair in item.pairs if pair.left is not None}
    if item.type is ItemType.GAP:
        return {str(gap.number): gap.key_id for gap in item.gaps}
    return item.accepted[0]


def is_correct(item: Item, response: Any) -> bool:
    """Full credit."""
    return score(item, response) >= 1.0 - FLOAT_SLACK


def _option_ids(item: Item) -> set[str]:
    return {option.id for option in item.options}


def _one_option(item: Item, response: Any) -> float:
    if not isinstance(response, str) or response not in _option_ids(item):
        raise ResponseError("choose one of the options shown")
    return 1.0 if item.option(response).correct else 0.0


#: The longest short answer scored: accepted answers are a few words.
MAX_TEXT_ANSWER = 500


def _texts(response: Any) -> bool:
    """A list (or set) of strings, as multiple-response and ordering answers are."""
    return (
        not isinstance(response, str)
        and isinstance(response, Sequence | set | frozenset)
        and all(isinstance(part, str) for part in response)
    )


def _multiple(item: Item, response: Any) -> float:
    if not _texts(response):
        raise ResponseError("the answer must be a list of the options shown")
    chosen = set(response)
    unknown = chosen - _option_ids(item)
    if unknown:
        raise ResponseError("the answer names options that are not shown")
    keys = {option.id for option in item.options if option.correct}
    right_picks = len(chosen & keys)
    wrong_picks = len(chosen - keys)
    if right_picks == 0 or wrong_picks > right_picks:
        return 0.0
    judged_right = right_picks + (len(item.options) - len(keys) - wrong_picks)
    return judged_right / len(item.options)


def _numeric(item: Item, response: Any) -> float:
    assert item.numeric is not None
    if isinstance(response, bool) or not isinstance(response, int | float):
        raise ResponseError("the answer must be a number")
    if not math.isfinite(response):
        raise ResponseError("the answer must be a finite number")
    distance = abs(float(response) - item.numeric.answer)
    return 1.0 if distance <= item.numeric.tolerance + FLOAT_SLACK else 0.0


def _ordering(item: Item, response: Any) -> float:
    ids = [option.id for option in item.options]
    if (
        not _texts(response)
        or isinstance(response, set | frozenset)
        or sorted(response) != sorted(ids)
    ):
        # Never list the steps here: in their authored order they are the key.
        raise ResponseError(f"put all {len(ids)} steps in order, each once")
    in_place = sum(1 for given, expected in zip(response, ids, strict=True) if given == expected)
    return in_place / len(ids)


def _matching(item: Item, response: Any) -> float:
    lefts = [pair.left for pair in item.pairs if pair.left is not None]
    if (
        not isinstance(response, Mapping)
        or set(response) - set(lefts)
        or not all(isinstance(right, str) for right in response.values())
    ):
        raise ResponseError(f"match each of the {len(lefts)} left-hand items to an option")
    if set(response.values()) - _option_ids(item):
        raise ResponseError("the answer names options that are not shown")
    expected = {pair.left: pair.right_id for pair in item.pairs if pair.left is not None}
    matched = sum(1 for left, right in expected.items() if response.get(left) == right)
    return matched / len(expected)


def _gap(item: Item, response: Any) -> float:
    """The share of gaps filled with their right choice. A choice that is not reusable may
    still be chosen at two gaps (the player shows a list at each gap): it is the right choice
    of one gap at most (the bank format's rule), so it earns no more than once."""
    gaps = {str(gap.number): gap for gap in item.gaps}
    if (
        not isinstance(response, Mapping)
        or set(response) - set(gaps)
        or not all(isinstance(choice, str) for choice in response.values())
    ):
        raise ResponseError(f"fill the {len(gaps)} gaps, each with one of its choices")
    for number, choice in response.items():
        if choice not in {option.id for option in item.offered(gaps[number])}:
            raise ResponseError(f"the answer names a choice that gap {number} does not offer")
    filled = sum(1 for number, gap in gaps.items() if response.get(number) == gap.key_id)
    return filled / len(gaps)


#: Leading articles carry no meaning in a short answer ("the Kano model" is "Kano model").
_ARTICLE = re.compile(r"^(?:the|an?)\s+")
#: Kept when squashing: they change the meaning ("C++", "C#", "10%", "$5").
_MEANINGFUL_SYMBOLS = frozenset("+#%$&")


def normalise_text(text: str) -> str:
    """How short answers are compared: lower case, accents removed, a leading article dropped,
    then everything but letters, digits and ``+#%$&`` removed, so "alt-text", "Alt text" and
    "alttext", or "Work item age." and "work item age", are the same answer. Squashing the
    spaces too means "Given/When/Then", "Given-When-Then" and "given when then" match one
    accepted form; distinct answers almost never differ only in their spacing."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _ARTICLE.sub("", " ".join(plain.split()))
    return "".join(ch for ch in plain if ch.isalnum() or ch in _MEANINGFUL_SYMBOLS)


def _short_answer(item: Item, response: Any) -> float:
    if not isinstance(response, str):
        raise ResponseError("the answer must be text")
    if len(response) > MAX_TEXT_ANSWER:
        raise ResponseError(f"the answer is over {MAX_TEXT_ANSWER} characters")
    given = normalise_text(response)
    return 1.0 if any(given == normalise_text(a) for a in item.accepted) else 0.0


_SCORERS = {
    ItemType.SINGLE: _one_option,
    ItemType.TRUE_FALSE: _one_option,
    ItemType.MULTIPLE: _multiple,
    ItemType.NUMERIC: _numeric,
    ItemType.ORDERING: _ordering,
    ItemType.MATCHING: _matching,
    ItemType.SHORT_ANSWER: _short_answer,
    ItemType.GAP: _gap,
}
