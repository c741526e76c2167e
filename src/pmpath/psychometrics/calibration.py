"""Item calibration: marginal maximum likelihood (Bock-Aitkin EM) for the 1PL, 2PL and 3PL.

Ability is integrated out over a fixed grid (:func:`pmpath.psychometrics.irt.normal_grid`: 61
equally spaced nodes on [-6, 6] with N(0, 1) weights, R mirt's default), so estimates are on
the N(0, 1) scale of the calibration population and reproduce mirt's numbers.

Each EM cycle is

* **E-step**: the log-likelihood of every response pattern at every node is two matrix
  products, ``right @ log(P/Q)^T + seen @ log(Q)^T`` (one when nobody skipped an item); the
  posterior over nodes of each pattern then gives, by two more products, the expected number
  of learners who saw each item and who got it right at each node;
* **M-step**: items are independent given those counts, so every item's (a, d) is fitted at
  once by vectorised Newton steps on a weighted logistic regression over the nodes (closed-form
  2x2 solves); the 1PL's common slope couples the items through an arrowhead Hessian solved in
  closed form too. The 3PL treats each right answer as "knew it" or "guessed" (a latent class):
  the expected guesses give ``c`` in closed form and the rest is the 2PL regression.

Priors (:class:`ItemPriors`) make the M-step Bayes modal (MAP). Cycles are accelerated by
SQUAREM (Varadhan & Roland 2008), with a monotonicity guard on the log-posterior; the
calibration stops when one EM cycle moves no parameter by ``tolerance`` or more.

Learners may see different forms: responses are a persons x items float matrix, NaN where the
learner did not see the item. Persons who saw nothing are dropped silently: their likelihood
is one whatever the parameters, so they change nothing. Identical response patterns are
merged and weighted by their count.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.errors import CalibrationError
from pmpath.psychometrics.irt import ItemParameters, Matrix, Model, Vector, normal_grid, probability

#: Guessing is kept in (0, 0.5): beyond one half an item is not a test of anything.
C_BOUNDS = (1e-6, 0.5)
#: Slopes under a lognormal prior must stay positive; they are kept at least this large.
A_MIN = 1e-3
#: Largest change of any one parameter in one Newton step: the logistic regressions are
#: concave, but a full step from a poor start can still overshoot.
MAX_NEWTON_STEP = 1.0
NEWTON_ITERATIONS = 25
#: Added to the information diagonal so items whose expected counts vanish (an intercept run
#: far out, where P(1 - P) underflows) still give finite, if tiny, Newton steps.
RIDGE = 1e-9
#: Slopes and intercepts are kept within +/- this: beyond it an item is degenerate (every
#: learner right, or wrong, or a step function) and SQUAREM's jumps must not run off further.
PARAMETER_LIMIT = 30.0
#: Exact (Oakes) standard errors differentiate the score numerically, 2 E-steps a parameter;
#: beyond this much work (patterns x items x nodes x parameters) the cross-product of person
#: scores is used instead.
EXACT_SE_WORK = 1e9  # about 3 s here; 900 attempts x 300 items would take a minute
#: Scaling between the normal-ogive and logistic metrics, only for start values.
OGIVE = 1.702


@dataclass(frozen=True)
class ItemPriors:
    """Per-item priors, arrays over items, for Bayes modal (MAP) estimation.

    * ``d ~ N(d_mean, d_sd^2)``;
    * ``a ~ lognormal(log_a_mean, log_a_sd)``, a density on ``a`` as in mirt and BILOG (its
      mode is ``exp(log_a_mean - log_a_sd^2)``);
    * ``c ~ beta(c_alpha, c_beta)``, used by the 3PL only.

    An infinite sd (or alpha = beta = 1) means no prior on that parameter. The 1PL's common
    slope takes the slope prior shared by all items (they must agree).
    """

    d_mean: Vector
    d_sd: Vector
    log_a_mean: Vector
    log_a_sd: Vector
    c_alpha: Vector
    c_beta: Vector

    @classmethod
    def default(cls, n_items: int, model: Model) -> ItemPriors:
        """Pure ML for the 1PL and 2PL (as mirt, so its results reproduce); for the 3PL,
        whose guessing is weakly identified, BILOG-MG's defaults: lognormal(0, 0.5) on the
        slope and beta(5, 17) on guessing (mode 0.2, mean 0.23, for four or five options)."""
        priors = cls.none(n_items)
        if model is not Model.THREE_PL:
            return priors
        return cls(
            d_mean=priors.d_mean,
            d_sd=priors.d_sd,
            log_a_mean=np.zeros(n_items),
            log_a_sd=np.full(n_items, 0.5),
            c_alpha=np.full(n_items, 5.0),
            c_beta=np.full(n_items, 17.0),
        )

    @classmethod
    def none(cls, n_items: int) -> ItemPriors:
        """No priors at all: pure marginal maximum likelihood."""
        return cls(
            d_mean=np.zeros(n_items),
            d_sd=np.full(n_items, np.inf),
            log_a_mean=np.zeros(n_items),
            log_a_sd=np.full(n_items, np.inf),
            c_alpha=np.ones(n_items),
            c_beta=np.ones(n_items),
        )


@dataclass(frozen=True)
class StandardErrors:
    """Standard errors of each item's parameters; NaN where a parameter is fixed.

    ``method`` is ``"oakes"`` (observed information of the marginal likelihood) or
    ``"crossprod"`` (outer product of person scores, for large banks). ``b``'s error is by
    the delta method, with the a-d covariance.
    """

    a: Vector
    d: Vector
    c: Vector
    b: Vector
    method: str = "oakes"


@dataclass(frozen=True)
class Calibration:
    parameters: ItemParameters
    standard_errors: StandardErrors | None
    #: Marginal log-likelihood of the responses at the estimates (priors not included).
    log_likelihood: float
    #: EM cycles run (E-steps, counting those of SQUAREM's extrapolations).
    cycles: int
    converged: bool
    quadrature: tuple[Vector, Vector]
    responses_per_item: NDArray[np.int64]


@dataclass(frozen=True)
class _Patterns:
    """Distinct response patterns: ``right`` is 1 for a right answer (0 if wrong or unseen)."""

    right: Matrix
    seen: Matrix
    counts: Vector
    complete: bool


@dataclass(frozen=True)
class _Expected:
    """Expected counts at each node (items x nodes) from one E-step."""

    right: Matrix
    seen: Matrix
    log_likelihood: float


@dataclass(frozen=True)
class _Setup:
    patterns: _Patterns
    model: Model
    priors: ItemPriors
    nodes: Vector
    log_weights: Vector


# Parameters travel as one (3, items) array: rows a, d, c.
Params = Matrix


def validate_responses(responses: Matrix, item_ids: Sequence[str]) -> None:
    """Raise :class:`CalibrationError` unless ``responses`` can be calibrated."""
    if responses.ndim != 2:
        raise CalibrationError(
            f"responses must be a persons x items matrix, got {responses.ndim}-D"
        )
    if responses.shape[1] != len(item_ids):
        raise CalibrationError(
            f"responses have {responses.shape[1]} columns but {len(item_ids)} item ids were given"
        )
    if len(item_ids) < 2:
        raise CalibrationError(f"calibration needs at least 2 items, got {len(item_ids)}")
    seen_ids: set[str] = set()
    for item_id in item_ids:
        if item_id in seen_ids:
            raise CalibrationError(f"item id {item_id!r} appears more than once")
        seen_ids.add(item_id)
    if responses.shape[0] == 0:
        raise CalibrationError("there are no responses (0 rows)")
    if not np.issubdtype(responses.dtype, np.number) or np.issubdtype(
        responses.dtype, np.complexfloating
    ):
        raise CalibrationError(f"responses must be numbers (0, 1 or NaN), got {responses.dtype}")
    values = np.asarray(responses, dtype=np.float64)
    seen = ~np.isnan(values)
    bad = seen & (values != 0.0) & (values != 1.0)
    if bad.any():
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise CalibrationError(
            f"row {row}, item {item_ids[column]!r}: {float(values[row, column])!r} is not 0, 1 or "
            f"missing (NaN){_more(int(bad.sum()) - 1, 'bad cell')}"
        )
    answered = seen.sum(axis=0)
    right = np.nansum(values, axis=0)
    unanswered = np.flatnonzero(answered == 0)
    if unanswered.size:
        raise CalibrationError(
            f"item {item_ids[unanswered[0]]!r} has no responses: nobody saw it"
            f"{_more(unanswered.size - 1, 'such item')}"
        )
    all_right = np.flatnonzero(right == answered)
    all_wrong = np.flatnonzero(right == 0)
    for constant, how in ((all_right, "right"), (all_wrong, "wrong")):
        if constant.size:
            j = constant[0]
            raise CalibrationError(
                f"item {item_ids[j]!r}: all {answered[j]} learners who answered it got it {how},"
                f" so it says nothing about ability and cannot be calibrated"
                f"{_more(constant.size - 1, 'such item')}"
            )


def _more(count: int, what: str) -> str:
    return f" (and {count} more {what}{'s' if count > 1 else ''})" if count > 0 else ""


def calibrate(
    responses: Matrix,
    item_ids: Sequence[str],
    model: Model = Model.TWO_PL,
    *,
    priors: ItemPriors | None = None,
    quadrature_points: int = 61,
    tolerance: float = 1e-4,
    max_cycles: int = 500,
    standard_errors: bool = True,
) -> Calibration:
    """Estimate item parameters from a persons x items matrix of 0, 1 and NaN (not seen).

    ``priors`` defaults to :meth:`ItemPriors.default`. Standard errors cost extra E-steps
    (see :data:`EXACT_SE_WORK`); ask for them only when needed.
    """
    responses = np.asarray(responses)
    validate_responses(responses, item_ids)
    n_items = len(item_ids)
    if quadrature_points < 3:
        raise CalibrationError(f"quadrature_points must be at least 3, got {quadrature_points}")
    priors = ItemPriors.default(n_items, model) if priors is None else priors
    _check_priors(priors, n_items, model)
    values = np.asarray(responses, dtype=np.float64)
    seen = ~np.isnan(values)
    nodes, weights = normal_grid(quadrature_points)
    setup = _Setup(_patterns(values, seen), model, priors, nodes, np.log(weights))

    params, cycles, converged = _squarem(
        _start_values(setup),
        lambda p: _em_map(setup, p),
        lambda p: _project(setup, p),
        tolerance,
        max_cycles,
    )
    log_likelihood = _e_step(setup, params, counts=False).log_likelihood
    a, d, c = params
    parameters = ItemParameters(
        ids=tuple(item_ids), a=a.copy(), d=d.copy(), c=c.copy(), model=model
    )
    errors = _standard_errors(setup, params) if standard_errors else None
    return Calibration(
        parameters=parameters,
        standard_errors=errors,
        log_likelihood=log_likelihood,
        cycles=cycles,
        converged=converged,
        quadrature=(nodes, weights),
        responses_per_item=seen.sum(axis=0).astype(np.int64),
    )


def _check_priors(priors: ItemPriors, n_items: int, model: Model) -> None:
    for name in ("d_mean", "d_sd", "log_a_mean", "log_a_sd", "c_alpha", "c_beta"):
        shape = getattr(priors, name).shape
        if shape != (n_items,):
            raise CalibrationError(f"prior {name} has shape {shape}, expected ({n_items},)")
    if np.any(priors.d_sd <= 0) or np.any(priors.log_a_sd <= 0):
        raise CalibrationError("prior standard deviations must be positive (np.inf for none)")
    if np.any(priors.c_alpha < 1) or np.any(priors.c_beta < 1):
        raise CalibrationError("beta prior parameters on guessing must be at least 1")
    if model is Model.RASCH and not (
        np.all(priors.log_a_mean == priors.log_a_mean[0])
        and np.all(priors.log_a_sd == priors.log_a_sd[0])
    ):
        raise CalibrationError("the 1PL has one common slope: its slope priors must all agree")


def _patterns(values: Matrix, seen: NDArray[np.bool_]) -> _Patterns:
    """Merge identical rows (weighted by count) and drop rows with no responses.

    Short tests repeat patterns a lot (LSAT7: 1000 rows, 32 patterns); long ones hardly ever,
    so a cheap fingerprint (a random projection of each row, sorted) first checks whether
    there is anything to merge before the exact, costlier row-wise ``np.unique``.
    """
    keep = seen.any(axis=1)
    right = np.where(seen, values, 0.0)[keep]
    seen_rows = seen[keep].astype(np.float64)
    complete = bool(seen_rows.all())
    fingerprint = np.random.default_rng(0).random((2, values.shape[1]))
    prints = right @ fingerprint[0] + seen_rows @ fingerprint[1]
    if np.unique(prints).size == prints.size:
        return _Patterns(right, seen_rows, np.ones(prints.size), complete)
    codes = (right + 2.0 * (1.0 - seen_rows)).astype(np.int8)  # 0 wrong, 1 right, 2 unseen
    unique, counts = np.unique(codes, axis=0, return_counts=True)
    return _Patterns(
        (unique == 1).astype(np.float64),
        (unique != 2).astype(np.float64),
        counts.astype(np.float64),
        complete,
    )


# --- E-step -------------------------------------------------------------------------------


def _posterior(setup: _Setup, params: Params) -> tuple[Matrix, float]:
    """Each pattern's posterior over the nodes (patterns x nodes) and the log-likelihood."""
    a, d, c = params
    patterns = setup.patterns
    p = probability(setup.nodes, a, d, c)  # nodes x items
    log_q = np.log1p(-p)
    log_odds = np.log(p) - log_q
    joint = patterns.right @ log_odds.T
    if patterns.complete:
        joint += log_q.sum(axis=1) + setup.log_weights
    else:
        joint += patterns.seen @ log_q.T
        joint += setup.log_weights
    top = joint.max(axis=1)
    joint -= top[:, None]
    np.exp(joint, out=joint)
    total = joint.sum(axis=1)
    log_likelihood = float(patterns.counts @ (np.log(total) + top))
    joint /= total[:, None]
    return joint, log_likelihood


