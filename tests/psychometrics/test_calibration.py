"""Marginal maximum likelihood calibration, checked against R mirt's published numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from pmpath.errors import CalibrationError
from pmpath.psychometrics import calibration
from pmpath.psychometrics.calibration import (
    ItemPriors,
    calibrate,
    validate_responses,
)
from pmpath.psychometrics.irt import Model, normal_grid

from .lsat7 import ITEM_IDS, lsat7

# R mirt, mirt(LSAT7, 1): slopes and intercepts (tests/testthat/test-01-mirtOne.R).
MIRT_A = [0.988, 1.081, 1.706, 0.7651, 0.7358]
MIRT_D = [1.8561, 0.808, 1.8043, 0.486, 1.8545]
# 95% intervals with SE.type = "Richardson"; SE = width / (2 * 1.959964).
RICHARDSON_A = [
    (0.6406, 1.3354),
    (0.7501, 1.4119),
    (1.0779, 2.334),
    (0.5022, 1.028),
    (0.4395, 1.032),
]
RICHARDSON_D = [
    (1.5984, 2.1138),
    (0.6291, 0.9869),
    (1.4036, 2.205),
    (0.3392, 0.6328),
    (1.6302, 2.0787),
]


def ids(n: int) -> list[str]:
    return [f"q{j}" for j in range(n)]


def simulate(
    persons: int, items: int, seed: int, *, guessing: float = 0.0, missing: float = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """2PL (or 3PL) responses with a ~ lognormal(0, 0.3), d ~ N(0, 1), theta ~ N(0, 1), and
    a share ``missing`` of cells not seen (NaN), as when learners sit different forms."""
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, items)
    d = rng.normal(0.0, 1.0, items)
    theta = rng.normal(0.0, 1.0, persons)
    p = guessing + (1 - guessing) / (1 + np.exp(-(np.outer(theta, a) + d)))
    responses = (rng.random((persons, items)) < p).astype(np.float64)
    responses[rng.random((persons, items)) < missing] = np.nan
    return responses, a, d


@pytest.fixture(scope="module")
def lsat7_2pl() -> calibration.Calibration:
    return calibrate(lsat7(), ITEM_IDS)


def rmse(estimate: NDArray[np.float64], truth: NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean((estimate - truth) ** 2)))


# --- LSAT7 against R mirt -------------------------------------------------------------------


def test_lsat7_2pl_matches_r_mirt_within_0_005(lsat7_2pl: calibration.Calibration) -> None:
    parameters = lsat7_2pl.parameters
    assert lsat7_2pl.converged
    assert parameters.ids == ITEM_IDS
    assert np.max(np.abs(parameters.a - MIRT_A)) < 0.005
    assert np.max(np.abs(parameters.d - MIRT_D)) < 0.005
    assert np.all(parameters.c == 0)
    # The marginal log-likelihood of mirt's published estimates, integrated independently
    # with scipy.integrate.quad over N(0, 1): -2658.8051.
    assert lsat7_2pl.log_likelihood == pytest.approx(-2658.805, abs=0.01)
    assert lsat7_2pl.responses_per_item.tolist() == [1000] * 5


def test_lsat7_1pl_common_slope_matches_r_mirt() -> None:
    result = calibrate(lsat7(), ITEM_IDS, Model.RASCH)
    parameters = result.parameters
    assert np.all(parameters.a == parameters.a[0])
    assert parameters.a[0] == pytest.approx(1.011, abs=0.002)
    assert parameters.d == pytest.approx([1.868, 0.791, 1.461, 0.521, 1.993], abs=0.002)
    # One common slope: its error is the same for every item.
    assert result.standard_errors is not None
    assert np.all(result.standard_errors.a == result.standard_errors.a[0])


def test_lsat7_standard_errors_match_mirt_richardson(lsat7_2pl: calibration.Calibration) -> None:
    """Oakes' observed information is the exact Hessian, as is Richardson's numerical one; the
    SEM method's intervals differ by up to 0.015 (item 4's d), so they are not the target."""
    errors = lsat7_2pl.standard_errors
    assert errors is not None
    assert errors.method == "oakes"
    expected_a = [(upper - lower) / (2 * 1.959964) for lower, upper in RICHARDSON_A]
    expected_d = [(upper - lower) / (2 * 1.959964) for lower, upper in RICHARDSON_D]
    assert errors.a == pytest.approx(expected_a, abs=0.002)
    assert errors.d == pytest.approx(expected_d, abs=0.002)
    assert np.all(np.isnan(errors.c))
    # b = -d/a by the delta method: wider than d's error over a for these easy items.
    assert np.all(errors.b > 0)
    assert np.all(np.isfinite(errors.b))


def test_crossprod_errors_for_large_banks_agree_with_the_observed_information(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    responses, _, _ = simulate(2000, 8, seed=11)
    exact = calibrate(responses, ids(8)).standard_errors
    monkeypatch.setattr(calibration, "EXACT_SE_WORK", 0)
    cheap = calibrate(responses, ids(8)).standard_errors
    assert exact is not None
    assert cheap is not None
    assert (exact.method, cheap.method) == ("oakes", "crossprod")
    # Both estimate the same information; the cross-product is noisier.
    assert cheap.a == pytest.approx(exact.a, rel=0.15)
    assert cheap.d == pytest.approx(exact.d, rel=0.15)


def test_standard_errors_are_skipped_when_not_asked() -> None:
    assert calibrate(lsat7(), ITEM_IDS, standard_errors=False).standard_errors is None


def test_quadrature_is_mirts_grid(lsat7_2pl: calibration.Calibration) -> None:
    nodes, weights = lsat7_2pl.quadrature
    assert nodes.size == 61
    assert nodes[0] == -6.0
    assert nodes[-1] == 6.0
    assert weights.sum() == pytest.approx(1.0)
    assert weights[30] == weights.max()


# --- Recovery on simulated data with missing cells ------------------------------------------


def test_2pl_recovers_parameters_with_missing_cells() -> None:
    responses, a, d = simulate(2000, 12, seed=2, missing=0.25)
    result = calibrate(responses, ids(12), standard_errors=False)
    assert result.converged
    assert rmse(result.parameters.a, a) < 0.2
    assert rmse(result.parameters.d, d) < 0.15
    seen = (~np.isnan(responses)).sum(axis=0)
    assert result.responses_per_item.tolist() == seen.tolist()


def test_3pl_recovers_parameters_with_missing_cells() -> None:
    responses, a, d = simulate(3000, 12, seed=1, guessing=0.2, missing=0.25)
    result = calibrate(responses, ids(12), Model.THREE_PL, standard_errors=False)
    parameters = result.parameters
    assert result.converged
    assert np.all((parameters.c > 0) & (parameters.c < 0.5))
    assert rmse(parameters.c, np.full(12, 0.2)) < 0.05
    assert rmse(parameters.a, a) < 0.25
    assert rmse(parameters.d, d) < 0.25


def test_3pl_standard_errors_cover_guessing() -> None:
    responses, _, _ = simulate(1500, 6, seed=4, guessing=0.2)
    errors = calibrate(responses, ids(6), Model.THREE_PL).standard_errors
    assert errors is not None
    assert np.all((errors.c > 0.01) & (errors.c < 0.2))
    assert np.all(np.isfinite(errors.a))


def test_persons_who_saw_nothing_change_nothing() -> None:
    responses, _, _ = simulate(500, 6, seed=3, missing=0.2)
    padded = np.vstack([responses, np.full((40, 6), np.nan)])
    first = calibrate(responses, ids(6), standard_errors=False)
    second = calibrate(padded, ids(6), standard_errors=False)
    assert second.parameters.a == pytest.approx(first.parameters.a, abs=1e-12)
    assert second.log_likelihood == pytest.approx(first.log_likelihood)


def test_acceleration_reaches_the_plain_em_fixed_point() -> None:
    """SQUAREM must not change the answer, only the number of cycles: a tight-tolerance run
    and a loose one land within the loose tolerance's reach of each other."""
    responses, _, _ = simulate(1000, 8, seed=9)
    tight = calibrate(responses, ids(8), tolerance=1e-8, standard_errors=False)
    loose = calibrate(responses, ids(8), tolerance=1e-3, standard_errors=False)
    assert tight.converged
    assert loose.cycles < tight.cycles
    assert loose.parameters.a == pytest.approx(tight.parameters.a, abs=0.01)
    # At the fixed point the marginal score vanishes.
    setup = calibration._Setup(
        calibration._patterns(responses, ~np.isnan(responses)),
        Model.TWO_PL,
        ItemPriors.none(8),
        *_grid(),
    )
    params = np.stack([tight.parameters.a, tight.parameters.d, tight.parameters.c])
    assert np.max(np.abs(calibration._score(setup, params))) < 1e-3


