"""Simulated ratings from the many-facet model, for recovery tests and benchmarks.

People's measures are drawn from N(0, 1), competency difficulties from N(0, 0.5^2) (centred),
and the thresholds are spread evenly over [-1.5, 1.5]; every person is rated on every
competency by ``raters_per_person`` raters drawn at random without replacement, which links
every rater to every other through shared people once there are a few dozen people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.rater_design import Rating
from pmpath.psychometrics.raters import category_probabilities

Vector = NDArray[np.float64]


@dataclass(frozen=True)
class SimulatedRatings:
    ratings: tuple[Rating, ...]
    #: The true values, indexed like the ids ``p0..``, ``c0..``, ``r0..``.
    measures: Vector
    difficulties: Vector
    severities: Vector
    thresholds: Vector


def simulate_ratings(
    persons: int,
    competencies: int,
    severities: Sequence[float],
    *,
    raters_per_person: int,
    levels: int,
    seed: int,
) -> SimulatedRatings:
    """Ratings of ``persons`` people (ids ``p0``...) on ``competencies`` competencies
    (``c0``...) by raters ``r0``... whose true severities are ``severities`` (centred here)."""
    rng = np.random.default_rng(seed)
    severity = np.asarray(severities, dtype=np.float64)
    severity = severity - severity.mean()
    difficulty = rng.normal(0.0, 0.5, competencies)
    difficulty -= difficulty.mean()
    thresholds = np.linspace(-1.5, 1.5, levels - 1)
    measures = rng.normal(0.0, 1.0, persons)
    person_ids = np.repeat(np.arange(persons), competencies * raters_per_person)
    competency_ids = np.tile(np.repeat(np.arange(competencies), raters_per_person), persons)
    rater_ids = np.concatenate(
        [
            np.tile(rng.choice(severity.size, raters_per_person, replace=False), competencies)
            for _ in range(persons)
        ]
    )
    eta = measures[person_ids] - difficulty[competency_ids] - severity[rater_ids]
    cumulative = category_probabilities(eta, thresholds).cumsum(axis=1)
    scores = (rng.random(eta.size)[:, None] > cumulative[:, :-1]).sum(axis=1)
    ratings = tuple(
        Rating(f"p{p}", f"c{c}", f"r{r}", s + 1)
        for p, c, r, s in zip(
            person_ids.tolist(),
            competency_ids.tolist(),
            rater_ids.tolist(),
            scores.tolist(),
            strict=True,
        )
    )
    return SimulatedRatings(ratings, measures, difficulty, severity, thresholds)
