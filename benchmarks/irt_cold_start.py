"""Cold start: how many responses per item calibration needs to beat the authored priors.

    python benchmarks/irt_cold_start.py [--replications 3] [--per-item 10,25,50,100,200,400,800]
                                        [--form 40] [--seed 7]

The bundled bank (pm-core) has no response data, so every item starts from the prior that
:mod:`pmpath.psychometrics.priors` reads from its authored level and difficulty. This script
asks when real answers become worth more than that guess. On the real bank's items:

* **truth**: each item's true difficulty is its prior ``b`` plus an authoring error drawn from
  N(0, 0.6^2) (an author's level-and-difficulty guess is off by about one level), its true
  slope ``a`` is lognormal(0, 0.3) (the prior says 1), no guessing (2PL);
* **learners**: theta ~ N(0, 1); each answers a random form of ``--form`` items of the bank
  (like a mock exam; forms differ, so the response matrix is mostly missing), enough learners
  that each item gets on average R responses;
* **calibration**: MML-EM with the cold-start priors (``calibration_priors``: d ~ N(-b_prior,
  1.5^2), a ~ lognormal(0, 0.5)), and again without priors (pure ML, as mirt does). As in
  ``pmpath bank calibrate``, an item every one of whose answers was right (or wrong) cannot be
  calibrated and keeps its prior; the count is shown;
* **scoring**: 2,000 new learners answer a random 20-item form; their EAP ability is computed
  with the prior parameters, the calibrated ones and the true ones (the floor: what perfect
  parameters would give on 20 items).

For each R the tables give, averaged over the replications, the RMSE against the truth of
``b`` and ``a`` (prior alone, calibrated with priors, calibrated without), the median absolute
error of ``b`` (the RMSE of a ratio ``-d/a`` is dominated by a few extreme items), and the theta
RMSE of the 20-item EAP score. The conclusion lines name the smallest R at which calibration
beats the prior and at which ``b`` is "good" (RMSE below 0.2).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.framework import bundled_framework_path, load_framework
from pmpath.psychometrics.ability import eap
from pmpath.psychometrics.calibration import ItemPriors, calibrate
from pmpath.psychometrics.irt import ItemParameters, Model, probability
from pmpath.psychometrics.priors import calibration_priors, prior_parameters
from pmpath.services.banks import open_bank

Vector = NDArray[np.float64]
#: How far an author's level-and-difficulty guess typically misses the true difficulty.
AUTHORING_ERROR_SD = 0.6
TRUE_LOG_A_SD = 0.3
SCORING_LEARNERS = 2_000
SCORING_FORM = 20
#: EM cycles allowed to the calibration without priors (with priors it converges long before).
PLAIN_CYCLES = 100
#: "Good" difficulties: an RMSE below this.
GOOD_B_RMSE = 0.2


@dataclass
class Row:
    """One replication at one R."""

    learners: int
    b_prior: float
    b_calibrated: float
    b_plain: float
    b_prior_median: float  # median absolute error: RMSE of a ratio -d/a is tail-heavy
    b_calibrated_median: float
    a_prior: float
    a_calibrated: float
    a_plain: float
    plain_converged: bool
    kept_prior: int
    theta_prior: float
    theta_calibrated: float
    theta_true: float
    seconds: float


def rmse(estimate: Vector, truth: Vector) -> float:
    return float(np.sqrt(np.mean((np.asarray(estimate) - truth) ** 2)))


def median_error(estimate: Vector, truth: Vector) -> float:
    return float(np.median(np.abs(np.asarray(estimate) - truth)))


def random_forms(learners: int, items: int, form: int, rng: np.random.Generator) -> Vector:
    """A learners x items mask (1.0 seen, NaN not) of random forms of ``form`` items each."""
    order = np.argsort(rng.random((learners, items)), axis=1)[:, :form]
    mask = np.full((learners, items), np.nan)
    np.put_along_axis(mask, order, 1.0, axis=1)
    return mask


def answers(theta: Vector, truth: ItemParameters, mask: Vector, rng: np.random.Generator) -> Vector:
    chance = probability(theta, truth.a, truth.d)
    return np.where(np.isnan(mask), np.nan, (rng.random(chance.shape) < chance).astype(float))


def with_kept_priors(
    prior: ItemParameters, fitted: ItemParameters, chosen: NDArray[np.intp]
) -> ItemParameters:
    a, d = prior.a.copy(), prior.d.copy()
    a[chosen], d[chosen] = fitted.a, fitted.d
    return ItemParameters(prior.ids, a, d, prior.c, Model.TWO_PL)


def replicate(
    per_item: int,
    form: int,
    prior: ItemParameters,
    priors: ItemPriors,
    rng: np.random.Generator,
) -> Row:
    n = len(prior)
    true_b = prior.b + rng.normal(0.0, AUTHORING_ERROR_SD, n)
    true_a = rng.lognormal(0.0, TRUE_LOG_A_SD, n)
    truth = ItemParameters(prior.ids, true_a, -true_a * true_b, np.zeros(n), Model.TWO_PL)
    learners = round(per_item * n / form)
    responses = answers(
        rng.standard_normal(learners), truth, random_forms(learners, n, form, rng), rng
    )

    # As the service does: an item answered all right or all wrong keeps its prior.
    seen = np.sum(~np.isnan(responses), axis=0)
    right = np.nansum(responses, axis=0)
    chosen = np.flatnonzero((right > 0) & (right < seen))
    ids = [prior.ids[j] for j in chosen]
    start = time.perf_counter()
    informed = calibrate(
        responses[:, chosen],
        ids,
        priors=ItemPriors(
            priors.d_mean[chosen],
            priors.d_sd[chosen],
            priors.log_a_mean[chosen],
            priors.log_a_sd[chosen],
            priors.c_alpha[chosen],
            priors.c_beta[chosen],
        ),
        standard_errors=False,
    )
    seconds = time.perf_counter() - start
    # Without priors thin items run off toward infinite slopes; a cycle cap keeps that cheap.
    plain = calibrate(responses[:, chosen], ids, max_cycles=PLAIN_CYCLES, standard_errors=False)
    calibrated = with_kept_priors(prior, informed.parameters, chosen)
    unaided = with_kept_priors(prior, plain.parameters, chosen)

    # New learners, a random 20-item form each, scored three ways.
    theta = rng.standard_normal(SCORING_LEARNERS)
    scored = answers(theta, truth, random_forms(SCORING_LEARNERS, n, SCORING_FORM, rng), rng)
    return Row(
        learners=learners,
        b_prior=rmse(prior.b, true_b),
        b_calibrated=rmse(calibrated.b, true_b),
        b_plain=rmse(unaided.b, true_b),
        b_prior_median=median_error(prior.b, true_b),
        b_calibrated_median=median_error(calibrated.b, true_b),
        a_prior=rmse(prior.a, true_a),
        a_calibrated=rmse(calibrated.a, true_a),
        a_plain=rmse(unaided.a, true_a),
        plain_converged=plain.converged,
        kept_prior=n - chosen.size,
        theta_prior=rmse(eap(scored, prior).theta, theta),
        theta_calibrated=rmse(eap(scored, calibrated).theta, theta),
        theta_true=rmse(eap(scored, truth).theta, theta),
        seconds=seconds,
    )


def run(
    per_item: tuple[int, ...] = (10, 25, 50, 100, 200, 400, 800),
    replications: int = 3,
    form: int = 40,
    seed: int = 7,
) -> list[str]:
    framework = load_framework(bundled_framework_path())
    bank = open_bank(framework)
    stages = [stage.id for stage in framework.stages]
    prior = prior_parameters(bank.items, stages)
    priors = calibration_priors(bank.items, stages)
    rng = np.random.default_rng(seed)
    lines = [
        f"bank {bank.id}: {len(bank.items)} items; true b = prior b + N(0, {AUTHORING_ERROR_SD}^2),"
        f" true a ~ lognormal(0, {TRUE_LOG_A_SD}); random {form}-item forms, theta ~ N(0, 1);"
        f" mean of {replications} replications",
    ]
    means: dict[int, dict[str, float]] = {}
    flagged: set[int] = set()
    for r in per_item:
        rows = [replicate(r, form, prior, priors, rng) for _ in range(replications)]
        means[r] = {
            field: statistics.fmean(float(getattr(row, field)) for row in rows)
            for field in Row.__dataclass_fields__
        }
        if not all(row.plain_converged for row in rows):
            flagged.add(r)

    lines += [
        "",
        "items: error of the parameters against the truth (prior = authored prior alone;",
        "+prior = calibrated with the cold-start priors; no prior = plain ML)",
        "  R/item  learners |   RMSE of b: prior  +prior  no prior "
        "| median |b error|: prior  +prior |   RMSE of a: prior  +prior  no prior "
        "| kept prior  seconds",
    ]
    for r, m in means.items():
        mark = "*" if r in flagged else " "
        lines.append(
            f"  {r:6d}  {m['learners']:8.0f} |   {m['b_prior']:16.3f}  {m['b_calibrated']:6.3f}"
            f"  {m['b_plain']:8.3f}{mark}| {m['b_prior_median']:23.3f}  "
            f"{m['b_calibrated_median']:6.3f} |   {m['a_prior']:16.3f}  {m['a_calibrated']:6.3f}"
            f"  {m['a_plain']:8.3f}{mark}| {m['kept_prior']:10.1f}  {m['seconds']:7.2f}"
        )
    if flagged:
        lines.append(
            f"  * plain ML hit its {PLAIN_CYCLES}-cycle limit (items diverging) in some replication"
        )
    lines += [
        "",
        f"scores: theta RMSE of EAP on a random {SCORING_FORM}-item form, {SCORING_LEARNERS} new"
        " learners, with each set of parameters",
        "  R/item | prior params  calibrated  true params",
    ]
    for r, m in means.items():
        lines.append(
            f"  {r:6d} | {m['theta_prior']:12.3f}  {m['theta_calibrated']:10.3f}"
            f"  {m['theta_true']:11.3f}"
        )
    lines.append("")
    lines += conclusions(means)
    return lines


def conclusions(means: dict[int, dict[str, float]]) -> list[str]:
    def first(test: str, condition: Callable[[dict[str, float]], bool]) -> str:
        found = [r for r, m in means.items() if condition(m)]
        if not found:
            return f"{test}: not within R <= {max(means)}"
        return f"{test}: from R = {min(found)} responses per item"

    return [
        first("calibrated b beats the authored prior", lambda m: m["b_calibrated"] < m["b_prior"]),
        first(
            "calibrated b's median error beats the prior's",
            lambda m: m["b_calibrated_median"] < m["b_prior_median"],
        ),
        first("calibrated a beats the prior slope 1", lambda m: m["a_calibrated"] < m["a_prior"]),
        first(
            "20-item scores beat scoring with the priors",
            lambda m: m["theta_calibrated"] < m["theta_prior"],
        ),
        first(f"b is good (RMSE < {GOOD_B_RMSE})", lambda m: m["b_calibrated"] < GOOD_B_RMSE),
        first(
            "scores within 0.02 of perfect parameters",
            lambda m: m["theta_calibrated"] - m["theta_true"] < 0.02,
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument(
        "--per-item",
        default="10,25,50,100,200,400,800",
        help="average responses per item to simulate, comma-separated",
    )
    parser.add_argument("--form", type=int, default=40, help="items per learner's form")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    per_item = tuple(int(value) for value in args.per_item.split(","))
    start = time.perf_counter()
    for line in run(per_item, args.replications, args.form, args.seed):
        print(line)
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
