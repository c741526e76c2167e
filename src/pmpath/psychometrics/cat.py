"""Computerised adaptive testing (CAT) on calibrated items.

One adaptive step is: update the ability estimate with the last answer, check the stop rules,
pick the next item. The engine takes plain data (:class:`~pmpath.psychometrics.irt.ItemParameters`,
one domain id per item, target domain proportions) so it does not depend on the exam engine.

**Ability.** Expected a posteriori (EAP) on a fixed grid (61 points on [-6, 6] by default) with a
N(0, 1) prior. The log-posterior on the grid is kept and each answer adds that item's
log-likelihood column, O(grid) per step, so an update costs microseconds however long the test.
The reported SE is the posterior standard deviation. With a grid step of 0.2 the rectangle rule
is far more accurate than needed for posteriors wider than about 0.1 (the error of the rule on a
Gaussian of width s falls like exp(-2 pi^2 s^2 / h^2)). Each domain also keeps its own posterior
(prior plus that domain's answers only), for placement per domain.

**Selection.** Maximum Fisher information at the current estimate among the items still
available, computed exactly at theta with numpy over the whole bank (or one domain's slice of it:
items are stored sorted by domain). Exposure control:

* *randomesque* (Kingsbury & Zara 1989): choose at random among the ``k`` most informative;
* *Sympson-Hetter* (1985): an item chosen for administration is given only with probability
  ``K_i``; if refused it is set aside for the rest of that test. Each item meets that lottery at
  most once per test, so the lottery is drawn up front from the test's seed, one uniform per item:
  the same distribution as drawing it on demand, and the state needs nothing but the seed.
  :func:`calibrate_sympson_hetter` finds the ``K_i`` by simulation.

Content balancing (Kingsbury & Zara's constrained CAT): the next item comes from the domain
furthest below its target share, that is the largest ``(n + 1) * target - given`` after ``n``
items; that rule keeps every domain's count within one item of its target share all along.

**Stopping** (:class:`StopReason`): the maximum length; once past the minimum length, a confident
classification against a cut (the interval ``theta +- z * SE``, the normal approximation of the
95% credible interval by default, excludes the cut) or the SE at or below its target; or no item
left to give. :func:`theta_for_percent_correct` turns a pass mark in percent into a theta cut
through the test characteristic curve of the form's items.

**State.** A test is a seed plus the ids answered and the 0/1 responses, in order
(:meth:`AdaptiveTest.to_dict`); every random choice comes from the seed (randomesque picks by
step number, the Sympson-Hetter lottery by item), so a test rebuilt from the dict picks the same
next item.

**Simulation.** :func:`simulate` runs many simulees whose responses are drawn from the model at
their true ability, and reports mean length, RMSE and bias of theta, item exposure and the share
of each stop reason; tests and benchmarks use it on simulated 2PL banks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist
from typing import TypedDict

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.irt import EPSILON, ItemParameters, Vector, probability

IntVector = NDArray[np.intp]


class StopReason(StrEnum):
    PRECISION = "precision"  # the SE reached its target
    MAX_LENGTH = "max-length"
    CLASSIFIED = "classified"  # the interval around theta excludes the cut
    EXHAUSTED = "exhausted"  # no item left that may be given


@dataclass(frozen=True)
class CatConfig:
    """How a test runs; every field has a usable default.

    ``content`` maps domain ids to target weights (normalised here; a blueprint's ``domains`` can
    be passed as is); None means no content balancing. ``cut`` is on the theta scale (see
    :func:`theta_for_percent_correct`); None means no classification stop.
    """

    se_target: float = 0.3
    min_items: int = 5
    max_items: int = 40
    cut: float | None = None
    confidence: float = 0.95
    randomesque: int = 1
    content: Mapping[str, float] | None = None
    grid_points: int = 61
    grid_bound: float = 6.0
    prior_mean: float = 0.0
    prior_sd: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= self.min_items <= self.max_items:
            raise ValueError("need 1 <= min_items <= max_items")
        if self.randomesque < 1:
            raise ValueError("randomesque must be at least 1")
        if not 0 < self.confidence < 1:
            raise ValueError("confidence must be between 0 and 1")
        if self.content is not None and (
            not self.content or any(w < 0 for w in self.content.values())
        ):
            raise ValueError("content weights must be non-negative and not empty")


@dataclass(frozen=True)
class Estimate:
    theta: float
    se: float
    items: int


class CatState(TypedDict):
    """A test as stored between requests: plain ids and 0/1 responses."""

    seed: int
    items: list[str]
    responses: list[int]


class ItemPool:
    """A bank prepared for adaptive testing: parameter arrays sorted by domain, built once.

    ``exposure`` holds Sympson-Hetter parameters ``K_i`` in the order of ``parameters`` (None:
    every item may be given whenever it is chosen).
    """

    def __init__(
        self,
        parameters: ItemParameters,
        domains: Sequence[str],
        exposure: Vector | None = None,
    ) -> None:
        if len(domains) != len(parameters):
            raise ValueError("need one domain per item")
        if exposure is not None and exposure.shape != (len(parameters),):
            raise ValueError("need one exposure parameter per item")
        self.parameters = parameters
        self.domain_names: tuple[str, ...] = tuple(sorted(set(domains)))
        code_of = {name: code for code, name in enumerate(self.domain_names)}
        codes = np.array([code_of[d] for d in domains], dtype=np.intp)
        # Sorted by domain so that one domain's items are a slice: no masking of the rest.
        self.order: IntVector = np.argsort(codes, kind="stable")
        self.ids: tuple[str, ...] = tuple(parameters.ids[i] for i in self.order)
        self.index_of = {item_id: i for i, item_id in enumerate(self.ids)}
        if len(self.index_of) != len(self.ids):
            raise ValueError("item ids must be unique")
        self.domain: IntVector = codes[self.order]
        bounds = np.searchsorted(self.domain, np.arange(len(self.domain_names) + 1))
        self.slices: tuple[tuple[int, int], ...] = tuple(
            (int(bounds[k]), int(bounds[k + 1])) for k in range(len(self.domain_names))
        )
        self.a: Vector = parameters.a[self.order].astype(np.float64)
        self.d: Vector = parameters.d[self.order].astype(np.float64)
        self.a2: Vector = self.a * self.a
        c = parameters.c[self.order].astype(np.float64)
        # Without guessing the 2PL formulas are cheaper; None marks that case.
        self.c: Vector | None = c if np.any(c != 0) else None
        self.exposure: Vector | None = None if exposure is None else exposure[self.order]

    def __len__(self) -> int:
        return len(self.ids)

    def information(self, theta: float, lo: int = 0, hi: int | None = None) -> Vector:
        """Fisher information at ``theta`` of the items ``lo:hi`` (internal order)."""
        a, d, a2 = self.a[lo:hi], self.d[lo:hi], self.a2[lo:hi]
        z = a * theta
        z += d
        if self.c is None:
            # P Q = e / (1 + e)^2 with e = exp(-|z|): one exp, no overflow, no clipping.
            np.abs(z, out=z)
            np.negative(z, out=z)
            e = np.exp(z, out=z)
            denominator = e + 1.0
            denominator *= denominator
            e *= a2
            e /= denominator
            return e
        p = np.exp(-z)
        p += 1.0
        np.reciprocal(p, out=p)
        c = self.c[lo:hi]
        p = np.clip(c + (1.0 - c) * p, EPSILON, 1.0 - EPSILON)
        information: Vector = a2 * ((1.0 - p) / p) * ((p - c) / (1.0 - c)) ** 2
        return information

    def probability(self, theta: Vector, index: int) -> Vector:
        """Chance of a right answer to item ``index`` at each ability in ``theta``."""
        p: Vector = 1.0 / (1.0 + np.exp(-(self.a[index] * theta + self.d[index])))
        if self.c is not None:
            c = self.c[index]
            p = c + (1.0 - c) * p
        # As irt.probability clips; two ufuncs cost less than np.clip's wrapper on a short grid.
        np.maximum(p, EPSILON, out=p)
        np.minimum(p, 1.0 - EPSILON, out=p)
        return p


def _grid(config: CatConfig) -> tuple[Vector, Vector]:
    grid = np.linspace(-config.grid_bound, config.grid_bound, config.grid_points)
    log_prior = -0.5 * ((grid - config.prior_mean) / config.prior_sd) ** 2
    return grid, log_prior


def _eap(grid: Vector, log_posterior: Vector) -> tuple[float, float]:
    """Posterior mean and standard deviation from an unnormalised log-posterior on ``grid``."""
    w = np.exp(log_posterior - log_posterior.max())
    total = w.sum()
    mean = float(w @ grid / total)
    centred = grid - mean
    return mean, math.sqrt(float(w @ (centred * centred) / total))


class AdaptiveTest:
    """One examinee's adaptive test; see the module docstring for the method.

    The same pool, config and seed must be used to rebuild a stored test: the random draws
    (randomesque picks, one per possible step; then the Sympson-Hetter lottery) come from them.

    Use :meth:`next_item` (None once a stop rule fires), :meth:`answer`, :attr:`estimate`,
    :meth:`stop_reason`, :meth:`domain_estimates`; :meth:`to_dict` / :meth:`from_dict` to store.
    """

    def __init__(self, pool: ItemPool, config: CatConfig | None = None, seed: int = 0) -> None:
        self.pool = pool
        self.config = config if config is not None else CatConfig()
        self.seed = seed
        self._grid, log_prior = _grid(self.config)
        self._log_posterior = log_prior.copy()
        n_domains = len(pool.domain_names)
        self._domain_log_posterior = np.tile(log_prior, (n_domains, 1))
        self._theta, self._se = _eap(self._grid, self._log_posterior)
        self._given: list[int] = []
        self._responses: list[int] = []
        self._given_per_domain = np.zeros(n_domains, dtype=np.intp)

        rng = np.random.default_rng(seed)
        # One uniform per step for the randomesque pick; drawn whether used or not, so the
        # Sympson-Hetter lottery after it does not depend on the randomesque setting.
        self._picks = rng.random(self.config.max_items)
        self._used = np.zeros(len(pool), dtype=bool)
        # Given, or refused by the Sympson-Hetter lottery: never chosen.
        self._unavailable = np.zeros(len(pool), dtype=bool)
        if pool.exposure is not None:
            self._unavailable |= rng.random(len(pool)) >= pool.exposure
        self._available_per_domain = np.bincount(
            pool.domain[~self._unavailable], minlength=n_domains
        )
        self._targets = self._content_targets()
        # Two-sided normal quantile of the classification interval (1.96 for 95%).
        self._z = NormalDist().inv_cdf(0.5 + self.config.confidence / 2)

    def _content_targets(self) -> Vector | None:
        content = self.config.content
        if content is None:
            return None
        weights = np.array([content.get(name, 0.0) for name in self.pool.domain_names])
        total = weights.sum()
        if total <= 0:
            raise ValueError("no content weight on any domain of the pool")
        return np.asarray(weights / total, dtype=np.float64)

    # -- state ---------------------------------------------------------------------------------

    @property
    def estimate(self) -> Estimate:
        return Estimate(self._theta, self._se, len(self._given))

    @property
    def items(self) -> list[str]:
        return [self.pool.ids[i] for i in self._given]

    @property
    def indices(self) -> list[int]:
        """Internal pool indices of the items given, in order."""
        return list(self._given)

    @property
    def responses(self) -> list[int]:
        return list(self._responses)

    def to_dict(self) -> CatState:
        return {"seed": self.seed, "items": self.items, "responses": self.responses}

    @classmethod
    def from_dict(
        cls, pool: ItemPool, state: Mapping[str, object], config: CatConfig | None = None
    ) -> AdaptiveTest:
        """Rebuild a test from :meth:`to_dict`'s output by replaying its answers."""
        seed, items, responses = state["seed"], state["items"], state["responses"]
        if not isinstance(seed, int) or not isinstance(items, list):
            raise ValueError("state needs an int seed and a list of item ids")
        if not isinstance(responses, list) or len(responses) != len(items):
            raise ValueError("state needs one response per item")
        test = cls(pool, config, seed)
        for item_id, response in zip(items, responses, strict=True):
            test.answer(str(item_id), response)
        return test

    # -- answers and estimates -----------------------------------------------------------------

    def answer(self, item_id: str, correct: bool | int) -> Estimate:
        """Record an answer (1/True right, 0/False wrong) and return the updated estimate."""
        index = self.pool.index_of.get(item_id)
        if index is None:
            raise KeyError(f"unknown item {item_id!r}")
        if correct not in (0, 1):
            raise ValueError(f"responses are 0 or 1, not {correct!r}")
        self.record(index, int(correct))
        return self.estimate

    def record(self, index: int, correct: int) -> None:
        """:meth:`answer` by internal pool index, without the id lookup or response check: the
        simulation's fast path."""
        if self._used[index]:
            raise ValueError(f"item {self.pool.ids[index]!r} was already given")
        p = self.pool.probability(self._grid, index)
        column = np.log(p) if correct else np.log1p(-p)
        self._log_posterior += column
        domain = self.pool.domain[index]
        self._domain_log_posterior[domain] += column
        self._theta, self._se = _eap(self._grid, self._log_posterior)
        self._given.append(index)
        self._responses.append(correct)
        self._given_per_domain[domain] += 1
        if not self._unavailable[index]:
            self._available_per_domain[domain] -= 1
        self._unavailable[index] = True
        self._used[index] = True

    def domain_estimates(self) -> dict[str, Estimate]:
        """Each domain's EAP from its own answers only (prior alone for domains not yet seen)."""
        result = {}
        for code, name in enumerate(self.pool.domain_names):
            theta, se = _eap(self._grid, self._domain_log_posterior[code])
            result[name] = Estimate(theta, se, int(self._given_per_domain[code]))
        return result

    # -- stopping ------------------------------------------------------------------------------

    def stop_reason(self) -> StopReason | None:
        """Why the test should stop now, or None to go on."""
        config, given = self.config, len(self._given)
        if given >= config.max_items:
            return StopReason.MAX_LENGTH
        if given >= config.min_items:
            if config.cut is not None and self._classified(config.cut):
                return StopReason.CLASSIFIED
            if self._se <= config.se_target:
                return StopReason.PRECISION
        if not self._available_per_domain.any():
            return StopReason.EXHAUSTED
        return None

    def _classified(self, cut: float) -> bool:
        return abs(self._theta - cut) > self._z * self._se

    # -- selection -----------------------------------------------------------------------------

    def next_item(self) -> str | None:
        """The id of the item to give next, or None if the test should stop."""
        if self.stop_reason() is not None:
            return None
        index = self.select()
        return None if index is None else self.pool.ids[index]

    def select(self) -> int | None:
        """Internal index of the next item by the selection rule, ignoring the stop rules."""
        lo, hi = self._candidate_range()
        if lo == hi:
            return None
        information = self.pool.information(self._theta, lo, hi)
        unavailable = self._unavailable[lo:hi]
        information[unavailable] = -np.inf
        available = len(information) - int(np.count_nonzero(unavailable))
        if available == 0:
            return None
        k = min(self.config.randomesque, available)
        if k == 1:
            return lo + int(np.argmax(information))
        top = np.argpartition(information, -k)[-k:]
        # Most informative first, ties by index, so the pick depends only on the values.
        top = top[np.lexsort((top, -information[top]))]
        step = min(len(self._given), len(self._picks) - 1)
        return lo + int(top[int(self._picks[step] * k)])

    def _candidate_range(self) -> tuple[int, int]:
        """The whole pool, or the slice of the domain furthest below its target share."""
        if self._targets is None:
            return 0, len(self.pool)
        open_domains = self._available_per_domain > 0
        if not open_domains.any():
            return 0, 0
        deficit = (len(self._given) + 1) * self._targets - self._given_per_domain
        deficit[~open_domains] = -np.inf
        return self.pool.slices[int(np.argmax(deficit))]


