"""Rater calibration (many-facet Rasch model): speed against a general-purpose optimiser, and
recovery of simulated severities.

    python benchmarks/rater_calibration.py [--sizes 50,200,1000] [--replications 100] [--seed 7]

Data come from ``pmpath.psychometrics.rater_simulation``: 12 competencies, 6 raters with true
severities evenly spread over [-1, 1] logits, each person rated on every competency by 3 of
the raters drawn at random (36 ratings a person), a 5-level scale.

1. **Speed**, for each number of people: pmpath's ``calibrate_raters`` (checks, Newton fit,
   standard errors, fit statistics and adjusted levels; median of 3 runs) against a reference
   in the same process: the same penalised likelihood, same parameters and start, maximised by
   ``scipy.optimize.minimize`` (L-BFGS-B, analytic gradient, tolerances tight enough to reach
   pmpath's optimum), timed for the fit alone. The ratio is the reference's time over
   pmpath's, and the largest difference between the two sets of severities shows they found
   the same maximum.
2. **Recovery** for each size on one data set (correlation with the truth, largest error,
   RMSE), and over ``--replications`` data sets of the test suite's design (40 people): the
   worst and median correlation, the median, 95th percentile and largest of the largest error,
   how often the severest rater is found, how often the 95% interval (estimate +/- 1.96 SE)
   holds the true severity, and the mean slope of estimated on true severities (the joint
   maximum likelihood stretch).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from pmpath.psychometrics.rater_design import Design, build_design
from pmpath.psychometrics.rater_simulation import SimulatedRatings, simulate_ratings
from pmpath.psychometrics.raters import (
    FACET_PRIOR_SD,
    PERSON_PRIOR_SD,
    RaterCalibration,
    calibrate_raters,
)

Vector = NDArray[np.float64]
SEVERITIES = np.linspace(-1.0, 1.0, 6)
RATERS = [f"r{r}" for r in range(6)]
LEVELS = 5


def simulate(persons: int, seed: int) -> SimulatedRatings:
    return simulate_ratings(persons, 12, SEVERITIES, raters_per_person=3, levels=LEVELS, seed=seed)


def severities(result: RaterCalibration) -> Vector:
    return np.array([result.severity(rater).severity for rater in RATERS])


def reference_fit(design: Design) -> Vector:
    """The same penalised joint likelihood, maximised by L-BFGS-B; returns the severities
    in the design's rater order."""
    n_p, n_c, n_r = len(design.persons), len(design.competencies), len(design.raters)
    n_t = design.levels - 1
    scores = np.arange(n_t + 1.0)
    reached = (design.score[:, None] >= np.arange(1, n_t + 1)).astype(np.float64)
    observed = np.arange(design.score.size), design.score

    def centred(free: Vector) -> Vector:
        return np.append(free, -free.sum())

    def reduced(full: Vector) -> Vector:
        return full[:-1] - full[-1]

    def unpack(x: Vector) -> tuple[Vector, Vector, Vector, Vector]:
        theta = x[:n_p]
        delta = centred(x[n_p : n_p + n_c - 1])
        severity = centred(x[n_p + n_c - 1 : n_p + n_c + n_r - 2])
        tau = centred(x[n_p + n_c + n_r - 2 :])
        return theta, delta, severity, tau

    def negative(x: Vector) -> tuple[float, Vector]:
        theta, delta, severity, tau = unpack(x)
        eta = theta[design.person] - delta[design.competency] - severity[design.rater]
        logits = np.outer(eta, scores) - np.concatenate([[0.0], np.cumsum(tau)])
        top = logits.max(axis=1, keepdims=True)
        log_total = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
        probabilities = np.exp(logits - log_total[:, None])
        log_likelihood = float((logits[observed] - log_total).sum())
        residual = design.score - probabilities @ scores
        at_least = np.cumsum(probabilities[:, ::-1], axis=1)[:, ::-1][:, 1:]
        facets = np.concatenate([delta, severity, tau])
        value = (
            log_likelihood
            - float(theta @ theta) / (2 * PERSON_PRIOR_SD**2)
            - float(facets @ facets) / (2 * FACET_PRIOR_SD**2)
        )
        g_theta = np.bincount(design.person, residual, n_p) - theta / PERSON_PRIOR_SD**2
        g_delta = -np.bincount(design.competency, residual, n_c) - delta / FACET_PRIOR_SD**2
        g_severity = -np.bincount(design.rater, residual, n_r) - severity / FACET_PRIOR_SD**2
        g_tau = (at_least - reached).sum(axis=0) - tau / FACET_PRIOR_SD**2
        gradient = np.concatenate([g_theta, reduced(g_delta), reduced(g_severity), reduced(g_tau)])
        return -value, -gradient

    start = np.zeros(n_p + n_c + n_r + n_t - 3)
    fit = minimize(
        negative,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 10_000, "maxfun": 20_000, "gtol": 1e-7, "ftol": 1e-15},
    )
    return unpack(fit.x)[2]


