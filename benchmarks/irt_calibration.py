"""2PL calibration speed and parameter recovery against the Python peers.

    python benchmarks/irt_calibration.py [--persons 20000] [--items 100] [--seed 7]

Simulates 2PL responses (slopes a ~ lognormal(0, 0.3), intercepts d ~ N(0, 1), abilities
theta ~ N(0, 1), complete data), then times in the same process:

* pmpath's ``calibrate`` (61-node grid, tolerance 1e-4, no standard errors), median of 3 runs;
* the mirt package's ``fit_mirt(model="2PL", n_quadpts=61)`` (Rust backend, no standard
  errors), once;
* girth's ``twopl_mml`` (its default quadrature), once.

Each line gives seconds and the recovery RMSE of the slopes a and difficulties b = -d/a. The
last line is the speed-up over the fastest peer whose RMSE on both a and b is within 5% of
pmpath's (a peer that is faster only by being less accurate does not count).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from pmpath.psychometrics.calibration import calibrate

Vector = NDArray[np.float64]
#: A peer "reaches" pmpath's accuracy when its RMSE is at most this factor above pmpath's.
MARGIN = 1.05


def simulate(persons: int, items: int, seed: int) -> tuple[NDArray[np.float64], Vector, Vector]:
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 0.3, items)
    d = rng.normal(0.0, 1.0, items)
    theta = rng.normal(0.0, 1.0, persons)
    p = 1.0 / (1.0 + np.exp(-(np.outer(theta, a) + d)))
    return (rng.random((persons, items)) < p).astype(np.float64), a, -d / a


def rmse(estimate: Vector, truth: Vector) -> float:
    return float(np.sqrt(np.mean((np.asarray(estimate) - truth) ** 2)))


def timed(action: Callable[[], tuple[Vector, Vector]]) -> tuple[float, Vector, Vector]:
    start = time.perf_counter()
    a, b = action()
    return time.perf_counter() - start, a, b


def run(persons: int = 20_000, items: int = 100, seed: int = 7) -> list[str]:
    responses, true_a, true_b = simulate(persons, items, seed)
    ids = [f"q{j}" for j in range(items)]
    lines = [f"2PL, {persons} persons x {items} items, complete data, seed {seed}"]

    def ours() -> tuple[Vector, Vector]:
        parameters = calibrate(responses, ids, standard_errors=False).parameters
        return parameters.a, parameters.b

    runs = [timed(ours) for _ in range(3)]
    seconds = statistics.median(r[0] for r in runs)
    _, a, b = runs[0]
    results: dict[str, tuple[float, float, float]] = {
        "pmpath": (seconds, rmse(a, true_a), rmse(b, true_b))
    }

    try:
        import mirt

        def peer_mirt() -> tuple[Vector, Vector]:
            fit = mirt.fit_mirt(
                responses.astype(np.int64), "2PL", n_quadpts=61, compute_standard_errors=False
            )
            return fit.model.parameters["discrimination"], fit.model.parameters["difficulty"]

        seconds, a, b = timed(peer_mirt)
        results["mirt 61 nodes"] = (seconds, rmse(a, true_a), rmse(b, true_b))
    except ImportError:
        lines.append("mirt: not installed")
    try:
        import girth

        def peer_girth() -> tuple[Vector, Vector]:
            fit = girth.twopl_mml(responses.T.astype(np.int64))
            return fit["Discrimination"], fit["Difficulty"]

        seconds, a, b = timed(peer_girth)
        results["girth twopl_mml"] = (seconds, rmse(a, true_a), rmse(b, true_b))
    except ImportError:
        lines.append("girth: not installed")

    for name, (seconds, rmse_a, rmse_b) in results.items():
        lines.append(f"{name:16} {seconds:8.2f} s   RMSE a {rmse_a:.4f}   RMSE b {rmse_b:.4f}")
    ours_seconds, ours_a, ours_b = results.pop("pmpath")
    reaching = [
        seconds
        for seconds, rmse_a, rmse_b in results.values()
        if rmse_a <= ours_a * MARGIN and rmse_b <= ours_b * MARGIN
    ]
    if reaching:
        lines.append(
            f"fastest peer within {MARGIN - 1:.0%} of pmpath's RMSE: "
            f"{min(reaching) / ours_seconds:.1f}x pmpath's time"
        )
    else:
        lines.append("no peer reached pmpath's RMSE")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for line in run(args.persons, args.items, args.seed):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