def _grid() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    nodes, weights = normal_grid(61)
    return nodes, np.log(weights)


def test_max_cycles_reports_not_converged() -> None:
    result = calibrate(lsat7(), ITEM_IDS, max_cycles=2, standard_errors=False)
    assert not result.converged
    assert result.cycles == 2


# --- Priors -----------------------------------------------------------------------------------


def test_a_prior_pulls_a_thin_data_item_toward_it() -> None:
    responses, _, _ = simulate(800, 6, seed=5)
    responses[30:, 0] = np.nan  # item q0 seen by 30 learners only
    plain = calibrate(responses, ids(6), priors=ItemPriors.none(6), standard_errors=False)
    base = ItemPriors.none(6)
    d_mean = base.d_mean.copy()
    d_mean[0] = -2.0
    d_sd = base.d_sd.copy()
    d_sd[0] = 0.25
    informed = ItemPriors(d_mean, d_sd, base.log_a_mean, base.log_a_sd, base.c_alpha, base.c_beta)
    pulled = calibrate(responses, ids(6), priors=informed, standard_errors=False)
    before, after = plain.parameters.d[0], pulled.parameters.d[0]
    assert abs(after - (-2.0)) < abs(before - (-2.0)) - 0.5
    # The well-answered items barely move.
    assert pulled.parameters.d[1:] == pytest.approx(plain.parameters.d[1:], abs=0.05)