def _e_step(setup: _Setup, params: Params, *, counts: bool = True) -> _Expected:
    posterior, log_likelihood = _posterior(setup, params)
    patterns = setup.patterns
    if not counts:
        empty = np.empty((0, 0))
        return _Expected(empty, empty, log_likelihood)
    posterior *= patterns.counts[:, None]
    right = patterns.right.T @ posterior
    if patterns.complete:
        seen = np.broadcast_to(posterior.sum(axis=0), right.shape)
    else:
        seen = patterns.seen.T @ posterior
    return _Expected(right, np.asarray(seen), log_likelihood)


# --- M-step -------------------------------------------------------------------------------


def _em_map(setup: _Setup, params: Params) -> tuple[Params, float]:
    """One EM cycle: the next parameters and the log-posterior at ``params``."""
    expected = _e_step(setup, params)
    return _m_step(setup, expected, params), expected.log_likelihood + _log_prior(setup, params)


def _m_step(setup: _Setup, expected: _Expected, params: Params) -> Params:
    a, d, c = params
    priors = setup.priors
    if setup.model is Model.THREE_PL:
        # E-step of the guessing class: a right answer at a node is a guess with chance c / P.
        p = probability(setup.nodes, a, d, c).T
        guesses = expected.right * (c[:, None] / p)
        seen_total = expected.seen.sum(axis=1)
        c = (guesses.sum(axis=1) + priors.c_alpha - 1) / (
            seen_total + priors.c_alpha + priors.c_beta - 2
        )
        c = np.clip(c, *C_BOUNDS)
        a, d = _logistic_newton(setup, expected.right - guesses, expected.seen - guesses, a, d)
    elif setup.model is Model.TWO_PL:
        a, d = _logistic_newton(setup, expected.right, expected.seen, a, d)
    else:
        a, d = _common_slope_newton(setup, expected.right, expected.seen, a, d)
    return np.stack([a, d, c])


