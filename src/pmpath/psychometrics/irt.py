"""Item response models for scored (0/1) items: 1PL (Rasch), 2PL and 3PL.

The parameterisation is the slope-intercept form R's mirt uses, logistic with no 1.7 constant:

    P(correct | theta) = c + (1 - c) / (1 + exp(-(a * theta + d)))

* ``a`` is the slope (discrimination): how sharply the chance of a right answer rises with
  ability around the item's location;
* ``d`` is the intercept; the familiar difficulty is ``b = -d / a``, the ability at which the
  (2PL) chance is one half, so ``a * theta + d = a * (theta - b)``;
* ``c`` is the lower asymptote ("guessing"), 0 for the 1PL and 2PL.

The 1PL fixes every slope to one common value (1 for the Rasch model with a free ability
variance; here ability is N(0, 1), so the common slope is estimated instead, as mirt does when
slopes are constrained equal). Ability ``theta`` is on the N(0, 1) scale of the calibration
population.

Every function is vectorised: ``theta`` is a 1-D array of abilities, item parameters are 1-D
arrays over items, and results are ``(len(theta), n_items)`` matrices.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]

#: Probabilities are kept this far from 0 and 1 so that logs and ratios stay finite.
EPSILON = 1e-10


class Model(StrEnum):
    RASCH = "1pl"
    TWO_PL = "2pl"
    THREE_PL = "3pl"


@dataclass(frozen=True)
class ItemParameters:
    """Parameters of a set of items, in the order of ``ids``."""

    ids: tuple[str, ...]
    a: Vector
    d: Vector
    c: Vector
    model: Model

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("a", "d", "c"):
            values = getattr(self, name)
            if values.shape != (n,):
                raise ValueError(f"{name} has shape {values.shape}, expected ({n},)")

    @property
    def b(self) -> Vector:
        """Difficulty: the ability at which ``a * theta + d`` is zero."""
        return -self.d / self.a

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, indices: NDArray[np.intp]) -> ItemParameters:
        """The items at ``indices``, in that order."""
        return ItemParameters(
            ids=tuple(self.ids[i] for i in indices),
            a=self.a[indices],
            d=self.d[indices],
            c=self.c[indices],
            model=self.model,
        )


def logits(theta: Vector, a: Vector, d: Vector) -> Matrix:
    """``a * theta + d`` for every ability (rows) and item (columns)."""
    return np.multiply.outer(theta, a) + d


def probability(theta: Vector, a: Vector, d: Vector, c: Vector | None = None) -> Matrix:
    """Chance of a right answer for every ability (rows) and item (columns)."""
    p = 1.0 / (1.0 + np.exp(-logits(theta, a, d)))
    if c is not None:
        p = c + (1.0 - c) * p
    return np.clip(p, EPSILON, 1.0 - EPSILON)


def information(theta: Vector, a: Vector, d: Vector, c: Vector | None = None) -> Matrix:
    """Fisher information of every item at every ability.

    For the 2PL this is ``a^2 P Q``; with a lower asymptote ``c`` it is
    ``a^2 (Q / P) ((P - c) / (1 - c))^2`` (Lord 1980), which is smaller: a guess says less.
    """
    p = probability(theta, a, d, c)
    q = 1.0 - p
    if c is None:
        return a * a * p * q
    return a * a * (q / p) * ((p - c) / (1.0 - c)) ** 2


def log_likelihood(
    responses: Matrix, theta: Vector, a: Vector, d: Vector, c: Vector | None = None
) -> Vector:
    """Log-likelihood of each person's responses at each ability in ``theta``.

    ``responses`` is ``(n_items,)`` for one person, giving a ``(len(theta),)`` result; missing
    responses are NaN and contribute nothing.
    """
    p = probability(theta, a, d, c)
    seen = ~np.isnan(responses)
    x = responses[seen]
    p = p[:, seen]
    return np.asarray(x @ np.log(p).T + (1.0 - x) @ np.log1p(-p).T, dtype=np.float64)


#: Half-width, in standard deviations, of the quadrature grid: R mirt's ``theta_lim = c(-6, 6)``.
GRID_LIMIT = 6.0


def normal_grid(points: int, mean: float = 0.0, sd: float = 1.0) -> tuple[Vector, Vector]:
    """Quadrature nodes and weights for a N(mean, sd^2) ability distribution.

    Equally spaced nodes on ``mean +/- 6 sd`` with normal-density weights normalised to sum
    to one: R mirt's default for one factor (61 points on [-6, 6]), so that calibrations and
    EAP scores reproduce its numbers. Gauss-Hermite nodes (the Python mirt package's choice)
    are sparser in the tails where the posteriors of long tests are sharp.
    """
    if points < 3:
        raise ValueError(f"a quadrature grid needs at least 3 points, got {points}")
    standard = np.linspace(-GRID_LIMIT, GRID_LIMIT, points)
    weights = np.exp(-0.5 * standard * standard)
    return mean + sd * standard, weights / weights.sum()


#: The credit at or above which an answer counts as right (a margin for rounding below 1).
FULL_CREDIT = 0.999


#: The complementary error function over arrays (NumPy has none of its own).
_ERFC = np.frompyfunc(math.erfc, 1, 1)


def normal_cdf(x: Vector | float) -> Vector:
    """Phi(x), the standard normal distribution function, at each value of ``x``.

    The same function as scipy.special.ndtr (0.5 erfc(-x / sqrt 2), exact to a few units in
    the last place, tails included), without importing SciPy: that costs every command that
    reports readiness or a placement classification about 150 ms of start-up.
    """
    values = np.asarray(x, dtype=np.float64)
    return np.asarray(0.5 * _ERFC(-values / math.sqrt(2.0)), dtype=np.float64)


def dichotomous(credit: float | None) -> float:
    """An answer scored for these models: full credit is right (1), anything less, or no
    credit at all, is wrong (0)."""
    return 1.0 if credit is not None and credit >= FULL_CREDIT else 0.0