def test_default_priors_are_none_for_2pl_and_bilog_like_for_3pl() -> None:
    two = ItemPriors.default(4, Model.TWO_PL)
    assert np.all(np.isinf(two.d_sd))
    assert np.all(np.isinf(two.log_a_sd))
    three = ItemPriors.default(4, Model.THREE_PL)
    assert np.all(three.log_a_sd == 0.5)
    mode = (three.c_alpha - 1) / (three.c_alpha + three.c_beta - 2)
    assert mode == pytest.approx(np.full(4, 0.2))


def test_1pl_slope_priors_must_agree() -> None:
    base = ItemPriors.none(5)
    sd = base.log_a_sd.copy()
    sd[2] = 0.5
    priors = ItemPriors(base.d_mean, base.d_sd, base.log_a_mean, sd, base.c_alpha, base.c_beta)
    with pytest.raises(CalibrationError, match="common slope"):
        calibrate(lsat7(), ITEM_IDS, Model.RASCH, priors=priors)


# --- Peers as oracles -------------------------------------------------------------------------


def test_agrees_with_girth_on_complete_data() -> None:
    girth = pytest.importorskip("girth", reason="girth (peer oracle) is not installed")
    responses, _, _ = simulate(1000, 10, seed=5)
    ours = calibrate(responses, ids(10), standard_errors=False).parameters
    theirs = girth.twopl_mml(responses.T.astype(int))
    assert np.max(np.abs(theirs["Discrimination"] - ours.a)) < 0.02
    assert np.max(np.abs(theirs["Difficulty"] - ours.b)) < 0.02


def test_agrees_with_the_mirt_package_with_missing_cells() -> None:
    mirt = pytest.importorskip("mirt", reason="mirt (Python peer oracle) is not installed")
    responses, _, _ = simulate(1000, 10, seed=5, missing=0.2)
    ours = calibrate(responses, ids(10), standard_errors=False).parameters
    # mirt uses 61 Gauss-Hermite nodes rather than the equally spaced grid: small differences.
    fit = mirt.fit_mirt(responses, "2PL", n_quadpts=61, compute_standard_errors=False)
    theirs = fit.model.parameters
    assert np.max(np.abs(theirs["discrimination"] - ours.a)) < 0.02
    assert np.max(np.abs(theirs["difficulty"] - ours.b)) < 0.02