def _d_prior_terms(priors: ItemPriors, d: Vector) -> tuple[Vector, Vector]:
    """Gradient and information (minus the second derivative) of the log prior on d."""
    precision = 1.0 / priors.d_sd**2
    return -(d - priors.d_mean) * precision, precision


def _a_prior_terms(priors: ItemPriors, a: Vector) -> tuple[Vector, Vector]:
    """Gradient and information of the lognormal log prior on a; zero where there is none.

    The information is clipped at zero so Newton steps stay ascent directions where the
    lognormal density is not log-concave (far above its mode).
    """
    has = np.isfinite(priors.log_a_sd)
    sd2 = np.where(has, priors.log_a_sd, 1.0) ** 2
    safe_a = np.where(has, np.maximum(a, A_MIN), 1.0)
    deviation = np.log(safe_a) - priors.log_a_mean
    gradient = -(1.0 + deviation / sd2) / safe_a
    second = (1.0 - 1.0 / sd2 + deviation / sd2) / safe_a**2
    return np.where(has, gradient, 0.0), np.where(has, np.maximum(-second, 0.0), 0.0)


def _logistic_terms(
    setup: _Setup, right: Matrix, seen: Matrix, a: Vector, d: Vector
) -> tuple[Vector, Vector, Vector, Vector, Vector]:
    """Per item: gradients (a, d) and information entries (aa, ad, dd), before priors."""
    from scipy.special import expit  # here, not at import: SciPy costs ~150 ms

    nodes = setup.nodes
    p = expit(np.multiply.outer(a, nodes) + d[:, None])
    residual = right - seen * p
    weight = seen * p * (1.0 - p)
    weight_nodes = weight @ nodes
    return (
        residual @ nodes,
        residual.sum(axis=1),
        weight @ (nodes * nodes),
        weight_nodes,
        weight.sum(axis=1),
    )


