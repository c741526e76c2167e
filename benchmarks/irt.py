"""IRT benchmarks in one run: calibration against mirt and girth, adaptive testing against catsim.

    python benchmarks/irt.py [--quick] [--seed 7]

Runs ``benchmarks/irt_calibration.py`` (2PL calibration of 20,000 persons x 100 items: seconds
and recovery RMSE of pmpath, the mirt package and girth, and the speed-up over the fastest peer
at pmpath's accuracy) and ``benchmarks/irt_cat.py`` (one adaptive step on a 10,000-item bank,
pmpath against catsim at SE <= 0.3 or 40 items, then CAT efficiency against random fixed forms),
and prints their lines under a heading each, with the wall time of each part. ``--quick`` uses
smaller sizes (5,000 x 50 for calibration; a 2,000-item bank and 50 simulees for the CAT): a
smoke run whose ratios are not the issue's targets.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The sibling scripts are modules of this folder, not of the installed package.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import irt_calibration
import irt_cat

FULL = {"persons": 20_000, "items": 100, "bank_size": 10_000, "simulees": 200}
QUICK = {"persons": 5_000, "items": 50, "bank_size": 2_000, "simulees": 50}


def section(title: str, produce: Callable[[], list[str]]) -> None:
    print(f"== {title} ==")
    start = time.perf_counter()
    # Peers may print as they run (catsim prints a blank line); only the run's lines show.
    with contextlib.redirect_stdout(io.StringIO()):
        lines = produce()
    for line in lines:
        print(f"  {line}")
    print(f"  ({time.perf_counter() - start:.1f} s)")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    print(f"IRT benchmarks ({'quick' if args.quick else 'full'} sizes, seed {args.seed})")
    print()
    section(
        f"Calibration: 2PL, {sizes['persons']} persons x {sizes['items']} items",
        lambda: irt_calibration.run(sizes["persons"], sizes["items"], args.seed),
    )
    section(
        f"Adaptive testing: {sizes['bank_size']}-item bank, {sizes['simulees']} simulees",
        lambda: irt_cat.run(sizes["bank_size"], sizes["simulees"], args.seed),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
