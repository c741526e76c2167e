"""Item fit: S-X2 against R mirt's itemfit on LSAT7, Lord-Wingersky, flags."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import chi2

from pmpath.psychometrics.calibration import calibrate
from pmpath.psychometrics.fit import item_fit, summed_score_distributions
from pmpath.psychometrics.irt import ItemParameters, Model

from .lsat7 import ITEM_IDS, lsat7

# mirt itemfit(mirt(LSAT7, 1)): S_X2, each on 2 degrees of freedom.
MIRT_S_X2 = [4.749440, 14.451071, 1.270381, 5.237400, 0.941125]


@pytest.fixture(scope="module")
def lsat7_items() -> ItemParameters:
    return calibrate(lsat7(), ITEM_IDS, standard_errors=False).parameters


def test_s_x2_matches_mirt_on_lsat7(lsat7_items: ItemParameters) -> None:
    fits = item_fit(lsat7(), lsat7_items)
    assert [f.item_id for f in fits] == list(ITEM_IDS)
    assert [f.s_x2 for f in fits] == pytest.approx(MIRT_S_X2, abs=0.01)
    assert [f.df for f in fits] == [2] * 5
    for f in fits:
        assert f.s_x2 is not None
        assert f.p_value == pytest.approx(chi2.sf(f.s_x2, 2))
    # Item 2's p is 0.0007, below 0.01 even after the adjustment over five items.
    assert [("misfit" in f.flags) for f in fits] == [False, True, False, False, False]


def test_lord_wingersky_matches_enumeration() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 0.9, size=(3, 4))  # 3 nodes, 4 items
    full, without = summed_score_distributions(p)
    for node in range(3):
        expected = np.zeros(5)
        for pattern in itertools.product([0, 1], repeat=4):
            chance = np.prod([p[node, j] if x else 1 - p[node, j] for j, x in enumerate(pattern)])
            expected[sum(pattern)] += chance
        assert full[node] == pytest.approx(expected)
        # Without item 2: the distribution of the other three.
        rest = np.zeros(4)
        for pattern in itertools.product([0, 1], repeat=3):
            others = [0, 1, 3]
            chance = np.prod(
                [p[node, j] if x else 1 - p[node, j] for j, x in zip(others, pattern, strict=True)]
            )
            rest[sum(pattern)] += chance
        assert without[2, node] == pytest.approx(rest)


def test_a_misfitting_item_is_flagged_and_fitting_ones_are_not() -> None:
    rng = np.random.default_rng(12)
    persons, items = 3000, 10
    a = rng.lognormal(0, 0.2, items)
    d = rng.normal(0, 0.8, items)
    theta = rng.normal(size=persons)
    p = 1 / (1 + np.exp(-(np.outer(theta, a) + d)))
    # The last item is right for the extremes and wrong in the middle: no logistic curve fits.
    p[:, -1] = 1 / (1 + np.exp(-(2.0 * theta**2 - 1.5)))
    responses = (rng.random((persons, items)) < p).astype(np.float64)
    parameters = calibrate(responses, [f"q{j}" for j in range(items)], standard_errors=False)
    fits = item_fit(responses, parameters.parameters)
    assert "misfit" in fits[-1].flags
    assert fits[-1].p_value is not None
    assert fits[-1].p_value < 1e-6
    assert sum("misfit" in f.flags for f in fits[:-1]) <= 1


def test_flags_for_weak_and_extreme_items() -> None:
    parameters = ItemParameters(
        ids=("flat", "easy", "hard", "fine"),
        a=np.array([0.2, 1.0, 1.0, 1.0]),
        d=np.array([0.0, 4.5, -4.5, 0.0]),
        c=np.zeros(4),
        model=Model.TWO_PL,
    )
    rng = np.random.default_rng(1)
    responses = (rng.random((50, 4)) < 0.5).astype(np.float64)
    fits = {f.item_id: f for f in item_fit(responses, parameters)}
    assert "non_discriminating" in fits["flat"].flags
    assert "too_easy" in fits["easy"].flags
    assert "too_hard" in fits["hard"].flags
    assert not {"non_discriminating", "too_easy", "too_hard"} & set(fits["fine"].flags)


def test_missing_data_uses_complete_rows_or_says_why(lsat7_items: ItemParameters) -> None:
    responses = lsat7()
    rng = np.random.default_rng(3)
    holes = responses.copy()
    holes[rng.random(responses.shape) < 0.05] = np.nan  # ~77% of rows stay complete
    fits = item_fit(holes, lsat7_items)
    complete = holes[~np.isnan(holes).any(axis=1)]
    assert [f.s_x2 for f in fits] == [f.s_x2 for f in item_fit(complete, lsat7_items)]
    sparse = holes.copy()
    sparse[:, 0] = np.nan
    sparse[:30, 0] = responses[:30, 0]
    thin = item_fit(sparse, lsat7_items)
    assert all(f.s_x2 is None and f.df is None and f.p_value is None for f in thin)
    assert "fewer than 100" in thin[0].note


def test_shape_mismatch_is_refused(lsat7_items: ItemParameters) -> None:
    with pytest.raises(ValueError, match="expected"):
        item_fit(np.zeros((10, 3)), lsat7_items)
