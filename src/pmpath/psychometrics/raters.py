"""Rater calibration: a many-facet Rasch model of ladder ratings (person x competency x rater).

Every rating is a level ``x`` on the ladder's scale 1..K. With ``s = x - 1`` the model (Linacre's
many-facet Rasch model with Andrich's rating-scale thresholds) is

    log P(s) / P(s - 1) = theta_person - delta_competency - severity_rater - tau_s

so a person's chance of each level depends on how strong they are, how demanding the
competency is and how harsh the rater is, on one logit scale. ``tau_1..tau_{K-1}`` are the
steps between neighbouring levels, shared by every rating.

**Identification.** Only differences are identified, so competency difficulties, rater
severities and thresholds each sum to zero. A severity of +0.5 thus means "half a logit harsher
than the average rater of these data", and theta = 0 a person whom an average rater on an
average competency places in the middle of the scale.

**Estimation: penalised joint maximum likelihood.** Every person, competency, rater and
threshold is a parameter, and the log-likelihood plus weak independent normal penalties
(N(0, 3^2) on person measures, N(0, 3^2) on every other parameter) is maximised by Newton's
method. The penalties are what keeps estimates finite for extreme records (a person rated at
the top by everyone, a rater who gives everyone the lowest level, a level nobody used); with
36 ratings a person they move severities by at most 0.01 logit and person measures by at most
0.05 (those near the ends of the scale) against unpenalised estimates. The objective is
strictly concave (the rating-scale model is an exponential family in (theta - delta -
severity, tau)), so Newton with step halving reaches its single maximum. Person measures
enter a block-diagonal Hessian, so each step eliminates them first (a Schur complement) and
solves only for the few competencies, raters and thresholds: a step costs time linear in the
number of ratings.

Joint ML has a known bias (the person measures are noisy stand-ins for the truth, which
stretches the scale a little); its textbook (L-1)/L correction is derived for right/wrong
items and is not applied. With 36 ratings per person (the recovery test's design) severities
come out about 3% too spread (see ``benchmarks/rater_calibration.py``), 0.03 logit for a rater
a whole logit from the average; with only a handful of ratings per person it grows, which the
standard errors do not show.

**Standard errors** come from the inverse of the penalised information matrix, in the
constrained parameters, so a rater's SE includes the uncertainty of everyone else's
estimates. **Fit**: the infit and outfit mean-squares of each rater's (and person's) ratings:
near 1 when ratings scatter as the model expects, above 1.5 when they are erratic, below 0.5
when they are too predictable (the same level for everyone, or halo).

**Adjusted levels.** For every (person, competency) that was rated, the level an average rater
(severity 0) would be expected to give: ``E[x | theta - delta]``, with an interval from the
joint uncertainty of theta and delta (thresholds taken as known); and, beside it, the ratings
actually given with each rater's severity taken out (``corrected``), which keeps what the
raters saw in this one competency where the model's expectation follows the person overall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.rater_design import Design, Rating, build_design

__all__ = [
    "AdjustedLevel",
    "CompetencyDifficulty",
    "ObservedRating",
    "PersonMeasure",
    "RaterCalibration",
    "RaterSeverity",
    "Rating",
    "calibrate_raters",
    "category_probabilities",
    "expected_level",
]

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]

#: Standard deviation of the weak normal penalty on person measures, in logits.
PERSON_PRIOR_SD = 3.0
#: The same for competency difficulties, rater severities and thresholds.
FACET_PRIOR_SD = 3.0
#: Newton stops once no parameter moves by this much (logits).
TOLERANCE = 1e-6
MAX_ITERATIONS = 100
#: No parameter moves further than this in one Newton step: a full step from the flat start
#: can overshoot far out where the curvature is tiny.
MAX_STEP = 2.0
#: Mean-square bounds of productive measurement (Linacre): outside them a rater is flagged.
ERRATIC_MEAN_SQUARE = 1.5
PREDICTABLE_MEAN_SQUARE = 0.5
#: Raters with fewer ratings are flagged: their severity rests on little.
FEW_RATINGS = 10


@dataclass(frozen=True)
class RaterSeverity:
    rater: str
    #: Logits above the average rater; positive rates lower than average for the same people.
    severity: float
    se: float
    infit: float
    outfit: float
    ratings: int
    mean_level: float
    #: ``same_level_every_time``, ``erratic``, ``too_predictable``, ``few_ratings``.
    flags: tuple[str, ...]


@dataclass(frozen=True)
class PersonMeasure:
    person: str
    measure: float
    se: float
    infit: float
    outfit: float
    ratings: int


@dataclass(frozen=True)
class CompetencyDifficulty:
    competency: str
    difficulty: float
    se: float
    ratings: int


class ObservedRating(NamedTuple):
    # A named tuple, not a dataclass: one is built per rating, and it is 5x quicker to make.
    rater: str
    level: int


@dataclass(frozen=True)
class AdjustedLevel:
    """The level an average-severity rater would give, with its interval and what was given.

    ``expected`` is the model's: it follows from the person's measure over *all* competencies
    and this competency's difficulty, so a genuine peak or dip in this one competency is
    smoothed towards the person's overall pattern. ``corrected`` keeps what the raters said
    about this competency and only takes each rater's severity out of their rating.
    """

    person: str
    competency: str
    expected: float
    low: float
    high: float
    #: Mean of the observed ratings, each moved by what its rater's severity cost or gave at
    #: this person and competency (kept within 1..K).
    corrected: float
    observed: tuple[ObservedRating, ...]

    @property
    def observed_mean(self) -> float:
        return sum(r.level for r in self.observed) / len(self.observed)


@dataclass(frozen=True)
class RaterCalibration:
    levels: int
    raters: tuple[RaterSeverity, ...]
    persons: tuple[PersonMeasure, ...]
    competencies: tuple[CompetencyDifficulty, ...]
    #: Andrich thresholds tau_1..tau_{K-1} (level k+1 over level k) and their SEs.
    thresholds: tuple[float, ...]
    threshold_ses: tuple[float, ...]
    #: One per rated (person, competency), in order of first rating.
    adjusted: tuple[AdjustedLevel, ...]
    #: Coverage of the adjusted levels' intervals.
    coverage: float
    iterations: int
    converged: bool

    def severity(self, rater: str) -> RaterSeverity:
        """The calibration of one rater, by id (KeyError for a rater not in the ratings)."""
        for calibrated in self.raters:
            if calibrated.rater == rater:
                return calibrated
        raise KeyError(rater)


def calibrate_raters(
    ratings: Sequence[Rating],
    levels: int,
    *,
    coverage: float = 0.8,
    min_ratings_per_rater: int = 2,
) -> RaterCalibration:
    """Severities, person measures and adjusted levels from ratings on the scale 1..``levels``.

    Raises :class:`pmpath.errors.RaterCalibrationError` for ratings off the scale, a rating
    given twice, a rater with fewer than ``min_ratings_per_rater`` ratings, a single rater,
    raters not linked to the others by people they both rated, or a rater whose severity
    cannot be told apart from a competency's difficulty; the message names them.
    ``coverage`` is the share of the adjusted levels' intervals (0.8: the ladder's level
    ranges use 80% as well).
    """
    if not 0.0 < coverage < 1.0:
        raise ValueError(f"coverage must be between 0 and 1, not {coverage}")
    design = build_design(ratings, levels, max(min_ratings_per_rater, 1))
    model = _Model(design)
    theta, facets, iterations, converged = model.fit()
    return model.summarise(theta, facets, iterations, converged, coverage)


def expected_level(eta: Vector, thresholds: Vector) -> Vector:
    """E[level] on the 1..K scale at ``eta = theta - delta - severity``."""
    return 1.0 + category_probabilities(eta, thresholds) @ np.arange(thresholds.size + 1.0)


def category_probabilities(eta: Vector, thresholds: Vector) -> Matrix:
    """P(level) for each ``eta`` (rows) and level 1..K (columns), given the K - 1 thresholds."""
    scores = np.arange(thresholds.size + 1.0)
    cumulative = np.concatenate([[0.0], np.cumsum(thresholds)])
    logits = np.outer(eta, scores) - cumulative
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    probabilities: Matrix = weights / weights.sum(axis=1, keepdims=True)
    return probabilities


def _sum_to_zero(size: int) -> Matrix:
    """Maps ``size - 1`` free values to ``size`` values summing to zero (the last is minus
    the sum of the others)."""
    block = np.zeros((size, max(size - 1, 0)))
    block[: size - 1] = np.eye(size - 1)
    block[size - 1] = -1.0
    return block


@dataclass(frozen=True)
class _Moments:
    """Per-rating quantities of the model at the current parameters."""

    log_likelihood: float
    expected: Vector  # E[s]
    variance: Vector  # Var(s)
    at_least: Matrix  # P(s >= j), j = 1..K-1
    cov_step: Matrix  # Cov(s, 1[s >= j])


class _Model:
    """The penalised likelihood on one design, its Newton fit and its summary."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.n_p = len(design.persons)
        self.n_c = len(design.competencies)
        self.n_r = len(design.raters)
        self.n_t = design.levels - 1
        blocks = [_sum_to_zero(self.n_c), _sum_to_zero(self.n_r), _sum_to_zero(self.n_t)]
        rows = sum(b.shape[0] for b in blocks)
        # Full facet vector (delta, severity, tau) = expand @ free parameters.
        self.expand = np.zeros((rows, sum(b.shape[1] for b in blocks)))
        row = col = 0
        for block in blocks:
            self.expand[row : row + block.shape[0], col : col + block.shape[1]] = block
            row += block.shape[0]
            col += block.shape[1]
        self.steps = np.arange(1, self.n_t + 1)
        self.reached = (design.score[:, None] >= self.steps).astype(np.float64)

    def split(self, facets: Vector) -> tuple[Vector, Vector, Vector]:
        full = self.expand @ facets
        return full[: self.n_c], full[self.n_c : self.n_c + self.n_r], full[self.n_c + self.n_r :]

    def eta(self, theta: Vector, facets: Vector) -> Vector:
        delta, severity, _ = self.split(facets)
        d = self.design
        eta: Vector = theta[d.person] - delta[d.competency] - severity[d.rater]
        return eta

    def moments(self, theta: Vector, facets: Vector) -> _Moments:
        probabilities = category_probabilities(self.eta(theta, facets), self.split(facets)[2])
        scores = np.arange(self.n_t + 1.0)
        expected = probabilities @ scores
        variance = probabilities @ scores**2 - expected**2
        tail = np.cumsum(probabilities[:, ::-1], axis=1)[:, ::-1]
        weighted_tail = np.cumsum((probabilities * scores)[:, ::-1], axis=1)[:, ::-1]
        at_least = tail[:, 1:]
        cov_step = weighted_tail[:, 1:] - expected[:, None] * at_least
        rated = probabilities[np.arange(self.design.score.size), self.design.score]
        return _Moments(
            float(np.log(np.maximum(rated, 1e-300)).sum()),
            expected,
            variance,
            at_least,
            cov_step,
        )

    def objective(self, theta: Vector, facets: Vector, moments: _Moments) -> float:
        full = self.expand @ facets
        return (
            moments.log_likelihood
            - float(theta @ theta) / (2 * PERSON_PRIOR_SD**2)
            - float(full @ full) / (2 * FACET_PRIOR_SD**2)
        )

    def _sums(self, index: NDArray[np.intp], values: Vector, size: int) -> Vector:
        return np.asarray(np.bincount(index, weights=values, minlength=size), dtype=np.float64)

    def derivatives(
        self, theta: Vector, facets: Vector, m: _Moments
    ) -> tuple[Vector, Vector, Vector, Matrix, Matrix]:
        """Gradient and information (negative Hessian) of the penalised objective.

        Returns the person gradient and information diagonal, the free facet gradient, the
        person x free facet information block and the free facet information matrix.
        """
        d = self.design
        n_p, n_c, n_r, n_t = self.n_p, self.n_c, self.n_r, self.n_t
        residual = d.score - m.expected
        w = m.variance
        full = self.expand @ facets
        grad_theta = self._sums(d.person, residual, n_p) - theta / PERSON_PRIOR_SD**2
        info_theta = self._sums(d.person, w, n_p) + 1.0 / PERSON_PRIOR_SD**2
        grad_full = (
            np.concatenate(
                [
                    -self._sums(d.competency, residual, n_c),
                    -self._sums(d.rater, residual, n_r),
                    (m.at_least - self.reached).sum(axis=0),
                ]
            )
            - full / FACET_PRIOR_SD**2
        )

        info_full = np.eye(full.size) / FACET_PRIOR_SD**2
        c0, r0, t0 = 0, n_c, n_c + n_r
        info_full[c0:r0, c0:r0] += np.diag(self._sums(d.competency, w, n_c))
        info_full[r0:t0, r0:t0] += np.diag(self._sums(d.rater, w, n_r))
        cross = self._sums(d.competency * n_r + d.rater, w, n_c * n_r).reshape(n_c, n_r)
        info_full[c0:r0, r0:t0] += cross
        info_full[r0:t0, c0:r0] += cross.T
        step_c = np.stack([self._sums(d.competency, m.cov_step[:, j], n_c) for j in range(n_t)], 1)
        step_r = np.stack([self._sums(d.rater, m.cov_step[:, j], n_r) for j in range(n_t)], 1)
        info_full[c0:r0, t0:] += step_c
        info_full[t0:, c0:r0] += step_c.T
        info_full[r0:t0, t0:] += step_r
        info_full[t0:, r0:t0] += step_r.T
        tail_sums = m.at_least.sum(axis=0)
        later = np.maximum.outer(np.arange(n_t), np.arange(n_t))
        info_full[t0:, t0:] += tail_sums[later] - m.at_least.T @ m.at_least

        person_full = np.zeros((n_p, full.size))
        person_full[:, c0:r0] = -self._sums(d.person * n_c + d.competency, w, n_p * n_c).reshape(
            n_p, n_c
        )
        person_full[:, r0:t0] = -self._sums(d.person * n_r + d.rater, w, n_p * n_r).reshape(
            n_p, n_r
        )
        for j in range(n_t):
            person_full[:, t0 + j] = -self._sums(d.person, m.cov_step[:, j], n_p)
        return (
            grad_theta,
            info_theta,
            self.expand.T @ grad_full,
            person_full @ self.expand,
            self.expand.T @ info_full @ self.expand,
        )

    def start(self) -> tuple[Vector, Vector]:
        """Persons and facets at zero; thresholds from how often each level was used."""
        counts = np.bincount(self.design.score, minlength=self.n_t + 1) + 0.5
        tau = np.log(counts[:-1] / counts[1:])
        tau -= tau.mean()
        facets = np.zeros(self.expand.shape[1])
        if self.n_t > 1:
            facets[-(self.n_t - 1) :] = tau[:-1]
        return np.zeros(self.n_p), facets

    def fit(self) -> tuple[Vector, Vector, int, bool]:
        theta, facets = self.start()
        moments = self.moments(theta, facets)
        value = self.objective(theta, facets, moments)
        for iteration in range(1, MAX_ITERATIONS + 1):
            g_theta, i_theta, g_facets, cross, i_facets = self.derivatives(theta, facets, moments)
            scaled = cross / i_theta[:, None]
            schur = i_facets - cross.T @ scaled
            # Never empty: there are at least two raters, so one free severity.
            d_facets = np.linalg.solve(schur, g_facets - scaled.T @ g_theta)
            d_theta = (g_theta - cross @ d_facets) / i_theta
            largest = max(float(np.abs(d_theta).max()), float(np.abs(d_facets).max()))
            step = min(1.0, MAX_STEP / largest) if largest > 0 else 1.0
            while True:
                new_theta, new_facets = theta + step * d_theta, facets + step * d_facets
                new_moments = self.moments(new_theta, new_facets)
                new_value = self.objective(new_theta, new_facets, new_moments)
                # Concave: the Newton direction climbs, so halving ends; the slack absorbs
                # rounding once the climb is below what floating point can see.
                if new_value >= value - 1e-9 * (1.0 + abs(value)) or step < 1e-8:
                    break
                step /= 2.0
            theta, facets, moments, value = new_theta, new_facets, new_moments, new_value
            if step * largest < TOLERANCE:
                return theta, facets, iteration, True
        return theta, facets, MAX_ITERATIONS, False

    def summarise(
        self, theta: Vector, facets: Vector, iterations: int, converged: bool, coverage: float
    ) -> RaterCalibration:
        d = self.design
        moments = self.moments(theta, facets)
        _, i_theta, _, cross, i_facets = self.derivatives(theta, facets, moments)
        scaled = cross / i_theta[:, None]
        schur = i_facets - cross.T @ scaled
        cov_free = np.asarray(np.linalg.inv(schur), dtype=np.float64)
        cov_full = self.expand @ cov_free @ self.expand.T
        facet_se = np.sqrt(np.maximum(np.diag(cov_full), 0.0))
        theta_var = 1.0 / i_theta + np.einsum("ij,jk,ik->i", scaled, cov_free, scaled)
        # Cov(theta_p, full facets) = -scaled @ cov_free @ expand.T; only deltas are needed.
        theta_delta = -(scaled @ cov_free @ self.expand[: self.n_c].T)
        delta, severity, tau = self.split(facets)
        n_c, n_r = self.n_c, self.n_r

        residual = d.score - moments.expected
        variance = np.maximum(moments.variance, 1e-12)
        squared_z = residual**2 / variance

        def mean_squares(index: NDArray[np.intp], size: int) -> tuple[Vector, Vector]:
            counts = np.bincount(index, minlength=size)
            infit = self._sums(index, residual**2, size) / self._sums(index, variance, size)
            outfit = self._sums(index, squared_z, size) / counts
            return infit, outfit

        rater_infit, rater_outfit = mean_squares(d.rater, n_r)
        person_infit, person_outfit = mean_squares(d.person, self.n_p)
        rater_counts = np.bincount(d.rater, minlength=n_r)
        levels_by_rater = [d.score[d.rater == r] + 1 for r in range(n_r)]
        raters = tuple(
            RaterSeverity(
                rater=name,
                severity=float(severity[r]),
                se=float(facet_se[n_c + r]),
                infit=float(rater_infit[r]),
                outfit=float(rater_outfit[r]),
                ratings=int(rater_counts[r]),
                mean_level=float(levels_by_rater[r].mean()),
                flags=_rater_flags(
                    levels_by_rater[r], float(rater_infit[r]), float(rater_outfit[r])
                ),
            )
            for r, name in enumerate(d.raters)
        )
        person_counts = np.bincount(d.person, minlength=self.n_p)
        persons = tuple(
            PersonMeasure(
                person=name,
                measure=float(theta[p]),
                se=float(math.sqrt(theta_var[p])),
                infit=float(person_infit[p]),
                outfit=float(person_outfit[p]),
                ratings=int(person_counts[p]),
            )
            for p, name in enumerate(d.persons)
        )
        competency_counts = np.bincount(d.competency, minlength=n_c)
        competencies = tuple(
            CompetencyDifficulty(
                name, float(delta[c]), float(facet_se[c]), int(competency_counts[c])
            )
            for c, name in enumerate(d.competencies)
        )
        adjusted = self._adjusted(
            theta, delta, severity, tau, theta_var, cov_full, theta_delta, coverage
        )
        return RaterCalibration(
            levels=d.levels,
            raters=raters,
            persons=persons,
            competencies=competencies,
            thresholds=tuple(float(t) for t in tau),
            threshold_ses=tuple(float(s) for s in facet_se[n_c + n_r :]),
            adjusted=adjusted,
            coverage=coverage,
            iterations=iterations,
            converged=converged,
        )

    def _adjusted(
        self,
        theta: Vector,
        delta: Vector,
        severity: Vector,
        tau: Vector,
        theta_var: Vector,
        cov_full: Matrix,
        theta_delta: Matrix,
        coverage: float,
    ) -> tuple[AdjustedLevel, ...]:
        d = self.design
        # Pairs numbered in order of their first rating; ratings grouped by pair, in order.
        _, first, inverse = np.unique(
            d.person * self.n_c + d.competency, return_index=True, return_inverse=True
        )
        appearance = np.argsort(first, kind="stable")
        rank = np.empty_like(appearance)
        rank[appearance] = np.arange(appearance.size)
        which = rank[inverse]
        order = np.argsort(which, kind="stable")
        ends = np.cumsum(np.bincount(which)).tolist()
        names = [d.raters[r] for r in d.rater[order].tolist()]
        levels = (d.score[order] + 1).tolist()
        observed = [
            tuple(map(ObservedRating, names[start:end], levels[start:end]))
            for start, end in zip([0, *ends[:-1]], ends, strict=True)
        ]
        p, c = d.person[first[appearance]], d.competency[first[appearance]]
        eta = theta[p] - delta[c]
        delta_var = np.diag(cov_full)[: self.n_c]
        sd = np.sqrt(np.maximum(theta_var[p] + delta_var[c] - 2.0 * theta_delta[p, c], 0.0))
        z = NormalDist().inv_cdf(0.5 + coverage / 2.0)
        expected = expected_level(eta, tau)
        low = expected_level(eta - z * sd, tau)
        high = expected_level(eta + z * sd, tau)
        # Each rating plus what an average rater would give beyond this rater, for this person
        # and competency; averaged per pair in the same order as ``observed``.
        at_rating = theta[d.person] - delta[d.competency]
        shifted = (
            d.score
            + 1.0
            + expected_level(at_rating, tau)
            - expected_level(at_rating - severity[d.rater], tau)
        )
        corrected = np.clip(
            np.bincount(which, shifted, len(observed))
            / np.bincount(which, minlength=len(observed)),
            1.0,
            float(d.levels),
        )
        return tuple(
            AdjustedLevel(
                person=d.persons[person],
                competency=d.competencies[competency],
                expected=mean,
                low=bottom,
                high=top,
                corrected=fair,
                observed=given,
            )
            for person, competency, given, mean, bottom, top, fair in zip(
                p.tolist(),
                c.tolist(),
                observed,
                expected.tolist(),
                low.tolist(),
                high.tolist(),
                corrected.tolist(),
                strict=True,
            )
        )


def _rater_flags(levels: NDArray[np.intp], infit: float, outfit: float) -> tuple[str, ...]:
    flags = []
    if levels.min() == levels.max():
        flags.append("same_level_every_time")
    if infit > ERRATIC_MEAN_SQUARE or outfit > ERRATIC_MEAN_SQUARE:
        flags.append("erratic")
    if infit < PREDICTABLE_MEAN_SQUARE:
        flags.append("too_predictable")
    if levels.size < FEW_RATINGS:
        flags.append("few_ratings")
    return tuple(flags)
