"""How every format writes a number and a score."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmpath.formats.numbers import has_exponent, number_text, score_texts


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e6, "1000000"),
        (1e16, "10000000000000000"),
        (1e-5, "0.00001"),
        (2.5e-7, "0.00000025"),
        (-0.0, "0"),
        (0.1, "0.1"),
        (123456789012345678.0, "123456789012345680"),
    ],
)
def test_a_number_is_written_in_plain_decimals(value: float, text: str) -> None:
    assert number_text(value) == text
    assert not has_exponent(number_text(value))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_written_number_reads_back_as_the_same_value(value: float) -> None:
    assert float(number_text(value)) == value + 0.0
    assert not has_exponent(number_text(value))


@pytest.mark.parametrize("keys", range(1, 21))
def test_equal_shares_add_up_to_exactly_the_maximum(keys: int) -> None:
    total = 0.0
    for text in score_texts([1 / keys] * keys + [-1.0]):
        total += max(float(text), 0.0)
    assert total == 100.0