def timed(action: Callable[[], object], repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def speed(sizes: list[int], seed: int) -> list[str]:
    lines = [
        "people  ratings   pmpath s  reference s  ratio   max |severity difference|   "
        "r      max err  RMSE"
    ]
    for persons in sizes:
        data = simulate(persons, seed)
        ours_seconds, ours = timed(lambda data=data: calibrate_raters(data.ratings, LEVELS), 3)
        assert isinstance(ours, RaterCalibration)
        design = build_design(data.ratings, LEVELS, 2)
        reference_seconds, reference = timed(lambda design=design: reference_fit(design), 1)
        assert isinstance(reference, np.ndarray)
        reference_by_id = dict(zip(design.raters, reference.tolist(), strict=True))
        ours_severities = severities(ours)
        difference = max(
            abs(reference_by_id[rater] - value)
            for rater, value in zip(RATERS, ours_severities, strict=True)
        )
        errors = ours_severities - data.severities
        lines.append(
            f"{persons:6d}  {len(data.ratings):7d}  {ours_seconds:9.3f}  {reference_seconds:11.3f}"
            f"  {reference_seconds / ours_seconds:5.1f}x  {difference:26.1e}   "
            f"{np.corrcoef(ours_severities, data.severities)[0, 1]:.4f}  "
            f"{np.abs(errors).max():.3f}    {np.sqrt(np.mean(errors**2)):.3f}"
        )
    return lines


def recovery(replications: int) -> list[str]:
    correlations, largest, severest, covered, slopes = [], [], [], [], []
    for seed in range(replications):
        data = simulate(40, seed)
        result = calibrate_raters(data.ratings, LEVELS)
        estimated = severities(result)
        ses = np.array([result.severity(rater).se for rater in RATERS])
        errors = estimated - data.severities
        correlations.append(float(np.corrcoef(estimated, data.severities)[0, 1]))
        largest.append(float(np.abs(errors).max()))
        severest.append(int(np.argmax(estimated)) == int(np.argmax(data.severities)))
        covered.extend((np.abs(errors) < 1.96 * ses).tolist())
        slopes.append(float(np.polyfit(data.severities, estimated, 1)[0]))
    return [
        f"recovery over {replications} data sets of 40 people x 12 competencies x 6 raters "
        "(3 a person), 5 levels:",
        f"  correlation with true severities: worst {min(correlations):.3f}, "
        f"median {statistics.median(correlations):.3f}",
        f"  largest error per data set: median {statistics.median(largest):.3f}, "
        f"95th percentile {np.quantile(largest, 0.95):.3f}, worst {max(largest):.3f} logits; "
        f"within 0.25 in {np.mean(np.array(largest) <= 0.25):.0%} of data sets",
        f"  severest rater identified in {np.mean(severest):.0%} of data sets",
        f"  95% intervals (estimate +/- 1.96 SE) holding the true severity: {np.mean(covered):.1%}",
        f"  mean slope of estimated on true severities: {statistics.mean(slopes):.3f}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000")
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for line in [*speed(sizes, args.seed), "", *recovery(args.replications)]:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
