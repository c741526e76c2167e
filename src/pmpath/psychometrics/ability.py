"""Person ability estimates given calibrated items: EAP, MAP and ML.

Responses are a persons x items matrix of 0, 1 and NaN (item not seen), in the order of the
``ItemParameters``; every estimator is vectorised over persons.

* **EAP** (expected a posteriori): the posterior mean over the same quadrature grid as the
  calibration (61 equally spaced nodes on mean +/- 6 sd, R mirt's ``fscores`` default); its
  standard error is the posterior standard deviation. Always finite.
* **MAP** (posterior mode, normal prior): Fisher scoring from the EAP; its standard error is
  ``1 / sqrt(test information + 1 / prior_sd^2)`` (expected information, equal to the observed
  for the 1PL and 2PL).
* **ML**: the same without the prior. All-right (all-wrong) patterns have no finite maximum:
  they are reported as +inf (-inf) with an infinite standard error, as mirt does. Estimates
  that run past +/-20 (possible for 3PL patterns whose likelihood keeps rising toward a
  guessing floor) are reported as infinite the same way.

A person who saw no item gets the prior (EAP, MAP) or NaN with an infinite error (ML).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pmpath.psychometrics.irt import ItemParameters, Matrix, Vector, normal_grid, probability

#: ML estimates beyond this are taken to be running off to infinity.
ML_BOUND = 20.0
#: Largest change of an estimate in one Fisher-scoring step.
MAX_STEP = 1.0
ITERATIONS = 100


@dataclass(frozen=True)
class Estimates:
    theta: Vector
    standard_error: Vector


def eap(
    responses: Matrix,
    parameters: ItemParameters,
    *,
    quadrature_points: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> Estimates:
    """Posterior means and standard deviations of ability."""
    values, seen = _checked(responses, parameters)
    nodes, weights = normal_grid(quadrature_points, prior_mean, prior_sd)
    p = probability(nodes, parameters.a, parameters.d, parameters.c)
    log_q = np.log1p(-p)
    joint = np.where(seen, values, 0.0) @ (np.log(p) - log_q).T + seen @ log_q.T
    joint += np.log(weights)
    joint -= joint.max(axis=1, keepdims=True)
    posterior = np.exp(joint)
    posterior /= posterior.sum(axis=1, keepdims=True)
    mean = posterior @ nodes
    variance = posterior @ (nodes * nodes) - mean * mean
    return Estimates(mean, np.sqrt(np.maximum(variance, 0.0)))


def map_estimate(
    responses: Matrix,
    parameters: ItemParameters,
    *,
    quadrature_points: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> Estimates:
    """Posterior modes under a N(prior_mean, prior_sd^2) prior, with their standard errors."""
    start = eap(
        responses,
        parameters,
        quadrature_points=quadrature_points,
        prior_mean=prior_mean,
        prior_sd=prior_sd,
    ).theta
    values, seen = _checked(responses, parameters)
    theta, information = _fisher_scoring(values, seen, parameters, start, prior_mean, prior_sd)
    return Estimates(theta, 1.0 / np.sqrt(information))


def ml_estimate(responses: Matrix, parameters: ItemParameters) -> Estimates:
    """Maximum likelihood abilities; +/-inf for patterns with no finite maximum (see above)."""
    values, seen = _checked(responses, parameters)
    start = eap(values, parameters).theta
    theta, information = _fisher_scoring(values, seen, parameters, start, 0.0, np.inf)
    with np.errstate(divide="ignore"):  # no information (nothing seen): infinite error
        se = 1.0 / np.sqrt(information)
    # Every answer in the direction that raises ability (right on a positive slope, wrong on
    # a negative one): the likelihood only grows with theta. And the mirror image.
    agrees = np.where(seen, (values == 1.0) == (parameters.a > 0), True)
    disagrees = np.where(seen, (values == 1.0) != (parameters.a > 0), True)
    answered = seen.any(axis=1)
    upward = answered & (agrees.all(axis=1) | (theta >= ML_BOUND))
    downward = answered & (disagrees.all(axis=1) | (theta <= -ML_BOUND))
    theta = np.where(upward, np.inf, np.where(downward, -np.inf, theta))
    theta = np.where(answered, theta, np.nan)
    se = np.where(upward | downward | ~answered, np.inf, se)
    return Estimates(theta, se)


def eap_single(
    responses: Vector,
    parameters: ItemParameters,
    *,
    quadrature_points: int = 61,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> tuple[float, float]:
    """EAP and posterior SD for one person's responses (NaN for items not given).

    The fast path for adaptive testing: no validation, only the seen items are touched, and
    the grid is cached. For 1PL/2PL items ``x log P + (1 - x) log Q`` is
    ``-log(1 + exp(-s z))`` with ``s = +1`` for right and ``-1`` for wrong: one exp, one log1p.
    """
    nodes, log_weights = _grid(quadrature_points, prior_mean, prior_sd)
    index = np.flatnonzero(~np.isnan(responses))
    if index.size == 0:
        return prior_mean, prior_sd
    right = responses[index] == 1.0
    a, d, c = parameters.a[index], parameters.d[index], parameters.c[index]
    z = np.multiply.outer(nodes, a)
    z += d
    if np.any(c > 0):
        p = c + (1.0 - c) / (1.0 + np.exp(-z))
        log_likelihood = np.log(np.where(right, p, 1.0 - p)).sum(axis=1)
    else:
        z *= np.where(right, -1.0, 1.0)
        # Clipped so exp cannot overflow; log1p(exp(700)) is 700 to double precision anyway.
        np.minimum(z, 700.0, out=z)
        log_likelihood = -np.log1p(np.exp(z)).sum(axis=1)
    log_likelihood += log_weights
    posterior = np.exp(log_likelihood - log_likelihood.max())
    posterior /= posterior.sum()
    mean = float(posterior @ nodes)
    variance = float(posterior @ (nodes * nodes)) - mean * mean
    return mean, float(np.sqrt(max(variance, 0.0)))


@lru_cache(maxsize=16)
def _grid(points: int, mean: float, sd: float) -> tuple[Vector, Vector]:
    nodes, weights = normal_grid(points, mean, sd)
    return nodes, np.log(weights)


def _checked(responses: Matrix, parameters: ItemParameters) -> tuple[Matrix, Matrix]:
    values = np.asarray(responses, dtype=np.float64)
    if values.ndim == 1:
        values = values[None, :]
    if values.ndim != 2 or values.shape[1] != len(parameters):
        raise ValueError(
            f"responses have shape {values.shape}, expected (persons, {len(parameters)})"
        )
    seen = ~np.isnan(values)
    if np.any(seen & (values != 0.0) & (values != 1.0)):
        raise ValueError("responses must be 0, 1 or NaN (not seen)")
    return values, seen.astype(np.float64)


def _fisher_scoring(
    values: Matrix,
    seen: Matrix,
    parameters: ItemParameters,
    start: Vector,
    prior_mean: float,
    prior_sd: float,
) -> tuple[Vector, Vector]:
    """Maximise each person's log-likelihood (plus a normal log prior) by Fisher scoring,
    all persons at once. Returns the estimates and the information at them."""
    a, d, c = parameters.a, parameters.d, parameters.c
    right = np.where(seen > 0, values, 0.0)
    precision = 0.0 if np.isinf(prior_sd) else 1.0 / prior_sd**2
    theta = np.clip(start, -ML_BOUND, ML_BOUND)
    active = np.ones(theta.size, dtype=bool)
    for _ in range(ITERATIONS):
        gradient, information = _derivatives(right, seen, theta, a, d, c)
        gradient -= (theta - prior_mean) * precision
        information += precision
        step = np.clip(gradient / np.maximum(information, 1e-12), -MAX_STEP, MAX_STEP)
        step = np.where(active, step, 0.0)
        theta = np.clip(theta + step, -ML_BOUND, ML_BOUND)
        active &= np.abs(step) > 1e-9
        if not active.any():
            break
    _, information = _derivatives(right, seen, theta, a, d, c)
    return theta, information + precision


def _derivatives(
    right: Matrix, seen: Matrix, theta: Vector, a: Vector, d: Vector, c: Vector
) -> tuple[Vector, Vector]:
    """Per person: the log-likelihood's derivative in theta and the test information."""
    p = probability(theta, a, d, c)
    # d log L / d theta = a (x - P) (P - c) / (P (1 - c)); information a^2 (Q/P) ((P-c)/(1-c))^2.
    ratio = (p - c) / (1.0 - c)
    gradient = (seen * a * (right - p) * ratio / p).sum(axis=1)
    information = (seen * a * a * (1.0 - p) / p * ratio * ratio).sum(axis=1)
    return gradient, information