# -- cut scores ----------------------------------------------------------------------------------


def theta_for_percent_correct(percent: float, parameters: ItemParameters) -> float:
    """The ability whose expected score on ``parameters``' items is ``percent`` of the maximum.

    Solves mean P_i(theta) = percent / 100 on the test characteristic curve with Brent's method;
    this maps a blueprint's pass mark onto the theta scale for a classification stop.
    """
    target = percent / 100.0

    def excess(theta: float) -> float:
        p = probability(np.array([theta]), parameters.a, parameters.d, parameters.c)
        return float(p.mean()) - target

    low, high = -20.0, 20.0
    if not excess(low) < 0 < excess(high):
        raise ValueError(f"{percent}% is not reachable on these items' characteristic curve")
    # scipy.optimize takes a third of a second to import: only a cut's computation pays for it.
    from scipy.optimize import brentq

    return float(brentq(excess, low, high, xtol=1e-10))


# -- simulation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimulationResult:
    """Outcome of :func:`simulate`; exposure is per item in the order of the parameters."""

    estimates: Vector
    standard_errors: Vector
    lengths: IntVector
    reasons: tuple[StopReason, ...]
    exposure: Vector
    true_thetas: Vector = field(repr=False)

    @property
    def mean_length(self) -> float:
        return float(self.lengths.mean())

    @property
    def rmse(self) -> float:
        return float(np.sqrt(np.mean((self.estimates - self.true_thetas) ** 2)))

    @property
    def bias(self) -> float:
        return float(np.mean(self.estimates - self.true_thetas))

    @property
    def max_exposure(self) -> float:
        return float(self.exposure.max())

    def reason_shares(self) -> dict[StopReason, float]:
        n = len(self.reasons)
        return {reason: self.reasons.count(reason) / n for reason in StopReason}