def _logistic_newton(
    setup: _Setup, right: Matrix, seen: Matrix, a: Vector, d: Vector
) -> tuple[Vector, Vector]:
    """Maximise every item's expected complete-data log-posterior in (a, d), all at once."""
    a, d = a.copy(), d.copy()
    priors = setup.priors
    slope_prior = np.isfinite(priors.log_a_sd)
    for _ in range(NEWTON_ITERATIONS):
        g_a, g_d, i_aa, i_ad, i_dd = _logistic_terms(setup, right, seen, a, d)
        prior_g_a, prior_i_a = _a_prior_terms(priors, a)
        prior_g_d, prior_i_d = _d_prior_terms(priors, d)
        g_a, i_aa = g_a + prior_g_a, i_aa + prior_i_a + RIDGE
        g_d, i_dd = g_d + prior_g_d, i_dd + prior_i_d + RIDGE
        det = np.maximum(i_aa * i_dd - i_ad * i_ad, RIDGE * RIDGE)
        step_a = (i_dd * g_a - i_ad * g_d) / det
        step_d = (i_aa * g_d - i_ad * g_a) / det
        largest = np.maximum(np.abs(step_a), np.abs(step_d))
        scale = np.minimum(1.0, MAX_NEWTON_STEP / np.maximum(largest, 1e-300))
        # Under a lognormal prior a slope may at most halve in one step, so it stays positive.
        shrink = slope_prior & (step_a * scale < -0.5 * a)
        scale = np.where(shrink, -0.5 * a / np.where(shrink, step_a, -1.0), scale)
        a = np.clip(a + scale * step_a, -PARAMETER_LIMIT, PARAMETER_LIMIT)
        d = np.clip(d + scale * step_d, -PARAMETER_LIMIT, PARAMETER_LIMIT)
        if float(np.max(largest * scale)) < 1e-10:
            break
    return a, d