# --- Refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("responses", "item_ids", "message"),
    [
        (np.array([[0.0, 1.0], [1.0, 0.5]]), ["x", "y"], r"row 1, item 'y': 0\.5 is not 0, 1"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), ["x", "y"], r"row 1, item 'x': 2\.0 is not 0, 1"),
        (
            np.array([[0.0, 1.0, np.nan], [1.0, 0.0, np.nan]]),
            ["x", "y", "z"],
            "item 'z' has no responses",
        ),
        (
            np.array([[1.0, 1.0], [1.0, 0.0], [np.nan, 1.0]]),
            ["x", "y"],
            "item 'x': all 2 learners who answered it got it right",
        ),
        (
            np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]]),
            ["x", "y"],
            None,
        ),
        (np.array([[0.0, 0.0], [0.0, 1.0]]), ["x", "y"], "item 'x': all 2 .* got it wrong"),
        (np.array([[0.0], [1.0]]), ["x"], "at least 2 items"),
        (np.array([[0.0, 1.0], [1.0, 0.0]]), ["x", "x"], "item id 'x' appears more than once"),
        (np.array([[0.0, 1.0], [1.0, 0.0]]), ["x", "y", "z"], "2 columns but 3 item ids"),
        (np.array([0.0, 1.0]), ["x", "y"], "persons x items matrix"),
        (np.zeros((0, 2)), ["x", "y"], "no responses"),
        (np.array([["a", "b"], ["c", "d"]]), ["x", "y"], "must be numbers"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    responses: NDArray[np.float64], item_ids: list[str], message: str | None
) -> None:
    if message is None:  # a valid matrix passes
        validate_responses(responses, item_ids)
        return
    with pytest.raises(CalibrationError, match=message):
        validate_responses(responses, item_ids)
    with pytest.raises(CalibrationError, match=message):
        calibrate(responses, item_ids)


def test_further_bad_cells_are_counted() -> None:
    responses = np.array([[0.0, 3.0], [1.0, -1.0], [0.0, 1.0]])
    with pytest.raises(CalibrationError, match=r"row 0, item 'y'.*\(and 1 more bad cell\)"):
        validate_responses(responses, ["x", "y"])


def test_calibration_error_is_a_value_error() -> None:
    assert issubclass(CalibrationError, ValueError)
    with pytest.raises(CalibrationError, match="quadrature_points"):
        calibrate(lsat7(), ITEM_IDS, quadrature_points=2)


def test_log_likelihood_is_a_probability() -> None:
    result = calibrate(lsat7(), ITEM_IDS, Model.THREE_PL, standard_errors=False)
    assert result.log_likelihood < 0
    assert math.isfinite(result.log_likelihood)
    # 3PL with priors is not the ML solution, but it cannot beat the 2PL by much.
    assert result.log_likelihood < -2650


def test_a_miskeyed_item_gets_a_negative_slope_in_the_2pl_and_stays_finite_in_the_3pl() -> None:
    rng = np.random.default_rng(3)
    a = rng.lognormal(0, 0.3, 8)
    a[0] = -1.0  # strong learners tend to miss it
    d = rng.normal(size=8)
    theta = rng.normal(size=2000)
    p = 1 / (1 + np.exp(-(np.outer(theta, a) + d)))
    responses = (rng.random((2000, 8)) < p).astype(np.float64)
    two = calibrate(responses, ids(8), standard_errors=False).parameters
    assert two.a[0] == pytest.approx(-1.0, abs=0.2)
    # The 3PL's slope prior keeps slopes positive: the item degenerates to a flat guessing
    # line (intercept at the limit), but the calibration converges and stays finite.
    three = calibrate(responses, ids(8), Model.THREE_PL, standard_errors=False)
    assert three.converged
    assert np.all(np.isfinite(three.parameters.d))
    assert three.parameters.d[0] == -calibration.PARAMETER_LIMIT
    assert np.all(three.parameters.a > 0)
