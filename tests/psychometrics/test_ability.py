"""Ability estimates (EAP, MAP, ML) checked against R mirt's fscores on LSAT7."""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from pmpath.psychometrics.ability import eap, eap_single, map_estimate, ml_estimate
from pmpath.psychometrics.calibration import calibrate
from pmpath.psychometrics.irt import ItemParameters, Model, log_likelihood

from .lsat7 import ITEM_IDS, lsat7, patterns

# mirt fscores for the first six patterns (00000, 00001, 00010, 00011, 00100, 00101).
MIRT_EAP = [-1.8665957, -1.5266920, -1.5134024, -1.1852276, -1.0946830, -0.7666992]
MIRT_MAP = [-1.8165552, -1.4946906, -1.4822982, -1.1789899, -1.0958928, -0.7951026]


@pytest.fixture(scope="module")
def lsat7_items() -> ItemParameters:
    return calibrate(lsat7(), ITEM_IDS, standard_errors=False).parameters


def bank(items: int, seed: int, guessing: float = 0.0) -> ItemParameters:
    rng = np.random.default_rng(seed)
    model = Model.THREE_PL if guessing else Model.TWO_PL
    return ItemParameters(
        ids=tuple(f"q{j}" for j in range(items)),
        a=rng.lognormal(0.0, 0.3, items),
        d=rng.normal(0.0, 1.0, items),
        c=np.full(items, guessing),
        model=model,
    )


def test_eap_matches_mirt(lsat7_items: ItemParameters) -> None:
    estimates = eap(patterns()[:6], lsat7_items)
    # mirt's own test tolerance; the gap is the items' estimates, not the scoring.
    assert estimates.theta == pytest.approx(MIRT_EAP, abs=1e-2)
    assert np.all((estimates.standard_error > 0.6) & (estimates.standard_error < 0.75))


def test_map_matches_mirt(lsat7_items: ItemParameters) -> None:
    estimates = map_estimate(patterns()[:6], lsat7_items)
    assert estimates.theta == pytest.approx(MIRT_MAP, abs=2e-3)
    # Posterior information includes the prior's: never above the prior sd.
    assert np.all(estimates.standard_error < 1.0)


def test_eap_standard_error_is_the_posterior_sd_on_a_fine_grid(
    lsat7_items: ItemParameters,
) -> None:
    pattern = patterns()[13]
    fine = np.linspace(-8, 8, 4001)
    weights = np.exp(log_likelihood(pattern, fine, lsat7_items.a, lsat7_items.d)) * np.exp(
        -0.5 * fine**2
    )
    mean = np.sum(fine * weights) / weights.sum()
    sd = np.sqrt(np.sum((fine - mean) ** 2 * weights) / weights.sum())
    estimates = eap(pattern[None, :], lsat7_items)
    assert estimates.theta[0] == pytest.approx(mean, abs=1e-3)
    assert estimates.standard_error[0] == pytest.approx(sd, abs=1e-3)


@pytest.mark.parametrize("guessing", [0.0, 0.2])
def test_map_and_ml_are_the_modes(guessing: float) -> None:
    items = bank(15, seed=3, guessing=guessing)
    rng = np.random.default_rng(4)
    responses = (rng.random((5, 15)) < 0.6).astype(np.float64)
    responses[0, :3] = np.nan
    c = items.c
    for row, pattern in enumerate(responses):

        def minus_log_posterior(theta: float, prior: bool, pattern=pattern) -> float:
            value = log_likelihood(pattern, np.array([theta]), items.a, items.d, c)[0]
            return float(-value + (0.5 * theta * theta if prior else 0.0))

        best_map = minimize_scalar(minus_log_posterior, bounds=(-6, 6), args=(True,))
        best_ml = minimize_scalar(minus_log_posterior, bounds=(-6, 6), args=(False,))
        assert map_estimate(responses, items).theta[row] == pytest.approx(best_map.x, abs=1e-4)
        assert ml_estimate(responses, items).theta[row] == pytest.approx(best_ml.x, abs=1e-4)


def test_ml_is_infinite_for_all_right_and_all_wrong(lsat7_items: ItemParameters) -> None:
    estimates = ml_estimate(patterns()[[0, 31, 5]], lsat7_items)
    assert estimates.theta[0] == -np.inf
    assert estimates.theta[1] == np.inf
    assert np.isfinite(estimates.theta[2])
    assert estimates.standard_error[:2].tolist() == [np.inf, np.inf]
    # The standard error of a finite ML estimate is 1 / sqrt(test information).
    p = 1 / (1 + np.exp(-(lsat7_items.a * estimates.theta[2] + lsat7_items.d)))
    information = np.sum(lsat7_items.a**2 * p * (1 - p))
    assert estimates.standard_error[2] == pytest.approx(1 / np.sqrt(information), rel=1e-6)


def test_unseen_items_are_ignored_and_nobody_gets_the_prior() -> None:
    items = bank(10, seed=1)
    rng = np.random.default_rng(2)
    full = (rng.random(10) < 0.5).astype(np.float64)
    partial = full.copy()
    partial[5:] = np.nan
    first_five = items.take(np.arange(5))
    assert eap(partial, items).theta[0] == pytest.approx(eap(full[:5], first_five).theta[0])
    nobody = eap(np.full((1, 10), np.nan), items, prior_mean=0.5, prior_sd=2.0)
    assert nobody.theta[0] == pytest.approx(0.5, abs=1e-9)
    assert nobody.standard_error[0] == pytest.approx(2.0, abs=1e-3)
    assert np.isnan(ml_estimate(np.full((1, 10), np.nan), items).theta[0])


@pytest.mark.parametrize("guessing", [0.0, 0.2])
def test_eap_single_agrees_with_eap(guessing: float) -> None:
    items = bank(40, seed=6, guessing=guessing)
    rng = np.random.default_rng(7)
    responses = (rng.random(40) < 0.55).astype(np.float64)
    responses[rng.random(40) < 0.3] = np.nan
    theta, se = eap_single(responses, items)
    batch = eap(responses[None, :], items)
    assert theta == pytest.approx(batch.theta[0], abs=1e-10)
    assert se == pytest.approx(batch.standard_error[0], abs=1e-10)
    assert eap_single(np.full(40, np.nan), items) == (0.0, 1.0)


def test_eap_single_is_fast() -> None:
    """The adaptive test calls it after every answer; the target is < 100 us for 40 items on
    61 nodes. Asserted with slack for busy test machines."""
    items = bank(40, seed=8)
    responses = (np.random.default_rng(9).random(40) < 0.5).astype(np.float64)
    eap_single(responses, items)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        eap_single(responses, items)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 500e-6


def test_bad_responses_are_refused(lsat7_items: ItemParameters) -> None:
    with pytest.raises(ValueError, match="expected"):
        eap(np.zeros((2, 4)), lsat7_items)
    with pytest.raises(ValueError, match="0, 1 or NaN"):
        map_estimate(np.full((1, 5), 0.5), lsat7_items)