def _common_slope_newton(
    setup: _Setup, right: Matrix, seen: Matrix, a: Vector, d: Vector
) -> tuple[Vector, Vector]:
    """The 1PL M-step: one slope shared by all items and an intercept each.

    The Hessian is an arrowhead (the slope row and column plus a diagonal), solved in closed
    form by its Schur complement.
    """
    slope = float(a[0])
    d = d.copy()
    priors = setup.priors
    for _ in range(NEWTON_ITERATIONS):
        g_a, g_d, i_aa, i_ad, i_dd = _logistic_terms(setup, right, seen, np.full_like(d, slope), d)
        prior_g_a, prior_i_a = _a_prior_terms(priors, np.array([slope]))
        prior_g_d, prior_i_d = _d_prior_terms(priors, d)
        g_slope = float(g_a.sum() + prior_g_a[0])
        i_slope = float(i_aa.sum() + prior_i_a[0])
        g_d, i_dd = g_d + prior_g_d, i_dd + prior_i_d + RIDGE
        schur = i_slope + RIDGE - float(np.sum(i_ad * i_ad / i_dd))
        step_a = (g_slope - float(np.sum(i_ad * g_d / i_dd))) / schur
        step_d = (g_d - i_ad * step_a) / i_dd
        largest = max(abs(step_a), float(np.max(np.abs(step_d))))
        scale = min(1.0, MAX_NEWTON_STEP / max(largest, 1e-300))
        if np.isfinite(priors.log_a_sd[0]) and step_a * scale < -0.5 * slope:
            scale = -0.5 * slope / step_a
        slope = min(max(slope + scale * step_a, -PARAMETER_LIMIT), PARAMETER_LIMIT)
        d = np.clip(d + scale * step_d, -PARAMETER_LIMIT, PARAMETER_LIMIT)
        if largest * scale < 1e-10:
            break
    return np.full_like(d, slope), d


