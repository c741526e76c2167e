"""Exam readiness: the chance of passing a blueprint's mock exam at an ability estimate.

A mock exam draws ``n`` items from the blueprint's pool, domain by domain. At ability
``theta`` the expected share of credit is the weighted mean of the items' chances,

    E(theta) = sum_j w_j P_j(theta)       (w_j: the item's domain weight / the domain's size)

and the score on one random form scatters around it with a variance of about
``E (1 - E) / n`` (each item a draw from the pool). So, at a known theta,

    P(pass | theta) = 1 - Phi((pass_mark - E(theta)) / sqrt(E (1 - E) / n)).

The learner's theta is known only as an estimate with a standard error, so the reported
probability averages ``P(pass | theta)`` over N(estimate, SE^2); its interval is
``P(pass | theta)`` at the ends of the estimate's 95% interval. The expected score comes with
the same interval. Partial credit is treated as its chance of full credit, so the figures are
a little pessimistic for items that give partial credit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pmpath.psychometrics.irt import (
    ItemParameters,
    Vector,
    normal_cdf,
    normal_grid,
    probability,
)

Z95 = 1.959964


@dataclass(frozen=True)
class Readiness:
    probability: float  # of passing, averaged over the estimate's uncertainty
    probability_low: float  # at the low end of the 95% interval of theta
    probability_high: float
    expected_percent: float
    expected_percent_low: float
    expected_percent_high: float
    cut_theta: float  # the ability at which the expected score equals the pass mark


def expected_percent(theta: Vector, parameters: ItemParameters, weights: Vector) -> Vector:
    """Expected percent of credit on a random form, at each ability in ``theta``."""
    chances = probability(theta, parameters.a, parameters.d, parameters.c)
    return np.asarray(100.0 * (chances @ weights), dtype=np.float64)


def pass_given_theta(
    theta: Vector, parameters: ItemParameters, weights: Vector, form_length: int, pass_mark: float
) -> Vector:
    share = expected_percent(theta, parameters, weights) / 100.0
    spread = np.sqrt(np.maximum(share * (1.0 - share), 1e-12) / form_length)
    return np.asarray(1.0 - normal_cdf((pass_mark / 100.0 - share) / spread), dtype=np.float64)


def readiness(
    theta: float,
    se: float,
    parameters: ItemParameters,
    weights: Vector,
    form_length: int,
    pass_mark: float,
) -> Readiness:
    """Readiness for an exam of ``form_length`` items from ``parameters`` (weights sum to 1)."""
    nodes, node_weights = normal_grid(61, theta, se)
    passing = pass_given_theta(nodes, parameters, weights, form_length, pass_mark)
    ends = np.array([theta - Z95 * se, theta, theta + Z95 * se])
    at_ends = pass_given_theta(ends, parameters, weights, form_length, pass_mark)
    percent = expected_percent(ends, parameters, weights)
    return Readiness(
        probability=float(passing @ node_weights),
        probability_low=float(at_ends[0]),
        probability_high=float(at_ends[2]),
        expected_percent=float(percent[1]),
        expected_percent_low=float(percent[0]),
        expected_percent_high=float(percent[2]),
        cut_theta=cut_theta(parameters, weights, pass_mark),
    )


def cut_theta(parameters: ItemParameters, weights: Vector, pass_mark: float) -> float:
    """Where the expected score crosses the pass mark (bisection: the curve is increasing
    for items with positive slopes; +/-inf when the mark is out of the curve's reach)."""
    low, high = -8.0, 8.0
    ends = expected_percent(np.array([low, high]), parameters, weights)
    if pass_mark <= ends[0]:
        return -math.inf
    if pass_mark >= ends[1]:
        return math.inf
    for _ in range(60):
        middle = (low + high) / 2
        if expected_percent(np.array([middle]), parameters, weights)[0] < pass_mark:
            low = middle
        else:
            high = middle
    return (low + high) / 2
