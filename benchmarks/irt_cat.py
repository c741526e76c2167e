"""Adaptive testing: pmpath's CAT engine against catsim's, and a CAT against a fixed form.

    python benchmarks/irt_cat.py [--bank-size 10000] [--simulees 200] [--seed 7]

The bank is a simulated 2PL: a ~ lognormal(0, 0.25), b ~ N(0, 1) (so d = -a b), no guessing,
four domains in turn (no content balancing here). Simulees have theta ~ N(0, 1). Every
simulee's answer to every item is fixed up front (one uniform per simulee and item: right when
the uniform is below P(theta, item)), so both engines, and the fixed forms, meet the same
"world" of responses.

1. One adaptive step on the bank, pmpath vs catsim 0.21, both starting at theta 0 and stopping at
   SE <= 0.3 or 40 items:
   * pmpath: ``AdaptiveTest.next_item`` (stop rules, then maximum information at the EAP
     estimate) plus ``AdaptiveTest.answer`` (incremental EAP on a 61-point grid, N(0, 1) prior);
     its SE is the posterior SD;
   * catsim: ``MaxInfoSelector.select`` plus ``NumericalSearchEstimator.estimate`` (maximum
     likelihood by bounded Brent search, Dodd's heuristic while all answers agree); its SE,
     1 / sqrt(test information at the estimate) as in catsim's ``MinErrorStopper``, is computed
     outside the timed region, which only flatters catsim.
   Prints the mean time per step of each, the speed ratio, and the mean length, RMSE and bias of
   theta each reaches.
2. CAT efficiency: the mean number of items pmpath's CAT needs to reach SE <= 0.3, and the RMSE
   of EAP on random fixed forms of that length (and of two and four times that length), drawn
   afresh for each simulee from the same bank.
Also: the time to rebuild a 20-answer test from its stored dict, what the web app does per
request.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.cat import AdaptiveTest, CatConfig, ItemPool
from pmpath.psychometrics.irt import ItemParameters, Model, probability

DOMAINS = ("strategy", "discovery", "delivery", "analytics")
SE_TARGET = 0.3
MAX_ITEMS = 40


@dataclass
class Outcome:
    """Per-simulee results of one engine."""

    estimates: list[float]
    lengths: list[int]
    step_seconds: float  # total time inside the timed steps
    steps: int

    def rmse(self, truth: NDArray[np.float64]) -> float:
        return float(np.sqrt(np.mean((np.array(self.estimates) - truth) ** 2)))

    def bias(self, truth: NDArray[np.float64]) -> float:
        return float(np.mean(np.array(self.estimates) - truth))

    @property
    def microseconds_per_step(self) -> float:
        return self.step_seconds / self.steps * 1e6


def simulated_bank(n: int, rng: np.random.Generator) -> ItemParameters:
    a = rng.lognormal(0.0, 0.25, n)
    b = rng.normal(0.0, 1.0, n)
    ids = tuple(f"item-{k}" for k in range(n))
    return ItemParameters(ids, a, -a * b, np.zeros(n), Model.TWO_PL)


def pmpath_test(pool: ItemPool, correct: NDArray[np.bool_], seed: int, into: Outcome) -> None:
    """One simulee's CAT with pmpath, adding its step times and result to ``into``."""
    config = CatConfig(se_target=SE_TARGET, min_items=1, max_items=MAX_ITEMS)
    test = AdaptiveTest(pool, config, seed=seed)
    while True:
        start = time.perf_counter()
        item = test.next_item()
        if item is None:
            break
        middle = time.perf_counter()
        response = int(correct[pool.order[pool.index_of[item]]])  # outside the timed step
        resumed = time.perf_counter()
        test.answer(item, response)
        into.step_seconds += (middle - start) + (time.perf_counter() - resumed)
        into.steps += 1
    into.estimates.append(test.estimate.theta)
    into.lengths.append(test.estimate.items)


class CatsimEngine:
    """catsim's maximum-information selector and numerical-search ML estimator on the bank."""

    def __init__(self, parameters: ItemParameters) -> None:
        from catsim import irt as catsim_irt
        from catsim.estimation import NumericalSearchEstimator
        from catsim.item_bank import ItemBank
        from catsim.selection import MaxInfoSelector

        n = len(parameters)
        items = np.column_stack([parameters.a, parameters.b, np.zeros(n), np.ones(n)])
        self.bank = ItemBank(items)
        self.selector, self.estimator = MaxInfoSelector(), NumericalSearchEstimator()
        self.see = catsim_irt.see

    def test(self, correct: NDArray[np.bool_], into: Outcome) -> None:
        """One simulee's CAT with catsim, adding its step times and result to ``into``."""
        theta = 0.0
        administered: list[int] = []
        responses: list[bool] = []
        while len(administered) < MAX_ITEMS:
            start = time.perf_counter()
            item = self.selector.select(
                item_bank=self.bank, administered_items=administered, est_theta=theta
            )
            assert item is not None
            middle = time.perf_counter()
            administered.append(int(item))
            responses.append(bool(correct[int(item)]))
            resumed = time.perf_counter()
            theta = self.estimator.estimate(
                item_bank=self.bank,
                administered_items=administered,
                response_vector=responses,
                est_theta=theta,
            )
            into.step_seconds += (middle - start) + (time.perf_counter() - resumed)
            into.steps += 1
            # catsim's MinErrorStopper criterion, outside the timed step
            if self.see(theta, self.bank.get_items(administered)) <= SE_TARGET:
                break
        into.estimates.append(float(theta))
        into.lengths.append(len(administered))