def _log_prior(setup: _Setup, params: Params) -> float:
    a, d, c = params
    priors = setup.priors
    total = 0.0
    finite_d = np.isfinite(priors.d_sd)
    if finite_d.any():
        z = (d - priors.d_mean)[finite_d] / priors.d_sd[finite_d]
        total -= 0.5 * float(z @ z)
    finite_a = np.isfinite(priors.log_a_sd)
    if setup.model is Model.RASCH:
        finite_a = finite_a & (np.arange(a.size) == 0)
    if finite_a.any():
        slopes = a[finite_a]
        if np.any(slopes <= 0):
            return -math.inf
        z = (np.log(slopes) - priors.log_a_mean[finite_a]) / priors.log_a_sd[finite_a]
        total -= float(np.sum(np.log(slopes)) + 0.5 * z @ z)
    if setup.model is Model.THREE_PL:
        total += float(
            np.sum((priors.c_alpha - 1) * np.log(c) + (priors.c_beta - 1) * np.log1p(-c))
        )
    return total


# --- Start values and acceleration ----------------------------------------------------------


def _start_values(setup: _Setup) -> Params:
    """Start from classical statistics: the item's p-value and its biserial correlation with
    the proportion right, turned into logistic slopes and intercepts (normal-ogive factor
    analysis formulas, times 1.702)."""
    from scipy.special import ndtri  # here, not at import: SciPy costs ~150 ms

    patterns = setup.patterns
    counts = patterns.counts
    score = patterns.right.sum(axis=1) / patterns.seen.sum(axis=1)
    # Weighted sums over the persons who saw each item, as matrix-vector products.
    n = counts @ patterns.seen
    p = counts @ patterns.right / n
    score_mean = (counts * score) @ patterns.seen / n
    score_var = (counts * score * score) @ patterns.seen / n - score_mean**2
    covariance = (counts * score) @ patterns.right / n - score_mean * p
    point_biserial = covariance / np.sqrt(np.maximum(score_var * p * (1 - p), 1e-24))
    p = np.clip(p, 0.01, 0.99)
    z = ndtri(p)
    density = np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    loading = np.clip(point_biserial * np.sqrt(p * (1 - p)) / density, 0.1, 0.9)
    c = np.zeros_like(p)
    if setup.model is Model.RASCH:
        loading = np.full_like(p, loading.mean())
    elif setup.model is Model.THREE_PL:
        alpha, beta = setup.priors.c_alpha, setup.priors.c_beta
        mode = np.where(alpha + beta > 2, (alpha - 1) / np.maximum(alpha + beta - 2, 1e-12), 0.0)
        c = np.clip(np.where(mode > 0, mode, 0.1), 0.05, 0.3)
        z = ndtri(np.clip((p - c) / (1 - c), 0.02, 0.98))
    uniqueness = np.sqrt(1 - loading * loading)
    a = OGIVE * loading / uniqueness
    d = OGIVE * z / uniqueness
    return np.stack([a, d, c])


def _project(setup: _Setup, params: Params) -> Params:
    """Bring extrapolated parameters back inside their bounds."""
    params = params.copy()
    params[:2] = np.clip(params[:2], -PARAMETER_LIMIT, PARAMETER_LIMIT)
    if setup.model is Model.THREE_PL:
        params[2] = np.clip(params[2], *C_BOUNDS)
    slope_prior = np.isfinite(setup.priors.log_a_sd)
    params[0] = np.where(slope_prior, np.maximum(params[0], A_MIN), params[0])
    if setup.model is Model.RASCH:
        params[0] = params[0, 0]
    return params


