"""Scoring every item type, partial credit included, and refusing responses of the wrong shape."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmpath.errors import ResponseError
from pmpath.exams.authoring import parse_bank
from pmpath.exams.items import Bank, Item
from pmpath.exams.scoring import is_correct, score
from pmpath.framework import bundled_framework_path, load_framework
from tests.exams.conftest import example_bank_text

BANK: Bank = parse_bank(
    [("sample.md", example_bank_text())], load_framework(bundled_framework_path()), "sample"
)


def item(item_id: str) -> Item:
    return BANK.item(item_id)


@pytest.mark.parametrize(
    ("item_id", "response", "credit"),
    [
        ("sample-001", "b", 1.0),
        ("sample-001", "a", 0.0),
        ("sample-003", "b", 1.0),
        ("sample-003", "a", 0.0),
        # multiple: keys a and c among four options
        ("sample-004", ["a", "c"], 1.0),
        ("sample-004", ["a"], 0.75),  # a right, c missed, b and d rightly left out
        ("sample-004", ["a", "b", "c"], 0.75),  # one distractor chosen
        ("sample-004", [], 0.0),  # no key chosen
        ("sample-004", ["b"], 0.0),  # more distractors than keys chosen
        ("sample-004", ["a", "b", "c", "d"], 0.5),  # everything: keys right, distractors wrong
        ("sample-004", ["b", "d", "a"], 0.0),
        # numeric: 300 with tolerance 0
        ("sample-002", 300, 1.0),
        ("sample-002", 300.0000000001, 1.0),
        ("sample-002", 15, 0.0),
        # ordering: share of steps in their place
        ("sample-005", ["a", "b", "c", "d"], 1.0),
        ("sample-005", ["a", "b", "d", "c"], 0.5),
        ("sample-005", ["d", "c", "b", "a"], 0.0),
        # matching: share of lefts matched
        ("sample-006", {"Product Backlog": "a", "Sprint Backlog": "b", "Increment": "c"}, 1.0),
        ("sample-006", {"Product Backlog": "a", "Sprint Backlog": "d", "Increment": "c"}, 2 / 3),
        ("sample-006", {"Product Backlog": "a"}, 1 / 3),
        # short answer: case, spacing and accents ignored
        ("sample-007", "definition of done", 1.0),
        ("sample-007", "  Definition   of DONE ", 1.0),
        ("sample-007", "dod", 1.0),
        ("sample-007", "acceptance criteria", 0.0),
        # ... and punctuation, hyphens and a leading article: what people type is marked fairly
        ("sample-007", "Definition-of-Done.", 1.0),
        ("sample-007", "the definition of done", 1.0),
        ("sample-007", "D.o.D", 1.0),
        ("sample-007", "definition of ready", 0.0),
    ],
)
def test_credit(item_id: str, response: Any, credit: float) -> None:
    assert score(item(item_id), response) == pytest.approx(credit)


def test_full_credit_is_correct() -> None:
    assert is_correct(item("sample-004"), ["c", "a"])
    assert not is_correct(item("sample-004"), ["a"])


def test_numeric_tolerance_is_inclusive() -> None:
    from dataclasses import replace

    from pmpath.exams.items import NumericKey

    tolerant = replace(item("sample-002"), numeric=NumericKey(12.5, 0.5, "%"))
    assert score(tolerant, 13.0) == 1.0
    assert score(tolerant, 12.0) == 1.0
    assert score(tolerant, 13.01) == 0.0


@pytest.mark.parametrize(
    ("item_id", "response"),
    [
        ("sample-001", "z"),
        ("sample-001", ["b"]),
        ("sample-004", "a"),
        ("sample-004", ["a", "z"]),
        ("sample-002", "300"),
        ("sample-002", float("nan")),
        ("sample-002", True),
        ("sample-005", ["a", "b", "c"]),
        ("sample-005", ["a", "a", "b", "c"]),
        ("sample-006", {"Velocity": "a"}),
        ("sample-006", {"Increment": "z"}),
        ("sample-007", 42),
    ],
)
def test_responses_of_the_wrong_shape_are_refused(item_id: str, response: Any) -> None:
    with pytest.raises(ResponseError) as refused:
        score(item(item_id), response)
    # Said to the learner: no internal item id, and no option ids in their authored order
    # (an ordering item's are its key).
    message = str(refused.value)
    assert item_id not in message
    assert "'a', 'b'" not in message


responses = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), max_size=6),
    st.dictionaries(st.text(max_size=15), st.sampled_from(["a", "b", "c", "d"]), max_size=4),
)


@given(st.sampled_from([i.id for i in BANK.items]), responses)
def test_any_response_scores_between_0_and_1_or_is_refused(item_id: str, response: Any) -> None:
    try:
        credit = score(item(item_id), response)
    except ResponseError:
        return
    assert 0.0 <= credit <= 1.0


@pytest.mark.parametrize(
    ("given", "accepted", "same"),
    [
        ("alt-text", "alt text", True),
        ("Work item age.", "work item age", True),
        ("Given/When/Then", "Given When Then", True),
        ("an MVP", "MVP", True),
        ("C++", "C", False),  # symbols that change the meaning are kept
        ("C#", "C", False),
        ("10%", "10", False),
        ("theme", "me", False),  # only a whole leading article is dropped
    ],
)
def test_short_answers_compare_without_punctuation(given: str, accepted: str, same: bool) -> None:
    from pmpath.exams.scoring import normalise_text

    assert (normalise_text(given) == normalise_text(accepted)) is same