def run_simulee(
    pool: ItemPool, true_theta: float, config: CatConfig, seed: int, rng: np.random.Generator
) -> tuple[AdaptiveTest, StopReason]:
    """One simulated test to the end: responses drawn from the model at ``true_theta``."""
    test = AdaptiveTest(pool, config, seed)
    theta = np.array([true_theta])
    while (reason := test.stop_reason()) is None:
        index = test.select()
        if index is None:
            return test, StopReason.EXHAUSTED
        p = float(pool.probability(theta, index)[0])
        test.record(index, int(rng.random() < p))
    return test, reason


def simulate(
    parameters: ItemParameters,
    domains: Sequence[str],
    true_thetas: Vector,
    config: CatConfig | None = None,
    rng: np.random.Generator | None = None,
    exposure: Vector | None = None,
) -> SimulationResult:
    """Run a test for each true ability, each with its own seed drawn from ``rng``."""
    pool = ItemPool(parameters, domains, exposure)
    return simulate_pool(pool, true_thetas, config, rng)


def simulate_pool(
    pool: ItemPool,
    true_thetas: Vector,
    config: CatConfig | None = None,
    rng: np.random.Generator | None = None,
) -> SimulationResult:
    """:func:`simulate` on a prepared pool (no re-sorting when called repeatedly)."""
    config = config if config is not None else CatConfig()
    rng = rng if rng is not None else np.random.default_rng()
    n = len(true_thetas)
    estimates, errors = np.empty(n), np.empty(n)
    lengths = np.empty(n, dtype=np.intp)
    reasons: list[StopReason] = []
    counts = np.zeros(len(pool))
    for s, true_theta in enumerate(true_thetas):
        seed = int(rng.integers(2**62))
        test, reason = run_simulee(pool, float(true_theta), config, seed, rng)
        estimate = test.estimate
        estimates[s], errors[s], lengths[s] = estimate.theta, estimate.se, estimate.items
        reasons.append(reason)
        counts[test.indices] += 1
    exposure = np.empty(len(pool))
    exposure[pool.order] = counts / max(n, 1)
    return SimulationResult(
        estimates=estimates,
        standard_errors=errors,
        lengths=lengths,
        reasons=tuple(reasons),
        exposure=exposure,
        true_thetas=np.asarray(true_thetas, dtype=np.float64),
    )


