"""How the adaptive placement test behaves on the bundled bank before any calibration.

    python benchmarks/placement_test.py [--learners 1000] [--seed 7]

Simulated learners (theta ~ N(0, 1)) answer with the chances the authored priors give, under
the product's own placement configuration (PsychometricsService: randomesque k = 3, content
balanced over every domain, at least 24 items, SE <= 0.3, at most 48). Prints the mean length,
the share of each stop reason, the theta RMSE and the largest share of learners shown one
item, with the time per adaptive step.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from pmpath.framework import bundled_framework_path, load_framework
from pmpath.psychometrics.cat import simulate
from pmpath.psychometrics.priors import prior_parameters
from pmpath.services.banks import open_bank
from pmpath.services.placement import placement_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    framework = load_framework(bundled_framework_path())
    bank = open_bank(framework)
    parameters = prior_parameters(bank.items, [stage.id for stage in framework.stages])
    rng = np.random.default_rng(args.seed)
    thetas = rng.normal(size=args.learners)
    began = time.perf_counter()
    result = simulate(
        parameters,
        [item.domain for item in bank.items],
        thetas,
        placement_config(bank),
        rng,
    )
    seconds = time.perf_counter() - began
    steps = int(result.lengths.sum())
    print(f"{args.learners} simulated learners, bundled bank ({len(bank.items)} items), priors")
    print(
        f"mean length {result.mean_length:.1f} items (min {result.lengths.min()}, "
        f"max {result.lengths.max()})"
    )
    shares = ", ".join(
        f"{reason.value} {share:.0%}" for reason, share in result.reason_shares().items() if share
    )
    print(f"stopped by: {shares}")
    print(f"theta RMSE {result.rmse:.3f}, bias {result.bias:+.3f}")
    print(f"largest share of learners shown one item: {result.max_exposure:.0%}")
    print(f"{steps} adaptive steps in {seconds:.2f} s: {seconds / steps * 1e6:.0f} us per step")


if __name__ == "__main__":
    main()