def fixed_form_rmse(
    pool: ItemPool,
    correct: NDArray[np.bool_],
    truth: NDArray[np.float64],
    length: int,
    rng: np.random.Generator,
) -> float:
    """RMSE of EAP (same grid and prior as the CAT) on random forms of ``length`` items."""
    config = CatConfig(se_target=0.0, min_items=length, max_items=length)
    estimates = []
    for s in range(correct.shape[0]):
        test = AdaptiveTest(pool, config)
        for j in rng.choice(len(pool), size=length, replace=False):
            test.record(int(j), int(correct[s, pool.order[j]]))
        estimates.append(test.estimate.theta)
    return float(np.sqrt(np.mean((np.array(estimates) - truth) ** 2)))


def rebuild_seconds(pool: ItemPool, answers: int, runs: int = 50) -> float:
    test = AdaptiveTest(pool, CatConfig(se_target=0.0), seed=1)
    for k in range(answers):
        item = test.next_item()
        assert item is not None
        test.answer(item, k % 2)
    state = test.to_dict()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        AdaptiveTest.from_dict(pool, state).next_item()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(bank_size: int = 10_000, simulees: int = 200, seed: int = 7) -> list[str]:
    rng = np.random.default_rng(seed)
    parameters = simulated_bank(bank_size, rng)
    domains = [DOMAINS[k % len(DOMAINS)] for k in range(bank_size)]
    truth = rng.standard_normal(simulees)
    chance = probability(truth, parameters.a, parameters.d)
    correct = rng.random(chance.shape) < chance

    start = time.perf_counter()
    pool = ItemPool(parameters, domains)
    prepare = time.perf_counter() - start
    try:
        catsim: CatsimEngine | None = CatsimEngine(parameters)
    except ImportError:
        catsim = None
    ours = Outcome([], [], 0.0, 0)
    theirs = Outcome([], [], 0.0, 0) if catsim is not None else None
    # Simulee by simulee, one engine then the other: a busy machine slows both alike.
    for s in range(simulees):
        pmpath_test(pool, correct[s], s, ours)
        if catsim is not None and theirs is not None:
            catsim.test(correct[s], theirs)

    lines = [
        f"bank: {bank_size} simulated 2PL items; {simulees} simulees, theta ~ N(0, 1); "
        f"stop at SE <= {SE_TARGET} or {MAX_ITEMS} items",
        f"prepare the pool (once per bank):    {prepare * 1000:9.2f} ms",
        "one adaptive step (estimate + select), mean over all steps:",
        f"  pmpath EAP + max-info:             {ours.microseconds_per_step:9.1f} us"
        f"  ({ours.steps} steps)",
    ]
    if theirs is None:
        lines.append("  catsim: not importable (pip install -e '.[dev]'); no comparison")
    else:
        ratio = theirs.microseconds_per_step / ours.microseconds_per_step
        lines += [
            f"  catsim ML (Brent) + MaxInfoSelector: {theirs.microseconds_per_step:7.1f} us"
            f"  ({theirs.steps} steps)",
            f"  speed ratio catsim / pmpath:       {ratio:9.1f} x  (target >= 20 x)",
        ]
    lines.append("accuracy with that stop rule (same simulees, same responses):")
    engines = [("pmpath", ours)] + ([("catsim", theirs)] if theirs is not None else [])
    for name, outcome in engines:
        lines.append(
            f"  {name}: mean length {statistics.fmean(outcome.lengths):5.2f} items,"
            f" RMSE {outcome.rmse(truth):.3f}, bias {outcome.bias(truth):+.3f}"
        )

    length = round(statistics.fmean(ours.lengths))
    lines.append(
        f"CAT efficiency: {statistics.fmean(ours.lengths):.2f} items on average to reach "
        f"SE <= {SE_TARGET}; CAT RMSE {ours.rmse(truth):.3f}"
    )
    form_rng = np.random.default_rng(seed + 1)
    for multiple in (1, 2, 4):
        rmse = fixed_form_rmse(pool, correct, truth, multiple * length, form_rng)
        lines.append(
            f"  random fixed form of {multiple * length:3d} items, EAP: RMSE {rmse:.3f}"
            f"  (ratio to CAT {rmse / ours.rmse(truth):.2f})"
        )
    lines.append(
        f"rebuild a 20-answer test from its dict and pick the next item (median): "
        f"{rebuild_seconds(pool, 20) * 1000:.3f} ms"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank-size", type=int, default=10_000)
    parser.add_argument("--simulees", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for line in run(args.bank_size, args.simulees, args.seed):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
