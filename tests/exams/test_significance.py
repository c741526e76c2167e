"""The guideline checks' significance tests give SciPy's p-values without importing SciPy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import binomtest, chisquare, fisher_exact

from pmpath.exams.significance import (
    binomial_tail,
    chi_square_survival,
    chi_square_uniform,
    fisher_greater,
)


@given(
    st.integers(1, 900).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.floats(0.01, 0.99),
    st.booleans(),
)
def test_binomial_tail_is_scipys_binomtest(
    counts: tuple[int, int], chance: float, upper: bool
) -> None:
    successes, trials = counts
    theirs = binomtest(successes, trials, chance, alternative="greater" if upper else "less")
    assert binomial_tail(successes, trials, chance, upper=upper) == pytest.approx(
        theirs.pvalue, rel=1e-9, abs=1e-300
    )


def test_binomial_tail_of_a_certain_outcome() -> None:
    assert binomial_tail(0, 10, 0.0, upper=False) == 1.0
    assert binomial_tail(1, 10, 0.0, upper=True) == 0.0
    assert binomial_tail(10, 10, 1.0, upper=True) == 1.0


def test_binomial_tail_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="no binomial tail"):
        binomial_tail(11, 10, 0.5, upper=True)


@given(st.lists(st.integers(0, 400), min_size=2, max_size=8).filter(lambda c: sum(c) > 0))
def test_chi_square_uniform_is_scipys_chisquare(observed: list[int]) -> None:
    assert chi_square_uniform(observed) == pytest.approx(
        float(chisquare(observed).pvalue), rel=1e-9, abs=1e-300
    )


@pytest.mark.parametrize("degrees", range(1, 12))
def test_chi_square_survival_at_known_quantiles(degrees: int) -> None:
    from scipy.stats import chi2

    for p in (0.5, 0.05, 0.001):
        assert chi_square_survival(float(chi2.isf(p, degrees)), degrees) == pytest.approx(p)


@given(st.lists(st.integers(0, 300), min_size=4, max_size=4))
def test_fisher_greater_is_scipys_fisher_exact(cells: list[int]) -> None:
    table = [cells[:2], cells[2:]]
    theirs = fisher_exact(table, alternative="greater").pvalue
    assert fisher_greater(table) == pytest.approx(float(theirs), rel=1e-9, abs=1e-300)
