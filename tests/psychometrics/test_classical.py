"""Classical item analysis on hand-computed data."""

from __future__ import annotations

import pytest

from pmpath.psychometrics.classical import Answer, analyse


def attempts_from(
    matrix: list[list[float]], responses: list[list[str]] | None = None
) -> list[dict[str, Answer]]:
    ids = [f"i{n}" for n in range(len(matrix[0]))]
    return [
        {
            item: Answer(credit, responses[row][col] if responses else None)
            for col, (item, credit) in enumerate(zip(ids, scores, strict=True))
        }
        for row, scores in enumerate(matrix)
    ]


def test_difficulty_is_the_mean_credit_and_discrimination_is_item_rest_correlation() -> None:
    matrix = [[1, 1, 0], [1, 0, 0], [0, 1, 1], [1, 1, 1], [0, 0, 0]]
    stats = {s.item_id: s for s in analyse(attempts_from(matrix), {}, min_responses=2)}
    assert stats["i0"].difficulty == 0.6
    # i0's credits [1, 1, 0, 1, 0] against the rest scores [1, 0, 2, 2, 0]: covariance 0.
    assert stats["i0"].discrimination == 0.0
    assert "low discrimination" in stats["i0"].flags
    # i1's credits [1, 0, 1, 1, 0] against [1, 1, 1, 2, 0]: sxy 1, sxx 1.2, syy 2, r = 1/sqrt(2.4).
    assert stats["i1"].discrimination == pytest.approx(0.645, abs=0.001)
    assert stats["i2"].difficulty == 0.4


def test_a_miskeyed_item_discriminates_the_wrong_way() -> None:
    # Strong learners (high totals) miss i0; weak ones get it.
    matrix = [[0, 1, 1, 1], [0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 1], [0, 1, 1, 0]]
    [first, *_] = analyse(attempts_from(matrix), {}, min_responses=2)
    assert first.discrimination is not None
    assert first.discrimination < 0
    assert "negative discrimination (check the key)" in first.flags


def test_too_easy_and_rare_distractors() -> None:
    matrix = [[1, 0]] * 19 + [[1, 1]]
    responses = [["a", "b"]] * 19 + [["a", "a"]]
    stats = {s.item_id: s for s in analyse(attempts_from(matrix, responses), {"i0": ["a"]}, 20)}
    assert stats["i0"].difficulty == 1.0
    assert "too easy" in stats["i0"].flags
    assert stats["i0"].option_rates == {"a": 1.0}
    assert stats["i0"].discrimination is None  # no variance in credit


def test_items_with_too_few_responses_are_not_analysed() -> None:
    [stat] = list(analyse(attempts_from([[1], [0]]), {}, min_responses=20))
    assert stat.difficulty is None
    assert stat.flags == ("not enough data",)
