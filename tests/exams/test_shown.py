"""Options under ids that give nothing away (issue #13): the authored ids of ordering and
matching items carry their keys; the ids a learner sees never do."""

from __future__ import annotations

import random

import pytest

from pmpath.errors import ResponseError
from pmpath.exams.forms import option_order
from pmpath.exams.items import ItemType
from pmpath.exams.scoring import correct_response, score
from pmpath.exams.shown import PUBLIC_IDS, Shown
from pmpath.framework import bundled_framework_path, load_framework
from pmpath.services.banks import open_bank

BANK = open_bank(load_framework(bundled_framework_path()))


def _shown(item, seed: int) -> Shown:  # type: ignore[no-untyped-def]
    return Shown(item, option_order(item, random.Random(seed)))


def test_the_authored_order_never_answers_an_ordering_item() -> None:
    ordering = [item for item in BANK.items if item.type is ItemType.ORDERING]
    assert len(ordering) >= 20
    for seed in range(20):
        for item in ordering:
            guess = list(PUBLIC_IDS[: len(item.options)])  # "a, b, c, d, e": the old key
            assert score(item, _shown(item, seed).response_in(guess)) < 1.0, (item.id, seed)


def test_pairing_the_ith_left_with_the_ith_option_rarely_answers_a_matching_item() -> None:
    matching = [item for item in BANK.items if item.type is ItemType.MATCHING]
    assert len(matching) >= 20
    full = tried = 0
    for seed in range(20):
        for item in matching:
            lefts = [pair.left for pair in item.pairs if pair.left is not None]
            guess = {left: PUBLIC_IDS[n] for n, left in enumerate(lefts)}  # the old key
            full += score(item, _shown(item, seed).response_in(guess)) == 1.0
            tried += 1
    # Chance alone: 1 in 4! to 5! per item; the authored ids gave 24 of 24.
    assert full / tried < 0.06


def test_answers_go_in_and_out_unchanged() -> None:
    for item in BANK.items[::7]:
        shown = _shown(item, 3)
        key = correct_response(item)
        public = shown.response_out(key)
        assert shown.response_in(public) == key
        assert score(item, shown.response_in(public)) == 1.0


def test_an_id_no_option_is_shown_under_is_refused() -> None:
    item = next(item for item in BANK.items if item.type is ItemType.SINGLE)
    shown = _shown(item, 1)
    with pytest.raises(ResponseError, match="not one of the options shown"):
        shown.response_in("z")
    assert [shown.public(a) for a in shown.order] == list(PUBLIC_IDS[: len(item.options)])