@dataclass(frozen=True)
class ExposureCalibration:
    """Sympson-Hetter parameters (in the order of the item parameters), and the maximum exposure
    rate in each calibration round (each round runs with the parameters the previous one set)."""

    parameters: Vector
    max_exposure: tuple[float, ...]


def calibrate_sympson_hetter(
    parameters: ItemParameters,
    domains: Sequence[str],
    config: CatConfig | None = None,
    target: float = 0.25,
    simulees: int = 500,
    rounds: int = 12,
    rng: np.random.Generator | None = None,
) -> ExposureCalibration:
    """Find Sympson-Hetter ``K_i`` so that no item is given to more than ``target`` of examinees.

    The classic iteration: simulate with the current ``K``; estimate each item's selection rate
    P(S_i); set ``K_i = target / P(S_i)`` where P(S_i) > target, else 1. Because
    P(given) = P(S_i) * K_i (the lottery is independent of reaching it), P(S_i) is estimated as
    the exposure rate divided by ``K_i``. Simulees are drawn once from N(0, 1).
    """
    rng = rng if rng is not None else np.random.default_rng()
    # The same simulees and random numbers every round: then the rounds differ only by K, and
    # sampling noise does not keep the iteration from settling.
    thetas = rng.standard_normal(simulees)
    round_seed = int(rng.integers(2**62))
    k = np.ones(len(parameters))
    history: list[float] = []
    for _ in range(rounds):
        pool = ItemPool(parameters, domains, k)
        result = simulate_pool(pool, thetas, config, np.random.default_rng(round_seed))
        history.append(result.max_exposure)
        selected = result.exposure / k
        k = np.where(selected > target, target / np.maximum(selected, 1e-12), 1.0)
    return ExposureCalibration(parameters=k, max_exposure=tuple(history))