def _squarem(
    start: Params,
    em_map: Callable[[Params], tuple[Params, float]],
    project: Callable[[Params], Params],
    tolerance: float,
    max_cycles: int,
) -> tuple[Params, int, bool]:
    """Run EM to convergence, extrapolating by SQUAREM (scheme S3, adaptive step bound).

    Two EM cycles give a direction ``r`` and curvature ``v``; the step ``alpha >= 1`` jumps
    along the quadratic path and one more EM cycle stabilises it. An extrapolation that lowers
    the log-posterior is thrown away (keeping the two plain EM cycles), so the method keeps
    EM's monotone climb. Returns parameters, cycles used and whether it converged.
    """
    current = start
    cycles = 0
    step_max = 1.0
    while cycles < max_cycles:
        first, objective = em_map(current)
        cycles += 1
        if _change(first, current) < tolerance:
            return first, cycles, True
        second, _ = em_map(first)
        cycles += 1
        if _change(second, first) < tolerance:
            return second, cycles, True
        r = first - current
        v = second - first - r
        v_norm = float(np.sum(v * v))
        if v_norm == 0.0 or cycles >= max_cycles:
            current = second
            continue
        alpha = min(max(math.sqrt(float(np.sum(r * r)) / v_norm), 1.0), step_max)
        jumped = project(current + 2 * alpha * r + alpha * alpha * v)
        stabilised, jumped_objective = em_map(jumped)
        cycles += 1
        accepted = math.isfinite(jumped_objective) and jumped_objective >= objective
        current = stabilised if accepted and np.all(np.isfinite(stabilised)) else second
        if alpha == step_max:
            step_max = step_max * 4 if accepted else max(1.0, step_max / 4)
    return current, cycles, False


def _change(new: Params, old: Params) -> float:
    return float(np.max(np.abs(new - old)))


# --- Standard errors -----------------------------------------------------------------------


def _free(setup: _Setup, params: Params) -> Vector:
    """The estimated parameters as one vector: 1PL (a, d...), 2PL (a..., d...), 3PL (+ c...)."""
    a, d, c = params
    if setup.model is Model.RASCH:
        return np.concatenate([a[:1], d])
    if setup.model is Model.TWO_PL:
        return np.concatenate([a, d])
    return np.concatenate([a, d, c])


def _from_free(setup: _Setup, free: Vector, n_items: int) -> Params:
    if setup.model is Model.RASCH:
        return np.stack([np.full(n_items, free[0]), free[1:], np.zeros(n_items)])
    if setup.model is Model.TWO_PL:
        return np.stack([free[:n_items], free[n_items:], np.zeros(n_items)])
    return free.reshape(3, n_items)


def _derivatives(setup: _Setup, params: Params) -> tuple[Matrix, Matrix, Matrix, Matrix]:
    """At every item (rows) and node: P, and dP/da, dP/dd, dP/dc, each divided by P(1 - P)."""
    from scipy.special import expit  # here, not at import: SciPy costs ~150 ms

    a, d, c = params
    sigma = expit(np.multiply.outer(a, setup.nodes) + d[:, None])
    p = np.clip(c[:, None] + (1 - c[:, None]) * sigma, 1e-10, 1 - 1e-10)
    pq = p * (1 - p)
    dp_dd = (1 - c[:, None]) * sigma * (1 - sigma) / pq
    return p, dp_dd * setup.nodes, dp_dd, (1 - sigma) / pq


def _score(setup: _Setup, params: Params) -> Vector:
    """Gradient of the marginal log-posterior (Fisher's identity: the expected complete-data
    gradient under the posterior at the same parameters)."""
    expected = _e_step(setup, params)
    p, da, dd, dc = _derivatives(setup, params)
    residual = expected.right - expected.seen * p
    g_a = (residual * da).sum(axis=1)
    g_d = (residual * dd).sum(axis=1)
    g_c = (residual * dc).sum(axis=1)
    prior_a, _ = _a_prior_terms(setup.priors, params[0])
    prior_d, _ = _d_prior_terms(setup.priors, params[1])
    g_d = g_d + prior_d
    if setup.model is Model.RASCH:
        return np.concatenate([[g_a.sum() + prior_a[0]], g_d])
    g_a = g_a + prior_a
    if setup.model is Model.TWO_PL:
        return np.concatenate([g_a, g_d])
    c = params[2]
    g_c = g_c + (setup.priors.c_alpha - 1) / c - (setup.priors.c_beta - 1) / (1 - c)
    return np.concatenate([g_a, g_d, g_c])


def _oakes_information(setup: _Setup, params: Params) -> Matrix:
    """Observed information of the marginal log-posterior: minus the Jacobian of the exact
    score, by central differences (Oakes' identity, computed numerically)."""
    free = _free(setup, params)
    n_items = params.shape[1]
    jacobian = np.empty((free.size, free.size))
    for k in range(free.size):
        h = 1e-5 * max(1.0, abs(float(free[k])))
        up, down = free.copy(), free.copy()
        up[k] += h
        down[k] -= h
        jacobian[:, k] = (
            _score(setup, _from_free(setup, up, n_items))
            - _score(setup, _from_free(setup, down, n_items))
        ) / (2 * h)
    return -(jacobian + jacobian.T) / 2


def _crossprod_information(setup: _Setup, params: Params) -> Matrix:
    """Sum over persons of the outer product of their score vectors (plus the priors'
    curvature): consistent and cheap (one E-step) but noisier than the observed information."""
    posterior, _ = _posterior(setup, params)
    patterns = setup.patterns
    p, da, dd, dc = _derivatives(setup, params)
    blocks = []
    for derivative in (da, dd, dc):
        # E[(x - P) D | pattern] = x * E[D] - E[P D], over the posterior at each pattern.
        expected_d = posterior @ derivative.T
        expected_pd = posterior @ (p * derivative).T
        blocks.append(patterns.seen * (patterns.right * expected_d - expected_pd))
    if setup.model is Model.RASCH:
        scores = np.column_stack([blocks[0].sum(axis=1), blocks[1]])
    elif setup.model is Model.TWO_PL:
        scores = np.column_stack(blocks[:2])
    else:
        scores = np.column_stack(blocks)
    information = scores.T @ (scores * patterns.counts[:, None])
    return information + _prior_information(setup, params)


def _prior_information(setup: _Setup, params: Params) -> Matrix:
    a, d, c = params
    priors = setup.priors
    _, info_d = _d_prior_terms(priors, d)
    _, info_a = _a_prior_terms(priors, a)
    if setup.model is Model.RASCH:
        return np.diag(np.concatenate([info_a[:1], info_d]))
    diagonal = [info_a, info_d]
    if setup.model is Model.THREE_PL:
        diagonal.append((priors.c_alpha - 1) / c**2 + (priors.c_beta - 1) / (1 - c) ** 2)
    return np.diag(np.concatenate(diagonal))


def _standard_errors(setup: _Setup, params: Params) -> StandardErrors:
    n_items = params.shape[1]
    n_free = _free(setup, params).size
    patterns = setup.patterns
    work = patterns.right.shape[0] * n_items * setup.nodes.size * n_free
    if work <= EXACT_SE_WORK:
        information, method = _oakes_information(setup, params), "oakes"
    else:
        information, method = _crossprod_information(setup, params), "crossprod"
    try:
        covariance = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        covariance = np.full_like(information, np.nan)
    variances = np.diag(covariance).copy()
    variances[variances <= 0] = np.nan
    se = np.sqrt(variances)
    nan = np.full(n_items, np.nan)
    a, d, _ = params
    if setup.model is Model.RASCH:
        se_a, se_d, se_c = np.full(n_items, se[0]), se[1:], nan
        var_a = np.full(n_items, covariance[0, 0])
        cov_ad = covariance[0, 1:]
    else:
        se_a, se_d = se[:n_items], se[n_items : 2 * n_items]
        se_c = se[2 * n_items :] if setup.model is Model.THREE_PL else nan
        var_a = np.diag(covariance)[:n_items]
        cov_ad = np.diag(covariance[:n_items, n_items : 2 * n_items])
    var_d = se_d**2
    # b = -d / a: db/dd = -1/a, db/da = d / a^2.
    var_b = var_d / a**2 + d**2 * var_a / a**4 - 2 * d * cov_ad / a**3
    se_b = np.sqrt(np.where(var_b > 0, var_b, np.nan))
    return StandardErrors(a=se_a, d=se_d, c=se_c, b=se_b, method=method)
